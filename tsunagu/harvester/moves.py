"""Permanent redirects a transport has met: each later request is sent where the
repository now is.

A base URL registered as ``http://`` years ago is often answered with a ``301``
to ``https://`` (or a new path) for every request. Followed blindly, that is two
requests per page, and two pauses of the host: a harvest twice as long for the
server as it needs to be. A ``301`` or ``308`` whose ``Location`` keeps the
request's query (only the scheme, host or path changed) is remembered for the
base URL; a temporary redirect (``302``, ``303``, ``307``) or one that changes the
query is followed each time, as before. Every request to a moved base still
passes the SSRF guard, and a base URL with a query of its own is never moved (the
``Location`` would have to be split between the base and the request).
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger(__name__)

PERMANENT = frozenset({301, 308})
_MAX_CHAIN = 5  # moves followed from one base at most (a loop of moves ends there)


class Moves:
    """The base URLs known to have moved, and where to."""

    def __init__(self) -> None:
        self._to: dict[str, str] = {}
        self._lock = threading.Lock()

    def resolve(self, base: str) -> str:
        """Where requests to ``base`` go now (``base`` itself if it never moved)."""
        with self._lock:
            for _ in range(_MAX_CHAIN):
                moved = self._to.get(base)
                if moved is None:
                    break
                base = moved
        return base

    def learned(self) -> list[tuple[str, str]]:
        """Each base URL that moved, and where to, in the order they were met."""
        with self._lock:
            return list(self._to.items())

    def learn(self, base: str, asked: str, status: int, location: str) -> str | None:
        """Remember ``base`` as moved if the request ``asked`` (``base`` with a query) was
        answered ``status`` with the absolute ``location``: a permanent redirect that keeps
        the query. The new base, when one is learned."""
        if status not in PERMANENT:
            return None
        here, there = urlsplit(asked), urlsplit(location)
        if urlsplit(base).query or here.query != there.query or not there.netloc:
            return None
        moved = urlunsplit((there.scheme, there.netloc, there.path, "", ""))
        if moved == base:
            return None
        with self._lock:
            if self._to.get(base) == moved:
                return None
            self._to[base] = moved
        logger.warning("%s moved permanently to %s (HTTP %d): asking there from now on; "
                       "the source's base URL should be updated", base, moved, status)
        return moved
