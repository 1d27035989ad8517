"""Uploaded tables (CSV, TSV, Excel) and the column mapping an institution gives.

:func:`read_table` reads the first sheet (Excel) or the whole file (CSV/TSV in
UTF-8, with or without BOM, or Shift_JIS as Japanese Excel writes it); the first
non-empty row is the header. A :class:`ColumnMapping` says which column holds
which field (:data:`TARGETS`); exactly one column is the identifier. Cells may
hold several values separated by ``|`` or line breaks.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tsunagu.errors import ConfigError, UploadError

#: The fields a column can be mapped to, with their labels (ja, en).
TARGETS: Mapping[str, tuple[str, str]] = {
    "identifier": ("識別子（必須・一意）", "Identifier (required, unique)"),
    "title": ("タイトル", "Title"),
    "alt_title": ("別タイトル・よみ", "Other title or reading"),
    "creator": ("作成者", "Creator"),
    "contributor": ("寄与者", "Contributor"),
    "publisher": ("出版者", "Publisher"),
    "date": ("年代・日付", "Date"),
    "description": ("説明", "Description"),
    "subject": ("主題・キーワード", "Subject"),
    "place": ("場所", "Place"),
    "type": ("種別", "Type"),
    "format": ("形態・技法・数量", "Medium, extent"),
    "language": ("言語", "Language"),
    "rights": ("利用条件（URIまたは文言）", "Rights (URI or statement)"),
    "rights_holder": ("権利者", "Rights holder"),
    "url": ("所蔵機関のページURL", "URL of the item page"),
    "thumbnail": ("サムネイル画像URL", "Thumbnail URL"),
    "iiif_manifest": ("IIIFマニフェストURL", "IIIF manifest URL"),
    "collection": ("コレクション", "Collection"),
}

#: Header names recognised by :func:`guess_mapping` (compared after NFKC and lower-casing).
_KNOWN_HEADERS: Mapping[str, str] = {
    **{name: name for name in TARGETS},
    "id": "identifier", "資料番号": "identifier", "識別子": "identifier", "番号": "identifier",
    "管理番号": "identifier", "資料id": "identifier", "登録番号": "identifier",
    "タイトル": "title", "資料名": "title", "名称": "title", "作品名": "title", "書名": "title",
    "よみ": "alt_title", "読み": "alt_title", "ヨミ": "alt_title",
    "作者": "creator", "作成者": "creator", "著者": "creator", "制作者": "creator",
    "年代": "date", "日付": "date", "制作年": "date", "年": "date", "出版年": "date",
    "説明": "description", "解説": "description", "概要": "description",
    "主題": "subject", "キーワード": "subject", "件名": "subject",
    "場所": "place", "地域": "place", "種別": "type", "分類": "type", "形態": "format",
    "言語": "language", "利用条件": "rights", "ライセンス": "rights", "license": "rights",
    "licence": "rights", "権利者": "rights_holder", "url": "url", "link": "url",
    "サムネイル": "thumbnail", "画像url": "thumbnail", "thumbnail_url": "thumbnail",
    "iiif": "iiif_manifest", "manifest": "iiif_manifest", "コレクション": "collection",
}

_XLSX_MAGIC = b"PK\x03\x04"


@dataclasses.dataclass(frozen=True)
class Table:
    """A table as uploaded: header names and rows of text (with their line numbers)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def column(self, name: str) -> int:
        return self.headers.index(name)


@dataclasses.dataclass(frozen=True)
class ColumnMapping:
    """``(column header, target field)`` pairs; unmapped columns are kept but not read."""

    columns: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> ColumnMapping:
        """From ``{column: target}`` (empty targets are dropped)."""
        return cls(tuple((column, target) for column, target in mapping.items() if target))

    def target_of(self, column: str) -> str | None:
        return dict(self.columns).get(column)

    @property
    def identifier_column(self) -> str:
        return next(column for column, target in self.columns if target == "identifier")

    def check(self, table: Table) -> None:
        """Refuse a mapping that names unknown targets or columns, or no single identifier."""
        for column, target in self.columns:
            if target not in TARGETS:
                raise ConfigError(f"unknown field {target!r} for column {column!r}",
                                  field="mapping")
            if column not in table.headers:
                raise ConfigError(f"the file has no column {column!r}", field="mapping")
        identifiers = [c for c, target in self.columns if target == "identifier"]
        if len(identifiers) != 1:
            raise ConfigError("map exactly one column to the identifier "
                              f"(now {len(identifiers)})", field="mapping")


def read_table(data: bytes, filename: str = "") -> Table:
    """Read an uploaded CSV, TSV or Excel (.xlsx) file."""
    if data.startswith(_XLSX_MAGIC):
        return _table(_xlsx_rows(data))
    text = _decode(data)
    lower = filename.lower()
    first = text.split("\n", 1)[0]
    delimiter = "\t" if lower.endswith((".tsv", ".tab")) or (
        not lower.endswith(".csv") and first.count("\t") > first.count(",")) else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UploadError(f"the file is not readable as CSV/TSV: {exc}") from exc
    return _table(rows)


def guess_mapping(headers: Iterable[str]) -> ColumnMapping:
    """A first mapping from header names the template and common catalogues use."""
    found: list[tuple[str, str]] = []
    used: set[str] = set()
    for header in headers:
        target = _KNOWN_HEADERS.get(unicodedata.normalize("NFKC", header).strip().lower())
        if target and (target not in used or target not in ("identifier", "title")):
            found.append((header, target))
            used.add(target)
    return ColumnMapping(tuple(found))


def template_csv() -> bytes:
    """The downloadable CSV template: one column per field and an example row (UTF-8 BOM,
    so that Excel opens it with the Japanese intact)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(TARGETS))
    writer.writerow([_EXAMPLE.get(name, "") for name in TARGETS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The same template as an Excel workbook, with a second sheet explaining the fields."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "records"
    sheet.append(list(TARGETS))
    sheet.append([_EXAMPLE.get(name, "") for name in TARGETS])
    help_sheet = book.create_sheet("fields")
    help_sheet.append(["field", "日本語", "English"])
    for name, (ja, en) in TARGETS.items():
        help_sheet.append([name, ja, en])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_EXAMPLE = {
    "identifier": "A-0001", "title": "東海道五十三次 日本橋",
    "alt_title": "とうかいどうごじゅうさんつぎ",
    "creator": "歌川広重", "date": "天保4年", "description": "錦絵。",
    "subject": "浮世絵|風景", "place": "東京都", "type": "image", "language": "ja",
    "rights": "https://creativecommons.org/publicdomain/zero/1.0/",
    "url": "https://museum.example.jp/collection/A-0001",
    "thumbnail": "https://museum.example.jp/images/A-0001.jpg",
}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("the file is neither UTF-8 nor Shift_JIS text")


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UploadError(f"the file is not a readable Excel (.xlsx) workbook: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(rows: list[list[str]]) -> Table:
    numbered = [(number, [cell.strip() for cell in row])
                for number, row in enumerate(rows, start=1)]
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        raise UploadError("the file has no rows")
    _, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    if any(not name for name in header):
        raise UploadError("every column needs a name in the first row")
    if len(set(header)) != len(header):
        raise UploadError("two columns have the same name in the first row")
    width = len(header)
    body = tuple((number, tuple((row + [""] * width)[:width])) for number, row in numbered[1:])
    return Table(tuple(header), body)
