"""The interface languages: message catalogs and choosing a language per request.

Catalogs are the gettext ``.po`` files under ``locale/<lang>/LC_MESSAGES/``;
they are compiled in memory with Babel when the app starts, so there is no
``.mo`` build step. Message ids are English; ``en/messages.po`` may leave a
``msgstr`` empty (the id is then shown as it is).

The language of a request is, first match wins: the ``tsunagu_lang`` cookie set
by the language switch, the ``Accept-Language`` header, the configured default.

Adding a message:

1. write it in English where it is shown: ``{{ _("Open at %(name)s", name=x) }}`` in
   a template (new-style gettext: always ``%(name)s`` placeholders, ``%%`` for a
   literal percent sign), or ``N_("…")`` in Python, translated where shown;
2. ``pybabel extract -F tsunagu/site/babel.cfg -o /tmp/messages.pot tsunagu/site``
   then ``pybabel update -i /tmp/messages.pot -d tsunagu/site/locale
   --no-fuzzy-matching`` (or add the ``msgid``/``msgstr`` pair by hand);
3. fill in the Japanese ``msgstr`` in ``locale/ja/LC_MESSAGES/messages.po``.
   ``tests/site/test_i18n.py`` fails while a message has no Japanese text.
"""

from __future__ import annotations

import gettext
import io
import logging
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("ja", "en")
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
LANGUAGE_COOKIE = "tsunagu_lang"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_LANGUAGE_RANGE = re.compile(r"^([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*$|^\*$")


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def load_translations(lang: str, locale_dir: Path = LOCALE_DIR) -> gettext.GNUTranslations:
    """Read ``<locale_dir>/<lang>/LC_MESSAGES/messages.po`` and compile it in memory."""
    path = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    logger.debug("loaded %d messages for %s from %s", len(catalog), lang, path)
    return translations


class Catalogs:
    """One compiled catalog per supported language, loaded once."""

    def __init__(
        self, default_language: str = "ja", locale_dir: Path = LOCALE_DIR
    ) -> None:
        if default_language not in SUPPORTED_LANGUAGES:
            raise ValueError(
                f"default language must be one of {SUPPORTED_LANGUAGES}, not {default_language!r}"
            )
        self.default_language = default_language
        self._translations = {
            lang: load_translations(lang, locale_dir) for lang in SUPPORTED_LANGUAGES
        }

    def translations(self, lang: str) -> gettext.GNUTranslations:
        return self._translations[lang]

    def gettext(self, lang: str, message: str) -> str:
        return self._translations[lang].gettext(message)

    def negotiate(self, cookie: str | None, accept_language: str | None) -> str:
        """The language for a request (cookie, then ``Accept-Language``, then default)."""
        if cookie in SUPPORTED_LANGUAGES:
            return cookie
        for lang in parse_accept_language(accept_language or ""):
            if lang in SUPPORTED_LANGUAGES:
                return lang
        return self.default_language


def parse_accept_language(header: str) -> list[str]:
    """Primary language subtags from an ``Accept-Language`` header, best first.

    ``"en-GB;q=0.8, ja"`` → ``["ja", "en"]``. Ranges with ``q=0`` and malformed
    items are dropped; ``*`` is dropped too (the default language covers it).
    """
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:32]):
        parts = [part.strip() for part in item.split(";")]
        tag = parts[0]
        if not tag or not _LANGUAGE_RANGE.match(tag) or tag == "*":
            continue
        quality = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0.0:
            continue
        weighted.append((-quality, position, tag.split("-")[0].lower()))
    seen: list[str] = []
    for _, _, lang in sorted(weighted):
        if lang not in seen:
            seen.append(lang)
    return seen
