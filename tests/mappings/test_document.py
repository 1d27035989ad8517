"""Parsing a payload once and trying its possible roots; reading children and texts."""

from __future__ import annotations

import pytest
from golden import RECORDS
from lxml import etree

from tsunagu.errors import MappingError
from tsunagu.mappings.document import find_root, parse_document, parse_metadata, select_root
from tsunagu.mappings.elements import children, text_of

LIDO_NS = "http://www.lido-schema.org"
LIDO_TAG = f"{{{LIDO_NS}}}lido"
WRAP_TAG = f"{{{LIDO_NS}}}lidoWrap"
OAI = 'xmlns="http://www.openarchives.org/OAI/2.0/"'
REAL_LIDO = (RECORDS / "lido" / "LIDO-Example_FMobj00154983-LaPrimavera.xml").read_bytes()


def _body(xml: bytes) -> str:
    """The real record without its XML declaration, to wrap it in other elements."""
    return xml.decode("utf-8").split("?>", 1)[-1] if xml.startswith(b"<?xml") else xml.decode()


def test_one_parse_tries_several_roots() -> None:
    document = parse_document(REAL_LIDO)
    assert find_root(document, WRAP_TAG) is None
    root = find_root(document, LIDO_TAG)
    assert root is document
    assert root is not None and root.tag == LIDO_TAG


def test_a_root_inside_an_oai_wrapper_is_found_only_when_it_is_alone() -> None:
    one = f"<record {OAI}><metadata>{_body(REAL_LIDO)}</metadata></record>".encode()
    two = f"<record {OAI}><metadata>{_body(REAL_LIDO) * 2}</metadata></record>".encode()
    found = find_root(parse_document(one), LIDO_TAG)
    assert found is not None and found.tag == LIDO_TAG
    assert find_root(parse_document(two), LIDO_TAG) is None


def test_select_root_names_the_expected_and_the_found_root() -> None:
    document = parse_document(REAL_LIDO)
    with pytest.raises(MappingError) as caught:
        select_root(document, WRAP_TAG, source_id="museum", record_id="museum:1")
    error = caught.value
    assert error.message == "expected a lidoWrap root element, found 'lido'"
    assert (error.source_id, error.record_id, error.field) == ("museum", "museum:1", "xml")


def test_parse_metadata_is_parse_document_then_select_root() -> None:
    assert parse_metadata(REAL_LIDO, LIDO_TAG).tag == LIDO_TAG
    with pytest.raises(MappingError, match="expected a lidoWrap root element"):
        parse_metadata(REAL_LIDO, WRAP_TAG)


@pytest.mark.parametrize(("xml", "message"), [
    (b"  ", "no metadata XML"),
    (REAL_LIDO[:200], "malformed metadata XML"),
    (b"<!DOCTYPE lido><lido/>", "DOCTYPE is refused"),
])
def test_damaged_payloads_fail_before_any_root_is_tried(xml: bytes, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_document(xml, source_id="museum", record_id="museum:1")


def test_children_match_local_names_in_any_namespace_in_document_order() -> None:
    element = etree.fromstring(
        '<r xmlns:a="urn:a"><a:t>1</a:t><t>2</t><!-- note --><?pi x?>'
        '<u xmlns="urn:b">3</u><a:tt>no</a:tt><t>4</t></r>'
    )
    assert [c.text for c in children(element, "t")] == ["1", "2", "4"]
    assert [c.text for c in children(element, "t", "u")] == ["1", "2", "3", "4"]
    assert [c.text for c in children(element)] == ["1", "2", "3", "no", "4"]


def test_text_of_reads_leaves_and_nested_elements() -> None:
    element = etree.fromstring("<r><leaf>plain</leaf><empty/><mixed>a<b>b</b>c<i/>d</mixed></r>")
    assert [text_of(child) for child in element] == ["plain", "", "abcd"]
