"""Reading one rights value: URIs, codes, named licences and Japanese/English wording.

``rights.md`` §3.4 steps 2–6. A value is cut into clauses (。 ; | line breaks
"、" and ". "); in each clause:

* URIs and whole-clause codes (:mod:`tsunagu.mappings.licences`);
* licences by name: CC licences (with version and port, incl. the old Japanese
  naming 「帰属―非営利―派生禁止」), CC0, the Public Domain Mark, 政府標準利用規約,
  公共データ利用規約 (PDL1.0), the three 自由利用マーク;
* wording, restrictive first: 無断転載禁止 / All rights reserved → ``RS-InC``;
  要申請 / 要問合せ → permission required (``CUSTOM``, no re-use) unless the
  clause is about commercial use (「商用利用は要申請」 = non-commercial only);
  商用利用不可, 改変禁止, 教育目的に限り; then permissive: 商用利用可, 改変可,
  自由に利用できます, 出典を明記, public-domain claims.

The wording of a value becomes one ``CUSTOM`` reading. It is ``open`` only when
both commercial use and modification are explicitly allowed and nothing
restricts them; "reuse asserted" alone is ``conditional`` with commercial use
and modification unknown. Every reading from wording needs checking. Licences
named after 「メタデータ」/"metadata" in a clause belong to the metadata scope.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import unicodedata

from tsunagu.mappings.licences import (
    PD_TOOLS,
    Licence,
    make_cc_licence,
    parse_licence_token,
    parse_licence_uri,
)
from tsunagu.mappings.rights_terms import Terms, terms_of
from tsunagu.records import Permission, ReuseLevel, RightsMethod

YES, COND, NO, UNK = Permission.YES, Permission.CONDITIONAL, Permission.NO, Permission.UNKNOWN


class Kind(enum.StrEnum):
    """What a finding is: a licence or statement, a restriction, or institution wording."""

    LICENCE = "licence"
    RESTRICTION = "restriction"
    WORDING = "wording"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One statement read from a value."""

    licence: Licence
    terms: Terms
    method: RightsMethod
    kind: Kind = Kind.LICENCE
    metadata: bool = False

    @property
    def reuse(self) -> ReuseLevel:
        return self.terms.reuse


@dataclasses.dataclass(frozen=True)
class Reading:
    """Everything read from one value."""

    findings: tuple[Finding, ...] = ()
    custom_urls: tuple[str, ...] = ()
    exception: bool = False
    permissive: bool = False
    copyright_notice: str | None = None


_URL = re.compile(
    r"(?:https?://|(?<![\w./])(?:www\.)?(?:creativecommons|rightsstatements)\.org/)"
    r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?"
_CLAUSES = re.compile(r"[。;|\n、]+|\.\s+|\.$")
_CC0 = re.compile(
    r"(?<![a-z0-9])(?:cc\s*-?\s*(?:0|zero|ゼロ)|creative\s*commons\s*zero)(?![0-9a-z])"
    r"|パブリック・?ドメイン提供"
)
_PDM = re.compile(r"public\s*domain\s*mark|パブリック・?ドメイン・?マーク")
_CC_MARKER = re.compile(
    r"(?<![a-z0-9])(?:cc|creative\s*commons|クリエイティブ\s*・?\s*コモンズ)(?![a-z])(?:\s*・?\s*ライセンス)?"
    r"|(?=(?:帰属|アトリビューション)\s*[-―ー–—]\s*(?:非営利|ノン|派生|ノー|継承|改変))"
)
_CC_TOKEN = re.compile(
    r"""
    (?P<by>by|attribution|表示|帰属|アトリビューション)(?![a-z])
    |(?P<nc>nc|non[\s-]?commercial|非営利|ノンコマーシャル)(?![a-z])
    |(?P<nd>nd|no[\s-]?deriv(?:s|atives|ative\s+works)?|改変禁止|派生禁止|ノーデリブス)(?![a-z])
    |(?P<sa>sa|share[\s-]?alike|継承)(?![a-z])
    |(?:v(?:ersion)?\s*)?(?P<version>\d\.\d)(?!\d)
    |(?P<jp>jp|japan|日本)(?![a-z])
    |(?P<nz>nz|new\s+zealand)(?![a-z])
    |(?:international|unported|generic|universal|licen[cs]e|ライセンス|国際|非移植)(?![a-z])
    |[\s\-_/,.:;()\[\]（）・―ー–—‐−]+
    """,
    re.VERBOSE,
)
_TOOL_TAIL = re.compile(r"(?:v(?:ersion)?\s*1\.0|1\.0|universal|[\s\-_()\[\].,])*")
_GOV = (
    (re.compile(r"政府標準利用規約\s*[(（]?\s*第?\s*2\.0\s*版?"), "JP-GSTU-2.0"),
    (re.compile(r"政府標準利用規約\s*[(（]?\s*第?\s*1\.0\s*版?"), "JP-GSTU-1.0"),
    (re.compile(r"政府標準利用規約"), "JP-GSTU"),
    (re.compile(r"公共データ利用規約|pdl\s*1\.0|public\s+data\s+license"), "JP-PDL-1.0"),
)
_FUM = (
    (re.compile(r"プリントアウト・?コピー・?無料配布"), "JP-FUM-COPY"),
    (re.compile(r"障害者のための非営利目的利用"), "JP-FUM-DISABLED"),
    (re.compile(r"学校教育のための非営利目的利用"), "JP-FUM-SCHOOL"),
)
_RESERVED = re.compile(
    r"(?<!some )rights\s+reserved|無断(?:で|の)?(?:転載|複製|使用|転用|引用|利用)|禁無断"
    r"|(?:転載|複製)(?:を|は)?(?:禁|不可|お断り)|著作権所有"
)
_PERMISSION = re.compile(
    r"事前(?:の|に)?(?:利用)?(?:申請|許可|許諾|承認|連絡|相談|申し込み|申込)"
    r"|(?:申請|許可|許諾|承認|申込|申し込み)(?:が|を)?(?:必要|要|得て|受けて|してください)"
    r"|要(?:許可|許諾|申請|承認|問い?合わ?せ|連絡)|(?:お)?問い?合わ?せ(?:ください|下さい)"
    r"|permission[^.;]{0,60}(?:required|must be obtained)|advance application is required"
    r"|(?:written|prior) permission"
)
_COMMERCIAL_TOPIC = re.compile(r"(?<!非)(?:商用|営利)|(?<!non-)(?<!non)commercial")
_PERMISSIVE_C = re.compile(
    r"商用・非商用を問わず|商用(?:利用|目的)?(?:も|を|は)?(?:可|可能|ok|含め|含む|できます)"
    r"|営利目的(?:でも|を含め)|commercial use (?:is )?(?:allowed|permitted)|including commercial"
)
_NC = re.compile(
    r"(?:商用|営利)(?:利用|目的|目的での利用|での利用|目的の利用)?(?:は|を|で|の)?"
    r"(?:不可|禁止|できません|出来ません|禁じ|お断り|認めません)"
    r"|非営利|非商用|non[\s-]?commercial|no commercial"
    r"|not (?:be )?(?:used )?for (?:any )?commercial"
    r"|commercial (?:use|purposes?)[^.;]{0,40}(?:prohibited|not permitted|not allowed)"
)
_PERMISSIVE_M = re.compile(
    r"(?:改変|加工|編集|翻案|トリミング)(?:・[^\s、。・]{1,8})*(?:も|を|は)?(?:可|可能|ok|含め|含む|できます|自由)"
    r"|(?:modif(?:y|ication)|adapt(?:ation)?)s? (?:is |are )?(?:allowed|permitted)"
)
_ND = re.compile(
    r"(?:改変|加工|編集)(?:は|を)?(?:不可|禁止|できません|出来ません|禁じ|お断り)|派生禁止|ノーデリブス"
    r"|no[\s-]?deriv|may not be (?:modified|altered|adapted)"
)
_EDU_ONLY = re.compile(
    r"教育(?:目的|利用|用途|機関|活動)?(?:での|の|に|で)?(?:利用|使用)?"
    r"(?:に限り|に限って|に限る|のみ|限定|であれば|の場合に限)|学校教育"
    r"|(?:educational|teaching|classroom) (?:use|purposes?) only|only for (?:educational|teaching)"
    r"|for (?:use in )?(?:research, )?teaching,? and (?:private )?study"
    r"|for educational (?:and research )?(?:use|purposes)|educational and research purposes"
)
_ASSERTED = re.compile(
    r"自由に(?:ご)?(?:利用|使用|お使い|ダウンロード)|ご自由に|二次利用(?:が|は|も)?(?:可|可能|できます|自由|ok)"
    r"|利用(?:は)?自由|free (?:to|for) (?:use|re-?use)|may be (?:freely )?(?:used|re-?used)"
    r" (?:freely|without (?:permission|restriction))"
)
_ATTRIBUTION = re.compile(
    r"出典(?:を|の)?(?:明記|記載|表示|明示)|クレジット|credit line is required"
    r"|must be (?:credited|cited|attributed)|proper (?:citation|credit)|credit (?:must|should)"
)
_PD_US = re.compile(r"public domain in the (?:united states|usa?|u\.s\.(?:a\.)?)(?![a-z])")
_PD_CLAIM = re.compile(
    r"パブリック・?ドメイン|public\s+domain|著作権(?:の)?保護期間(?:が|は)?(?:満了|終了)"
    r"|保護期間(?:が|は)?満了|著作権(?:は|が)?消滅|著作権切れ|^pd$"
)
_EXCEPTION = re.compile(
    r"ただし|但し|除く|除き|除いて|一部|(?<![a-z])(?:but|except|excluding)(?![a-z])"
)
_METADATA = re.compile(r"メタデータ|書誌(?:データ|情報)|目録(?:データ|情報)|metadata")
_NOTICE = re.compile(
    r"(?:©|\([cC]\)|Copyright\s*(?:©|\([cC]\))?(?=\s*(?:\d{4}|of\b|by\b|to\b|held\b|[A-Z]"
    r"|[\u3040-\u9fff])))[^。;|\n]*"
)


def fold(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def read_value(text: str, hrefs: tuple[str, ...] = ()) -> Reading:
    """Read one value (HTML already stripped; ``hrefs`` its link targets)."""
    normalized = unicodedata.normalize("NFKC", text)
    findings: list[Finding] = []
    custom_urls: list[str] = []
    for url in hrefs:
        _read_url(url, False, findings, custom_urls)
    wording: list[str] = []
    for clause in (c.strip() for c in _CLAUSES.split(normalized)):
        if clause:
            wording.append(_read_clause(clause, findings, custom_urls))
    prose = " 。 ".join(w for w in wording if w)
    findings.extend(_read_wording(prose))
    notice = _NOTICE.search(normalized)
    return Reading(
        findings=tuple(findings),
        custom_urls=tuple(dict.fromkeys(custom_urls)),
        exception=bool(_EXCEPTION.search(fold(normalized))),
        permissive=bool(_PERMISSIVE_C.search(prose) or _PERMISSIVE_M.search(prose)
                        or _ASSERTED.search(prose) or _PD_CLAIM.search(prose)),
        copyright_notice=notice.group().strip(" .,") or None if notice else None,
    )


def _read_url(url: str, metadata: bool, findings: list[Finding], custom: list[str]) -> None:
    licence = parse_licence_uri(url)
    if licence is not None:
        findings.append(Finding(licence, terms_of(licence.code), RightsMethod.URI,
                                metadata=metadata))
    elif url.casefold().startswith(("http://", "https://")):
        custom.append(url)


def _read_clause(clause: str, findings: list[Finding], custom: list[str]) -> str:
    """Add the URIs, codes and named licences of a clause; the wording left over."""
    marker = _METADATA.search(clause.casefold())
    start = marker.start() if marker else len(clause)
    for match in _URL.finditer(clause):
        for url in re.split(r"(?<=.)(?=https?://)", match.group(), flags=re.IGNORECASE):
            _read_url(url.rstrip(_URL_TRAILING), match.start() >= start, findings, custom)
    text = fold(_URL.sub(" ", clause))
    if not text:
        return ""
    token = parse_licence_token(text)
    if token is not None:
        findings.append(Finding(token, terms_of(token.code), RightsMethod.CODE))
        return ""
    marker = _METADATA.search(text)
    start = marker.start() if marker else len(text)
    spans: list[tuple[int, int]] = []
    for licence, span in _named(text):
        whole = not text[: span[0]].strip(" -_()[]「」") and not text[span[1]:].strip(
            " -_()[].,「」ok")
        method = RightsMethod.CODE if whole else RightsMethod.RULE
        findings.append(Finding(licence, terms_of(licence.code), method,
                                metadata=span[0] >= start))
        spans.append(span)
    for begin, end in spans:
        text = text[:begin] + " " * (end - begin) + text[end:]
    return " ".join(text[:start].split())


def _named(text: str) -> list[tuple[Licence, tuple[int, int]]]:
    """Licences named in ``text`` with their spans."""
    found: list[tuple[Licence, tuple[int, int]]] = []
    for pattern, code in _FUM:
        found += [(Licence(code), m.span()) for m in pattern.finditer(text)]
    for pattern, code in _GOV:
        match = pattern.search(text)
        if match:
            uri = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
            found.append((Licence(code, uri if code == "JP-PDL-1.0" else None), match.span()))
            break
    for pattern, code in ((_CC0, "CC0-1.0"), (_PDM, "PDM-1.0")):
        for match in pattern.finditer(text):
            tail = _TOOL_TAIL.match(text, match.end())
            end = tail.end() if tail else match.end()
            found.append((Licence(code, PD_TOOLS[code]), (match.start(), end)))
    if any(code.code in PD_TOOLS for code, _ in found):
        return found
    for match in _CC_MARKER.finditer(text):
        licence, end = _scan_cc(text, match.end())
        if licence is not None:
            found.append((licence, (match.start(), end)))
    return found


def _scan_cc(text: str, position: int) -> tuple[Licence | None, int]:
    """Read CC elements, version and port after a "CC" marker."""
    elements: set[str] = set()
    version: str | None = None
    port: str | None = None
    kind: str | None = None
    while True:
        token = _CC_TOKEN.match(text, position)
        if token is None or token.end() == position:
            glued = text[position:][:1].isalnum() and "-" in text[position - 1:position]
            if kind is None and glued:
                return None, position  # "CC BY-NCfoo": an element we cannot read
            break
        position = token.end()
        kind = token.lastgroup
        if kind in {"by", "nc", "nd", "sa"}:
            elements.add(kind)
        elif kind == "version" and version is None:
            version = token.group("version")
        elif kind in {"jp", "nz"}:
            port = kind
    if "by" not in elements or {"nd", "sa"} <= elements:
        return None, position
    code = "BY" + ("-NC" if "nc" in elements else "")
    code += "-ND" if "nd" in elements else "-SA" if "sa" in elements else ""
    return make_cc_licence(code, version, port), position


def _read_wording(prose: str) -> list[Finding]:
    """Restrictions and the institution's own wording (``rights.md`` §3.4 step 4)."""
    if not prose:
        return []
    findings: list[Finding] = []
    if _RESERVED.search(prose):
        findings.append(Finding(Licence("RS-InC"), terms_of("RS-InC"), RightsMethod.RULE,
                                Kind.RESTRICTION))
    non_commercial = bool(_NC.search(_PERMISSIVE_C.sub(" ", prose)))
    permission = False
    for clause in prose.split("。"):
        if _PERMISSION.search(clause):
            if _COMMERCIAL_TOPIC.search(clause):
                non_commercial = True
            else:
                permission = True
    if permission:
        terms = Terms(ReuseLevel.NO_REUSE, NO, NO, NO, NO, needs_check=True)
        findings.append(Finding(Licence("CUSTOM"), terms, RightsMethod.RULE, Kind.RESTRICTION))
    public_domain = bool(_PD_CLAIM.search(prose)) and not _PD_US.search(prose)
    if _PD_US.search(prose):
        findings.append(Finding(Licence("RS-NoC-US", "http://rightsstatements.org/vocab/NoC-US/1.0/"),
                                terms_of("RS-NoC-US"), RightsMethod.RULE))
    wording = _wording_terms(prose, non_commercial, public_domain)
    if wording is not None:
        findings.append(Finding(Licence("CUSTOM"), wording, RightsMethod.RULE, Kind.WORDING))
    return findings


def _wording_terms(prose: str, non_commercial: bool, public_domain: bool) -> Terms | None:
    no_derivatives = bool(_ND.search(prose))
    education_only = bool(_EDU_ONLY.search(prose))
    commercial = NO if non_commercial else YES if _PERMISSIVE_C.search(prose) else UNK
    modify = NO if no_derivatives else YES if _PERMISSIVE_M.search(prose) else UNK
    asserted = bool(_ASSERTED.search(prose)) or public_domain
    attribution = bool(_ATTRIBUTION.search(prose))
    exception = bool(_EXCEPTION.search(prose))
    if education_only:
        return Terms(ReuseLevel.EDUCATION, NO, modify, YES, UNK, attribution,
                     public_domain=public_domain, needs_check=True)
    if commercial is YES and modify is YES and not exception:
        return Terms(ReuseLevel.OPEN, YES, YES, YES, YES, attribution, needs_check=True)
    if not (asserted or non_commercial or no_derivatives or YES in (commercial, modify)):
        return None
    return Terms(ReuseLevel.CONDITIONAL, commercial, modify, COND, COND, attribution,
                 public_domain=public_domain, needs_check=True)
