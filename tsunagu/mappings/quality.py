"""Quality tiers A–D of records and feeds, with hints in Japanese and English.

Pure functions over :class:`~tsunagu.records.Record` values. A record reaches a
tier when it meets every requirement of that tier and of the tiers below:

* **D** — everything else (the record is shown, but poorly);
* **C** — a real title and a link to the item on the institution's own site;
* **B** — C, plus re-use conditions that could be read (not ``unknown``), a date
  that could be parsed, and a creator, subject or description;
* **A** — B, plus an image (thumbnail, IIIF manifest or media), a standard rights
  statement with a URI (Creative Commons, RightsStatements.org), a type, and a
  description.

A feed's tier is the highest tier that at least :data:`FEED_SHARE` of its records
reach. The hints name each unmet requirement of the next tiers, how many
records miss it, and what to change.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable

from tsunagu.records import ObjectType, Record, ReuseLevel

TIERS = ("D", "C", "B", "A")
#: The share of a feed's records that must reach a tier for the feed to have it.
FEED_SHARE = 0.8


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One thing a record needs for a tier, with what to do about it (ja, en)."""

    code: str
    tier: str
    ja: str
    en: str
    met: Callable[[Record], bool]


def _has_title(record: Record) -> bool:
    return "no_title" not in record.warnings and bool(record.title.value.strip())


def _has_image(record: Record) -> bool:
    return bool(record.thumbnail_url or record.iiif_manifest or record.media)


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("title", "C", "タイトルを入れてください。",
                "Give every record a title.", _has_title),
    Requirement("landing_url", "C", "所蔵機関のサイトの資料ページのURLを入れてください。",
                "Link each record to its page on your own site.",
                lambda r: bool(r.landing_url)),
    Requirement("rights_known", "B",
                "利用条件をCCライセンスやRightsStatements.orgのURI、または明確な文言で示してください"
                "（読み取れない文言は「不明」になります）。",
                "State re-use conditions as a Creative Commons or RightsStatements.org URI or "
                "a clear statement (unreadable text becomes 'unknown').",
                lambda r: r.rights.content.reuse is not ReuseLevel.UNKNOWN),
    Requirement("date_parsed", "B",
                "年代を「1817」「文化14年」「1800-1850」のように読める形で入れてください。",
                "Give a date that can be read, such as 1817, 文化14年 or 1800-1850.",
                lambda r: any(d.parsed for d in r.dates)),
    Requirement("agent_or_subject", "B", "作成者・主題・説明のいずれかを入れてください。",
                "Give a creator, a subject or a description.",
                lambda r: bool(r.agents or r.subjects or r.description)),
    Requirement("image", "A", "サムネイル画像のURLかIIIFマニフェストを入れてください。",
                "Add a thumbnail URL or a IIIF manifest.", _has_image),
    Requirement("rights_uri", "A",
                "利用条件は標準のURI（CC、RightsStatements.org）で示してください。",
                "Use a standard rights URI (Creative Commons, RightsStatements.org).",
                lambda r: r.rights.content.uri is not None
                and r.rights.content.code not in ("CUSTOM", "UNKNOWN")),
    Requirement("object_type", "A", "種別（画像、テキスト、立体物など）を入れてください。",
                "Give the type (image, text, physical object …).",
                lambda r: r.object_type is not ObjectType.OTHER),
    Requirement("description", "A", "説明文を入れてください。", "Add a description.",
                lambda r: bool(r.description)),
)

#: Fields whose presence is counted for the completeness table.
COMPLETENESS: tuple[tuple[str, Callable[[Record], bool]], ...] = (
    ("title", _has_title),
    ("creator", lambda r: bool(r.agents)),
    ("date", lambda r: bool(r.dates)),
    ("date_parsed", lambda r: any(d.parsed for d in r.dates)),
    ("description", lambda r: bool(r.description)),
    ("subject", lambda r: bool(r.subjects)),
    ("place", lambda r: bool(r.places)),
    ("type", lambda r: r.object_type is not ObjectType.OTHER),
    ("language", lambda r: bool(r.languages)),
    ("landing_url", lambda r: bool(r.landing_url)),
    ("image", _has_image),
    ("rights_known", lambda r: r.rights.content.reuse is not ReuseLevel.UNKNOWN),
)


@dataclasses.dataclass(frozen=True)
class Hint:
    """An unmet requirement: how many records miss it, which tier it unlocks, what to do."""

    code: str
    tier: str
    missing: int
    ja: str
    en: str


@dataclasses.dataclass(frozen=True)
class QualityReport:
    """The quality of a set of records (a feed or a sandbox sample)."""

    records: int
    tier: str
    tiers: dict[str, int]
    completeness: dict[str, float]
    top_warnings: tuple[tuple[str, int], ...]
    hints: tuple[Hint, ...]

    @property
    def next_tier(self) -> str | None:
        index = TIERS.index(self.tier)
        return TIERS[index + 1] if index + 1 < len(TIERS) else None


def record_tier(record: Record) -> str:
    """The tier a record reaches."""
    reached = "D"
    for tier in TIERS[1:]:
        if not all(req.met(record) for req in REQUIREMENTS if req.tier == tier):
            return reached
        reached = tier
    return reached


def unmet_requirements(record: Record) -> tuple[Requirement, ...]:
    """Every requirement the record does not meet, lowest tier first."""
    return tuple(req for req in REQUIREMENTS if not req.met(record))


def assess_quality(records: Iterable[Record], *, top: int = 10) -> QualityReport:
    """Tier, completeness, top warnings and hints of ``records``."""
    items = list(records)
    total = len(items)
    tiers = Counter(record_tier(record) for record in items)
    tier = "D"
    for candidate in TIERS[1:]:
        reaching = sum(tiers[t] for t in TIERS[TIERS.index(candidate):])
        if total and reaching >= FEED_SHARE * total:
            tier = candidate
    completeness = {name: (sum(1 for r in items if met(r)) / total if total else 0.0)
                    for name, met in COMPLETENESS}
    warnings = Counter(code for record in items for code in record.warnings)
    above = TIERS[TIERS.index(tier) + 1:]
    hints = tuple(
        Hint(req.code, req.tier, missing, req.ja, req.en)
        for req in REQUIREMENTS if req.tier in above
        for missing in [sum(1 for r in items if not req.met(r))] if missing)
    return QualityReport(
        records=total, tier=tier, tiers={t: tiers.get(t, 0) for t in TIERS},
        completeness=completeness, top_warnings=tuple(warnings.most_common(top)), hints=hints)
