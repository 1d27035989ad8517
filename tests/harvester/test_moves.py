"""Permanent redirects remembered per base URL; temporary ones, and ones that change the
query, are not."""

from __future__ import annotations

import logging

import pytest

from tsunagu.harvester.moves import Moves

BASE = "http://archive.example.jp/oai"
ASKED = BASE + "?verb=ListRecords&resumptionToken=a%2Bb"


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_keeping_the_query_moves_the_base(
        status: int, caplog: pytest.LogCaptureFixture) -> None:
    moves = Moves()
    with caplog.at_level(logging.WARNING, logger="tsunagu.harvester.moves"):
        moved = moves.learn(BASE, ASKED, status, "https://archive.example.jp/v2/oai"
                            "?verb=ListRecords&resumptionToken=a%2Bb")
    assert moved == "https://archive.example.jp/v2/oai"
    assert moves.resolve(BASE) == moved and moves.resolve("http://other.example/oai") == (
        "http://other.example/oai")
    assert "should be updated" in caplog.text
    assert moves.learn(BASE, ASKED, status, moved + "?verb=ListRecords&resumptionToken=a%2Bb"
                       ) is None  # known already: said once


@pytest.mark.parametrize(("status", "location"), [
    (302, "https://archive.example.jp/oai?verb=ListRecords&resumptionToken=a%2Bb"),
    (307, "https://archive.example.jp/oai?verb=ListRecords&resumptionToken=a%2Bb"),
    (301, "https://archive.example.jp/oai?verb=ListRecords"),  # the token dropped
    (301, "https://archive.example.jp/login?next=%2Foai"),
    (301, ASKED),  # to itself
])
def test_other_redirects_move_nothing(status: int, location: str) -> None:
    moves = Moves()
    assert moves.learn(BASE, ASKED, status, location) is None
    assert moves.resolve(BASE) == BASE


def test_a_base_with_a_query_of_its_own_never_moves() -> None:
    moves = Moves()
    base = "http://archive.example.jp/oai?provider=kyoto"
    asked = base + "&verb=Identify"
    assert moves.learn(base, asked, 301, "https://archive.example.jp/oai?provider=kyoto"
                       "&verb=Identify") is None


def test_moves_are_followed_in_a_chain_and_a_loop_of_moves_ends() -> None:
    moves = Moves()
    q = "?verb=Identify"
    moves.learn("http://a.example/oai", "http://a.example/oai" + q, 301,
                "https://a.example/oai" + q)
    moves.learn("https://a.example/oai", "https://a.example/oai" + q, 308,
                "https://b.example/oai" + q)
    assert moves.resolve("http://a.example/oai") == "https://b.example/oai"
    moves.learn("https://b.example/oai", "https://b.example/oai" + q, 301,
                "http://a.example/oai" + q)
    assert moves.resolve("http://a.example/oai") in {
        "http://a.example/oai", "https://a.example/oai", "https://b.example/oai"}
