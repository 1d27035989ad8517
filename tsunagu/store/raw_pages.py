"""Harvested response pages, verbatim: the bytes each stored record came from.

Every ListRecords page a harvest receives is kept as it came (decoded from the
transfer's gzip/deflate, then gzip-compressed again at level 1: ~1 µs of CPU
per record, about a tenth of the size) with what was asked and answered: the
request URL, the set, prefix and window, the token sent and the one received,
the ``responseDate``, the run and the page's number in it. A raw record points
to the page it was last seen in (``raw_records.page_id``): its provenance; a
tombstone to the page whose deleted header (or excluded set) removed it, or, when
it went missing from a full harvest, to the page it was last seen in. A page
that could not be read (not XML, cut short, an OAI error) is kept too, with the
error, so a failure can be reproduced from the bytes that caused it.

Pages are kept while a stored record points to them, and those of each source's
last ``keep_runs`` runs whatever they hold (:meth:`RawPages.prune`).
"""

from __future__ import annotations

import dataclasses
import gzip
import sqlite3
import zlib

from tsunagu.store.database import Database, utc_now

#: What a page's status says.
STORED, FAILED = "stored", "failed"


@dataclasses.dataclass(frozen=True)
class PageRequest:
    """Where a page came from: what was asked, in which run, and what it answered."""

    source_id: str
    run_id: int | None
    page: int  # its number in the run (1, 2, …)
    url: str  # the request URL (after redirects: the one that answered)
    set_spec: str | None = None
    metadata_prefix: str = ""
    window_from: str | None = None
    window_until: str | None = None
    token_sent: str | None = None  # the resumptionToken of the request, if any
    token_next: str | None = None  # the one the page carries
    response_date: str = ""


@dataclasses.dataclass(frozen=True)
class StoredPage:
    """A kept page, without its bytes (:meth:`RawPages.body`)."""

    id: int
    request: PageRequest
    status: str  # STORED or FAILED
    error: str | None
    received_at: str
    size: int  # bytes, uncompressed


class RawPages:
    """The kept pages of every source."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, request: PageRequest, body: bytes, *, status: str = STORED,
            error: str | None = None) -> int:
        """Keep ``body`` (inside the caller's transaction, if any); the page's id."""
        squeezer = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip framing: a .xml.gz as is
        packed = squeezer.compress(body) + squeezer.flush()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO raw_pages(source_id, run_id, page, url, set_spec, metadata_prefix,"
                " window_from, window_until, token_sent, token_next, response_date, status,"
                " error, received_at, size, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (request.source_id, request.run_id, request.page, request.url,
                 request.set_spec, request.metadata_prefix, request.window_from,
                 request.window_until, request.token_sent, request.token_next,
                 request.response_date, status, error, utc_now(), len(body), packed))
            return int(cursor.lastrowid or 0)

    def body(self, page_id: int) -> bytes | None:
        """A page's bytes as they were received, or None if it is not kept."""
        row = self._db.connection().execute(
            "SELECT body FROM raw_pages WHERE id = ?", (page_id,)).fetchone()
        return None if row is None else gzip.decompress(bytes(row[0]))

    def get(self, page_id: int) -> StoredPage | None:
        rows = self._select("WHERE p.id = ?", (page_id,))
        return rows[0] if rows else None

    def of_run(self, run_id: int) -> list[StoredPage]:
        """A run's kept pages, in the order they came."""
        return self._select("WHERE p.run_id = ? ORDER BY p.page, p.id", (run_id,))

    def of_record(self, source_id: str, oai_identifier: str) -> StoredPage | None:
        """The page a stored record was last seen in (its provenance), if still kept."""
        rows = self._select(
            "JOIN raw_records r ON r.page_id = p.id AND r.source_id = p.source_id"
            " WHERE r.source_id = ? AND r.oai_identifier = ?", (source_id, oai_identifier))
        return rows[0] if rows else None

    def of_records(self, source_id: str) -> dict[str, StoredPage]:
        """The kept page each of a source's stored records was last seen in, by OAI
        identifier (records without one are left out)."""
        pages = {page.id: page for page in self._select(
            "WHERE p.source_id = ? AND p.id IN (SELECT DISTINCT page_id FROM raw_records"
            " WHERE source_id = ? AND page_id IS NOT NULL)", (source_id, source_id))}
        rows = self._db.connection().execute(
            "SELECT oai_identifier, page_id FROM raw_records WHERE source_id = ?"
            " AND page_id IS NOT NULL", (source_id,))
        return {row[0]: pages[row[1]] for row in rows if row[1] in pages}

    def prune(self, source_id: str, keep_runs: int) -> int:
        """Drop a source's pages that no stored record points to, nor a deletion staged
        by a run (held for approval, say: its tombstones will point to them), except
        those of its last ``keep_runs`` runs; how many went."""
        with self._db.transaction() as conn:
            # Candidates by (source, run), each checked through raw_records(page_id):
            # the cost follows the old pages, not the source's size.
            return conn.execute(
                "DELETE FROM raw_pages WHERE source_id = ?"
                " AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM harvest_runs"
                "  WHERE source_id = ? ORDER BY id DESC LIMIT ?))"
                " AND NOT EXISTS (SELECT 1 FROM raw_records r WHERE r.page_id = raw_pages.id)"
                " AND NOT EXISTS (SELECT 1 FROM pending_deletions d"
                "  WHERE d.page_id = raw_pages.id)",
                (source_id, source_id, max(0, keep_runs))).rowcount

    def _select(self, where: str, params: tuple[object, ...]) -> list[StoredPage]:
        rows = self._db.connection().execute(
            "SELECT p.id, p.source_id, p.run_id, p.page, p.url, p.set_spec, p.metadata_prefix,"
            " p.window_from, p.window_until, p.token_sent, p.token_next, p.response_date,"
            " p.status, p.error, p.received_at, p.size FROM raw_pages p " + where,
            params).fetchall()
        return [_page(row) for row in rows]


def _page(row: sqlite3.Row) -> StoredPage:
    request = PageRequest(*row[1:12])
    return StoredPage(id=row[0], request=request, status=row[12], error=row[13],
                      received_at=row[14], size=row[15])
