"""Words shown for the controlled values: sectors, object types, reuse levels, licences.

Every label here is an English message id marked with ``N_``; it is translated
where it is shown (templates and JSON ``label`` keys), with the Japanese text in
``locale/ja/LC_MESSAGES/messages.po``. Reuse wording follows ``rights.md`` §3.2;
RightsStatements.org labels follow ``rights.md`` §1.2.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping

from babel import Locale, UnknownLocaleError

from tsunagu.records import ObjectType, Record, ReuseLevel, RightsMethod, RightsOrigin, Sector
from tsunagu.site.i18n import N_
from tsunagu.site.rights_panel import RightsPanel, build_rights_panel
from tsunagu.uses import Answer, IntendedUse

FACET_NAMES: dict[str, str] = {
    "sector": N_("Kind of institution"),
    "provider": N_("Provider"),
    "type": N_("Type of material"),
    "reuse": N_("Re-use"),
    "prefecture": N_("Prefecture"),
    "period": N_("Period"),
    "use": N_("Permitted use"),
    "image": N_("Image"),
    "language": N_("Language"),
    "licence": N_("Licence"),
}

# The search facets "permitted use" (rights.md §3.5), "image" and "period".
PERMITTED_USE_LABELS: dict[str, str] = {
    "commercial": N_("Commercial use allowed"),
    "modify": N_("Changes allowed"),
    "no_attribution": N_("No credit needed"),
    "education": N_("Usable in class"),
    "online": N_("Can be published online"),
}
IMAGE_LABELS: dict[str, str] = {"yes": N_("With image"), "no": N_("Without image")}
PERIOD_LABELS: dict[str, str] = {
    "jomon": N_("Jōmon period"),
    "yayoi": N_("Yayoi period"),
    "kofun": N_("Kofun period"),
    "asuka": N_("Asuka period"),
    "nara": N_("Nara period"),
    "heian": N_("Heian period"),
    "kamakura": N_("Kamakura period"),
    "nanbokucho": N_("Nanboku-chō period"),
    "muromachi": N_("Muromachi period"),
    "sengoku": N_("Sengoku period"),
    "azuchi_momoyama": N_("Azuchi-Momoyama period"),
    "edo": N_("Edo period"),
    "meiji": N_("Meiji era"),
    "taisho": N_("Taishō era"),
    "showa": N_("Shōwa era"),
    "heisei": N_("Heisei era"),
    "reiwa": N_("Reiwa era"),
}
SORT_LABELS: dict[str, str] = {
    "relevance": N_("Best match"),
    "date": N_("Oldest first"),
    "date_desc": N_("Newest first"),
    "title": N_("Title"),
    "reuse": N_("Most reusable first"),
}

SECTOR_LABELS: dict[str, str] = {
    Sector.LIBRARY: N_("Library"),
    Sector.MUSEUM: N_("Museum"),
    Sector.ARCHIVE: N_("Archive"),
    Sector.RESEARCH_REPOSITORY: N_("Research repository"),
    Sector.BROADCAST_MEDIA: N_("Broadcasting"),
    Sector.MEDIA_ARTS: N_("Media arts"),
    Sector.GOVERNMENT: N_("Government"),
    Sector.OTHER: N_("Other institution"),
}

TYPE_LABELS: dict[str, str] = {
    ObjectType.IMAGE: N_("Image"),
    ObjectType.TEXT: N_("Text"),
    ObjectType.SOUND: N_("Sound"),
    ObjectType.MOVING_IMAGE: N_("Moving image"),
    ObjectType.PHYSICAL_OBJECT: N_("Physical object"),
    ObjectType.DATASET: N_("Dataset"),
    ObjectType.COLLECTION: N_("Collection"),
    ObjectType.SOFTWARE: N_("Software"),
    ObjectType.INTERACTIVE_RESOURCE: N_("Interactive resource"),
    ObjectType.OTHER: N_("Other material"),
}

REUSE_LABELS: dict[str, str] = {
    ReuseLevel.OPEN: N_("Free to re-use"),
    ReuseLevel.CONDITIONAL: N_("Re-use with conditions"),
    ReuseLevel.EDUCATION: N_("Educational use only"),
    ReuseLevel.NO_REUSE: N_("Permission required"),
    ReuseLevel.UNKNOWN: N_("Re-use conditions unknown — check with the institution"),
}

REUSE_EXPLANATIONS: dict[str, str] = {
    ReuseLevel.OPEN: N_(
        "You may copy, change and use it, also commercially; give credit where the licence"
        " asks for it."
    ),
    ReuseLevel.CONDITIONAL: N_(
        "You may re-use it under the licence's conditions (for example non-commercial only"
        " or no changes). Read the licence."
    ),
    ReuseLevel.EDUCATION: N_(
        "You may use it for education without asking; other uses need the rights holder's"
        " permission."
    ),
    ReuseLevel.NO_REUSE: N_(
        "Beyond what copyright law allows, ask the rights holder for permission first."
    ),
    ReuseLevel.UNKNOWN: N_(
        "Nothing we could read says how it may be re-used. Ask the institution before"
        " re-using it."
    ),
}

# RightsStatements.org (rights.md §1.2) and the other non-CC codes of rights.md §3.1.
LICENCE_LABELS: dict[str, str] = {
    "RS-InC": N_("In Copyright"),
    "RS-InC-OW-EU": N_("In Copyright – EU Orphan Work"),
    "RS-InC-EDU": N_("In Copyright – Educational Use Permitted"),
    "RS-InC-NC": N_("In Copyright – Non-Commercial Use Permitted"),
    "RS-InC-RUU": N_("In Copyright – Rights-holder(s) Unlocatable or Unidentifiable"),
    "RS-NoC-CR": N_("No Copyright – Contractual Restrictions"),
    "RS-NoC-NC": N_("No Copyright – Non-Commercial Use Only"),
    "RS-NoC-OKLR": N_("No Copyright – Other Known Legal Restrictions"),
    "RS-NoC-US": N_("No Copyright – United States"),
    "RS-CNE": N_("Copyright Not Evaluated"),
    "RS-UND": N_("Copyright Undetermined"),
    "RS-NKC": N_("No Known Copyright"),
    "CC0-1.0": N_("CC0 1.0 (public domain dedication)"),
    "PDM-1.0": N_("Public Domain Mark 1.0"),
    "JP-PDL-1.0": N_("Public Data License 1.0 (Japan)"),
    "JP-GSTU-2.0": N_("Government of Japan Standard Terms of Use 2.0"),
    "JP-GSTU-1.0": N_("Government of Japan Standard Terms of Use 1.0"),
    "JP-GSTU": N_("Government of Japan Standard Terms of Use (version not stated)"),
    "JP-FUM-COPY": N_("Free Use Mark: print-out, copy and free distribution"),
    "JP-FUM-DISABLED": N_("Free Use Mark: non-commercial use for people with disabilities"),
    "JP-FUM-SCHOOL": N_("Free Use Mark: non-commercial use in school education"),
    "CUSTOM": N_("The institution's own terms"),
    "UNKNOWN": N_("Not stated"),
}

_CC_CODE = re.compile(r"^CC-(BY(?:-NC)?(?:-ND|-SA)?)(?:-(\d\.\d))?(?:-([A-Z]{2}))?$")


def facet_value_label(facet: str, value: str) -> str | None:
    """The message id for a controlled facet value (``None`` for providers)."""
    table = {
        "sector": SECTOR_LABELS,
        "type": TYPE_LABELS,
        "reuse": REUSE_LABELS,
        "use": PERMITTED_USE_LABELS,
        "image": IMAGE_LABELS,
        "period": PERIOD_LABELS,
    }.get(facet)
    if table is None:
        return None
    return table.get(value)


def licence_message(code: str) -> str | None:
    """The message id naming a non-CC canonical code, ``None`` when there is none."""
    return LICENCE_LABELS.get(code)


def cc_licence_name(code: str) -> str | None:
    """``CC-BY-NC-SA-2.1-JP`` → ``CC BY-NC-SA 2.1 JP`` (licence names are not translated)."""
    match = _CC_CODE.match(code)
    if match is None:
        return None
    elements, version, port = match.groups()
    return " ".join(part for part in ("CC", elements, version, port) if part)


RIGHTS_METHOD_LABELS: dict[str, str] = {
    RightsMethod.URI: N_("from a licence or rights statement URI"),
    RightsMethod.CODE: N_("from a rights code"),
    RightsMethod.RULE: N_("from the wording of the statement, by rule"),
    RightsMethod.SOURCE_DEFAULT: N_("from the institution's default for this collection"),
    RightsMethod.MANUAL: N_("checked by a person"),
    RightsMethod.NONE: N_("no statement could be read"),
}

RIGHTS_ORIGIN_LABELS: dict[str, str] = {
    RightsOrigin.MEDIA: N_("stated for the image or file itself"),
    RightsOrigin.ITEM: N_("stated in the record"),
    RightsOrigin.SOURCE_DEFAULT: N_("the institution's default for this collection"),
    RightsOrigin.NONE: N_("nothing was stated"),
}

# The panel "What may I do with this?" (tsunagu.uses).
USE_LABELS: dict[str, str] = {
    IntendedUse.CLASS_HANDOUT: N_("Print it as a class handout"),
    IntendedUse.CLASS_WEBSITE: N_("Put it on a class website"),
    IntendedUse.PRINTED_MATERIAL: N_("Use it in printed material"),
    IntendedUse.MODIFIED_WORK: N_("Change it or make a new work from it"),
    IntendedUse.COMMERCIAL_PUBLICATION: N_("Use it commercially"),
}
ANSWER_LABELS: dict[str, str] = {
    Answer.YES: N_("Yes"),
    Answer.WITH_CONDITIONS: N_("Yes, with conditions"),
    Answer.NO: N_("No"),
    Answer.ASK_INSTITUTION: N_("Ask the institution"),
}
USE_REASON_LABELS: dict[str, str] = {
    "public_domain": N_("It is in the public domain."),
    "licence_allows": N_("The licence allows it."),
    "terms_allow_with_conditions": N_("The terms allow it on conditions."),
    "not_commercial": N_("The terms allow non-commercial use only."),
    "no_modification": N_("The terms do not allow changes."),
    "not_online": N_("The terms do not allow publishing it online."),
    "education_only": N_("The terms allow educational use only."),
    "permission_required": N_("It is in copyright: the rights holder's permission is needed."),
    "rights_unknown": N_("We could not read the terms of use."),
    "not_stated": N_("The terms do not say whether this is allowed."),
}
USE_CONDITION_LABELS: dict[str, str] = {
    "attribution": N_("give credit"),
    "share_alike": N_("share changes under the same licence"),
    "non_commercial": N_("non-commercial only"),
    "no_modification": N_("no changes"),
    "not_online": N_("not online"),
    "education_only": N_("for education only"),
    "indicate_changes": N_("say what you changed"),
    "other_restrictions": N_("other restrictions apply"),
    "check_terms": N_("check the institution's terms"),
}
USE_NOTE_LABELS: dict[str, str] = {
    "art35": N_(
        "Copyright Act Art. 35 lets schools copy published works for a class within necessary"
        " limits (online delivery needs the SARTRAS fee). It is an exception in law, not a"
        " permission from the institution."
    ),
}

# The activity counters institutions get back (tsunagu.store.activity.ActivityKind).
ACTIVITY_LABELS: dict[str, str] = {
    "view": N_("Item page views"),
    "search": N_("Appearances in search results"),
    "click": N_("Clicks through to your site"),
    "collection": N_("In educators' collections"),
}

AGENT_ROLE_LABELS: dict[str, str] = {
    "creator": N_("creator"),
    "contributor": N_("contributor"),
    "publisher": N_("publisher"),
}

# ISO 639-2 codes often found in feeds, to the two-letter codes Babel names.
_ISO639_2 = {
    "jpn": "ja", "eng": "en", "chi": "zh", "zho": "zh", "kor": "ko", "ger": "de",
    "deu": "de", "fre": "fr", "fra": "fr", "lat": "la", "dut": "nl", "nld": "nl",
    "ita": "it", "spa": "es", "por": "pt", "rus": "ru", "ain": "ain",
}


class Labeller:
    """Labels in one language, for templates and the ``label`` keys of JSON."""

    def __init__(
        self,
        translations: gettext.NullTranslations,
        lang: str,
        provider_names: Mapping[str, str] | None = None,
    ) -> None:
        self._translations = translations
        self.lang = lang
        self._providers = dict(provider_names or {})

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def facet_name(self, facet: str) -> str:
        return self.gettext(FACET_NAMES.get(facet, facet))

    def facet_value(self, facet: str, value: str, fallback: str | None = None) -> str:
        """The shown name of a facet value (providers by their registered name)."""
        if facet == "provider":
            return self.provider(value, fallback)
        if facet == "language":
            return self.language(value)
        if facet == "licence":
            return self.licence(value)
        message = facet_value_label(facet, value)
        return self.gettext(message) if message else (fallback or value)

    def sort(self, sort: str) -> str:
        message = SORT_LABELS.get(sort)
        return self.gettext(message) if message else sort

    def provider(self, source_id: str, fallback: str | None = None) -> str:
        return self._providers.get(source_id) or fallback or source_id

    def reuse(self, level: str) -> str:
        message = REUSE_LABELS.get(level)
        return self.gettext(message) if message else level

    def reuse_explanation(self, level: str) -> str:
        message = REUSE_EXPLANATIONS.get(level)
        return self.gettext(message) if message else ""

    def licence(self, code: str) -> str:
        """``RS-InC`` → 著作権あり / In Copyright; CC codes as licence names; else the code."""
        message = licence_message(code)
        if message:
            return self.gettext(message)
        return cc_licence_name(code) or code

    def rights_method(self, method: str) -> str:
        message = RIGHTS_METHOD_LABELS.get(method)
        return self.gettext(message) if message else method

    def rights_origin(self, origin: str) -> str:
        message = RIGHTS_ORIGIN_LABELS.get(origin)
        return self.gettext(message) if message else origin

    def rights_panel(self, record: Record) -> RightsPanel:
        """The answers per use and the credit lines of ``record`` (for the item page)."""
        return build_rights_panel(record)

    def use(self, use: str) -> str:
        message = USE_LABELS.get(use)
        return self.gettext(message) if message else use

    def use_answer(self, answer: str) -> str:
        message = ANSWER_LABELS.get(answer)
        return self.gettext(message) if message else answer

    def use_reason(self, code: str) -> str:
        message = USE_REASON_LABELS.get(code)
        return self.gettext(message) if message else code

    def use_condition(self, code: str) -> str:
        message = USE_CONDITION_LABELS.get(code)
        return self.gettext(message) if message else code

    def use_note(self, code: str) -> str:
        message = USE_NOTE_LABELS.get(code)
        return self.gettext(message) if message else code

    def agent_role(self, role: str, role_raw: str | None = None) -> str:
        message = AGENT_ROLE_LABELS.get(role)
        return self.gettext(message) if message else (role_raw or role)

    def year_range(self, start: int, end: int | None, approximate: bool = False) -> str:
        span = str(start) if end in (None, start) else f"{start}–{end}"
        return self.gettext("c. %(years)s") % {"years": span} if approximate else span

    def language(self, code: str) -> str:
        """A language code as a name in the interface language (the code if unknown)."""
        primary = code.strip().lower().replace("_", "-").split("-")[0]
        primary = _ISO639_2.get(primary, primary)
        try:
            names = Locale.parse(self.lang).languages
        except (ValueError, UnknownLocaleError):
            return code
        return str(names.get(primary, code))
