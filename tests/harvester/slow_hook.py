"""A portable page hook for the store-process tests: maps as the pipeline does, slowly.

It lives in a module of its own (not a test module) so that a store process, which
imports a hook's module by name, imports only this.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from tsunagu.page_mapper import PageMapper
from tsunagu.records import RawRecord, Source
from tsunagu.store import ChangeKind, Store


class SlowMapper:
    """:class:`~tsunagu.page_mapper.PageMapper`, ``delay`` seconds a page."""

    def __init__(self, source: Source, delay: float, store: Store | None = None) -> None:
        self.source, self.delay, self.store = source, delay, store

    def __reduce__(self) -> tuple[object, ...]:
        return (SlowMapper, (self.source, self.delay))

    def for_store(self, store: Store) -> SlowMapper:
        return SlowMapper(self.source, self.delay, store)

    def __call__(self, changes: Iterable[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
        assert self.store is not None, "for_store() first"
        time.sleep(self.delay)
        return PageMapper(self.source, self.store)(changes, run_id)
