"""What the Dublin Core family of mappers (``oai_dc``, ``qdc``, ``edm``, rows) reads alike.

* :data:`AGENT_ELEMENTS` — the elements naming agents, each its own role.
* :func:`is_mime_type` — a ``dc:format`` value that is a MIME type (``image/jpeg``),
  not a medium or an extent.
* :func:`is_date_coverage` — a ``dc:coverage`` / ``dcterms:temporal`` value that
  is only a date: years, ranges, decades, centuries, Japanese eras.
"""

from __future__ import annotations

import re

__all__ = ["AGENT_ELEMENTS", "is_date_coverage", "is_mime_type"]

#: ``dc:creator``, ``dc:contributor``, ``dc:publisher``: the element name is the role.
AGENT_ELEMENTS = ("creator", "contributor", "publisher")

_MIME = re.compile(r"^[a-z]+/[a-z0-9.+-]+\s*(?:;.*)?$", re.IGNORECASE)
_DATE_COVERAGE = (
    r"^[\[(]?(?:c\.|ca\.|circa)?\s*(?:\d{3,4}(?:s|年代|年)?(?:\s*[-–/~～〜]\s*\d{1,4}(?:s|年)?)?"
    r"|\d{1,2}(?:st|nd|rd|th)\s+century|\d{1,2}世紀"
    r"|(?:明治|大正|昭和|平成|令和)(?:元|\d{1,2})年?)[\])]?\??"
)
_COVERAGE = re.compile(_DATE_COVERAGE + "$", re.IGNORECASE)
#: The same, or followed by a span in parentheses: ``1868 (1868-1912)``.
_COVERAGE_WITH_SPAN = re.compile(_DATE_COVERAGE + r"(?:\s*\(\d{4}-\d{4}\))?$", re.IGNORECASE)


def is_mime_type(value: str) -> bool:
    """True for a MIME type, parameters allowed (``text/html; charset=UTF-8``).

    >>> is_mime_type("image/jpeg"), is_mime_type("Watercolour on paper")
    (True, False)
    """
    return _MIME.match(value) is not None


def is_date_coverage(value: str, *, with_span: bool = False) -> bool:
    """True when a coverage value is only a date (``1890s``, 「明治3年」, ``19th century``).

    With ``with_span`` a year span in parentheses may follow (``1868 (1868-1912)``),
    as qualified-DC feeds write it.

    >>> is_date_coverage("明治3年"), is_date_coverage("Tokyo")
    (True, False)
    >>> is_date_coverage("1868 (1868-1912)"), is_date_coverage("1868 (1868-1912)", with_span=True)
    (False, True)
    """
    pattern = _COVERAGE_WITH_SPAN if with_span else _COVERAGE
    return pattern.match(value) is not None
