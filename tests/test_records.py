"""The record model: JSON round trip, reuse ordering, derived values."""

from __future__ import annotations

import dataclasses
import json
import pickle

from tsunagu.records import (
    Agent,
    DateValue,
    Identifier,
    LangString,
    ObjectType,
    RawRecord,
    Record,
    ReuseLevel,
    Rights,
    RightsMethod,
    RightsOrigin,
    RightsSet,
    Sector,
    record_from_dict,
    record_id,
    record_to_dict,
)


def full_record() -> Record:
    cc = Rights("CC-BY-4.0", "http://creativecommons.org/licenses/by/4.0/", ReuseLevel.OPEN,
                "https://creativecommons.org/licenses/by/4.0/deed.ja", RightsMethod.URI,
                RightsOrigin.ITEM)
    return Record(
        id=record_id("nijl", "oai:nijl:1"), source_id="nijl", oai_identifier="oai:nijl:1",
        datestamp="2024-01-01T00:00:00Z", title=LangString("北斎漫画", "ja"),
        sector=Sector.LIBRARY, provider="国文学研究資料館",
        title_alt=(LangString("ほくさいまんが", "ja-Hira"),),
        agents=(Agent("葛飾北斎", "creator", "画"),),
        dates=(DateValue("文化11年(1814)", 1814, 1814, "issued"),
               DateValue("1878", 1878, 1878)),
        object_type=ObjectType.TEXT, genre_raw=("古典籍",), subjects=("絵本",),
        identifiers=(Identifier("doi", "10.20730/100000001"),),
        landing_url="https://doi.org/10.20730/100000001",
        rights=RightsSet(content=cc, thumbnail=cc), warnings=("no_thumbnail",),
    )


def test_json_round_trip_is_lossless() -> None:
    record = full_record()
    data = json.loads(json.dumps(record_to_dict(record), ensure_ascii=False))
    assert data["rights"]["content"]["reuse"] == "open"
    assert data["sector"] == "library"
    assert record_from_dict(data) == record


def test_reuse_levels_rank_from_freest_to_unknown() -> None:
    ranks = [level.rank for level in ReuseLevel]
    assert ranks == sorted(ranks) == [1, 2, 3, 4, 5]
    assert ReuseLevel("no-reuse") is ReuseLevel.NO_REUSE


def test_year_range_and_display_date() -> None:
    record = full_record()
    assert record.year_range == (1814, 1878)
    assert record.display_date == "文化11年(1814)"
    assert Record(id="a", source_id="a", oai_identifier="a", datestamp="", title=LangString("x"),
                  sector=Sector.OTHER, provider="p").year_range is None


def test_record_ids_keep_the_whole_oai_identifier() -> None:
    assert record_id("tate", "oai:tate.example:A00001") == "tate:oai:tate.example:A00001"


def test_new_fields_round_trip_and_old_json_still_loads() -> None:
    from tsunagu.records import Hierarchy, Media, Permission

    rights = Rights("CC-BY-NC-4.0", None, ReuseLevel.CONDITIONAL, commercial=Permission.NO,
                    modify=Permission.YES, attribution=True, needs_check=True)
    record = dataclasses.replace(
        full_record(),
        agents=(Agent("夏目漱石", "creator", "著", "1867-1916",
                      (LangString("ナツメ ソウセキ", "ja-Kana"),)),),
        dates=(DateValue("明治3年", 1870, 1870, "issued", edtf="1870", precision="year",
                         calendar="gregorian", era="明治"),),
        periods=("meiji",), prefectures=("東京都",), coordinates=(35.68, 139.76),
        media=(Media("https://example.org/t.jpg", "thumbnail", rights),),
        hierarchy=Hierarchy("file", "src:parent", ("Fonds", "Series 1")),
    )
    data = json.loads(json.dumps(record_to_dict(record), ensure_ascii=False))
    assert record_from_dict(data) == record
    # JSON stored before these fields existed still loads, with defaults.
    for key in ("periods", "prefectures", "coordinates", "media", "hierarchy"):
        del data[key]
    del data["rights"]["content"]["commercial"]
    old = record_from_dict(data)
    assert old.periods == () and old.hierarchy is None
    assert old.rights.content.commercial is Permission.UNKNOWN


def test_type_hints_are_resolved_once_per_class_not_per_record() -> None:
    # Regression: resolving the dataclasses' type hints for every record made reading
    # the store ~14× slower than building the records (70% of an index rebuild).
    from tsunagu import records

    records._converters_of.cache_clear()
    data = json.loads(json.dumps(record_to_dict(full_record()), ensure_ascii=False))
    rebuilt = [record_from_dict({**data, "id": f"{data['id']}-{n}"}) for n in range(200)]
    assert all(r == dataclasses.replace(full_record(), id=r.id) for r in rebuilt)
    info = records._converters_of.cache_info()
    assert info.misses == info.currsize <= 12  # one per dataclass reached, not per record
    assert info.hits >= 199 * info.misses


def test_a_raw_record_pickles_as_its_fields() -> None:
    raw = RawRecord("tate", "oai:tate:1", "2024-01-01", "oai_dc", False, ("prints", "ukiyo-e"),
                    "<dc>北斎</dc>".encode())
    copy = pickle.loads(pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == raw and copy is not raw
    assert raw.__reduce__() == (RawRecord, ("tate", "oai:tate:1", "2024-01-01", "oai_dc",
                                            False, ("prints", "ukiyo-e"), raw.xml))
