"""FeedIndex: the provider's selection of records by set and datestamp, against a plain scan."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from tsunagu.demo.feedfile import Feed, FeedIndex, FeedRecord, load_feed, write_feed

BASE = dt.datetime(2024, 3, 1, 12, 0, 0)
SPECS = ["a", "a:b", "a:b:c", "ab", "d", "d:e"]


def make_feed(tmp_path: Path, in_order: bool) -> Feed:
    """150 records, datestamps in file order or shuffled (with ties), nested sets."""
    picker = random.Random(7)
    minutes = sorted(picker.randrange(300) for _ in range(150))
    if not in_order:
        picker.shuffle(minutes)
    records = [FeedRecord(f"oai:index.example:{n}",
                          (BASE + dt.timedelta(minutes=minute)).replace(
                              tzinfo=dt.UTC if n % 3 else None),
                          None if n % 11 == 0 else b"<a/>",
                          tuple(picker.sample(SPECS, picker.randrange(3))))
               for n, minute in enumerate(minutes)]
    return load_feed(write_feed(tmp_path / "index.jsonl", records, set_names={"a": "A"}))


def scan(feed: Feed, set_spec: str | None, from_: dt.datetime | None,
         until: dt.datetime | None) -> list[int]:
    """The positions the provider selected before it had an index: every record checked."""
    result = []
    for position, record in enumerate(feed.records):
        stamp = record.datestamp.replace(tzinfo=None)
        if (from_ is not None and stamp < from_) or (until is not None and stamp > until):
            continue
        if set_spec is not None and not any(
                spec == set_spec or spec.startswith(set_spec + ":") for spec in record.set_specs):
            continue
        result.append(position)
    return result


@pytest.mark.parametrize("in_order", [True, False])
def test_selection_matches_a_full_scan(tmp_path: Path, in_order: bool) -> None:
    feed = make_feed(tmp_path, in_order)
    index = FeedIndex(feed)
    assert index.in_order is in_order
    bounds: list[dt.datetime | None] = [
        None, BASE, BASE + dt.timedelta(minutes=1), BASE + dt.timedelta(minutes=150),
        BASE + dt.timedelta(minutes=299), BASE + dt.timedelta(days=1), BASE - dt.timedelta(days=1)]
    checked = 0
    for set_spec in [None, *SPECS, "a:", "nosuchset", "b"]:
        for from_ in bounds:
            for until in bounds:
                if from_ is not None and until is not None and from_ > until:
                    continue
                expected = scan(feed, set_spec, from_, until)
                selection = index.select(set_spec, from_, until)
                assert len(selection) == len(expected)
                assert list(selection.page(0, len(expected) + 5)) == expected
                pages = [list(selection.page(cursor, 7)) for cursor in range(0, len(expected), 7)]
                assert [p for page in pages for p in page] == expected
                assert list(selection.page(len(expected), 7)) == []
                checked += bool(expected)
    assert checked > 100  # most selections are not empty


def test_datestamps_and_identifiers(tmp_path: Path) -> None:
    feed = make_feed(tmp_path, in_order=False)
    index = FeedIndex(feed)
    for position, record in enumerate(feed.records):
        assert index.positions[record.identifier] == position
        assert index.datestamp(position) == record.datestamp.replace(tzinfo=None)


def test_unordered_selections_are_kept_for_the_next_page(tmp_path: Path) -> None:
    index = FeedIndex(make_feed(tmp_path, in_order=False))
    first = index.select("a", BASE, None)
    assert index.select("a", BASE, None) is first  # the next page of a harvest: no new scan
    for minute in range(20):  # other harvests push it out of the bounded cache
        index.select("a", BASE + dt.timedelta(minutes=minute + 1), None)
    again = index.select("a", BASE, None)
    assert again is not first and list(again.page(0, 200)) == list(first.page(0, 200))


def test_empty_feed(tmp_path: Path) -> None:
    index = FeedIndex(load_feed(write_feed(tmp_path / "empty.jsonl", [])))
    assert index.in_order
    assert len(index.select(None, None, None)) == 0
    assert len(index.select("a", BASE, BASE)) == 0
