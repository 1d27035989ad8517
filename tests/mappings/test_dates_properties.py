"""Properties of :func:`parse_date` over arbitrary and date-like text (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.mappings.dates import is_unknown_date, parse_date, parse_date_with_warnings
from tsunagu.mappings.eras import ERAS, Era, find_era

#: Pieces real date strings are made of, so that generated text reaches the era,
#: period and range rules and not only the "nothing found" path.
_PIECES = st.sampled_from([
    *(era.name for era in ERAS[::7]), "元", "年", "月", "日", "年間", "年代", "頃", "以前", "序",
    "刊", "／", "増築", "同", "江戸", "後期", "明治", "末", "世紀", "前半", "c.", "ca. ", "?",
    "s", "–", "-", "~", "～", "(", ")", "[", "]", ";", ", ", " or ", "uu", "--", "十", "廿",
    "二", "〇", "辛巳", "M", "H", ".", "１", "8", "0", "3", "12", "1850", "1868", "0988",
])
_DATE_LIKE = st.lists(_PIECES, max_size=12).map("".join)
_TEXT = st.one_of(st.text(max_size=60), _DATE_LIKE)


@given(_TEXT)
@settings(max_examples=400, deadline=None)
def test_never_raises_and_keeps_the_original(text: str) -> None:
    value, warnings = parse_date_with_warnings(text, "created")
    assert value.original == text
    assert value.kind == "created"
    assert set(warnings) <= {"date_era_mismatch"}
    is_unknown_date(text)  # must not raise either


@given(_TEXT)
@settings(max_examples=400, deadline=None)
def test_a_parsed_date_is_complete_and_ordered(text: str) -> None:
    value = parse_date(text)
    if not value.parsed:
        assert (value.year_end, value.edtf, value.precision, value.era) == (None, None, None, None)
        return
    assert value.year_start is not None and value.year_end is not None
    assert 1 <= value.year_start <= value.year_end <= 2100
    assert value.edtf
    assert value.precision in ("day", "month", "year", "decade", "century", "era")
    assert value.calendar in ("gregorian", "jp_lunisolar")


@given(st.sampled_from(ERAS), st.integers(min_value=1, max_value=99))
@settings(max_examples=300, deadline=None)
def test_an_era_year_counts_from_the_first_year(era: Era, year: int) -> None:
    value = parse_date(f"{era.name}{year}年")
    assert value.parsed is (year <= find_era(era.name).last_era_year)  # type: ignore[union-attr]
    if value.parsed:
        assert value.year_start == find_era(era.name).start + year - 1  # type: ignore[union-attr]
