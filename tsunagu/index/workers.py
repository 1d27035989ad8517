"""The processes that write a rebuilt index's segments, a batch of records each.

A rebuild cuts the records (in the order given, a repeated id dropped) into
batches of consecutive records; each batch becomes one segment written by a
:class:`~tsunagu.index.segment.SegmentBuilder`, in this process (``procs`` = 1)
or in up to ``procs`` forked processes at once (each inherits its batch, so
records are not pickled). The segments are listed in batch order, so document
numbers follow the records' order whichever process wrote them, and the index
reads as one written by a single writer: Whoosh's reader sums term statistics
and lengths over segments.

Memory stays bounded: a segment holds at most :data:`BATCH_SIZE` documents, and
at most ``procs`` batches are being built while the next ``procs`` are read.
When the records end before ``procs`` full batches, the last ones are split
evenly so every process has a share.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from tsunagu.errors import IndexingError
from tsunagu.index.schema import document_for
from tsunagu.index.segment import SegmentBuilder, commit_segments
from tsunagu.records import Record

log = logging.getLogger(__name__)

#: Documents per segment (memory of a builder: ~4–5 KB a document).
BATCH_SIZE = 100_000
#: Below this many records a batch is not split further between processes.
MIN_SHARE = 2_000


def write_segments(ix: Any, records: Iterable[Record], *, procs: int = 1,
                   batch_size: int = BATCH_SIZE) -> int:
    """Index ``records`` into the empty Whoosh index ``ix`` and commit them;
    return how many documents were written."""
    storage = ix.storage
    # Per-document writers keep their temporary files here; created once, before
    # any worker, so that concurrent workers never race to create it.
    temporary = storage.temp_storage(f"{ix.indexname}.tmp")
    procs = usable_procs(procs)
    try:
        batches = _batches(records, batch_size, procs)
        if procs <= 1:
            built = [_build(storage, ix.indexname, ix.schema, batch) for batch in batches]
        else:
            built = _build_in_workers(storage, ix.indexname, ix.schema, batches, procs)
        segments = [segment for segment, count in built if count]
        commit_segments(ix, segments)
    finally:
        temporary.destroy()
    return sum(count for _, count in built)


def usable_procs(procs: int) -> int:
    """``procs``, or 1 when other threads are running in this process.

    Forking a multi-threaded process (the site, with its server threads) can leave
    the child holding a lock another thread held at the fork, so rebuilds started
    there are written in this process instead.
    """
    if procs > 1 and threading.active_count() > 1:
        log.info("other threads are running: the index is written in this process")
        return 1
    return max(1, procs)


def _build(storage: Any, indexname: str, schema: Any, batch: list[Record]) -> tuple[Any, int]:
    builder = SegmentBuilder(storage, indexname, schema)
    record_id = None
    try:
        for record in batch:
            record_id = record.id
            builder.add(document_for(record))
    except BaseException as exc:
        builder.cancel()
        if isinstance(exc, Exception) and not isinstance(exc, IndexingError):
            raise IndexingError(f"cannot index record {record_id}: {exc}",
                                source_id=record.source_id, record_id=record_id) from exc
        raise
    return builder.finish(), builder.doc_count


def _build_in_workers(
    storage: Any, indexname: str, schema: Any, batches: Iterator[list[Record]], procs: int
) -> list[tuple[Any, int]]:
    """Build the batches' segments in up to ``procs`` processes at once, results in
    batch order. Each batch gets a forked process that inherits it (no pickling of
    records) and sends back its segment."""
    context = multiprocessing.get_context("fork")
    built: list[tuple[Any, int]] = []
    running: deque[tuple[Any, Any]] = deque()
    try:
        for batch in batches:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_build_and_send,
                                      args=(sender, storage, indexname, schema, batch), daemon=True)
            process.start()
            sender.close()
            running.append((process, receiver))
            if len(running) >= procs:
                built.append(_receive(*running.popleft()))
        while running:
            built.append(_receive(*running.popleft()))
    finally:
        for process, receiver in running:  # after a failure: stop the others
            process.terminate()
            process.join()
            receiver.close()
    return built


def _build_and_send(sender: Any, storage: Any, indexname: str, schema: Any,
                    batch: list[Record]) -> None:
    try:
        sender.send(("ok", _build(storage, indexname, schema, batch)))
    except BaseException as exc:  # reported to the parent, which raises it
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def _receive(process: Any, receiver: Any) -> tuple[Any, int]:
    try:
        status, result = receiver.recv()
    except EOFError:
        status, result = "error", "the process ended without a result"
    finally:
        receiver.close()
        process.join()
    if status != "ok":
        raise IndexingError(f"an indexing process failed (exit code {process.exitcode}): {result}")
    segment, count = result
    return segment, count


def _batches(records: Iterable[Record], size: int, procs: int) -> Iterator[list[Record]]:
    """Consecutive batches of distinct records (a repeated id keeps its first record)."""
    seen: set[str] = set()
    buffer: list[Record] = []
    for record in records:
        if record.id in seen:
            log.warning("duplicate record id %s skipped in rebuild", record.id)
            continue
        seen.add(record.id)
        buffer.append(record)
        if len(buffer) == size * procs:
            for start in range(0, len(buffer), size):
                yield buffer[start : start + size]
            buffer = []
    if buffer:
        shares = max(1, min(procs, len(buffer) // MIN_SHARE))
        step = -(-len(buffer) // shares)
        for start in range(0, len(buffer), step):
            yield buffer[start : start + step]
