#!/usr/bin/env python3
"""Build the bundled demo feeds (``tsunagu/demo/feeds/``) from the shared real data.

Developer tool, run by hand when the selection or the mapping changes::

    .venv/bin/python scripts/build_demo_feeds.py [SHARED_DATA_DIR]

``SHARED_DATA_DIR`` defaults to ``../shared/data`` beside the repository. The
project never reads that directory at run or test time: this script copies a
small, deterministic selection into gzipped feed files (see
:mod:`tsunagu.demo.feedfile`) and writes ``PROVENANCE.md`` next to them. Running
it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import gzip
import json
import logging
import re
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tsunagu.demo.catalog import FEEDS_DIR, PROVENANCE_PATH, demo_feed  # noqa: E402
from tsunagu.demo.feedfile import FeedRecord, load_feed, write_feed  # noqa: E402
from tsunagu.demo.oaidc import DCValue, oai_dc_xml  # noqa: E402

logger = logging.getLogger("build_demo_feeds")

TATE_SAMPLE = 2500
NIJL_STEP = 3
IIIF_CAP = 300
IIIF_TOKYO_EXTRA = 25

#: Fixed first datestamp per feed; records are spread evenly over the next 10 days.
BASE_DATESTAMPS = {
    "tate": dt.datetime(2024, 1, 15, 9, 0, 0),
    "nijl": dt.datetime(2024, 2, 1, 9, 0, 0),
    "ndl-edo": dt.datetime(2024, 2, 15, 9, 0, 0),
    "kansai": dt.datetime(2024, 3, 1, 9, 0, 0),
    "chiba": dt.datetime(2024, 3, 4, 9, 0, 0),
    "keio": dt.datetime(2024, 3, 7, 9, 0, 0),
    "nakano": dt.datetime(2024, 3, 10, 9, 0, 0),
    "ueda": dt.datetime(2024, 3, 13, 9, 0, 0),
    "ninjal": dt.datetime(2024, 3, 16, 9, 0, 0),
    "akita": dt.datetime(2024, 3, 19, 9, 0, 0),
}

TATE_JAPAN = re.compile(
    r"\b(japan|japanese|hokusai|hiroshige|utamaro|tokyo|kyoto|osaka|hiroshima|nagasaki|"
    r"yokohama|samurai|kimono|mount fuji|fujiyama)\b", re.IGNORECASE)


# -- shared helpers ---------------------------------------------------------
def evenly_spaced(count: int, total: int) -> list[int]:
    """``count`` indices spread evenly over ``range(total)`` (all when fewer)."""
    if count >= total:
        return list(range(total))
    return [index * total // count for index in range(count)]


def datestamps(feed_id: str, total: int) -> Iterator[dt.datetime]:
    """Deterministic, increasing datestamps spread over 10 days from the feed's base."""
    base = BASE_DATESTAMPS[feed_id]
    minutes = 10 * 24 * 60
    for index in range(total):
        yield base + dt.timedelta(minutes=index * minutes // max(total, 1))


def unpack(value: Any) -> list[str]:
    """Values of an NIJL ``s.`` field: ``|寛文8|`` → ``["寛文8"]``; lists are flattened."""
    if value is None:
        return []
    if isinstance(value, list):
        return [part for item in value for part in unpack(item)]
    return [part.strip() for part in str(value).split("|") if part.strip()]


def split_multi(value: str | None) -> list[str]:
    """Values of an NDL Search CSV cell (multi-values joined by ``; ``)."""
    return [part.strip() for part in (value or "").split("; ") if part.strip()]


def slug(text: str) -> str:
    """An OAI setSpec made of the text's lowercase ASCII words."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build(feed_id: str, items: Sequence[Any], identifier: Callable[[Any], str],
          values: Callable[[Any], Iterable[DCValue]],
          sets: Callable[[Any], tuple[str, ...]] = lambda item: (),
          set_names: dict[str, str] | None = None) -> Path:
    """Map ``items`` to records and write the feed file of ``feed_id``."""
    feed = demo_feed(feed_id)
    records = [
        FeedRecord(identifier(item), stamp, oai_dc_xml(values(item)), sets(item))
        for item, stamp in zip(items, datestamps(feed_id, len(items)), strict=True)
    ]
    return write_feed(feed.path, records, repository_name=feed.name, set_names=set_names)


# -- Tate -------------------------------------------------------------------
def subject_leaves(node: dict[str, Any] | None) -> Iterator[str]:
    """Leaf names of a Tate subject tree."""
    if not node:
        return
    children = node.get("children") or []
    if not children:
        yield node["name"]
    for child in children:
        yield from subject_leaves(child)


def subject_names(node: dict[str, Any] | None) -> Iterator[str]:
    """All names of a Tate subject tree (for selection only)."""
    if not node:
        return
    yield node["name"]
    for child in node.get("children") or []:
        yield from subject_names(child)


def tate_is_japanese(art: dict[str, Any], japan_born: set[int]) -> bool:
    """True for a work whose title, subjects or artist relate to Japan."""
    return bool(TATE_JAPAN.search(art.get("title") or "")
                or any(contributor.get("id") in japan_born for contributor in art["contributors"])
                or any(re.search("japan", name, re.IGNORECASE)
                       for name in subject_names(art.get("subjects"))))


def tate_values(art: dict[str, Any]) -> Iterator[DCValue]:
    """oai_dc statements of one Tate artwork."""
    yield DCValue("title", art["title"])
    if art.get("foreignTitle"):
        yield DCValue("title", art["foreignTitle"])
    for contributor in sorted(art["contributors"], key=lambda c: c.get("displayOrder") or 0):
        yield DCValue("creator", f"{contributor['fc']} ({contributor['role']})")
    for name in subject_leaves(art.get("subjects")):
        yield DCValue("subject", name)
    for movement in art.get("movements") or []:
        yield DCValue("subject", movement["name"])
    for key in ("dimensions", "creditLine", "inscription"):
        if art.get(key):
            yield DCValue("description", art[key])
    yield DCValue("date", art["dateText"])
    if art.get("classification"):
        yield DCValue("type", art["classification"])
    if art.get("medium"):
        yield DCValue("format", art["medium"])
    yield DCValue("identifier", art["url"])
    if art.get("thumbnailUrl"):
        yield DCValue("identifier", art["thumbnailUrl"])
    yield DCValue("identifier", art["acno"])
    if art.get("groupTitle"):
        yield DCValue("relation", art["groupTitle"])


def build_tate(data: Path) -> dict[str, Any]:
    """Tate: 2,500 works evenly spaced over acno plus every Japan-related work."""
    with gzip.open(data / "tate" / "tate_artists.jsonl.gz", "rt", encoding="utf-8") as fh:
        artists = [json.loads(line) for line in fh]
    def birthplace(artist: dict[str, Any]) -> str:
        return str(((artist.get("birth") or {}).get("place") or {}).get("name") or "")

    japan_born = {artist["id"] for artist in artists if "Nihon" in birthplace(artist)}
    with gzip.open(data / "tate" / "tate_artworks.jsonl.gz", "rt", encoding="utf-8") as fh:
        artworks = sorted((json.loads(line) for line in fh), key=lambda art: art["acno"])
    chosen = set(evenly_spaced(TATE_SAMPLE, len(artworks)))
    japanese = {index for index, art in enumerate(artworks) if tate_is_japanese(art, japan_born)}
    items = [artworks[index] for index in sorted(chosen | japanese)]
    set_names = {slug(art["classification"]): art["classification"]
                 for art in items if art.get("classification")}
    build("tate", items, lambda art: f"oai:tate.example:{art['acno']}", tate_values,
          lambda art: (slug(art["classification"]),) if art.get("classification") else (),
          dict(sorted(set_names.items())))
    return {"source_total": len(artworks), "japan_related": len(japanese),
            "japan_born_artists": len(japan_born), "records": len(items)}


# -- NIJL -------------------------------------------------------------------
NIJL_IIIF = "https://kotenseki.nijl.ac.jp/api/iiif"


def nijl_values(src: dict[str, Any]) -> Iterator[DCValue]:
    """oai_dc statements of one 国書データベース record (``_source``)."""
    yield DCValue("title", src["d.tshomeih"], "ja")
    for reading in unpack(src.get("s.tshomeiy")):
        yield DCValue("title", reading, "ja-Hira")
    if src.get("d.tshomeir"):
        yield DCValue("title", src["d.tshomeir"], "ja-Latn")
    for key in ("d.mshomeihoka", "d.hshomeih"):
        if src.get(key):
            yield DCValue("title", src[key], "ja")
    for creator in src.get("d.chosha") or []:
        yield DCValue("creator", creator)
    for entry in src.get("t.shosha") or []:
        for copyist in unpack(entry.get("s.shoshasha")):
            yield DCValue("contributor", copyist)
    for key in ("d.wkeyword", "s.keyword"):
        for subject in unpack(src.get(key)):
            yield DCValue("subject", subject)
    for key in ("s.wchuki", "d.kanshahoka", "d.zanketsu", "s.kansu"):
        for text in unpack(src.get(key)):
            yield DCValue("description", text)
    for entry in src.get("t.shuppan") or []:
        for name in unpack(entry.get("s.shoshi")):
            yield DCValue("publisher", name)
    for text in unpack(src.get("s.seiritsu")):
        yield DCValue("date", text)
    for entry in src.get("t.shuppan") or []:
        for text in unpack(entry.get("s.kannen")):
            yield DCValue("date", text)
    for entry in src.get("t.shosha") or []:
        for text in unpack(entry.get("s.shoshanen")):
            yield DCValue("date", text)
    for key in ("d.shosyear", "d.chosyear"):
        if src.get(key):
            yield DCValue("date", src[key])
    yield DCValue("type", src["d.kansha"])
    for key in ("d.bshubetsuh", "d.satsusu", "d.keitai"):
        if src.get(key):
            yield DCValue("format", src[key])
    if src.get("d.doi"):
        yield DCValue("identifier", f"https://doi.org/{src['d.doi']}")
    if src.get("thumb") and src.get("s.volume"):
        yield DCValue("identifier", f"{NIJL_IIIF}/{src['d.bid']}/{src['s.volume']}/{src['thumb']}"
                                    "/full/200,/0/default.jpg")
    if src.get("d.callno"):
        yield DCValue("identifier", src["d.callno"])
    if src.get("d.cryakushohh"):
        yield DCValue("source", src["d.cryakushohh"])
    yield DCValue("language", "ja")
    yield DCValue("relation", f"https://kotenseki.nijl.ac.jp/biblio/{src['d.bid']}/manifest")
    for link in src.get("t.link") or []:
        if link.get("d.url"):
            yield DCValue("relation", link["d.url"])
    for licence in src.get("s.license") or []:
        yield DCValue("rights", licence)


def build_nijl(data: Path) -> dict[str, Any]:
    """NIJL: every third record in sort order plus every record mentioning 北斎."""
    hits: list[dict[str, Any]] = []
    for name in sorted(glob.glob(str(data / "ja" / "nijl-kotenseki" / "search-pages" / "*.json"))):
        with open(name, encoding="utf-8") as fh:
            hits.extend(json.load(fh))
    hokusai = {i for i, hit in enumerate(hits) if "北斎" in json.dumps(hit, ensure_ascii=False)}
    chosen = set(range(0, len(hits), NIJL_STEP)) | hokusai
    items = [hits[index]["_source"] for index in sorted(chosen)]
    kinds = {src["d.bshubetsu"]: src["d.bshubetsuh"] for src in items}
    build("nijl", items, lambda src: f"oai:nijl.example:{src['d.bid']}", nijl_values,
          lambda src: (src["d.bshubetsu"],), dict(sorted(kinds.items())))
    return {"source_total": len(hits), "hokusai": len(hokusai), "records": len(items)}


# -- NDL Search (late-Edo literature) ------------------------------------------
def ndl_values(row: dict[str, str]) -> Iterator[DCValue]:
    """oai_dc statements of one NDL Search CSV row."""
    yield DCValue("title", row["title_full"], "ja")
    for title in split_multi(row["title_alternative"]):
        yield DCValue("title", title)  # mixed kanji, kana and romaji: language not stated
    for reading in split_multi(row["title_transcription"]):
        yield DCValue("title", reading, "ja-Kana")
    for name in split_multi(row["creators_name"]):
        yield DCValue("creator", name)
    for name in split_multi(row["creators_transcription"]):
        yield DCValue("creator", name, "ja-Kana")
    for subject in split_multi(row["subjects_free"]):
        yield DCValue("subject", subject)
    for name in split_multi(row["publisher_name"]):
        yield DCValue("publisher", name)
    for date in split_multi(row["date"]) + split_multi(row["issued"]):
        yield DCValue("date", date)
    for kind in split_multi(row["material_type"]):
        yield DCValue("type", kind)
    for extent in split_multi(row["extent"]):
        yield DCValue("format", extent)
    yield DCValue("identifier", row["bib_uri"])
    for url in split_multi(row["thumbnail"]) + split_multi(row["iiif_manifest"]):
        yield DCValue("identifier", url)
    for language in split_multi(row["language"]):
        yield DCValue("language", language)
    for url in split_multi(row["see_also"]):
        yield DCValue("relation", url)
    for rights in split_multi(row["rights"]):
        yield DCValue("rights", rights)


def ndl_identifier(row: dict[str, str]) -> str:
    """``oai:ndl-edo.example:R100000002-I000003284961`` from the bib_uri."""
    path = urllib.parse.urlsplit(row["bib_uri"]).path
    return f"oai:ndl-edo.example:{path.rstrip('/').rsplit('/', 1)[-1]}"


def build_ndl(data: Path) -> dict[str, Any]:
    """NDL Search: all 758 rows, in file order."""
    path = data / "ja" / "ndl-edo-literature" / "ndl_sru_grouped_result.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    build("ndl-edo", rows, ndl_identifier, ndl_values)
    return {"source_total": len(rows), "records": len(rows)}


# -- IIIF collections (nakamura196/iiif) ---------------------------------------
IIIF_INSTITUTIONS = ("kansai", "chiba", "keio", "nakano", "ueda", "ninjal", "akita")
_OAI_SAFE = "-_.!~*'();/?:@&=+$,"


def iiif_local_id(manifest_uri: str) -> str:
    """The OAI local identifier of a manifest: its URL path, percent-encoded where needed."""
    path = urllib.parse.urlsplit(manifest_uri).path.lstrip("/")
    return urllib.parse.quote(urllib.parse.unquote(path), safe=_OAI_SAFE)


def iiif_thumbnail(value: Any) -> str | None:
    """A thumbnail given as a string or as an ``{"@id": ...}`` object."""
    if isinstance(value, dict):
        value = value.get("@id")
    return value if isinstance(value, str) and value else None


def build_iiif(data: Path, feed_id: str) -> dict[str, Any]:
    """One institution: ≤ 300 manifests evenly spaced plus up to 25 labels with 東京."""
    with open(data / "ja" / "nakamura196-iiif" / "collections" / f"{feed_id}.json",
              encoding="utf-8") as fh:
        manifests = json.load(fh)["manifests"]
    publisher = demo_feed(feed_id).name
    tokyo = [i for i, m in enumerate(manifests) if "東京" in str(m.get("label") or "")]
    chosen = set(evenly_spaced(IIIF_CAP, len(manifests)))
    chosen |= {tokyo[i] for i in evenly_spaced(IIIF_TOKYO_EXTRA, len(tokyo))}
    items = [manifests[index] for index in sorted(chosen)]
    ids = [iiif_local_id(m["@id"]) for m in items]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{feed_id}: manifest paths are not unique")

    def values(manifest: dict[str, Any]) -> Iterator[DCValue]:
        yield DCValue("title", str(manifest.get("label") or ""))
        yield DCValue("publisher", publisher)
        yield DCValue("identifier", manifest["@id"])
        thumbnail = iiif_thumbnail(manifest.get("thumbnail"))
        if thumbnail:
            yield DCValue("identifier", thumbnail)
        yield DCValue("relation", manifest["@id"])
        if manifest.get("license"):
            yield DCValue("rights", manifest["license"])

    build(feed_id, items, lambda m: f"oai:{feed_id}.example:{iiif_local_id(m['@id'])}", values)
    licences = sorted({str(m.get("license")) for m in items if m.get("license")})
    return {"source_total": len(manifests), "tokyo_in_source": len(tokyo),
            "tokyo": sum("東京" in str(m.get("label")) for m in items),
            "records": len(items), "licences": licences}


COUNTS_START = "<!-- counts:start (written by scripts/build_demo_feeds.py) -->"
COUNTS_END = "<!-- counts:end -->"


def write_provenance(path: Path, stats: dict[str, dict[str, Any]]) -> None:
    """Rewrite the generated counts table between the markers of PROVENANCE.md."""
    rows = ["| feed | records | from source total | file bytes | selection detail |",
            "|---|---:|---:|---:|---|"]
    for feed_id, numbers in stats.items():
        detail = ", ".join(f"{key}={value}" for key, value in numbers.items()
                           if key not in ("records", "source_total", "size", "licences"))
        rows.append(f"| `{feed_id}` | {numbers['records']:,} | {numbers['source_total']:,} | "
                    f"{numbers['size']:,} | {detail} |")
    total = sum(numbers["size"] for numbers in stats.values())
    rows.append(f"| **total** | {sum(n['records'] for n in stats.values()):,} | | {total:,} | |")
    block = "\n".join([COUNTS_START, *rows, COUNTS_END])
    text = path.read_text(encoding="utf-8") if path.exists() else f"{COUNTS_START}\n{COUNTS_END}\n"
    if COUNTS_START not in text or COUNTS_END not in text:
        raise SystemExit(f"{path} lacks the counts markers")
    head, rest = text.split(COUNTS_START, 1)
    tail = rest.split(COUNTS_END, 1)[1]
    path.write_text(head + block + tail, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Build every demo feed and PROVENANCE.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data directory (default: ../shared/data)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    data: Path = args.data.resolve()
    if not (data / "tate").is_dir():
        parser.error(f"{data} does not look like the shared data directory")
    FEEDS_DIR.mkdir(parents=True, exist_ok=True)
    stats: dict[str, dict[str, Any]] = {
        "tate": build_tate(data), "nijl": build_nijl(data), "ndl-edo": build_ndl(data)}
    for feed_id in IIIF_INSTITUTIONS:
        stats[feed_id] = build_iiif(data, feed_id)
    for feed_id, numbers in stats.items():
        feed = load_feed(demo_feed(feed_id).path, validate=True)
        numbers["size"] = demo_feed(feed_id).path.stat().st_size
        numbers["deleted"] = sum(record.deleted for record in feed.records)
        logger.info("%-8s %5d records %8d bytes", feed_id, len(feed.records), numbers["size"])
    write_provenance(PROVENANCE_PATH, stats)
    logger.info("wrote %s", PROVENANCE_PATH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
