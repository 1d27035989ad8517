"""The page hook of the benchmark's ``tsunagu`` line, in a module of its own.

A store process is a fresh interpreter: it rebuilds the run's hook from its
pickle by importing the hook's module by name, which it cannot do for a class of
the ``__main__`` script (such a hook keeps its run on a writer thread).
"""

from __future__ import annotations

from collections.abc import Sequence

from tsunagu.records import RawRecord
from tsunagu.store import ChangeKind, Store


class NoMapping:
    """Nothing is mapped. Portable (``for_store``, and it pickles): a run with it stores
    its pages in a store process, as the pipeline's runs do."""

    def __call__(self, changes: Sequence[tuple[RawRecord, ChangeKind]], run_id: int) -> int:
        return 0

    def for_store(self, store: Store) -> NoMapping:
        return self
