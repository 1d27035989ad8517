"""The on-disk layout of the index: generations behind an atomic pointer.

::

    index_dir/
        CURRENT              "gen-00000003"   (replaced atomically)
        gen-00000002/        the previous index, kept for readers still on it
        gen-00000003/        a Whoosh index + state.json {applied_seq, schema_version}

A rebuild writes a whole new generation, then swaps ``CURRENT`` with
:func:`os.replace`: a reader sees the old index or the new one, never half of
one. Incremental updates commit into the current generation (Whoosh's own TOC
commit is atomic too). The state file travels with its generation, so the
change sequence always describes the index it sits beside.

One writer at a time (the pipeline) is assumed; readers may be many.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from tsunagu.errors import IndexingError
from tsunagu.index.storage import MappedStorage

log = logging.getLogger(__name__)

_POINTER = "CURRENT"
_STATE = "state.json"
_GENERATION_RE = re.compile(r"gen-(\d{8})")


class IndexDirectory:
    """The generations of one index directory and the pointer to the live one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def current(self) -> Path | None:
        """The live generation's directory, or ``None`` when there is none yet."""
        try:
            name = (self.path / _POINTER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise IndexingError(f"cannot read the index pointer in {self.path}: {exc}") from exc
        if not _GENERATION_RE.fullmatch(name):
            raise IndexingError(f"the index pointer in {self.path} is corrupt: {name!r}")
        generation = self.path / name
        return generation if generation.is_dir() else None

    def stamp(self) -> tuple[int, int] | None:
        """A cheap signature of the pointer that changes whenever it is swapped."""
        try:
            stat = (self.path / _POINTER).stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    def open(self, generation: Path) -> Any:
        """The Whoosh index stored in ``generation``, its files read through
        ``mmap`` without private copies (:class:`~tsunagu.index.storage.MappedStorage`)."""
        try:
            return MappedStorage(str(generation)).open_index()
        except Exception as exc:  # Whoosh raises many kinds, unpickling errors included
            raise IndexingError(
                f"cannot open the search index in {generation} ({exc}); rebuild it"
            ) from exc

    def create(self, schema: Any) -> tuple[Path, Any]:
        """A new, empty, not yet published generation and its Whoosh index."""
        self.path.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for m in map(self._match, self.path.iterdir()) if m]
        generation = self.path / f"gen-{max(numbers, default=0) + 1:08d}"
        generation.mkdir()
        try:
            return generation, whoosh_index.create_in(str(generation), schema)
        except Exception as exc:
            shutil.rmtree(generation, ignore_errors=True)
            raise IndexingError(f"cannot create a search index in {generation}: {exc}") from exc

    def publish(self, generation: Path) -> None:
        """Make ``generation`` the live index (atomically), then drop older ones."""
        previous = self.current()
        temporary = self.path / f"{_POINTER}.tmp"
        _write_atomically(temporary, self.path / _POINTER, generation.name)
        keep = {generation.name} | ({previous.name} if previous else set())
        for child in self.path.iterdir():
            if self._match(child) and child.name not in keep:
                log.info("removing old index generation %s", child)
                shutil.rmtree(child, ignore_errors=True)

    def discard(self, generation: Path) -> None:
        """Remove an unpublished generation (a failed rebuild)."""
        shutil.rmtree(generation, ignore_errors=True)

    def read_state(self, generation: Path) -> dict[str, int]:
        """``{"applied_seq": …, "schema_version": …}`` of a generation (zeros if unset)."""
        try:
            data = json.loads((generation / _STATE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"applied_seq": 0, "schema_version": 0}
        except (OSError, ValueError) as exc:
            raise IndexingError(f"cannot read the index state in {generation}: {exc}") from exc
        return {
            "applied_seq": int(data.get("applied_seq", 0)),
            "schema_version": int(data.get("schema_version", 0)),
        }

    def write_state(self, generation: Path, applied_seq: int, schema_version: int) -> None:
        """Persist a generation's state (atomically, after its Whoosh commit)."""
        text = json.dumps({"applied_seq": applied_seq, "schema_version": schema_version})
        _write_atomically(generation / f"{_STATE}.tmp", generation / _STATE, text)

    @staticmethod
    def _match(path: Path) -> re.Match[str] | None:
        return _GENERATION_RE.fullmatch(path.name) if path.is_dir() else None


def _write_atomically(temporary: Path, target: Path, text: str) -> None:
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise IndexingError(f"cannot write {target}: {exc}") from exc
