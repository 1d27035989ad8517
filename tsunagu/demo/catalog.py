"""The bundled demo feeds: real metadata of real institutions, as OAI-PMH feed files.

Each :class:`DemoFeed` names one feed file in ``tsunagu/demo/feeds/`` (built from
public data by ``scripts/build_demo_feeds.py``; ``feeds/PROVENANCE.md`` says where
every record came from and under which terms). Serve them all with
``python -m tsunagu.demo`` or :class:`tsunagu.demo.provider.ProviderServer`.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

FEEDS_DIR = Path(__file__).resolve().parent / "feeds"
PROVENANCE_PATH = FEEDS_DIR / "PROVENANCE.md"
FEED_SUFFIX = ".oai.jsonl.gz"

SECTORS: frozenset[str] = frozenset(
    {"library", "museum", "archive", "research_repository", "government", "other"}
)
CC0_1_0 = "http://creativecommons.org/publicdomain/zero/1.0/"


@dataclasses.dataclass(frozen=True, slots=True)
class DemoFeed:
    """One bundled demo feed.

    ``name`` is the institution's own (Japanese for Japanese institutions) name,
    ``name_en`` its English name. ``metadata_rights`` is the rights URI of the
    *metadata* when the source states one, else ``None`` (never guessed).
    """

    id: str
    name: str
    name_en: str
    sector: str
    metadata_prefix: str
    path: Path
    metadata_rights: str | None

    def __post_init__(self) -> None:
        if self.sector not in SECTORS:
            raise ValueError(f"unknown sector {self.sector!r} for demo feed {self.id!r}")


def _feed(feed_id: str, name: str, name_en: str, sector: str,
          metadata_rights: str | None = None) -> DemoFeed:
    return DemoFeed(
        id=feed_id,
        name=name,
        name_en=name_en,
        sector=sector,
        metadata_prefix="oai_dc",
        path=FEEDS_DIR / f"{feed_id}{FEED_SUFFIX}",
        metadata_rights=metadata_rights,
    )


_DEMO_FEEDS: tuple[DemoFeed, ...] = (
    _feed("tate", "Tate", "Tate", "museum", CC0_1_0),
    _feed("nijl", "国文学研究資料館 国書データベース",
          "National Institute of Japanese Literature — Kokusho Database", "library"),
    _feed("ndl-edo", "国立国会図書館サーチ（江戸後期の日本文学）",
          "National Diet Library Search — late-Edo Japanese literature", "library"),
    _feed("kansai", "関西大学", "Kansai University", "library"),
    _feed("chiba", "千葉大学", "Chiba University", "library"),
    _feed("keio", "慶應義塾大学", "Keio University", "library"),
    _feed("nakano", "中野区立図書館", "Nakano City Library", "library"),
    _feed("ueda", "上田市", "Ueda City", "government"),
    _feed("ninjal", "国立国語研究所",
          "National Institute for Japanese Language and Linguistics", "research_repository"),
    _feed("akita", "秋田県立図書館", "Akita Prefectural Library", "library"),
)


def demo_feeds() -> tuple[DemoFeed, ...]:
    """All bundled demo feeds, in a stable order."""
    return _DEMO_FEEDS


def demo_feed(feed_id: str) -> DemoFeed:
    """The demo feed with id ``feed_id`` (``KeyError`` if there is none)."""
    for feed in _DEMO_FEEDS:
        if feed.id == feed_id:
            return feed
    raise KeyError(feed_id)
