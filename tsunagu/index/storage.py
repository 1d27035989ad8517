"""Index files read straight from memory-mapped pages, never copied.

Whoosh opens a compound segment (``*.seg``: every file of a segment in one)
with ``mmap`` and hands each sub-file to a ``BufferFile``, whose ``BytesIO``
copies the sub-file into private memory: the whole index ends up held twice,
once mapped and once copied (at 300,000 records 355 of 483 MiB of the serving
process's allocations). :class:`MappedStorage` is Whoosh's ``FileStorage``
with that path replaced:

* it tells Whoosh it cannot map files (``supports_mmap = False``), so
  Whoosh's ``CompoundStorage`` takes its plain-file path, which cuts each
  sub-file out of the compound file with ``subset``;
* its :meth:`MappedStorage.open_file` maps the file itself and returns a
  :class:`MappedFile`, whose ``subset`` is a view of the same pages. Every
  read returns only the bytes asked for; the pages stay shared page cache
  that the kernel can drop and reload.

If a Whoosh release stops cutting sub-files with ``subset``, its plain-file
path still reads correctly (only the copy-free reading is lost, which
``tests/index/test_storage.py`` notices); a file that cannot be mapped (empty,
or no address space left) is read as a plain file.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import mmap
import pickle
import sys
from array import array
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

log = logging.getLogger(__name__)

#: Bytes copied to unpickle from, at first (block headers and the like are small).
_PICKLE_WINDOW = 4096
_SIZES = {code: array(code).itemsize for code in "bBhHiIlLqQfd"}


class MappedStorage(FileStorage):  # type: ignore[misc]
    """An index directory whose existing files are read through ``mmap`` (new
    files are written as Whoosh writes them)."""

    #: Keeps Whoosh's compound storage from mapping (and then copying) by itself.
    supports_mmap = False

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        handle = open(self._fpath(name), "rb")  # noqa: SIM115 - owned by the returned file
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            return StructFile(handle, name=name, **kwargs)
        except OSError as exc:
            if exc.errno != errno.ENOMEM:
                handle.close()
                raise
            log.warning("cannot map %s (no address space left); reading it as a file", name)
            return StructFile(handle, name=name, **kwargs)
        handle.close()  # the mapping keeps the file's pages
        return MappedFile(memoryview(mapped), name=name, source=mapped, **kwargs)


class MappedFile(StructFile):  # type: ignore[misc]
    """A read-only file over a memoryview: reads return copies of only what is asked.

    Whoosh's structured reads (``read_int``, ``read_varint``, ``read_pickle`` …)
    go through :meth:`read`; its random-access ones (``get``, ``get_int``,
    ``get_array`` …) through :meth:`get` and :meth:`get_array`. ``subset``
    gives a view of a part of the same memory (a sub-file of a compound file).
    """

    def __init__(
        self,
        view: memoryview,
        name: str | None = None,
        onclose: Any = None,
        source: mmap.mmap | None = None,
    ) -> None:
        # Not StructFile.__init__: there is no underlying file object.
        self._view = view
        self._pos = 0
        self._size = len(view)
        self._source = source
        self._name = name
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False
        self.file = self  # Whoosh's read_pickle() unpickles from ``self.file``

    def __len__(self) -> int:
        return self._size

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        stop = self._size if size is None or size < 0 else min(start + size, self._size)
        if stop <= start:
            return b""
        self._pos = stop
        return self._view[start:stop].tobytes()

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(memoryview(buffer)))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        limit = self._size if size is None or size < 0 else min(start + size, self._size)
        end = start
        while end < limit:
            if self._view[end] == 0x0A:
                end += 1
                break
            end += 1
        self._pos = end
        return self._view[start:end].tobytes()

    def seek(self, where: int, whence: int = 0) -> int:
        if whence == 0:
            self._pos = where
        elif whence == 1:
            self._pos += where
        elif whence == 2:
            self._pos = self._size + where
        else:
            raise ValueError(f"invalid whence {whence!r}")
        return self._pos

    def tell(self) -> int:
        return self._pos

    def write(self, *args: Any, **kwargs: Any) -> Any:
        raise OSError(f"{self._name} is read-only")

    def truncate(self, *args: Any, **kwargs: Any) -> Any:
        raise OSError(f"{self._name} is read-only")

    def flush(self) -> None:
        pass

    def get(self, position: int, length: int) -> bytes:
        return self._view[position : position + length].tobytes()

    def get_array(self, position: int, typecode: str, length: int) -> array[Any]:
        """``length`` big-endian numbers of ``typecode`` at ``position`` (Whoosh's layout)."""
        found = array(typecode)
        found.frombytes(self._view[position : position + length * _SIZES[typecode]])
        if sys.byteorder == "little" and _SIZES[typecode] > 1:
            found.byteswap()
        return found

    def read_array(self, typecode: str, length: int) -> array[Any]:
        found = self.get_array(self._pos, typecode, length)
        self._pos += length * _SIZES[typecode]
        return found

    def read_pickle(self) -> Any:
        """The pickled object at the position (read from a small copied window: the
        unpickler reads a few bytes at a time, which is slow through :meth:`read`)."""
        window = _PICKLE_WINDOW
        while True:
            chunk = io.BytesIO(self._view[self._pos : self._pos + window])
            try:
                found = pickle.load(chunk)  # noqa: S301 - the index's own files, as Whoosh reads them
            except (EOFError, pickle.UnpicklingError):
                if self._pos + window >= self._size:
                    raise
                window *= 16  # the pickle is longer than the window
                continue
            self._pos += chunk.tell()
            return found

    def subset(self, offset: int, length: int, name: str | None = None) -> MappedFile:
        """A file over ``length`` bytes from ``offset``, sharing this one's memory."""
        view = self._view[offset : offset + length]
        return MappedFile(view, name=name or self._name, source=self._source)

    def close(self) -> None:
        if self.is_closed:
            raise ValueError(f"{self._name} is already closed")
        self.is_closed = True
        if self.onclose:
            self.onclose(self)
        # The mapping itself is released when the last view of it is gone (a
        # sub-file may outlive the compound file that handed it out).
        with contextlib.suppress(BufferError):  # still exported elsewhere: left to GC
            self._view.release()

    def raw_file(self) -> Any:
        return self
