"""Realistic Japanese and English records, stored in a real SQLite store and indexed.

Shared by the site's tests (``conftest.py``) and the browser test. Two records
carry HTML in their title, description and rights statement to prove escaping.
"""

from __future__ import annotations

from pathlib import Path

from tsunagu.config import Settings
from tsunagu.index import Indexer
from tsunagu.records import (
    Agent,
    DateValue,
    Identifier,
    LangString,
    ObjectType,
    Record,
    ReuseLevel,
    Rights,
    RightsMethod,
    RightsOrigin,
    RightsSet,
    Sector,
    Source,
)
from tsunagu.store import Store

PAGE_SIZE = 5

SOURCES = (
    Source(id="tnm", name="東京国立博物館", name_en="Tokyo National Museum",
           base_url="https://tnm.example/oai", sector=Sector.MUSEUM),
    Source(id="ndl", name="国立国会図書館", name_en="National Diet Library",
           base_url="https://ndl.example/oai", sector=Sector.LIBRARY),
    Source(id="tate", name="テート", name_en="Tate",
           base_url="https://tate.example/oai", sector=Sector.MUSEUM),
    Source(id="kyoto", name="京都府立京都学・歴彩館",
           name_en="Kyoto Institute, Library and Archives",
           base_url="https://kyoto.example/oai", sector=Sector.ARCHIVE),
    Source(id="empty", name="準備中の文書館", name_en=None,
           base_url="https://empty.example/oai", sector=Sector.ARCHIVE),
)

CC0_METADATA = Rights(code="CC0-1.0", uri="http://creativecommons.org/publicdomain/zero/1.0/",
                      reuse=ReuseLevel.OPEN, raw="メタデータはCC0で提供します",
                      method=RightsMethod.SOURCE_DEFAULT, origin=RightsOrigin.SOURCE_DEFAULT)

#: The feed text that must never become markup.
EVIL_TITLE = "The Great Wave <script>alert('title')</script>"
EVIL_RAW = '© Tate. <a href="https://evil.example/">Click here</a> CC BY-NC-ND 3.0 <b>bold</b>'

GREAT_WAVE = "tnm:oai:tnm.example:C0001"
SLASHED = "ndl:oai:ndl.example:R100/200"
TATE = "tate:oai:tate.example:A00001"


def _rights(code: str, reuse: ReuseLevel, raw: str, uri: str | None = None,
            method: RightsMethod = RightsMethod.RULE) -> RightsSet:
    content = Rights(code=code, uri=uri, reuse=reuse, raw=raw, method=method,
                     origin=RightsOrigin.ITEM)
    return RightsSet(content=content, thumbnail=content, metadata=CC0_METADATA)


def _record(record_id: str, title: str, source: Source, **fields: object) -> Record:
    source_id, _, oai_identifier = record_id.partition(":")
    return Record(
        id=record_id,
        source_id=source_id,
        oai_identifier=oai_identifier,
        datestamp="2024-05-01T00:00:00Z",
        title=LangString(title, fields.pop("title_lang", "ja")),  # type: ignore[arg-type]
        sector=source.sector,
        provider=source.name,
        **fields,  # type: ignore[arg-type]
    )


def make_records() -> list[Record]:
    tnm, ndl, tate, kyoto, _ = SOURCES
    records = [
        _record(
            GREAT_WAVE, "富嶽三十六景 神奈川沖浪裏", tnm,
            title_alt=(LangString("ふがくさんじゅうろっけい かながわおきなみうら", "ja-Hira"),
                       LangString("The Great Wave off Kanagawa", "en")),
            agents=(Agent("葛飾北斎", "creator", "作者"), Agent("西村屋与八", "publisher", "版元")),
            dates=(DateValue("天保2年頃", 1831, 1831, "created", approximate=True),),
            object_type=ObjectType.IMAGE, genre_raw=("浮世絵", "錦絵"),
            subjects=("浮世絵", "富士山", "波"), places=("神奈川",),
            description=(LangString("富士を遠景に大波と舟を描く。北斎の代表作。", "ja"),),
            languages=("jpn",),
            identifiers=(Identifier("local", "C0001"), Identifier("uri", "https://tnm.example/C0001")),
            landing_url="https://tnm.example/collection/C0001",
            thumbnail_url="https://img.tnm.example/C0001.jpg",
            rights=_rights("PDM-1.0", ReuseLevel.OPEN, "パブリックドメイン",
                           "http://creativecommons.org/publicdomain/mark/1.0/", RightsMethod.URI),
        ),
        _record(
            "tnm:oai:tnm.example:C0002", "東海道五十三次 日本橋 朝之景", tnm,
            agents=(Agent("歌川広重"),), dates=(DateValue("1833-1834年", 1833, 1834),),
            object_type=ObjectType.IMAGE, subjects=("浮世絵", "東海道"),
            landing_url="https://tnm.example/collection/C0002",
            rights=_rights("CC-BY-4.0", ReuseLevel.OPEN, "CC BY 4.0",
                           "http://creativecommons.org/licenses/by/4.0/", RightsMethod.URI),
        ),
        _record(
            "tnm:oai:tnm.example:C0003", "風神雷神図屏風", tnm,
            agents=(Agent("俵屋宗達"),), dates=(DateValue("江戸時代 17世紀", 1601, 1700),),
            object_type=ObjectType.PHYSICAL_OBJECT, subjects=("屏風",),
            landing_url="https://tnm.example/collection/C0003",
            rights=_rights("RS-InC-EDU", ReuseLevel.EDUCATION, "教育目的に限り利用可",
                           "http://rightsstatements.org/vocab/InC-EDU/1.0/"),
        ),
        _record(
            SLASHED, "古事記 上巻", ndl,
            object_type=ObjectType.TEXT, dates=(DateValue("寛永21年", 1644, 1644),),
            subjects=("神話",), languages=("jpn",),
            landing_url="https://ndl.example/pid/R100/200",
            rights=_rights("CUSTOM", ReuseLevel.CONDITIONAL,
                           "非営利目的に限り利用可。商用利用は要申請。"),
        ),
        _record(
            "ndl:oai:ndl.example:R101", "源氏物語絵巻 模本", ndl,
            object_type=ObjectType.IMAGE, landing_url="https://ndl.example/pid/R101",
        ),
        _record(
            TATE, EVIL_TITLE, tate, title_lang="en",
            agents=(Agent("Katsushika Hokusai"),), dates=(DateValue("c.1831", 1831, 1831),),
            object_type=ObjectType.IMAGE, languages=("eng",),
            description=(LangString('Woodblock print. <img src=x onerror="alert(1)">', "en"),),
            landing_url="https://www.tate.example/art/A00001",
            thumbnail_url="javascript:alert('thumb')",
            rights=_rights("CC-BY-NC-ND-3.0", ReuseLevel.CONDITIONAL, EVIL_RAW,
                           "http://creativecommons.org/licenses/by-nc-nd/3.0/", RightsMethod.URI),
        ),
        _record(
            "tate:oai:tate.example:A00002", "Mount Fuji seen through cherry blossom", tate,
            title_lang="en", agents=(Agent("Utagawa Hiroshige"),),
            object_type=ObjectType.IMAGE, landing_url="https://www.tate.example/art/A00002",
            rights=_rights("RS-InC", ReuseLevel.NO_REUSE, "All rights reserved",
                           "http://rightsstatements.org/vocab/InC/1.0/", RightsMethod.URI),
        ),
        _record(
            "kyoto:oai:kyoto.example:K0001", "東寺百合文書 い函1号", kyoto,
            object_type=ObjectType.TEXT, dates=(DateValue("建武元年", 1334, 1334),),
            landing_url="https://kyoto.example/toji/K0001",
            rights=_rights("CC-BY-2.1-JP", ReuseLevel.OPEN, "CC BY 2.1 JP",
                           "http://creativecommons.org/licenses/by/2.1/jp/", RightsMethod.URI),
        ),
    ]
    records.extend(
        _record(
            f"ndl:oai:ndl.example:P{n:02d}", f"浮世絵版画集 第{n}輯", ndl,
            object_type=ObjectType.TEXT, subjects=("浮世絵",),
            dates=(DateValue(f"明治{n + 10}年", 1877 + n, 1877 + n),),
            landing_url=f"https://ndl.example/pid/P{n:02d}",
            rights=_rights("PDM-1.0", ReuseLevel.OPEN, "保護期間満了",
                           "http://creativecommons.org/publicdomain/mark/1.0/"),
        )
        for n in range(1, 9)
    )
    return records


def build_site_data(data_dir: Path, records: list[Record]) -> Settings:
    """Register the sources, store the records and index them; the site's settings."""
    settings = Settings(data_dir=data_dir, page_size=PAGE_SIZE)
    store = Store(settings.db_path)
    try:
        for source in SOURCES:
            store.sources.add(source)
        for record in records:
            store.records.put(record)
        Indexer(settings.index_dir).rebuild(store.records.iter(), store.records.last_seq())
    finally:
        store.close()
    return settings


