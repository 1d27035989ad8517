"""Ready-to-copy credit lines (クレジット表示) in Japanese and English (``rights.md`` §5).

TASL — title, author, source (holding institution and page), licence with its
link — for Creative Commons licences; the 出典 format for the Japanese
government terms (政府標準利用規約, 公共データ利用規約 PDL1.0); a courtesy
credit for CC0 and the Public Domain Mark; "educational use permitted, other
uses need permission" for InC-EDU. A provider's own copyright notice and credit
line are always kept. A CC licence without a known version is named without one
and links the institution's page.
"""

from __future__ import annotations

import dataclasses
import re

from tsunagu.records import Record, Rights, RightsFamily

_CC = re.compile(r"^CC-(BY(?:-NC)?(?:-ND|-SA)?)(?:-(\d\.\d))?(?:-([A-Z]{2}))?$")
_CC_JA = {"BY": "表示", "BY-SA": "表示-継承", "BY-ND": "表示-改変禁止", "BY-NC": "表示-非営利",
          "BY-NC-SA": "表示-非営利-継承", "BY-NC-ND": "表示-非営利-改変禁止"}
_PDL_EN = "https://www.digital.go.jp/en/resources/open_data/public_data_license_v1.0"

#: Names of the non-CC codes: code → (ja, en) (``rights.md`` §1.2–1.4, §5.2).
NAMES: dict[str, tuple[str, str]] = {
    "CC0-1.0": ("CC0 1.0（パブリック・ドメイン提供）", "CC0 1.0"),
    "PDM-1.0": ("パブリック・ドメイン（PDM 1.0）", "Public Domain Mark 1.0"),
    "RS-InC": ("著作権あり", "In Copyright"),
    "RS-InC-OW-EU": ("著作権あり（EU孤児著作物）", "In Copyright – EU Orphan Work"),
    "RS-InC-EDU": ("著作権あり（教育目的の利用可）", "In Copyright – Educational Use Permitted"),
    "RS-InC-NC": ("著作権あり（非営利目的の利用可）",
                  "In Copyright – Non-Commercial Use Permitted"),
    "RS-InC-RUU": ("著作権あり（権利者不明）",
                   "In Copyright – Rights-holder(s) Unlocatable or Unidentifiable"),
    "RS-NoC-CR": ("著作権なし（契約による制約）", "No Copyright – Contractual Restrictions"),
    "RS-NoC-NC": ("著作権なし（非営利利用のみ）", "No Copyright – Non-Commercial Use Only"),
    "RS-NoC-OKLR": ("著作権なし（その他の法的制約）",
                    "No Copyright – Other Known Legal Restrictions"),
    "RS-NoC-US": ("著作権なし（米国）", "No Copyright – United States"),
    "RS-CNE": ("著作権未評価", "Copyright Not Evaluated"),
    "RS-UND": ("著作権未確定", "Copyright Undetermined"),
    "RS-NKC": ("既知の著作権なし", "No Known Copyright"),
    "JP-PDL-1.0": ("公共データ利用規約（第1.0版）", "Public Data License 1.0"),
    "JP-GSTU-2.0": ("政府標準利用規約（第2.0版）", "Government of Japan Standard Terms of Use 2.0"),
    "JP-GSTU-1.0": ("政府標準利用規約（第1.0版）", "Government of Japan Standard Terms of Use 1.0"),
    "JP-GSTU": ("政府標準利用規約", "Government of Japan Standard Terms of Use"),
    "JP-FUM-COPY": ("自由利用マーク「プリントアウト・コピー・無料配布」OK",
                    "Free Use Mark: print-out, copy and free distribution"),
    "JP-FUM-DISABLED": ("自由利用マーク「障害者のための非営利目的利用」OK",
                        "Free Use Mark: non-commercial use for people with disabilities"),
    "JP-FUM-SCHOOL": ("自由利用マーク「学校教育のための非営利目的利用」OK",
                      "Free Use Mark: non-commercial use in school education"),
    "CUSTOM": ("提供機関の利用条件", "the institution's terms of use"),
}


@dataclasses.dataclass(frozen=True)
class Credit:
    """One credit line per language."""

    ja: str
    en: str


def licence_name(rights: Rights, lang: str) -> str | None:
    """The licence named in ``lang`` (``ja``/``en``); ``None`` when nothing is known."""
    match = _CC.match(rights.code)
    if match:
        elements, version, port = match.groups()
        if lang == "en":
            return " ".join(p for p in ("CC", elements, version, port) if p)
        if version is None:
            return f"CC {elements}"
        suffix = "国際" if version == "4.0" else "日本" if port == "JP" else port or ""
        parts = ("クリエイティブ・コモンズ", _CC_JA[elements], version, suffix)
        return " ".join(p for p in parts if p)
    names = NAMES.get(rights.code)
    if names is None:
        return None
    return names[0] if lang == "ja" else names[1]


def licence_link(rights: Rights, lang: str, landing_url: str | None = None) -> str | None:
    """The human-readable page of the licence in ``lang`` (``deed.ja``, RS ``/page/``)."""
    uri = rights.uri
    if uri and uri.startswith("http://creativecommons.org/"):
        return uri.replace("http://", "https://", 1) + f"deed.{lang}"
    if uri and uri.startswith("http://rightsstatements.org/vocab/"):
        page = uri.replace("http://", "https://", 1).replace("/vocab/", "/page/")
        return page + "?language=en"  # RightsStatements.org has no Japanese page
    if rights.code == "JP-PDL-1.0":
        return _PDL_EN if lang == "en" else uri
    if uri and uri.startswith(("http://", "https://")):
        return uri
    return landing_url if rights.code != "UNKNOWN" else None


def credit_lines(record: Record, rights: Rights | None = None, *, modified: bool = False
                 ) -> Credit:
    """The credit lines for ``record`` under ``rights`` (its content rights by default)."""
    rights = rights or record.rights.content
    return Credit(ja=_credit_ja(record, rights, modified), en=_credit_en(record, rights, modified))


def _credit_ja(record: Record, rights: Rights, modified: bool) -> str:
    title = f"「{record.title.value}」"
    creator = _creator(record, "ja")
    holder = record.data_provider or record.provider
    landing = f"（{record.landing_url}）" if record.landing_url else ""
    name = licence_name(rights, "ja")
    link = licence_link(rights, "ja", record.landing_url)
    licence = f"{name}（{link}）" if name and link and link != record.landing_url else name or ""
    if rights.family is RightsFamily.JP_GOV_TERMS:
        short = "PDL1.0" if rights.code == "JP-PDL-1.0" else name
        text = f"出典：{holder}「{record.title.value}」{landing}、{short}"
        text += f"（{link}）" if link and link != record.landing_url else ""
        text += "を加工して作成" if modified else ""
    elif rights.code == "RS-InC-EDU" or (rights.family is RightsFamily.JP_FREE_USE_MARK and (
            rights.code == "JP-FUM-SCHOOL")):
        text = f"{title}{creator}、{holder}{landing} — {licence}。"
        text += "その他の利用は権利者の許諾が必要です"
    else:
        source = f"{title}{creator}、{holder}所蔵{landing}"
        text = f"{source}を加工して作成。元資料：{licence}" if modified else f"{source}、{licence}"
        if modified and rights.share_alike:
            text += f"。改変物は同じライセンス（{name}）で提供します"
    text = text.rstrip("、")
    return _with_notices(text, record, "ja")


def _credit_en(record: Record, rights: Rights, modified: bool) -> str:
    title = f"\u201c{_title_en(record)}\u201d"
    creator = _creator(record, "en")
    by = f" by {creator}" if creator else ""
    holder = record.data_provider or record.provider
    landing = f" ({record.landing_url})" if record.landing_url else ""
    name = licence_name(rights, "en")
    link = licence_link(rights, "en", record.landing_url)
    licence = f"{name} ({link})" if name and link and link != record.landing_url else name or ""
    if rights.family is RightsFamily.JP_GOV_TERMS:
        text = f"Source: {holder}, {title}{landing}, {licence}"
        text += ". Edited by the user" if modified else ""
    elif rights.code in {"RS-InC-EDU", "JP-FUM-SCHOOL"}:
        text = f"{title}{by}, {holder}{landing} — {licence}. Other uses need permission"
    elif modified:
        source = ", ".join(p for p in (holder, record.landing_url) if p)
        text = f"Adapted from {title}{by} ({source})"
        text += f", {licence}" if licence else ""
        if rights.share_alike:
            text += f". Adaptations are shared under {name}"
    elif rights.family in {RightsFamily.CC_LICENSE}:
        text = f"{title}{by}, {holder}{landing}, licensed under {licence}"
    else:
        text = f"{title}{by}, {holder}{landing}" + (f", {licence}" if licence else "")
    return _with_notices(text, record, "en")


def _with_notices(text: str, record: Record, lang: str) -> str:
    """Append the provider's © notice and credit line, never dropped."""
    extra = [n for n in (record.copyright_notice, record.credit_line) if n and n not in text]
    if not extra:
        return text
    joined = " / ".join(extra)
    return f"{text}（{joined}）" if lang == "ja" else f"{text} ({joined})"


def _creator(record: Record, lang: str) -> str:
    agent = next((a for a in record.agents if a.role == "creator"), None)
    if agent is None:
        return ""
    if lang == "ja":
        return agent.name
    latin = next((alt.value for alt in agent.alt_names if alt.lang == "ja-Latn"), None)
    return f"{latin} ({agent.name})" if latin and latin != agent.name else agent.name


def _title_en(record: Record) -> str:
    """An English title first, with the original after a slash."""
    if record.title.lang and record.title.lang.startswith("en"):
        return record.title.value
    english = next((t.value for t in record.title_alt if t.lang and t.lang.startswith("en")), None)
    return f"{english} / {record.title.value}" if english else record.title.value
