"""Search benchmark: tsunagu's index against plain Whoosh and SQLite FTS5, same run.

Generated records follow the shape of the demo feeds in ``tsunagu/demo/feeds``
(their titles, names, subjects, descriptions, readings and their Japanese /
English mix): each record splices two real titles, so the vocabulary keeps the
real word frequencies without repeating whole records. Facet cardinalities are
drawn from fixed Zipf-like distributions (about 60 providers, 47 prefectures,
15 periods, 6 rights codes …).

Measured, with the same queries against every engine:

* indexing records/s (tsunagu: ``Indexer.rebuild``; plain Whoosh: one writer);
* keyword + every facet, phrase, and keyword + filters + year range: p50/p95 ms;
* an incremental update of changed and deleted records, and the first search after it;
* the serving memory of a fresh process that opens the index and runs the queries.

Usage::

    python benchmarks/search.py --records 100000 [--procs 2] [--skip-baseline] [--skip-fts5]
        [--index-only]

Machine notes go into ``benchmarks/README.md`` (the "Search" section).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from whoosh import fields, sorting
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser, OrGroup  # noqa: F401  (AndGroup is the default)

from tsunagu.index import Indexer, SearchIndex, SearchQuery
from tsunagu.index.analysis import STOP_WORDS, make_analyzer
from tsunagu.records import (
    Agent,
    DateValue,
    LangString,
    Media,
    ObjectType,
    Permission,
    Record,
    ReuseLevel,
    Rights,
    RightsSet,
    Sector,
)

FEEDS = Path(__file__).resolve().parent.parent / "tsunagu" / "demo" / "feeds"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFECTURES = ["東京都", "京都府", "大阪府", "北海道", "秋田県", "千葉県", "神奈川県", "長野県",
               "奈良県", "福岡県", "兵庫県", "愛知県", "広島県", "宮城県", "石川県"] + [
    f"県{n}" for n in range(32)]
PERIODS = ["jomon", "yayoi", "kofun", "asuka", "nara", "heian", "kamakura", "muromachi",
           "azuchi_momoyama", "edo", "meiji", "taisho", "showa", "heisei", "reiwa"]
RIGHTS = [
    (Rights("PDM-1.0", reuse=ReuseLevel.OPEN, commercial=Permission.YES,
            modify=Permission.YES, public_domain=True), 30),
    (Rights("CC-BY-4.0", reuse=ReuseLevel.OPEN, commercial=Permission.YES,
            modify=Permission.YES, attribution=True), 25),
    (Rights("CC-BY-NC-ND-4.0", reuse=ReuseLevel.CONDITIONAL, commercial=Permission.NO,
            modify=Permission.NO, attribution=True), 15),
    (Rights("RS-InC-EDU", reuse=ReuseLevel.EDUCATION, education=Permission.YES), 5),
    (Rights("RS-InC", reuse=ReuseLevel.NO_REUSE, commercial=Permission.NO), 10),
    (Rights(), 15),
]


@dataclasses.dataclass
class Template:
    title: str
    lang: str
    reading: str | None
    creators: list[str]
    subjects: list[str]
    descriptions: list[str]
    source: str


def load_templates() -> list[Template]:
    templates = []
    for feed in sorted(FEEDS.glob("*.oai.jsonl.gz")):
        source = feed.name.split(".")[0]
        with gzip.open(feed, "rt", encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                xml = json.loads(line).get("metadata")
                if not xml:
                    continue
                root = etree.fromstring(xml.encode("utf-8"))
                titles = [(e.text or "", e.get(XML_LANG)) for e in root.iter(f"{DC}title")]
                if not titles or not titles[0][0].strip():
                    continue
                reading = next((t for t, lang in titles if lang and "Kana" in lang), None)
                text = [e.text or "" for e in root.iter(f"{DC}description")]
                templates.append(Template(
                    title=titles[0][0].strip(),
                    lang="en" if source == "tate" else "ja",
                    reading=reading,
                    creators=[e.text or "" for e in root.iter(f"{DC}creator")
                              if not (e.get(XML_LANG) or "").endswith("Kana")][:3],
                    subjects=[e.text or "" for e in root.iter(f"{DC}subject")][:6],
                    descriptions=text[:2],
                    source=source,
                ))
    return templates


def _splice(a: str, b: str, lang: str) -> str:
    if lang == "en":
        left, right = a.split(), b.split()
        return " ".join(left[: max(1, len(left) // 2)] + right[len(right) // 2:])
    return a[: max(1, len(a) // 2)] + b[len(b) // 2:]


def generate(templates: list[Template], count: int, seed: int = 1) -> Iterator[Record]:
    rng = random.Random(seed)
    providers = [f"p{n:02d}" for n in range(60)]
    provider_weights = [1 / (n + 1) for n in range(60)]
    prefecture_weights = [1 / (n + 1) ** 0.8 for n in range(len(PREFECTURES))]
    rights, rights_weights = zip(*RIGHTS, strict=True)
    by_lang = {"ja": [t for t in templates if t.lang == "ja"],
               "en": [t for t in templates if t.lang == "en"]}
    for n in range(count):
        lang = "en" if rng.random() < 0.4 else "ja"
        a, b = rng.choice(by_lang[lang]), rng.choice(by_lang[lang])
        start = rng.choice([None, None, rng.randint(1600, 2020), rng.randint(700, 1900)])
        provider = rng.choices(providers, provider_weights)[0]
        alt = (LangString(a.reading, "ja-Kana"),) if a.reading else ()
        yield Record(
            id=f"{provider}:{n}", source_id=provider, oai_identifier=f"oai:{n}",
            datestamp="2024-01-01", title=LangString(_splice(a.title, b.title, lang), lang),
            sector=rng.choice(list(Sector)), provider=f"提供館{provider}",
            title_alt=alt, agents=tuple(Agent(c) for c in a.creators if c),
            dates=() if start is None else (DateValue(str(start), start,
                                                      start + rng.choice((0, 0, 10, 99))),),
            object_type=rng.choices(list(ObjectType), [5, 5, 1, 1, 2, 1, 1, 1, 1, 2])[0],
            subjects=tuple(s for s in a.subjects if s),
            description=tuple(LangString(d) for d in b.descriptions if d),
            languages=("jpn",) if lang == "ja" else ("eng",),
            prefectures=tuple(rng.choices(PREFECTURES, prefecture_weights)[:1])
            if rng.random() < 0.5 else (),
            periods=(rng.choice(PERIODS),) if start is not None else (),
            thumbnail_url=f"https://img.example/{n}.jpg" if rng.random() < 0.6 else None,
            media=(Media(f"https://img.example/{n}.tif"),) if rng.random() < 0.3 else (),
            rights=RightsSet(content=rng.choices(rights, rights_weights)[0]),
        )


def make_queries(templates: list[Template], seed: int = 2) -> tuple[list[str], list[str]]:
    """Keyword queries (words of real titles) and phrase queries (runs of real titles)."""
    rng = random.Random(seed)
    keywords: list[str] = []
    phrases: list[str] = []
    while len(keywords) < 100 or len(phrases) < 60:
        template = rng.choice(templates)
        title = template.title
        if template.lang == "en":
            words = [w.strip(".,:;()[]'\"") for w in title.split()]
            words = [w for w in words if len(w) > 3 and w.isalpha() and w.lower() not in STOP_WORDS]
            if words and len(keywords) < 100:
                keywords.append(rng.choice(words))
            if len(words) >= 2 and len(phrases) < 60:
                i = rng.randrange(len(words) - 1)
                phrases.append(f'"{words[i]} {words[i + 1]}"')
        else:
            runs = [r for r in "".join(c if c.isalnum() else " " for c in title).split()
                    if len(r) >= 2 and not r.isascii()]
            if not runs:
                continue
            run = rng.choice(runs)
            if len(keywords) < 100:
                i = rng.randrange(len(run) - 1)
                keywords.append(run[i: i + 2])
            if len(run) >= 4 and len(phrases) < 60:
                i = rng.randrange(len(run) - 3)
                phrases.append(f'"{run[i: i + rng.choice((3, 4))]}"')
    return keywords, phrases


def timed(run: Callable[[str], Any], queries: list[str]) -> dict[str, float]:
    run(queries[0])  # warm up
    times = []
    for text in queries:
        started = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


# --- tsunagu ----------------------------------------------------------------------------

FILTERS = (("reuse", ("open",)), ("image", ("yes",)), ("language", ("ja", "en")))


def run_tsunagu(index: SearchIndex, keywords: list[str], phrases: list[str]) -> dict[str, Any]:
    return {
        "keyword+facets": timed(lambda q: index.search(SearchQuery(q)), keywords),
        "phrase+facets": timed(lambda q: index.search(SearchQuery(q)), phrases),
        "keyword+filters+years": timed(lambda q: index.search(
            SearchQuery(q, filters=FILTERS, year_from=1700, year_to=1900)), keywords),
        "keyword, sort by date": timed(lambda q: index.search(SearchQuery(q, sort="date")),
                                       keywords[:30]),
    }


def serve_probe(index_dir: Path, queries_file: Path) -> None:
    """Run in a fresh process: open the index, run the queries, print the memory."""
    keywords, phrases = json.loads(queries_file.read_text(encoding="utf-8"))
    index = SearchIndex(index_dir)
    timings = run_tsunagu(index, keywords, phrases)
    status = {}
    with open("/proc/self/status", encoding="ascii") as handle:  # Linux: RSS by kind
        for line in handle:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "RssAnon", "RssFile"):
                status[name] = int(value.split()[0]) / 1024
    # VmHWM: peak resident memory of this process (ru_maxrss would include the
    # parent's peak, inherited across fork+exec). RssFile is the index's
    # memory-mapped files: page cache the kernel can drop.
    print(json.dumps({"timings": timings, **status}))


# --- plain Whoosh -------------------------------------------------------------------------

_PLAIN_FACETS = ("sector", "provider", "type", "reuse", "prefecture", "period", "language",
                 "licence", "image")


def plain_whoosh(records: list[Record], path: Path) -> Any:
    """Whoosh as a user would set it up: the same bigram analyzer, facets by groupedby."""
    analyzer = make_analyzer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer, stored=True), creator=fields.TEXT(analyzer=analyzer),
        subject=fields.TEXT(analyzer=analyzer), description=fields.TEXT(analyzer=analyzer),
        **{f: fields.ID(stored=True, sortable=True) for f in _PLAIN_FACETS},
    )
    ix = whoosh_index.create_in(str(path), schema)
    writer = ix.writer(limitmb=256)
    for r in records:
        writer.add_document(
            id=r.id, title=r.title.value, creator=" ".join(a.name for a in r.agents),
            subject=" ".join(r.subjects), description=" ".join(d.value for d in r.description),
            sector=r.sector.value, provider=r.source_id, type=r.object_type.value,
            reuse=r.rights.content.reuse.value, prefecture=(r.prefectures or ("",))[0],
            period=(r.periods or ("",))[0], language=(r.languages or ("",))[0],
            licence=r.rights.content.code, image="yes" if r.thumbnail_url else "no",
        )
    writer.commit()
    return ix


def run_plain(ix: Any, keywords: list[str], phrases: list[str]) -> dict[str, Any]:
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "creator", "subject", "description"], ix.schema)
    groups = {f: sorting.FieldFacet(f, maptype=sorting.Count) for f in _PLAIN_FACETS}

    def search(text: str) -> None:
        results = searcher.search(parser.parse(text), limit=20, groupedby=groups)
        len(results)
        for f in _PLAIN_FACETS:
            results.groups(f)

    return {"keyword+facets": timed(search, keywords), "phrase+facets": timed(search, phrases)}


# --- SQLite FTS5 ----------------------------------------------------------------------------


def fts5(records: list[Record], path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE doc USING fts5(title, creator, subject, description,"
               " tokenize='trigram')")
    db.execute("CREATE TABLE facet (rowid INTEGER PRIMARY KEY, "
               + ", ".join(f"{f} TEXT" for f in _PLAIN_FACETS) + ")")
    for n, r in enumerate(records, 1):
        db.execute("INSERT INTO doc(rowid, title, creator, subject, description)"
                   " VALUES (?,?,?,?,?)",
                   (n, r.title.value, " ".join(a.name for a in r.agents), " ".join(r.subjects),
                    " ".join(d.value for d in r.description)))
        db.execute("INSERT INTO facet VALUES (?,?,?,?,?,?,?,?,?,?)", (
            n, r.sector.value, r.source_id, r.object_type.value, r.rights.content.reuse.value,
            (r.prefectures or ("",))[0], (r.periods or ("",))[0], (r.languages or ("",))[0],
            r.rights.content.code, "yes" if r.thumbnail_url else "no"))
    db.commit()
    return db


def run_fts5(db: sqlite3.Connection, keywords: list[str], phrases: list[str]) -> dict[str, Any]:
    def search(text: str) -> None:
        term = text.strip('"')
        if len(term) >= 3:  # the trigram tokenizer cannot match shorter strings
            where, args = "rowid IN (SELECT rowid FROM doc WHERE doc MATCH ?)", ['"' + term + '"']
        else:
            where = ("rowid IN (SELECT rowid FROM doc WHERE title LIKE ?1 OR creator LIKE ?1"
                     " OR subject LIKE ?1 OR description LIKE ?1)")
            args = [f"%{term}%"]
        db.execute(f"SELECT count(*) FROM facet WHERE {where}", args).fetchone()
        for f in _PLAIN_FACETS:
            db.execute(f"SELECT {f}, count(*) FROM facet WHERE {where} GROUP BY {f}",
                       args).fetchall()
        db.execute(f"SELECT rowid FROM doc WHERE rowid IN (SELECT rowid FROM facet WHERE {where})"
                   " LIMIT 20", args).fetchall()

    return {"keyword+facets": timed(search, keywords), "phrase+facets": timed(search, phrases)}


# --- main -----------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process and its (finished) children: user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-fts5", action="store_true",
                        help="leave out SQLite FTS5 (its keyword queries take ~9 s each at 1M)")
    parser.add_argument("--index-only", action="store_true",
                        help="stop after indexing (tsunagu's rebuild) and print its figures")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--serve-probe", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_probe:
        serve_probe(*args.serve_probe)
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tsunagu-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"records": args.records, "procs": args.procs}
    templates = load_templates()
    records = list(generate(templates, args.records))
    keywords, phrases = make_queries(templates)
    report["templates"] = len(templates)
    print(f"{len(templates)} real records as templates; {len(records)} generated", flush=True)

    index_dir = work / "tsunagu"
    shutil.rmtree(index_dir, ignore_errors=True)
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    indexer = Indexer(index_dir, procs=args.procs)
    indexer.rebuild(records, seq=1)
    elapsed = time.perf_counter() - started
    report["tsunagu_index_per_s"] = len(records) / elapsed
    # CPU time of this process and its workers, less sensitive to other load than
    # the wall clock; and the 1-minute load average before and after.
    report["tsunagu_index_cpu_ms_per_record"] = (_cpu_seconds() - cpu_before) * 1000 / len(records)
    report["tsunagu_index_load"] = [load_before, os.getloadavg()[0]]
    print(f"tsunagu indexing: {len(records) / elapsed:,.0f} records/s"
          f" ({report['tsunagu_index_cpu_ms_per_record']:.2f} ms CPU a record, procs={args.procs},"
          f" load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})", flush=True)
    if args.index_only:
        print(json.dumps(report))
        return

    queries_file = work / "queries.json"
    queries_file.write_text(json.dumps([keywords, phrases], ensure_ascii=False), encoding="utf-8")
    probe = subprocess.run(
        [sys.executable, __file__, "--serve-probe", str(index_dir), str(queries_file)],
        capture_output=True, text=True, check=True)
    report["tsunagu"] = json.loads(probe.stdout.strip().splitlines()[-1])
    print("tsunagu (fresh process):", json.dumps(report["tsunagu"]), flush=True)

    index = SearchIndex(index_dir)
    index.search(SearchQuery("東京"))
    changed = [dataclasses.replace(r, title=LangString(r.title.value + " 改訂", "ja"))
               for r in records[:: max(1, len(records) // 1000)]]
    started = time.perf_counter()
    indexer.update([*((r.id, r) for r in changed), *((r.id, None) for r in records[1::5000])],
                   seq=2)
    report["update_s"] = time.perf_counter() - started
    started = time.perf_counter()
    index.search(SearchQuery("東京"))
    report["first_search_after_update_ms"] = (time.perf_counter() - started) * 1000
    report["updated_records"] = len(changed)
    print(f"update of {len(changed)} records: {report['update_s']:.1f} s; first search after"
          f" it {report['first_search_after_update_ms']:.0f} ms", flush=True)
    index.close()

    if not args.skip_baseline:
        plain_dir = work / "plain"
        shutil.rmtree(plain_dir, ignore_errors=True)
        plain_dir.mkdir()
        started = time.perf_counter()
        ix = plain_whoosh(records, plain_dir)
        report["plain_index_per_s"] = len(records) / (time.perf_counter() - started)
        report["plain"] = run_plain(ix, keywords, phrases)
        print("plain Whoosh:", json.dumps(report["plain"]),
              f"{report['plain_index_per_s']:,.0f} records/s", flush=True)
    if not args.skip_fts5:
        fts_path = work / "fts5.sqlite"
        fts_path.unlink(missing_ok=True)
        started = time.perf_counter()
        db = fts5(records, fts_path)
        report["fts5_index_per_s"] = len(records) / (time.perf_counter() - started)
        report["fts5"] = run_fts5(db, keywords, phrases)
        print("FTS5:", json.dumps(report["fts5"]), f"{report['fts5_index_per_s']:,.0f} records/s")
    print(json.dumps(report, indent=1))
    (work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
