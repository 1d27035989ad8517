"""Words for the collections pages: intended uses as nouns, visibility, text styles, states.

English message ids marked with ``N_``, translated where shown (Japanese in
``locale/ja/LC_MESSAGES/messages.po``). The answers, reasons and conditions of
each item reuse the rights panel's labels (:class:`~tsunagu.site.labels.Labeller`).
"""

from __future__ import annotations

from tsunagu.collections import ItemState, TextStyle, Visibility
from tsunagu.site.i18n import N_
from tsunagu.site.labels import Labeller
from tsunagu.uses import IntendedUse

INTENDED_USE_NAMES: dict[str, str] = {
    IntendedUse.CLASS_HANDOUT: N_("Class handout"),
    IntendedUse.CLASS_WEBSITE: N_("Class website"),
    IntendedUse.PRINTED_MATERIAL: N_("Printed material"),
    IntendedUse.MODIFIED_WORK: N_("Modified or remixed work"),
    IntendedUse.COMMERCIAL_PUBLICATION: N_("Commercial publication"),
}
VISIBILITY_LABELS: dict[str, str] = {
    Visibility.PRIVATE: N_("Private: only you"),
    Visibility.UNLISTED: N_("Unlisted: anyone with the link"),
    Visibility.PUBLIC: N_("Public: listed in the gallery"),
}
STYLE_LABELS: dict[str, str] = {
    TextStyle.HEADING: N_("Heading"),
    TextStyle.QUESTION: N_("Question for students"),
    TextStyle.PARAGRAPH: N_("Paragraph"),
}
STATE_LABELS: dict[str, str] = {
    ItemState.YES: N_("Usable"),
    ItemState.WITH_CONDITIONS: N_("Usable with conditions"),
    ItemState.NO: N_("Not allowed for this use"),
    ItemState.ASK_INSTITUTION: N_("Needs permission — ask the institution"),
    ItemState.UNAVAILABLE: N_("No longer available"),
}


class CollectionLabels:
    """The collections' labels in the request's language (``labels`` does the rest)."""

    def __init__(self, labels: Labeller) -> None:
        self._labels = labels

    def _text(self, table: dict[str, str], key: str) -> str:
        message = table.get(key)
        return self._labels.gettext(message) if message else key

    def use(self, use: str) -> str:
        return self._text(INTENDED_USE_NAMES, use)

    def visibility(self, visibility: str) -> str:
        return self._text(VISIBILITY_LABELS, visibility)

    def style(self, style: str) -> str:
        return self._text(STYLE_LABELS, style)

    def state(self, state: str) -> str:
        return self._text(STATE_LABELS, state)

    def language(self, lang: str) -> str:
        """``ja`` → 日本語 / Japanese (Babel's names, no message needed)."""
        return self._labels.language(lang)
