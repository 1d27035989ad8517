"""A MARC 21 record read from MARCXML: leader, control fields, data fields, 880 links.

:func:`read_marc` turns a ``marc:record`` element into a :class:`MarcRecord` of
plain values. Headings are cleaned of ISBD punctuation by :func:`clean_heading`
(trailing `` /``, `` :``, `` ;``, ``,``, `` -`` and a final period that does not end an
initial or an abbreviation); :func:`compose` joins subfields in order. ``$6``
linkage pairs a romanized field with its vernacular ``880`` (``formats.md`` §3.6).
``034`` coordinates (``hdddmmss`` or decimal degrees) give the centre of the box.
Used by :mod:`tsunagu.mappings.marcxml`.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from tsunagu.mappings.elements import text_of
from tsunagu.mappings.text import clean_text
from tsunagu.mappings.titles import strip_isbd

_FINAL_PERIOD = re.compile(r"(?<![\s.]\w)(?<!\.\.)\.$")
_DASH_TAIL = re.compile(r"\s+-$")
_COORDINATE = re.compile(r"^([NSEW+-]?)(\d{1,3})(\d{2})?(\d{2})?(\.\d+)?$")
_DECIMAL = re.compile(r"^[NSEW+-]?\d{1,3}\.\d+$")


@dataclasses.dataclass(frozen=True)
class MarcField:
    """One data field: tag, indicators and ``(code, value)`` subfields in order."""

    tag: str
    ind1: str
    ind2: str
    subfields: tuple[tuple[str, str], ...]

    def get(self, codes: str) -> list[str]:
        return [value for code, value in self.subfields if code in codes]

    def first(self, codes: str) -> str:
        return next(iter(self.get(codes)), "")

    @property
    def link(self) -> str:
        """The ``$6`` linkage (``880-01`` / ``245-01/$1``) without the script code."""
        return self.first("6").split("/", 1)[0]


@dataclasses.dataclass(frozen=True)
class MarcRecord:
    """The leader (24 characters), control fields by tag and the data fields in order."""

    leader: str
    control: dict[str, str]
    fields: list[MarcField]

    def tagged(self, *tags: str) -> list[MarcField]:
        return [field for field in self.fields if field.tag in tags]

    def linked(self, field: MarcField) -> MarcField | None:
        """The ``880`` that ``field``'s ``$6 880-nn`` points at."""
        if not field.link.startswith("880-"):
            return None
        wanted = f"{field.tag}-{field.link.split('-', 1)[1]}"
        return next((f for f in self.tagged("880") if f.link == wanted), None)


def read_marc(root: etree._Element) -> MarcRecord:
    leader = ""
    control: dict[str, str] = {}
    fields: list[MarcField] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        name = child.tag.rpartition("}")[2]
        if name == "leader":
            leader = child.text or ""
        elif name == "controlfield":
            control.setdefault(child.get("tag") or "", child.text or "")
        elif name == "datafield":
            subfields = tuple(
                (sub.get("code") or "", text_of(sub))
                for sub in child if isinstance(sub.tag, str)
            )
            fields.append(MarcField(child.get("tag") or "", child.get("ind1") or " ",
                                 child.get("ind2") or " ", subfields))
    if len(leader) < 24 and leader.endswith("4500"):
        leader = leader.rjust(24)  # the leading record length was trimmed away
    return MarcRecord(leader.ljust(24), control, fields)


def clean_heading(value: str) -> str:
    """A heading without ISBD punctuation: trailing `` /``, `` :``, ``,`` and a final period."""
    text = strip_isbd(_DASH_TAIL.sub("", clean_text(value)))
    return _FINAL_PERIOD.sub("", text).strip()


def compose(field: MarcField, codes: str) -> str:
    """Subfields ``codes`` of ``field`` in order; a ``$h`` medium keeps only its punctuation."""
    parts: list[str] = []
    for code, value in field.subfields:
        if code in codes:
            parts.append(clean_text(value))
        elif code == "h" and parts:
            tail = clean_text(value)[-1:]
            if tail in "=:;/":
                parts.append(tail)
    return " ".join(p for p in parts if p)


def read_coordinates(fields: list[MarcField]) -> tuple[float, float] | None:
    for field in (f for f in fields if f.tag == "034"):
        values = [decode_degrees(field.first(code)) for code in "defg"]
        if all(v is not None for v in values):
            west, east, north, south = (v for v in values if v is not None)
            lat, lon = (north + south) / 2, (west + east) / 2
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return round(lat, 6), round(lon, 6)
    return None


def decode_degrees(value: str) -> float | None:
    """``E1394500`` (hdddmmss) or ``+139.75`` (decimal) as signed degrees."""
    text = value.strip().upper()
    sign = -1.0 if text[:1] in {"S", "W", "-"} else 1.0
    if _DECIMAL.match(text):
        return sign * float(text.lstrip("NSEW+-"))
    match = _COORDINATE.match(text)
    if match is None:
        return None
    degrees = float(match.group(2)) + float(match.group(3) or 0) / 60
    return sign * (degrees + float(match.group(4) or 0) / 3600)
