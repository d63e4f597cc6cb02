"""Read backlink exports: containers, encodings, CSV dialects, headers, vendors.

This module owns the file system side of the reader (formats.md section 2):

* containers: CSV/TSV/TXT, XLSX (openpyxl, read-only) and zip (every member);
* encodings: BOM sniffing (UTF-16 LE/BE, UTF-8 with signature), UTF-8, and a
  Windows-1252 fallback that is reported as a warning;
* dialect: the delimiter is sniffed from the header; preamble lines before the
  header are found by looking for a known header signature, or for any other
  table as the lines above the row right above its first link or domain;
* parsing: pandas' C engine (quotes, embedded newlines); rows with the wrong
  number of fields are skipped, counted and reported, never fatal;
* vendor detection (:mod:`disavow.vendors`) and renaming to canonical columns,
  including the vendor-specific meaning of a few cells (Majestic ``Flag*``,
  Moz ``Followable``, Ahrefs legacy ``Type``...).

It returns canonical column *names* with cells as read; dtypes, URLs and
domains are the job of :mod:`disavow.normalize`. It must not print or exit:
anything the user must fix raises :class:`~disavow.errors.InputFormatError`
with one paragraph saying which file, what was expected and how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import signal
import stat
import threading
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow import vendors as v
from disavow.errors import InputFormatError
from disavow.schema import Format, RowKind
from disavow.tables import restore_cell
from disavow.text import CP1252_FALLBACK, count_cp1252_bytes, from_os, one_line
from disavow.urls import host_info, parse_host

MAX_EXAMPLES = 50  # skipped-row examples kept per file; the count stays exact
_HEAD_BYTES = 256 * 1024  # how much of a file is decoded to sniff its dialect
_HEAD_RECORDS = 60
_PREAMBLE_MAX = 25  # rows scanned for a header below a preamble
_DELIMITERS = ("\t", ",", ";", "|")
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ""}
# A zip member is expanded into memory to be read (a CSV passed directly streams from
# disk). Search Console's zip holds a few CSVs of at most 1,000 rows, well under 1 MB;
# a zip bomb of 1 MB expands to 400 MB (16M rows, 1.3 GB to read), 10 MB to 4 GB. So
# a member over 250 MB, or members over 500 MB together, are refused before they are
# held: an export that large is passed unzipped.
ZIP_MEMBER_MAX_BYTES = 250_000_000
ZIP_TOTAL_MAX_BYTES = 500_000_000
# Deflated exports measure 2:1 to 25:1 (a 200,000-row Latest links of one site: 19:1);
# only text repeated over and over goes far beyond, as a bomb does (one line repeated:
# 340:1, deflate's limit is about 1,000:1). A member expanding beyond 100 times its
# compressed size is refused, unless it stays under 20 MB, which is read whatever its ratio.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR_BYTES = 20_000_000

# Missing-value spellings for number, boolean and date cells (section 2 rule 7).
# Text cells only treat the empty string as missing: an anchor "n/a" is text.
MISSING = ("", "null", "NULL", "Null", "-", "--", "—", "n/a", "N/A", "NA", "na", "NaN",
           "nan", "None", "none", "#N/A", "(not set)")

_NUMBER_COLUMNS = set(s.NUMBER_COLUMNS)
_COUNT_COLUMNS = set(s.COUNT_COLUMNS)
_BOOL_COLUMNS = set(s.BOOL_COLUMNS)

# Columns a caller may leave unread: filled from cells, and neither a row's
# identity (URL, domain, target), its status nor its provenance is derived from them.
LEAVABLE_COLUMNS = frozenset(s.LINK_COLUMNS) - {
    s.ROW_KIND, s.SOURCE_URL, s.SOURCE_HOST, s.DOMAIN, s.TARGET_URL, s.SOURCE_FORMAT,
    s.SOURCE_FILE, s.SOURCE_ROW, s.STATUS, s.PROBLEM,
}

_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word (.doc) file",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"SQLite format 3": "an SQLite database",
}
_DISAVOW_LINE = re.compile(r"^\s*(#|domain:|https?://)", re.IGNORECASE)
_SKIPPING = re.compile(r"Skipping line (\d+): (.+)")
_EOF_IN_STRING = re.compile(r"EOF inside string starting at row (\d+)")
_URLISH = re.compile(r"^\s*(?:https?://|//|www\.)\S+\s*$|^\s*[^\s/@:,;]+\.[a-z]{2,}(?::\d+)?/\S*$",
                     re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    r"^\s*(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)\.?\s*$",
    re.IGNORECASE,
)
# What groups the thousands of a number: a comma, a dot, a space, a no-break space, the
# narrow one current fr-FR writes (U+202F), a thin one, or an apostrophe (de-CH 1'240, 1’240).
_GROUP_MARKS = ",.\u00a0\u202f\u2009 '\u2019"
_INTEGER = re.compile(rf"^\s*\d{{1,3}}(?:[{_GROUP_MARKS}]\d{{3}})*\s*$|^\s*\d+\s*$")
_DATEISH = re.compile(
    r"^\s*(?:\d{4}([-/.])\d{1,2}\1\d{1,2}(?:[ T].*)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?: .*)?"
    r"|[^\W\d_]{3,}\.? \d{1,2}, \d{4}|\d{1,2} [^\W\d_]{3,}\.? \d{4})\s*$"
)
# A number as a cell may write it (12, 1,240, 2.500.000, 0,5, 12%); a dotted quad
# (an IP address) is no number.
_NUMBER_CELL = re.compile(rf"^\s*[+-]?\d+(?:[{_GROUP_MARKS}]\d+){{0,2}}\s*%?\s*$")
# Headers that name a column of links in one list and a count of them in another.
_COUNT_NAMES = frozenset(v.header_key(n) for n in ("backlinks", "links", "link", "backlink"))
# A comma no reading as a thousands separator explains (12,5, 0,25, 1.234,5), and the same
# for a dot (3.5, 12.25, 1,234.5): 1,000 and 1.000 could be either.
_DECIMAL_COMMA = re.compile(r"^\s*-?\d{1,3}(?:\.\d{3})+,\d+\s*%?\s*$"
                            r"|^\s*-?\d+,(?:\d{1,2}|\d{4,})\s*%?\s*$")
_THOUSANDS_DOTS = re.compile(r"^\s*[+-]?\d{1,3}(?:\.\d{3})+\s*$")  # 1.240, 2.500.000
_THOUSANDS_COMMAS = re.compile(r"^\s*[+-]?\d{1,3}(?:,\d{3}){2,}\s*$")  # 1,234,567
_DOTTED_DATE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_DECIMAL_DOT = re.compile(r"^\s*-?\d{1,3}(?:,\d{3})+\.\d+\s*%?\s*$"
                          r"|^\s*-?\d+\.(?:\d{1,2}|\d{4,})\s*%?\s*$")
_SPAM_BADGE = re.compile(r"^(.+\.[a-z0-9-]*[a-z])SPAM$")


@dataclass
class FileReport:
    """What ``disavow inspect`` prints about one input file (or zip member / sheet).

    ``rows_read`` counts every data row the reader came to, the skipped ones
    included, and ``rows_skipped`` those of them that cannot be used, so
    ``rows_read - rows_skipped`` rows are usable. Malformed rows (more fields
    than the header, the row opening a quote never closed) are skipped here and
    are not in the table; a row with fewer fields is kept, its missing cells
    empty (exports often drop trailing empty fields).
    :func:`disavow.normalize.read_exports` also counts in ``rows_skipped`` the
    rows kept with ``status="skipped"`` (an unusable URL or domain), which are
    in the table. Blank rows, and rows of empty cells, are no data rows: neither
    read nor skipped. ``skipped`` holds at most :data:`MAX_EXAMPLES` examples as
    (row, reason), the row numbered as a spreadsheet numbers the file's rows (the
    header and the lines above it counted, a cell with a line break one row), the
    number a user can find; the count is always exact.
    """

    path: str
    format: Format
    encoding: str
    delimiter: str
    rows_read: int = 0
    rows_skipped: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    mapped_columns: dict[str, str] = field(default_factory=dict)  # canonical -> original
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add_skipped(self, row: int, reason: str) -> None:
        self.rows_skipped += 1
        if len(self.skipped) < MAX_EXAMPLES:
            self.skipped.append((row, reason))


class _NotBacklinks(InputFormatError):
    """A recognised table that holds no linking pages (a zip member may skip it).

    ``what`` says what the table is, in a few words, for the note about a zip
    member left out beside the tables that were read.
    """

    def __init__(self, message: str, what: str) -> None:
        super().__init__(message)
        self.what = what


# --- sources: what one table is read from -------------------------------------


@dataclass
class _Source:
    label: str  # path shown to the user, "x.zip:Latest links.csv" for a member
    name: str  # file name stored in source_file
    data: Path | bytes | str  # a file, a zip member's bytes, or text made from a sheet
    # A sheet beside others in a workbook: if it holds no links (notes, a pivot),
    # it is left out with a note instead of failing the file.
    optional: bool = False

    def head(self) -> bytes:
        if isinstance(self.data, Path):
            with self.data.open("rb") as fh:
                return fh.read(_HEAD_BYTES)
        if isinstance(self.data, bytes):
            return self.data[:_HEAD_BYTES]
        raise TypeError("text sources have no bytes")

    @property
    def complete_head(self) -> bool:
        if isinstance(self.data, Path):
            return self.data.stat().st_size <= _HEAD_BYTES
        return len(self.data) <= _HEAD_BYTES

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The source's bytes, a piece at a time (a big file is never held whole)."""
        if isinstance(self.data, Path):
            with self.data.open("rb") as fh:
                while chunk := fh.read(size):
                    yield chunk
        elif isinstance(self.data, bytes):
            for start in range(0, len(self.data), size):
                yield self.data[start : start + size]
        else:
            raise TypeError("text sources have no bytes")

    def for_pandas(self) -> Path | io.BytesIO | io.StringIO:
        if isinstance(self.data, Path):
            return self.data
        if isinstance(self.data, bytes):
            return io.BytesIO(self.data)
        return io.StringIO(self.data)


def read_export(path: str | Path, *, unread_columns: Collection[str] = ()
                ) -> tuple[pd.DataFrame, list[FileReport]]:
    """Read one export file into canonical columns (a zip: all of its members).

    Args:
        path: a CSV/TSV/TXT, XLSX or zip file.
        unread_columns: canonical columns the caller will not read (any of
            :data:`LEAVABLE_COLUMNS`): their cells are not converted and they
            are left out of the frame. The reports still list them as mapped.

    Returns:
        The rows of every table in the file, with canonical column names
        (:data:`disavow.schema.LINK_COLUMNS` that the file has, plus
        ``row_kind``, ``source_format``, ``source_file`` and ``source_row``,
        and ``label`` when present), cells as read; and one report per table.

    Raises:
        InputFormatError: the file is missing, empty, binary, an existing
            disavow file, or has no usable URL or domain column.
        ValueError: ``unread_columns`` names a column outside
            :data:`LEAVABLE_COLUMNS` (a mistake in the calling code).
    """
    unread = unread_set(unread_columns)
    file = Path(path)
    label = one_line(str(path))
    if not file.exists():
        raise InputFormatError(
            f"{label}: no such file. Expected a backlink export ({_expected_short()}). "
            "Check the path and try again."
        )
    if file.is_dir():
        raise InputFormatError(
            f"{label} is a folder, not a file. Pass the export files inside it, "
            f"e.g. {label}/*.csv."
        )
    content: Path | bytes = file
    if not stat.S_ISREG(file.stat().st_mode):
        # A pipe (<(...), /dev/stdin) can be read only once, and says it is 0 bytes:
        # its bytes are read whole, then read from memory like a zip member's.
        content = _stream_bytes(file, label)
    if (len(content) if isinstance(content, bytes) else file.stat().st_size) == 0:
        raise InputFormatError(
            f"{label} is empty (0 bytes). Expected a backlink export "
            f"({_expected_short()}). Export the report again and pass the new file."
        )
    head = content[:_HEAD_BYTES] if isinstance(content, bytes) else _source_head(file)
    name = from_os(file.name)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        sources = _zip_sources(content, label, name)
    else:
        sources = [_Source(label, name, content)]
    frames: list[pd.DataFrame] = []
    reports: list[FileReport] = []
    ignored: list[_NotBacklinks] = []
    left_out: list[str] = []
    unreadable: list[InputFormatError] = []
    for source in sources:
        try:
            frame, report = _read_source(source, unread)
        except _NotBacklinks as exc:
            if len(sources) == 1:
                raise
            ignored.append(exc)
            left_out.append(f"{source.label.removeprefix(label + ':')} ({exc.what})")
            continue
        except InputFormatError as exc:
            if not source.optional:
                raise
            unreadable.append(exc)
            left_out.append(f"{source.label.removeprefix(label + ':')} (no table of links "
                            "or domains found in it)")
            continue
        frames.append(frame)
        reports.append(report)
    if not frames and unreadable and not ignored:
        raise unreadable[0]
    if not frames:
        raise InputFormatError(
            f"{label}: none of its tables holds linking pages or domains "
            f"({'; '.join(map(str, ignored))}). Expected {_expected_short()}. Include the "
            "'Latest links', 'More sample links' or 'Top linking sites' table, or pass a "
            "backlink export."
        )
    # Said on the first table read, whose path the message is shown after.
    for note in left_out:
        reports[0].warnings.append(f"also in {one_line(file.name)}, not read: {note}")
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return frame, reports


def unread_set(columns: Collection[str]) -> frozenset[str]:
    """``columns`` as a set, refused unless all of them are in :data:`LEAVABLE_COLUMNS`."""
    unread = frozenset(columns)
    wrong = unread - LEAVABLE_COLUMNS
    if wrong:
        raise ValueError(
            f"cannot leave {', '.join(sorted(wrong))} unread: rows are built from them, or "
            f"they are not read from exports. Columns that can be: "
            f"{', '.join(sorted(LEAVABLE_COLUMNS))}."
        )
    return unread


def _expected_short() -> str:
    return (
        "Ahrefs, Semrush, Google Search Console, Majestic or Moz as CSV, TSV, XLSX or zip, "
        "a CSV with a URL or domain column, or a list of URLs"
    )


def _source_head(file: Path) -> bytes:
    try:
        with file.open("rb") as fh:
            return fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise InputFormatError(
            f"{one_line(str(file))}: cannot be opened ({exc.strerror or exc}). Check the "
            "file's permissions."
        ) from None


def _stream_bytes(file: Path, label: str) -> bytes:
    try:
        with file.open("rb") as stream:
            return stream.read()
    except OSError as exc:
        raise InputFormatError(
            f"{label}: cannot be read ({exc.strerror or exc}). Save the export to a file "
            "and pass that file."
        ) from None


def _zip_sources(file: Path | bytes, label: str, name: str) -> list[_Source]:
    try:
        archive = zipfile.ZipFile(file if isinstance(file, Path) else io.BytesIO(file))
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
        raise InputFormatError(
            f"{label} looks like a zip archive but cannot be opened ({exc}). Download the "
            "export again, or unzip it and pass the CSV files."
        ) from None
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
            return _xlsx_sources(file, label, name)
        sources = []
        total = 0  # bytes expanded so far, over all members
        for info in archive.infolist():
            member = info.filename
            base = member.rsplit("/", 1)[-1]
            if info.is_dir() or not base or base.startswith(".") or "__MACOSX" in member:
                continue
            suffix = Path(base).suffix.lower()
            member_label = f"{label}:{one_line(member)}"
            member_name = f"{name}:{member}"
            if suffix not in _TEXT_SUFFIXES and suffix != ".xlsx":
                continue
            # The sizes a zip states can lie: they are checked before anything is
            # expanded, and then no more than the limit is read.
            limit, why = _zip_member_limit(info, total)
            if info.file_size > limit:
                raise _zip_too_large(member_label, info, limit, why)
            try:
                with archive.open(info) as member_file:
                    data = member_file.read(limit + 1)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
                    OSError, EOFError) as exc:  # damaged, encrypted or exotic member
                raise InputFormatError(
                    f"{member_label} cannot be extracted from the zip archive "
                    f"({type(exc).__name__}). Download the export again, or unzip it "
                    "yourself and pass the CSV files."
                ) from None
            if len(data) > limit:
                raise _zip_too_large(member_label, info, limit, why, read=len(data))
            total += len(data)
            if suffix == ".xlsx":
                sources.extend(_xlsx_sources(data, member_label, member_name))
            else:
                sources.append(_Source(member_label, member_name, data))
    if not sources:
        raise InputFormatError(
            f"{label}: the zip archive holds no CSV, TSV, TXT or XLSX files "
            f"(members: {', '.join(names[:10]) or 'none'}). Expected the zip that Search "
            "Console's Export > Download CSV produces, or zip the exports themselves."
        )
    return sources


def _zip_member_limit(info: zipfile.ZipInfo, total: int) -> tuple[int, str]:
    """The most a member may expand to, given what the members before it expanded
    to, and which limit that is: "member", "total" or "ratio"."""
    limits = [
        (ZIP_MEMBER_MAX_BYTES, "member"),
        (ZIP_TOTAL_MAX_BYTES - total, "total"),
        (max(ZIP_RATIO_FLOOR_BYTES, ZIP_MAX_RATIO * info.compress_size), "ratio"),
    ]
    return min(limits, key=lambda limit: limit[0])


def _zip_too_large(member_label: str, info: zipfile.ZipInfo, limit: int, why: str,
                   *, read: int | None = None, fix: str | None = None) -> InputFormatError:
    """The error for a zip member that expands beyond ``limit``: as it states, or as
    found by reading it (``read`` bytes, where the reading stopped)."""
    if read is None:
        size = info.file_size
        expands = f"expands to {_megabytes(size)}"
    else:
        size = read
        expands = (f"expands to more than {_megabytes(limit)} (though it states "
                   f"{_megabytes(info.file_size)})")
    fix = fix or ("unzip the archive and pass the CSV files themselves: a file passed "
                  "directly is read from disk as it streams, whatever its size.")
    if why == "ratio":
        ratio = size / max(info.compress_size, 1)
        return InputFormatError(
            f"{member_label} {expands} from {_megabytes(info.compress_size)} in the zip "
            f"archive, {'over ' if read is not None else ''}{ratio:,.0f} times its "
            "compressed size. Exports compress about 25 times at most; a member over "
            f"{_megabytes(ZIP_RATIO_FLOOR_BYTES)} expanding over {ZIP_MAX_RATIO} times is "
            f"taken for a zip bomb and not expanded. If it holds a genuine export, {fix}"
        )
    if why == "total":
        return InputFormatError(
            f"{member_label} {expands}, and with the members before it the zip archive "
            f"expands to more than the {_megabytes(ZIP_TOTAL_MAX_BYTES)} read from a zip in "
            f"memory. To read it, {fix}"
        )
    return InputFormatError(
        f"{member_label} {expands}, more than the {_megabytes(ZIP_MEMBER_MAX_BYTES)} a zip "
        f"member is expanded to in memory. To read it, {fix}"
    )


def _megabytes(size: int) -> str:
    if size < 1_000_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:,.0f} MB" if size >= 10_000_000 else f"{size / 1_000_000:.1f} MB"


# --- XLSX ---------------------------------------------------------------------


def _xlsx_sources(data: Path | bytes, label: str, name: str) -> list[_Source]:
    """One text source per sheet to read: the first sheet, or every GSC table."""
    import openpyxl  # imported lazily: only XLSX input needs it

    _check_xlsx_sizes(data, label)
    try:
        book = openpyxl.load_workbook(
            data if isinstance(data, Path) else io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputFormatError(
            f"{label}: the Excel workbook cannot be read ({type(exc).__name__}: {exc}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx or .csv."
        ) from None
    try:
        sheets = book.worksheets
        gsc = [ws for ws in sheets if ws.title.casefold().strip() in v.GSC_TABLE_NAMES]
        if gsc:
            return [_Source(f"{label}:{one_line(ws.title)}", f"{name}:{ws.title}",
                            _sheet_text(ws)) for ws in gsc]
        # Every sheet with content: a Search Console workbook in another language (its
        # tables are recognised by content), or exports pasted into one workbook.
        texts = [(ws.title, _sheet_text(ws)) for ws in sheets]
        texts = [(title, text) for title, text in texts if text.strip()] or texts[:1]
        if len(texts) == 1:
            return [_Source(label, name, texts[0][1])]
        return [_Source(f"{label}:{one_line(title)}", f"{name}:{title}", text, optional=True)
                for title, text in texts]
    except Exception as exc:  # a damaged sheet fails while its rows are read
        raise InputFormatError(
            f"{label}: a sheet of the Excel workbook cannot be read ({type(exc).__name__}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx or .csv."
        ) from None
    finally:
        book.close()


def _check_xlsx_sizes(data: Path | bytes, label: str) -> None:
    """Refuse a workbook whose parts expand beyond the limits of a zip's members.

    A workbook is a zip archive, and a sheet of a few kilobytes can state gigabytes
    of rows: openpyxl would expand all of it into memory. zipfile never expands a
    part beyond the size it states, so the stated sizes are the ones to check.
    """
    fix = ("open the workbook in Excel or LibreOffice, save each sheet as CSV and pass "
           "the CSV files: a file passed directly is read from disk as it streams.")
    try:
        with zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError):
        return  # openpyxl says what is wrong with it
    total = 0
    for info in infos:
        limit, why = _zip_member_limit(info, total)
        if info.file_size > limit:
            raise _zip_too_large(f"{label}:{one_line(info.filename)}", info, limit, why,
                                 fix=fix)
        total += info.file_size


def _sheet_text(ws) -> str:
    # A read-only sheet stops at the size the file states, and some writers state
    # "A1" or a stale range: Excel ignores it, and so must this reader.
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in ws.iter_rows():
        cells = [_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            writer.writerow(cells)
        else:
            out.write("\n")
    return out.getvalue()


def _cell_text(value: object, number_format: str | None = None) -> str:
    """A cell as the CSV export of the same report would write it.

    A percent-formatted cell stores a fraction (Moz's spam score 85% is 0.85):
    it is written as the percentage the sheet shows.
    """
    if value is None:
        return ""
    if (isinstance(value, int | float) and not isinstance(value, bool)
            and number_format and "%" in number_format):
        return _cell_text(round(value * 100, 9)) + "%"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- one table ----------------------------------------------------------------


@dataclass
class _Dialect:
    encoding: str  # Python codec name given to pandas ("" for text sources)
    shown: str  # what the report says
    delimiter: str | None  # None: one column, whole lines
    skiprows: int  # records before the header (see _Plan)
    decimal: str = "."
    replaced: bool = False  # undecodable bytes were read as U+FFFD
    # No thousands separator by default: pandas would drop any comma, turning the
    # decimal comma of 2,2 into 22. A number column with a comma stays text and
    # normalize.to_number decides, from the whole column, what its commas mean.
    thousands: str | None = None
    # Number columns whose cells the decimal mark above would misread: read as text.
    text_numbers: set[int] = field(default_factory=set)


def _read_source(source: _Source, unread: frozenset[str]) -> tuple[pd.DataFrame, FileReport]:
    warnings_: list[str] = []
    if isinstance(source.data, str):
        text, encoding, shown = source.data, "", "xlsx"
    else:
        head = source.head()
        if not head.strip(b" \t\r\n\x00"):
            # In a zip, an empty member is left out with a note, as other non-backlink
            # tables are; alone, it is refused with this message.
            raise _NotBacklinks(
                f"{source.label} has no content (only blank lines). Expected a backlink export "
                f"({_expected_short()}). Export the report again and pass the new file.",
                "empty" if not head else "only blank lines",
            )
        encoding, shown, note = _sniff_encoding(head, source.label)
        if note:
            warnings_.append(note)
        text = _decode_head(head, encoding)
    records = _head_records(text, source)
    _refuse_disavow_file(text, source.label)
    plan = _plan(records, source)
    dialect = _Dialect(encoding=encoding, shown=shown, delimiter=plan.delimiter,
                       skiprows=plan.skiprows)
    if plan.pasted:
        return _read_pasted(source, plan, dialect, warnings_, unread)
    if dialect.delimiter == ";":
        _choose_decimal_mark(plan, dialect)
    frame, report = _parse(source, plan, dialect, warnings_, unread)
    return frame, report


def _choose_decimal_mark(plan: _Plan, dialect: _Dialect) -> None:
    """Read a ``;`` file with decimal commas when its number columns write them.

    Only number columns are looked at: a ``1,000`` anchor or ``301,200`` redirect
    codes made every decimal 10-100 times too large (DR 55.5 read as 555). A
    number column whose cells write a decimal dot (a de-CH re-save: ``;`` and
    ``3.5``) stays text, for :func:`disavow.normalize.to_number` to read alone.
    """
    numbers = {i: [r[i] for r in plan.data_rows if len(r) > i] for c, i in plan.mapping
               if c.canonical in _NUMBER_COLUMNS and c.kind == v.VALUE}
    if any(_DECIMAL_COMMA.match(cell) for cells in numbers.values() for cell in cells):
        dialect.decimal, dialect.thousands = ",", "."
        dialect.text_numbers = {i for i, cells in numbers.items()
                                if any(_DECIMAL_DOT.match(cell) for cell in cells)}


def _sniff_encoding(head: bytes, label: str) -> tuple[str, str, str]:
    """(codec for pandas, name for the report, warning) from a file's first bytes."""
    if head.startswith(codecs.BOM_UTF16_LE) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16", "utf-16-le (BOM)", ""
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", "utf-16-be (BOM)", ""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8 (BOM)", ""
    sample = head[:4096]
    # One stray NUL in a text export is tolerated, however short the file.
    if sample.count(0) > max(1, len(sample) // 100):
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le", "utf-16-le (no BOM)", ""
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be", "utf-16-be (no BOM)", ""
        raise InputFormatError(
            f"{label} is a binary file ({_binary_kind(head)}), not a text export. Expected "
            f"{_expected_short()}. Export the report as CSV or XLSX and pass that file."
        )
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise InputFormatError(
                f"{label} is {kind}, not a backlink export. Expected {_expected_short()}. "
                "Export the report as CSV or XLSX (or save it as .xlsx) and pass that file."
            )
    # Not valid UTF-8 is still read as UTF-8: _read_csv reads the invalid bytes alone
    # as Windows-1252 and says how many there were.
    return "utf-8", "utf-8", ""


def _binary_kind(head: bytes) -> str:
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return kind
    return "it contains NUL bytes"


def _decode_head(head: bytes, encoding: str) -> str:
    errors = CP1252_FALLBACK if encoding == "utf-8" else "replace"
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    text = decoder.decode(head, final=False)
    return text[1:] if text.startswith("\ufeff") else text


def _head_records(text: str, source: _Source) -> dict[str, list[tuple[list[str], int]]]:
    """The first records of the head for every candidate delimiter.

    Each record comes with the physical line number where it ends (for messages
    naming a line, and to tell the records above a header).
    """
    complete = isinstance(source.data, str) or source.complete_head
    out: dict[str, list[tuple[list[str], int]]] = {}
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records: list[tuple[list[str], int]] = []
        broken = False
        try:
            for row in reader:
                records.append((row, reader.line_num))
                if len(records) > _HEAD_RECORDS:
                    break
        except csv.Error:
            # The record after the last one kept is the broken one (a field longer than
            # the csv module's limit, cut by the head): those kept are whole.
            broken = True
        if not complete and not broken and len(records) <= _HEAD_RECORDS and records:
            records.pop()  # the head may end inside the last record
        out[delimiter] = records
    return out


def _refuse_disavow_file(text: str, label: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()][:200]
    if not lines or not all(_DISAVOW_LINE.match(line) for line in lines):
        return
    if any(line.lstrip().lower().startswith(("#", "domain:")) for line in lines):
        raise InputFormatError(
            f"{label} looks like a disavow file (every line is a '#' comment, a 'domain:' "
            "entry or a URL), not a backlink export. To keep its entries and merge them into "
            f"the new file, pass it with --existing {label}; pass your backlink exports "
            "(Ahrefs, Semrush, Search Console, Majestic, Moz) as the inputs."
        )


# --- planning: delimiter, header row, vendor ----------------------------------


@dataclass
class _Plan:
    layout: v.Layout | None
    format: Format
    row_kind: RowKind
    delimiter: str | None
    # Records above the header (above the first row of a list without one), blank ones
    # included: spreadsheet rows, which lines outnumber where a cell holds a line break.
    skiprows: int
    has_header: bool
    header: list[str]
    mapping: list[tuple[v.Column, int]]  # column spec -> header position
    data_rows: list[list[str]]
    positional: bool = False
    list_mode: bool = False
    pasted: bool = False
    notes: list[str] = field(default_factory=list)


def _vendor_headers(records: dict[str, list[tuple[list[str], int]]]
                    ) -> Iterator[tuple[str, int, list[str], bool, v.Layout]]:
    """Rows of the head that are a known vendor header, possibly below a preamble:
    (delimiter, record index, header, pasted twice, layout)."""
    for delimiter in _delimiter_order(records):
        for i, (row, _) in enumerate(records[delimiter][:_PREAMBLE_MAX]):
            header = row
            pasted = _is_pasted(row)
            if pasted:
                header = row[: len(row) // 2]
            layout = v.find_layout({v.header_key(c) for c in header})
            if layout is not None:
                yield delimiter, i, header, pasted, layout


def export_layout(path: str | Path) -> str | None:
    """The vendor table a file holds by its header ("Semrush Backlinks"), else None.

    Reads only the head. For a file that should be something else (a disavow
    file), so that a backlink export passed in its place is recognised.
    """
    source = _Source(str(path), Path(path).name, Path(path))
    try:
        head = source.head()
        if head.startswith(b"PK"):
            return None
        encoding, _, _ = _sniff_encoding(head, source.label)
        records = _head_records(_decode_head(head, encoding), source)
    except (OSError, InputFormatError, UnicodeDecodeError, LookupError):
        return None
    return next((layout.name for *_, layout in _vendor_headers(records)), None)


def _plan(records: dict[str, list[tuple[list[str], int]]], source: _Source) -> _Plan:
    plan = _plan_table(records, source)
    if plan.delimiter is not None:
        # pandas skips records, not lines: counted in lines, a title cell with a line
        # break above the header made pandas take the first data row for the header.
        # (A one-column list is read with quotes meaning nothing: its records are lines.)
        plan.skiprows = sum(1 for _, line in records[plan.delimiter] if line <= plan.skiprows)
    return plan


def _plan_table(records: dict[str, list[tuple[list[str], int]]], source: _Source) -> _Plan:
    # 1. A known vendor header, possibly below a preamble.
    for delimiter, i, header, pasted, layout in _vendor_headers(records):
        _refuse_comparison(header, source)
        recs = records[delimiter]
        if not layout.usable:
            article = "an" if layout.name[0] in "AEIOU" else "a"
            raise _NotBacklinks(
                f"{source.label} is {article} {layout.name} table: {layout.why_unusable}. "
                f"Expected {_expected_short()}. {layout.export_instead}",
                f"{article} {layout.name} table: {layout.why_unusable}",
            )
        skip = recs[i - 1][1] if i else 0
        data = [r for r, _ in recs[i + 1 :]]
        mapping = _map_columns(header, layout.columns)
        plan = _Plan(layout, layout.format, layout.row_kind, delimiter, skip, True,
                     header, mapping, data, pasted=pasted)
        if not any(c.canonical == layout.key_column for c, _ in mapping):
            continue
        return plan
    # 2. No vendor header: decide by shape and content.
    delimiter, header_at = _table_header(records)
    recs = records[delimiter or ","]
    filled = [i for i, (r, _) in enumerate(recs) if any(c.strip() for c in r)]
    if not filled:
        raise InputFormatError(
            f"{source.label} has no rows to read. Expected {_expected_short()}. Export the "
            "report again and pass the new file."
        )
    first_index = filled[header_at]
    rows = [recs[i][0] for i in filled[header_at:]]
    skip = recs[first_index - 1][1] if first_index else 0
    if delimiter is None:
        return _plan_single_column(rows, skip, source, records)
    header, data = rows[0], rows[1:]
    named = {c.canonical for c, _ in _map_columns(header, v.GENERIC_COLUMNS)}
    if s.SOURCE_URL in named or s.DOMAIN in named:
        _refuse_comparison(header, source)  # only a row naming columns is a header
    width = len(header)
    content = _plan_by_content(header, data, delimiter, skip, source)
    if content is not None:
        return content
    mapping = _map_columns(header, v.GENERIC_COLUMNS)
    url_at = next((i for c, i in mapping if c.canonical == s.SOURCE_URL), None)
    if url_at is not None and _share([r[url_at] for r in data if len(r) > url_at],
                                     _NUMBER_CELL) >= 0.8:
        # "Backlinks" or "Links" names the linking pages in some lists and a count of
        # them in others: a column of numbers is the count.
        mapping = _map_columns(header, v.GENERIC_COLUMNS, not_urls={url_at})
        if v.header_key(header[url_at]) in _COUNT_NAMES and \
                not any(c.canonical == s.LINK_COUNT for c, _ in mapping):
            mapping.append((v.Column(s.LINK_COUNT, (header[url_at],)), url_at))
    domain_at = next((i for c, i in mapping if c.canonical == s.DOMAIN), None)
    counts_at = None
    if domain_at is not None and _share([r[domain_at] for r in data if len(r) > domain_at],
                                        _NUMBER_CELL) >= 0.8:
        # "Referring domains" or "Domains" is a count in anchors, referring IPs and
        # topics reports: taken for domain names, every row was skipped.
        mapping = [(c, i) for c, i in mapping if i != domain_at]
        counts_at = domain_at
    mapped = {c.canonical for c, _ in mapping}
    if s.SOURCE_URL not in mapped:
        url_col = _content_column(data, width, _URLISH)
        if url_col is not None and not _URLISH.match(header[url_col]):
            mapping = [(c, i) for c, i in mapping if i != url_col]
            mapping.insert(0, (v.GENERIC_COLUMNS[0], url_col))
            mapped.add(s.SOURCE_URL)
    if s.SOURCE_URL in mapped:
        return _Plan(None, Format.GENERIC, RowKind.LINK, delimiter, skip, True, header,
                     mapping, data)
    if s.DOMAIN not in mapped:
        dom_col = _content_column(data, width, _BARE_DOMAIN)
        if dom_col is not None and not _BARE_DOMAIN.match(header[dom_col]):
            mapping.insert(0, (v.GENERIC_COLUMNS[1], dom_col))
            mapped.add(s.DOMAIN)
    if s.DOMAIN in mapped:
        return _Plan(None, Format.GENERIC, RowKind.DOMAIN, delimiter, skip, True, header,
                     mapping, data)
    shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
    if counts_at is not None:
        raise _NotBacklinks(
            f"{source.label}: no column of linking pages or domains was found. Its "
            f"'{header[counts_at]}' column holds numbers (a count of domains), not domain "
            f"names: its header is {shown}, which looks like an anchors, referring IPs or "
            "topics table, not a list of the pages or domains linking to your site. Expected "
            f"{_expected_short()}. Export Backlinks or Referring domains instead.",
            "an anchors, referring IPs or topics table (its domain column holds counts)",
        )
    looked = ", ".join(f"'{n}'" for n in v.GENERIC_COLUMNS[0].names[:8])
    raise InputFormatError(
        f"{source.label}: no column of linking pages or domains was found. Its header is "
        f"{shown}. Expected {v.describe_expected()}. Columns looked for include {looked}, "
        "'Referring page URL', 'Source url', 'Linking page', 'Domain' and 'Site', or a column "
        "whose cells are URLs. Rename the column holding the linking pages to 'URL' (or the "
        "domains to 'Domain') and try again."
    )


def _refuse_comparison(header: list[str], source: _Source) -> None:
    """Refuse a table comparing sites (Ahrefs Link Intersect, Semrush Backlink Gap).

    No export of a site's backlinks names a column after a site; these name one
    per compared site, and list the domains linking to the others, often not to
    you. A URL names a site surely; bare names must be two with a known suffix,
    as a re-headed 'ref.domains' or 'first.date' is one name with a real TLD.
    """
    urls = [c.strip() for c in header if c.strip() and _URLISH.match(c)]
    bare = [c.strip() for c in header if c.strip() and _BARE_DOMAIN.match(c)
            and not host_info(parse_host(c) or "").unknown_suffix]
    if not urls and len(bare) < 2:
        return
    sites = ", ".join(f"'{c}'" for c in (urls + bare)[:5])
    raise _NotBacklinks(
        f"{source.label} looks like a Link Intersect or Backlink Gap comparison: its header "
        f"names sites ({sites}), one column per site compared. It lists the domains linking "
        "to the other sites, not the domains linking to yours, and disavowing them would "
        f"audit someone else's profile. Expected {_expected_short()}. Export Backlinks or "
        "Referring domains of your own site instead.",
        "what looks like a Link Intersect or Backlink Gap comparison of sites",
    )


def _delimiter_order(records: dict[str, list[tuple[list[str], int]]]) -> list[str]:
    """Delimiters ordered by how many fields they give the first non-blank row."""

    def width(delimiter: str) -> int:
        for row, _ in records[delimiter]:
            if any(c.strip() for c in row):
                return len(row)
        return 0

    return sorted(_DELIMITERS, key=width, reverse=True)


def _filled_rows(records: list[tuple[list[str], int]]) -> list[list[str]]:
    return [r for r, _ in records if any(c.strip() for c in r)]


def _guess_delimiter(records: dict[str, list[tuple[list[str], int]]]) -> str | None:
    """The delimiter splitting the first rows most consistently; None: one column."""
    best, best_score = None, 1.0
    for delimiter in _DELIMITERS:
        score = _split_score(_filled_rows(records[delimiter])[:20])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _split_score(rows: list[list[str]]) -> float:
    """How well the first row's width fits the rows (0: not a table): its width,
    times the share of rows that fit it when at least 60% do."""
    if not rows or len(rows[0]) < 2:
        return 0.0
    consistent = sum(_fits_header(r, rows[0]) for r in rows) / len(rows)
    return len(rows[0]) * consistent if consistent >= 0.6 else 0.0


def _table_header(records: dict[str, list[tuple[list[str], int]]]) -> tuple[str | None, int]:
    """The delimiter of a table without a vendor header (None: one column), and which
    of its non-blank rows is the header.

    A header is the first row, unless the rows above the first row of links or
    domains are a title or notes (a report's name, an export date): then it is
    the row right above the data, as far down as a vendor header is looked for
    (formats.md section 2 rule 6). Split from the first line instead, such a file
    was a one-column list, each whole row (cells glued by commas) one URL.
    """
    top = _guess_delimiter(records) or _header_delimiter(records)
    if top is not None:
        first = _filled_rows(records[top])[0]
        if _is_data_row(first) or any(c.canonical in (s.SOURCE_URL, s.DOMAIN)
                                      for c, _ in _map_columns(first, v.GENERIC_COLUMNS)):
            return top, 0
    best: tuple[float, int, str] | None = None
    for delimiter in _DELIMITERS:
        rows = _filled_rows(records[delimiter])[: _PREAMBLE_MAX + 1]
        data_at = next((i for i, r in enumerate(rows) if _is_data_row(r)), 0)
        if data_at == 0:
            continue
        header_at = _header_above(rows, data_at)
        header = rows[header_at]
        score = _split_score(rows[header_at : header_at + 20])
        if not score and _names_link_columns(header) > 1:
            score = 1.0  # ragged rows under named columns: still a table (_header_delimiter)
        if score and (best is None or (score, -header_at) > best[:2]):
            best = (score, -header_at, delimiter)
    if best is not None:
        return best[2], -best[1]
    return top, 0


def _header_above(rows: list[list[str]], data_at: int) -> int:
    """The row naming the columns above the first row with a link or domain: the
    nearest row above it that looks like column names. Rows between the two are
    data a link test misses (an empty URL, an IP address, a URL with a space) and
    stay data, to be read or reported as skipped."""
    return next((i for i in range(data_at - 1, -1, -1) if _looks_like_header(rows[i])),
                data_at - 1)


def _looks_like_header(row: list[str]) -> bool:
    """Two or more names, side by side from the first cell, none of them a value (a
    link, domain, number, date or IP address)."""
    cells = [c.strip() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return len(cells) >= 2 and all(cells) and not any(
        _URLISH.match(c) or _BARE_DOMAIN.match(c) or _NUMBER_CELL.match(c)
        or _DATEISH.match(c) or _IP_CELL.match(c) for c in cells)


_IP_CELL = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$|^\[?[0-9a-f:]+:[0-9a-f:]*\]?$", re.IGNORECASE)


def _is_data_row(row: list[str]) -> bool:
    """Whether a row holds a link or a domain: no header, title or note does."""
    return any(_URLISH.match(c) or _BARE_DOMAIN.match(c) for c in row if c.strip())


def _names_link_columns(row: list[str]) -> int:
    """How many known columns a row names, if one of them is the linking pages or
    domains (0 otherwise)."""
    if len(row) < 2:
        return 0
    mapping = _map_columns(row, v.GENERIC_COLUMNS)
    if not any(c.canonical in (s.SOURCE_URL, s.DOMAIN) for c, _ in mapping):
        return 0
    return len({i for _, i in mapping})


def _fits_header(row: list[str], header: list[str]) -> bool:
    """Whether a row has the header's width, as ordinary CSV counts it.

    Fields beyond the header's that are all empty (a delimiter ending every row,
    a spreadsheet's padding) do not count, nor do the header's own empty names
    at its end (a delimiter ending the header only): :func:`_parse` reads such
    rows whole. Requiring the exact width took a table whose rows end with a
    delimiter for a one-column list, each whole line one URL.
    """
    width = len(header)
    named = width
    while named > 1 and not header[named - 1].strip():
        named -= 1
    if len(row) > width:
        return not any(row[width:])
    return len(row) >= named


def _header_delimiter(records: dict[str, list[tuple[list[str], int]]]) -> str | None:
    """A delimiter splitting the first row into several known columns, one of them
    the linking pages or domains; None if there is none.

    Such a file is a table, however ragged its rows (unquoted delimiters in an
    anchor text): read as one, a row with too many fields is skipped and
    reported. Read as a one-column list, each whole line would become a URL.
    """
    best, most = None, 1
    for delimiter in _DELIMITERS:
        rows = _filled_rows(records[delimiter])
        known = _names_link_columns(rows[0]) if rows else 0
        if known > most:
            best, most = delimiter, known
    return best


def _plan_single_column(rows: list[list[str]], skip: int, source: _Source,
                        records: dict[str, list[tuple[list[str], int]]]) -> _Plan:
    """A one-column file: a headerless list of URLs/domains or GSC More sample links.

    Raises:
        InputFormatError: the lines are the rows of a table whose header was not
            found (see :func:`_glued_row`): read as a list, each whole row would
            become one URL with the other cells glued on.
    """
    glued = _glued_row(records)
    if glued is not None:
        delimiter, line, example = glued
        raise InputFormatError(
            f"{source.label}: its lines hold several fields separated by "
            f"{_delimiter_words(delimiter)} (line {line}: {example[:120]!r}), but they "
            "cannot be read as a table: no header row above them names the column of linking "
            "pages and another known column, and the rows do not all have the header's "
            "number of fields. Read as a list, each whole line would become one URL with the "
            f"other cells glued on. Expected {v.describe_expected()}. Name the columns in "
            "a header row right above the first row of links (the linking pages 'URL'), "
            "quote the cells that hold the delimiter, and try again."
        )
    cells = [r[0].strip() if r else "" for r in rows]
    first, rest = cells[0], cells[1:]
    if _URLISH.match(first) or _BARE_DOMAIN.match(first):
        return _Plan(None, Format.GENERIC, RowKind.LINK, None, skip, False,
                     ["(column 1, no header)"], [(v.GENERIC_COLUMNS[0], 0)], [[c] for c in cells],
                     list_mode=True)
    if rest and _share(rest, _URLISH) >= 0.6:
        layout_format = Format.GSC_SAMPLE_LINKS
        if v.header_key(first) in v.GENERIC_URL_KEYS:
            layout_format = Format.GENERIC
        return _Plan(None, layout_format, RowKind.LINK, None, skip, True, [rows[0][0]],
                     [(v.GENERIC_COLUMNS[0], 0)], [[c] for c in rest], positional=True,
                     list_mode=True)
    if rest and _share(rest, _BARE_DOMAIN) >= 0.6:
        return _Plan(None, Format.GENERIC, RowKind.LINK, None, skip, True, [rows[0][0]],
                     [(v.GENERIC_COLUMNS[0], 0)], [[c] for c in rest], list_mode=True)
    raise InputFormatError(
        f"{source.label}: the file has a single column, but its cells are neither URLs nor "
        f"domain names (first cell: {first[:80]!r}). Expected {v.describe_expected()}. Pass a "
        "file with one URL or domain per line, or a table with a URL column."
    )


def _glued_row(records: dict[str, list[tuple[list[str], int]]]
               ) -> tuple[str, int, str] | None:
    """(delimiter, line, the line) if most lines that start with a URL or domain go on
    with more fields after a delimiter, the cells of a table; None for a list.

    A URL may hold a comma or semicolon itself (``/artykul,114,0,27.html``,
    ``;jsessionid=``), so the fields must look like a table's: a tab, a line
    above the first link split by the same delimiter (a header), or a date or
    text with a space after it, which a URL does not hold.
    """
    for delimiter in _DELIMITERS:
        recs = [(r, line) for r, line in records[delimiter] if any(c.strip() for c in r)]
        starts = [(r, line) for r, line in recs
                  if _URLISH.match(r[0]) or _BARE_DOMAIN.match(r[0])]
        split = [(r, line) for r, line in starts if len(r) > 1 and any(c.strip() for c in r[1:])]
        if not split or 2 * len(split) <= len(starts):
            continue
        above = [r for r, _ in recs[: next(i for i, (r, _) in enumerate(recs)
                                           if _is_data_row(r))]]
        # A header above names a known column or as many fields as the rows hold: a
        # title with a comma ("Backlinks for x.com, November 2026") over URLs with
        # commas is no header.
        widths = Counter(len(r) for r, _ in split)
        named = bool(above) and _looks_like_header(above[-1]) and (
            bool(_map_columns(above[-1], v.GENERIC_COLUMNS))
            or len(above[-1]) == widths.most_common(1)[0][0])
        tails = [c.strip() for r, _ in split for c in r[1:] if c.strip()]
        # A date, text with a space or a second URL is a cell of its own: a URL holds
        # none of them after a comma.
        table_like = any(_DATEISH.match(c) or _URLISH.match(c) or any(ch.isspace() for ch in c)
                         for c in tails)
        if delimiter == "\t" or named or table_like:
            row, line = split[0]
            return delimiter, line, delimiter.join(row)
    return None


def _delimiter_words(delimiter: str) -> str:
    return {"\t": "tabs", ",": "commas", ";": "semicolons", "|": "'|'"}[delimiter]


def _plan_by_content(header: list[str], data: list[list[str]], delimiter: str, skip: int,
                     source: _Source) -> _Plan | None:
    """Search Console tables in any UI language, recognised by their shape."""
    width = len([h for h in header if h.strip()])
    if not data or width not in (2, 3):
        return None
    if any(_URLISH.match(h) or _BARE_DOMAIN.match(h) for h in header if h.strip()):
        return None  # the first row is data: not a Search Console table
    named = [(c.canonical, i) for c, i in _map_columns(header, v.GENERIC_COLUMNS)]
    # Top linking sites heads its first column "Site" or "Website" in French, German,
    # Dutch or Portuguese: a domain name alone still leaves the table to its shape.
    if named and not (width == 3 and named == [(s.DOMAIN, 0)]
                      and v.header_key(header[0]) in (v.header_key("site"),
                                                      v.header_key("website"))):
        return None  # named columns ("URL", "First seen"): a generic table

    def col(i: int) -> list[str]:
        return [r[i] for r in data if len(r) > i and r[i].strip()]

    if width == 2 and _share(col(0), _URLISH) >= 0.8 and _share(col(1), _DATEISH) >= 0.8:
        fmt = Format.GSC_LATEST_LINKS
    elif width == 3 and _share(col(0), _BARE_DOMAIN) >= 0.8 and _share(col(1), _INTEGER) >= 0.8 \
            and _share(col(2), _INTEGER) >= 0.8:
        fmt = Format.GSC_TOP_SITES
    elif width == 3 and _share(col(0), _URLISH) >= 0.8 and _share(col(1), _INTEGER) >= 0.8 \
            and _share(col(2), _INTEGER) >= 0.8:
        raise _NotBacklinks(
            f"{source.label} looks like Search Console's Top linked pages table (URLs, then two "
            "counts): it lists pages of your own site, not the pages that link to it. Expected "
            f"{_expected_short()}. Export 'Latest links', 'More sample links' or 'Top linking "
            "sites' instead.",
            "what looks like Search Console's Top linked pages table: it lists pages of your "
            "own site, not the pages that link to it",
        )
    else:
        return None
    canon = v.GSC_BY_POSITION[fmt]
    mapping = [(v.Column(c, (header[i],)), i) for i, c in enumerate(canon)]
    row_kind = RowKind.DOMAIN if fmt is Format.GSC_TOP_SITES else RowKind.LINK
    return _Plan(None, fmt, row_kind, delimiter, skip, True, header, mapping, data,
                 positional=True)


def _share(cells: list[str], pattern: re.Pattern[str]) -> float:
    cells = [c for c in cells if c.strip()]
    if not cells:
        return 0.0
    return sum(bool(pattern.match(c)) for c in cells) / len(cells)


def _content_column(data: list[list[str]], width: int, pattern: re.Pattern[str]) -> int | None:
    for i in range(width):
        cells = [r[i] for r in data if len(r) > i and r[i].strip()]
        if len(cells) >= 1 and _share(cells, pattern) >= 0.8:
            return i
    return None


def _is_pasted(row: list[str]) -> bool:
    """A header copied twice side by side: a table pasted from a vendor's web UI."""
    n = len(row)
    return n >= 4 and n % 2 == 0 and row[: n // 2] == row[n // 2 :] and \
        sum(bool(c.strip()) for c in row[: n // 2]) >= 2


def _map_columns(header: list[str], columns: tuple[v.Column, ...],
                 not_urls: Collection[int] = ()) -> list[tuple[v.Column, int]]:
    """Match column specs to header positions; the first spec to claim a canonical wins.

    Positions in ``not_urls`` (a column of numbers) are never the linking pages.
    """
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = v.header_key(cell)
        if key and key not in positions:
            positions[key] = i
    mapping: list[tuple[v.Column, int]] = []
    taken: set[str] = set()
    for column in (*columns, *v.COMMON_COLUMNS):
        if column.canonical in taken and column.kind != v.KIND_FLAG:
            continue
        for key in column.keys:
            if column.canonical == s.SOURCE_URL and positions.get(key) in not_urls:
                continue
            if key in positions:
                mapping.append((column, positions[key]))
                if column.kind != v.KIND_FLAG:
                    taken.add(column.canonical)
                break
    # Extra columns the vendor table does not know: try the generic names.
    if columns is not v.GENERIC_COLUMNS:
        used = {i for _, i in mapping}
        for column in v.GENERIC_COLUMNS:
            if column.canonical in taken or column.kind == v.KIND_FLAG:
                continue
            if column.canonical in (s.SOURCE_URL, s.DOMAIN, s.TARGET_URL):
                continue  # never guess the key columns of a vendor layout
            for key in column.keys:
                i = positions.get(key)
                if i is not None and i not in used:
                    mapping.append((column, i))
                    taken.add(column.canonical)
                    used.add(i)
                    break
    return mapping


# --- parsing ------------------------------------------------------------------


def _parse(source: _Source, plan: _Plan, dialect: _Dialect, notes: list[str],
           unread: frozenset[str], origin: np.ndarray | None = None
           ) -> tuple[pd.DataFrame, FileReport]:
    """Read one table with pandas into canonical columns, and report on it.

    Rows are numbered as a spreadsheet numbers the file's rows (the header and
    every line above it counted, a cell with line breaks one row). ``origin``
    maps the rows of a repaired text to those of the file it was made from.
    """
    width = len(plan.header)
    names = [f"c{i}" for i in range(width)]
    numeric = {i for c, i in plan.mapping if c.canonical in _NUMBER_COLUMNS and c.kind == v.VALUE}
    dtype: dict[str, str] = {}
    na_values: dict[str, list[str]] = {}
    loose = {i for c, i in plan.mapping
             if c.canonical in _BOOL_COLUMNS or c.canonical in s.DATE_COLUMNS or c.kind != v.VALUE}
    unconverted = _unconverted_positions(plan, unread, source, dialect)
    for i, name in enumerate(names):
        if i in unconverted:
            dtype[name] = _UNCONVERTED
        elif i in numeric:
            na_values[name] = list(MISSING)
        elif i in loose:
            # Booleans are left to the parser's inference (true/false -> bool, fast).
            if not any(c.canonical in _BOOL_COLUMNS and c.kind == v.VALUE
                       for c, j in plan.mapping if j == i):
                dtype[name] = "str"
            na_values[name] = list(MISSING)
        else:
            dtype[name] = "str"
            na_values[name] = [""]
    # A count read as a float loses what its dots meant (1.240 is 1.24, 2.000 is 2):
    # a count column with a dot in its first rows stays text for normalize.to_number.
    counts = {i for c, i in plan.mapping
              if c.canonical in _COUNT_COLUMNS and c.kind == v.VALUE} - unconverted
    dotted = {i for i in counts if any(len(r) > i and "." in r[i] for r in plan.data_rows)}
    if dialect.delimiter == ";" or _dots_group_thousands(plan):
        # A spreadsheet saved where the comma is the decimal mark and the dot groups
        # thousands: a 2.000 further down than the rows sniffed would be read as 2,
        # which a count column with an empty cell cannot tell from a true 2.
        dotted = counts
    for i in dotted | (dialect.text_numbers - unconverted):
        dtype[names[i]] = "str"
    kwargs: dict[str, object] = {
        "header": 0 if plan.has_header else None,
        "names": names,
        "index_col": False,
        "dtype": dtype,
        "keep_default_na": False,
        "na_values": na_values,
        "skiprows": plan.skiprows,
        # Blank lines are read as rows, to be counted, then dropped: a spreadsheet
        # shows them as rows, and pandas numbers the malformed rows counting them.
        "skip_blank_lines": False,
        "on_bad_lines": "warn",
        "engine": "c",
        "decimal": dialect.decimal,
    }
    if dialect.delimiter is None:
        kwargs.update(sep="\x1e", quoting=csv.QUOTE_NONE)
    else:
        kwargs["sep"] = dialect.delimiter
        if dialect.thousands:
            kwargs["thousands"] = dialect.thousands
    extra = _extra_fields(plan, width)
    if extra:
        # Rows that end with fields beyond the header's (a delimiter ending every row,
        # a spreadsheet's padding): pandas skips a row wider than the names it is
        # given, and a first data row wider than them silently widens the table,
        # dropping what any row holds there. The extra fields get columns of their
        # own (one byte a cell), and _drop_wide_rows skips the rows with text in
        # them. pandas refuses more names than the header has unless the header is
        # skipped as a row: the same record is left out either way.
        names += [f"c{i}" for i in range(width, width + extra)]
        dtype.update(dict.fromkeys(names[width:], _UNCONVERTED))
        kwargs.update(names=names, header=None,
                      skiprows=plan.skiprows + (1 if plan.has_header else 0))
    frame, bad, cut = _read_csv(source, dialect, kwargs, notes)
    # A dot further down a count column: a fraction (1.500 read as 1.5), or floats in
    # a column with no empty cell (only a dot or an exponent makes pandas read one,
    # as 3.000 read as 3.0). Rare: a European re-save whose first rows are below 1000.
    floats = [i for i in sorted(counts - dotted) if frame[names[i]].dtype.kind == "f"]
    late = [i for i in floats if _has_fraction(frame[names[i]])
            or (len(frame) and frame[names[i]].notna().all())]
    if late:
        # Read the file again with them as text, and with every count column that an
        # empty cell made floats, whose 3.000 no check can tell from a 3.
        first = frame
        kwargs["dtype"] = {**dtype, **{names[i]: "str" for i in floats}}
        frame, bad, cut = _read_csv(source, dialect, kwargs, [])
        if not _thousands_dotted(frame[names[i]] for i in late):
            # The late dots are decimals (1.5): so would those columns' be.
            for i in set(floats) - set(late):
                frame[names[i]] = first[names[i]]
        del first
    report = FileReport(
        path=source.label, format=plan.format, encoding=dialect.shown,
        delimiter=_delimiter_name(dialect.delimiter if width > 1 else None),
    )
    report.warnings.extend(notes)
    header_rows = plan.skiprows + (1 if plan.has_header else 0)
    if extra:
        frame, bad = _drop_wide_rows(frame, width, names[width:], bad, header_rows)
    def spreadsheet_row(data_row: int) -> int:
        row = data_row + header_rows  # the records above the header, and the header
        return int(origin[row]) if origin is not None else row

    bad_rows = []
    for line, reason in bad:
        row = max(1, line - header_rows)
        bad_rows.append(row)
        report.add_skipped(spreadsheet_row(row), f"malformed row: {reason}")
    if cut is not None:
        row = spreadsheet_row(cut - header_rows + 1)  # pandas counts lines from 0
        report.add_skipped(row, "a quote opened in this row is never closed; the rest of the "
                                "file after it could not be split into rows")
        report.warnings.append(
            f"spreadsheet row {row} opens a quote that is never closed; rows from there on "
            "were not read. Fix or remove the stray quote and read the file again."
        )
    if bad:
        report.warnings.append(
            f"{len(bad)} malformed row(s) with more fields than the header were skipped "
            f"(first at spreadsheet row {spreadsheet_row(bad_rows[0])})."
        )
    rows = _data_rows(len(frame), bad_rows) + header_rows
    blank = _blank_rows(frame, plan)
    if blank is not None:
        frame, rows = _without_rows(frame, blank), rows[~blank]
    if origin is not None:
        rows = origin[rows.astype(np.int64)].astype(np.float64)
    if dialect.replaced:
        report.warnings.append(_replaced_note(frame, rows, dialect))
    out = _canonical(frame, plan, report, source, rows, unread)
    # The rows skipped so far are malformed ones, which are not in the table.
    report.rows_read = len(out) + report.rows_skipped
    return out, report


def _blank_rows(frame: pd.DataFrame, plan: _Plan) -> np.ndarray | None:
    """Which rows are blank lines or rows of empty cells; None when there is none.

    Neither is a data row, and pandas reads the two alike; a line of spaces only
    lands in the first column. Real rows fill the column of linking pages or
    domains, so that one column is looked at first: a million-row export pays for
    one test of missing cells.
    """
    names = list(frame.columns)
    if not len(frame) or not names:
        return None
    first, rest = names[0], names[1:]
    if rest:
        keys = [f"c{i}" for c, i in plan.mapping
                if c.canonical in (s.SOURCE_URL, s.DOMAIN) and f"c{i}" in rest]
        maybe = _empty_cells(frame[keys[0] if keys else rest[0]])
    else:
        maybe = _empty_cells(frame[first], spaces=True)
    if not maybe.any():
        return None
    at = np.flatnonzero(maybe)
    part = frame.iloc[at]
    blank = _empty_cells(part[first], spaces=True)
    for name in rest:
        blank = blank & _empty_cells(part[name])
    if not blank.any():
        return None
    rows = np.zeros(len(frame), dtype=bool)
    rows[at[blank]] = True
    return rows


def _empty_cells(column: pd.Series, *, spaces: bool = False) -> np.ndarray:
    """Missing cells (and, with ``spaces``, cells of whitespace only)."""
    values = column.to_numpy()
    if column.dtype.kind == "S":  # left unconverted: only the cell's first byte is kept
        empty = values == b""
        return empty | (values == b" ") | (values == b"\t") if spaces else empty
    empty = column.isna().to_numpy()
    if spaces and not empty.all():
        spaces_only = (isinstance(v, str) and v.isspace() for v in values)
        empty = empty | np.fromiter(spaces_only, dtype=bool, count=len(values))
    return empty


def _without_rows(frame: pd.DataFrame, drop: np.ndarray) -> pd.DataFrame:
    keep = ~drop
    n = int(keep.sum())
    if keep[:n].all():
        return frame.iloc[:n]  # blank lines at the end only: no copy of the rows
    return frame.loc[keep].reset_index(drop=True)


# At most this many fields beyond the header's are read into columns of their own:
# the most a spreadsheet pads a row with in practice, and a cell of memory per row
# each. A row with more is skipped as malformed, as it was before.
_MAX_EXTRA_FIELDS = 64
_EXPECTED_FIELDS = re.compile(r"^expected \d+ fields")


def _extra_fields(plan: _Plan, width: int) -> int:
    """How many fields beyond the header's the first rows have (0: none)."""
    if plan.delimiter is None or plan.pasted:
        return 0
    most = max((len(r) for r in plan.data_rows), default=0) - width
    return min(max(most, 0), _MAX_EXTRA_FIELDS)


def _drop_wide_rows(frame: pd.DataFrame, width: int, extra: list[str],
                    bad: list[tuple[int, str]], header_rows: int
                    ) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Skip the rows with text beyond the header's fields, as malformed, and drop the
    columns read for those fields; rows whose extra fields are all empty are kept.

    ``bad`` is pandas' list of skipped (line, reason), which the skipped rows join.
    """
    # pandas counted a row wider than every column against them all, not the header.
    bad = [(line, _EXPECTED_FIELDS.sub(f"expected {width} fields", reason))
           for line, reason in bad]
    present = [name for name in extra if name in frame]
    if not len(frame) or not present:
        return frame.drop(columns=present), bad
    filled = np.column_stack([frame[name].to_numpy() != b"" for name in present])
    wide = filled.any(axis=1)
    if wide.any():
        # A row's width is taken up to its last field with text in it: trailing
        # empty fields do not count (_fits_header).
        last = filled.shape[1] - np.argmax(filled[:, ::-1], axis=1)
        rows = _data_rows(len(frame), [max(1, line - header_rows) for line, _ in bad])
        bad = sorted(bad + [(int(rows[j]) + header_rows,
                             f"expected {width} fields, saw {width + int(last[j])}")
                            for j in np.flatnonzero(wide)])
        frame = frame.loc[~wide].reset_index(drop=True)
    return frame.drop(columns=present), bad


def _dots_group_thousands(plan: _Plan) -> bool:
    """Whether the first rows write numbers as a spreadsheet does where the dot groups
    thousands: a count written 1.240, a decimal comma (12,5) or a dotted date
    (10.08.2023), and no decimal dot (3.5) or grouping comma (1,240,000)."""
    kinds = {i: c.canonical for c, i in plan.mapping if c.kind == v.VALUE}
    dots = commas = False
    for row in plan.data_rows:
        for i, cell in enumerate(row):
            kind = kinds.get(i)
            if kind in _NUMBER_COLUMNS:
                if (kind in _COUNT_COLUMNS and _THOUSANDS_DOTS.match(cell)) \
                        or _DECIMAL_COMMA.match(cell):
                    dots = True
                elif _DECIMAL_DOT.match(cell) or _THOUSANDS_COMMAS.match(cell):
                    commas = True
            elif kind in s.DATE_COLUMNS and _DOTTED_DATE.match(cell):
                dots = True
    return dots and not commas


def _thousands_dotted(columns: Iterator[pd.Series]) -> bool:
    """Whether every dotted cell of these text columns groups thousands (1.500), and
    there is one."""
    dotted = [cell for column in columns for cell in column.dropna().unique()
              if "." in cell]
    return bool(dotted) and all(_THOUSANDS_DOTS.match(cell) for cell in dotted)


def _has_fraction(column: pd.Series) -> bool:
    if column.dtype.kind != "f":
        return False
    values = column.to_numpy()
    return bool(np.any(np.isfinite(values) & (values != np.floor(values))))


# The dtype of the cells of a column nothing reads: one raw byte each in a numpy
# array, no Python object per cell (making those objects is most of the parse).
# pandas' ``usecols`` would skip them too, but under ``usecols`` its C tokenizer
# no longer reports rows with too many fields: they would be read as data.
_UNCONVERTED = "S1"


def _unconverted_positions(plan: _Plan, unread: frozenset[str], source: _Source,
                           dialect: _Dialect) -> set[int]:
    """Header positions whose cells need not become strings: unmapped, or only unread."""
    wanted = {i for c, i in plan.mapping if c.canonical not in unread}
    idle = set(range(len(plan.header))) - wanted
    if idle and not _decoding_ignores_columns(source, dialect):
        return set()
    return idle


def _decoding_ignores_columns(source: _Source, dialect: _Dialect) -> bool:
    """Whether leaving cells unconverted cannot change how the text is decoded.

    pandas decodes UTF-8 input cell by cell, as it converts cells: an invalid
    byte in a column left unconverted would no longer send the file to the
    Windows-1252 fallback. Other encodings are decoded as the file is read,
    whatever is converted; text sources are already decoded.
    """
    return dialect.encoding != "utf-8" or _valid_utf8(source)


def _valid_utf8(source: _Source) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in source.chunks():
            if chunk.isascii() and not decoder.getstate()[0]:
                continue  # most exports are ASCII: no need to build the text
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _delimiter_name(delimiter: str | None) -> str:
    return {None: "none (one column)", "\t": "tab", ",": ",", ";": ";", "|": "|"}.get(
        delimiter, repr(delimiter)
    )


@contextmanager
def _interrupts_noted() -> Iterator[list[int]]:
    """Note a Ctrl-C during the block (the list is not empty then).

    pandas' C parser turns an exception raised while it reads its source, as a
    Ctrl-C is in a UTF-16 file's decoder, into a ParserError about the data,
    and drops the exception: without the note, the user who pressed Ctrl-C would
    be told that the export is broken.
    """
    noted: list[int] = []
    previous = (signal.getsignal(signal.SIGINT)
                if threading.current_thread() is threading.main_thread() else None)
    if previous is None:
        # Not the main thread (only it may set handlers), or a handler set outside
        # Python, which could not be put back: the read goes unwatched.
        yield noted
        return

    def note(signum: int, frame: Any) -> None:
        noted.append(signum)
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def _read_csv(source: _Source, dialect: _Dialect, kwargs: dict[str, object], notes: list[str]
              ) -> tuple[pd.DataFrame, list[tuple[int, str]], int | None]:
    """Run pandas' C parser; collect skipped lines from its warnings."""
    encodings = [(dialect.encoding, "strict")]
    if dialect.encoding == "utf-8":
        # One stray Windows-1252 byte must not turn the valid UTF-8 around it (an IDN
        # host, an accented anchor) into other characters: only that byte is read so.
        encodings += [("utf-8", CP1252_FALLBACK)]
    elif dialect.encoding.startswith("utf-16"):
        # A download cut at an odd byte, or one unpaired surrogate, spoils a character
        # or two, not the file: they are read as U+FFFD and the report says where.
        encodings += [(dialect.encoding, "replace")]
    nrows: int | None = None
    cut: int | None = None
    for attempt in range(3):
        for encoding, errors in encodings:
            args = dict(kwargs)
            if encoding:
                args["encoding"] = encoding
            if errors != "strict":
                args["encoding_errors"] = errors
            if nrows is not None:
                args["nrows"] = nrows
            try:
                with warnings.catch_warnings(record=True) as caught, \
                        _interrupts_noted() as interrupted:
                    warnings.simplefilter("always")
                    frame = pd.read_csv(source.for_pandas(), **args)
            except UnicodeDecodeError:
                continue
            except pd.errors.EmptyDataError:
                frame, caught = _no_rows(kwargs["names"]), []
            except pd.errors.ParserError as exc:
                if interrupted:
                    raise KeyboardInterrupt from None  # Ctrl-C, not a broken file
                match = _EOF_IN_STRING.search(str(exc))
                if match is None or attempt == 2:
                    raise InputFormatError(
                        f"{source.label} cannot be split into rows ({exc}). Expected a CSV/TSV "
                        "export with one record per row. Open the file in a spreadsheet, save "
                        "it again as CSV (UTF-8) and retry."
                    ) from None
                cut = int(match.group(1))
                header_rows = int(kwargs["skiprows"]) + (1 if kwargs["header"] == 0 else 0)
                nrows = max(0, cut - header_rows)
                if nrows > 0:
                    break  # read again, up to the row that opens the quote
                frame, caught = _no_rows(kwargs["names"]), []  # the first row opens it
            if errors == CP1252_FALLBACK:
                notes.append(_fallback_note(source, dialect))
            dialect.replaced = errors == "replace"
            bad: list[tuple[int, str]] = []
            for w in caught:
                if issubclass(w.category, pd.errors.ParserWarning):
                    bad.extend((int(n), r.strip()) for n, r in _SKIPPING.findall(str(w.message)))
            return frame, bad, cut
        else:
            raise InputFormatError(
                f"{source.label}: the text cannot be decoded. Expected a text export in "
                "UTF-8, UTF-16 or Windows-1252. Export the report again as CSV."
            )
    raise AssertionError("unreachable")  # pragma: no cover


def _fallback_note(source: _Source, dialect: _Dialect) -> str:
    invalid, non_ascii = count_cp1252_bytes(source.chunks())
    # A file with no valid UTF-8 beyond ASCII is a Windows-1252 file, named as before.
    if invalid == non_ascii:
        dialect.shown = "cp1252"
        return ("the file is not valid UTF-8; it was read as Windows-1252. If accents look "
                "wrong, export it again as UTF-8.")
    dialect.shown = "utf-8 + cp1252"
    return (
        f"the file is not valid UTF-8 throughout; {invalid} byte(s) that are not UTF-8 were "
        "read as Windows-1252 (the rest as UTF-8). If accents look wrong, export it again "
        "as UTF-8."
    )


def _replaced_note(frame: pd.DataFrame, rows: np.ndarray, dialect: _Dialect) -> str:
    """Where the characters that could not be decoded are (only on that rare path)."""
    hit = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype) or (
                column.dtype == object and pd.api.types.infer_dtype(column) == "string"):
            hit |= column.str.contains("\ufffd", regex=False, na=False).to_numpy()
    hit_rows = rows[hit].astype(int).tolist()
    where = ""
    if hit_rows:
        shown = ", ".join(map(str, hit_rows[:10])) + (" ..." if len(hit_rows) > 10 else "")
        where = f" (spreadsheet row{'s' if len(hit_rows) > 1 else ''} {shown})"
    return (
        f"the file is not valid {dialect.shown.split(' ')[0].upper()} throughout: it ends in "
        "the middle of a character (as a download cut short does) or holds a lone "
        f"surrogate; the bytes that could not be decoded were read as '\ufffd'{where}. "
        "If the file was cut short, download the export again."
    )


def _no_rows(names: object) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="str") for name in names})


# --- from vendor columns to canonical columns -----------------------------------


def _canonical(frame: pd.DataFrame, plan: _Plan, report: FileReport, source: _Source,
               rows: np.ndarray, unread: frozenset[str]) -> pd.DataFrame:
    n = len(frame)
    cols: dict[str, object] = {}
    flags: list[tuple[str, pd.Series]] = []
    flag_headers: list[str] = []
    # An unread column is still reported as mapped: the report describes the file.
    for column, i in plan.mapping:
        header = plan.header[i].strip()
        wanted = column.canonical not in unread
        if column.kind == v.KIND_FLAG:
            if wanted:
                flags.append((column.tag, _truthy(frame[f"c{i}"])))
            flag_headers.append(header)
            continue
        if column.canonical in report.mapped_columns:
            continue  # the first header found for a column wins
        report.mapped_columns[column.canonical] = header
        if wanted:
            cols[column.canonical] = _convert(frame[f"c{i}"], column.kind)
    if flag_headers and s.LINK_TYPE not in report.mapped_columns:
        report.mapped_columns[s.LINK_TYPE] = ", ".join(flag_headers)
        if s.LINK_TYPE not in unread:
            cols[s.LINK_TYPE] = _join_flags(flags, n)
    used = {i for _, i in plan.mapping}
    last = len(plan.header) - 1
    report.ignored_columns.extend(
        h.strip() or f"(unnamed column {i + 1})"
        for i, h in enumerate(plan.header)
        if i not in used and (h.strip() or i < last)  # a trailing delimiter is no column
    )
    row_kind = plan.row_kind
    if plan.list_mode and s.SOURCE_URL in cols:
        # A plain list: bare domains are domain rows, anything else a link row.
        values = cols[s.SOURCE_URL]
        is_domain = values.str.match(_BARE_DOMAIN.pattern, case=False, na=False)
        is_domain &= ~values.str.contains("/", regex=False, na=False)
        if is_domain.any():
            cols[s.DOMAIN] = values.where(is_domain)
            cols[s.SOURCE_URL] = values.where(~is_domain)
            kinds = np.where(is_domain.to_numpy(), RowKind.DOMAIN.value, RowKind.LINK.value)
            cols[s.ROW_KIND] = pd.Series(kinds, dtype="str")
    if s.ROW_KIND not in cols:
        cols[s.ROW_KIND] = _constant(row_kind.value, n)
    if plan.format is Format.CANONICAL:
        for name in s.TEXT_COLUMNS:
            if name in cols:
                cols[name] = _formula_prefix_removed(cols[name])
    # Only the canonical table has a source_format of its own: the exports it was
    # made from, which the table keeps.
    given = cols.get(s.SOURCE_FORMAT)
    cols[s.SOURCE_FORMAT] = (_constant(plan.format.value, n) if given is None
                             else given.fillna(plan.format.value))
    cols[s.SOURCE_FILE] = _constant(source.name, n)
    cols[s.SOURCE_ROW] = rows
    return pd.DataFrame(cols, index=pd.RangeIndex(n), copy=False)


def _formula_prefix_removed(values: pd.Series) -> pd.Series:
    """Text cells of a table this tool wrote, without the apostrophe its writer puts
    before a cell a spreadsheet could run as a formula (an anchor "-50% off")."""
    marked = values.str.startswith("'", na=False)
    if not marked.any():
        return values
    return values.mask(marked, values[marked].map(restore_cell))


def _constant(value: str, n: int) -> pd.Series:
    return pd.Series([value], dtype="str").repeat(n).reset_index(drop=True)


def _data_rows(n: int, bad_rows: list[int]) -> np.ndarray:
    """1-based data row numbers of the rows read, counting the skipped ones (and the
    blank ones, which are rows of the frame until they are dropped)."""
    rows = np.arange(1, n + 1, dtype=np.float64)
    if bad_rows:
        bad = np.sort(np.asarray(bad_rows, dtype=np.int64))
        good_before = bad - 1 - np.arange(len(bad))
        rows += np.searchsorted(good_before, np.arange(n), side="right")
    return rows


# A spreadsheet saved as CSV in another language writes its own TRUE and FALSE:
# German, French, Spanish, Italian, Portuguese, Dutch, Polish, Swedish, Danish/Norwegian.
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "1.0", "t", "x", "on", "set",
                        "wahr", "vrai", "verdadero", "vero", "verdadeiro", "waar", "prawda",
                        "sant", "ja"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "0.0", "f", "off", "unset",
                         "falsch", "faux", "falso", "onwaar", "fałsz", "falskt", "falsk", "nej",
                         "nein"})


def as_bool(raw: pd.Series) -> pd.Series:
    """true/false, TRUE/FALSE, Yes/No, 1/0 -> nullable boolean (section 2 rule 8)."""
    if raw.dtype == bool:
        return raw.astype("boolean")
    codes, uniques = pd.factorize(raw)
    table = np.array([*(bool_value(u) for u in uniques), None], dtype=object)
    return pd.Series(table[codes], index=raw.index, dtype="boolean")


def bool_value(value: object) -> bool | None:
    """One cell as a boolean, or None when it says neither yes nor no."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return True if value == 1 else False if value == 0 else None
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _truthy(raw: pd.Series) -> pd.Series:
    """A flag column: yes/true/1 or any other non-empty text means set."""
    if raw.dtype == bool:
        return raw.astype("boolean")
    said = as_bool(raw)
    present = raw.notna() & (raw.astype("str").str.strip() != "")
    return said.fillna(present).astype("boolean")


def _convert(raw: pd.Series, kind: str) -> pd.Series:
    if kind == v.VALUE:
        return raw
    if kind == v.FLAG:
        present = raw.notna() & (raw.astype("str").str.strip() != "")
        falsy = as_bool(raw).eq(False).fillna(False)
        return (present & ~falsy).astype("boolean")
    if kind == v.NOT:
        return ~as_bool(raw)
    if kind == v.NONEMPTY:
        # Missing spellings are already NA (MISSING); "false"/"no"/"0" mean not set.
        falsy = raw.isin(["false", "False", "FALSE", "no", "No", "NO", "0"])
        return (raw.notna() & ~falsy).astype("boolean")
    if kind == v.LOST_STATUS:
        text = raw.astype("str").str.strip().str.casefold()
        lost = text.str.contains("lost|removed|deleted|broken|dropped", regex=True, na=False)
        live = text.str.contains("live|active|new|found", regex=True, na=False)
        out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        out[live] = False
        out[lost] = True
        return out
    if kind == v.TYPE_FOLLOW:
        text = raw.astype("str").str.casefold()
        out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        out[text.str.contains("dofollow", regex=False, na=False)] = False
        out[text.str.contains("nofollow", regex=False, na=False)] = True
        return out
    if kind == v.TYPE_LIST:
        codes, uniques = pd.factorize(raw)
        cleaned = [_type_list(u) for u in uniques]
        return pd.Series(np.array([*cleaned, None], dtype=object)[codes], index=raw.index,
                         dtype="str")
    raise ValueError(f"unknown column kind {kind!r}")  # pragma: no cover


def _type_list(value: str) -> str | None:
    parts = [p.strip().casefold() for p in str(value).split(",")]
    parts = [p for p in parts if p and p not in ("dofollow", "nofollow", "follow")]
    return ", ".join(dict.fromkeys(parts)) or None


def _join_flags(flags: list[tuple[str, pd.Series]], n: int) -> pd.Series:
    out = np.full(n, "", dtype=object)
    for tag, mask in flags:
        m = mask.fillna(False).to_numpy(dtype=bool)
        out[m] = out[m] + ", " + tag
    result = pd.Series(out, dtype="str").str.removeprefix(", ")
    known = np.zeros(n, dtype=bool)
    for _, mask in flags:
        known |= mask.notna().to_numpy()
    return result.where(known & (result != ""), None) if n else result


# --- pasted web tables --------------------------------------------------------


def _read_pasted(source: _Source, plan: _Plan, dialect: _Dialect, notes: list[str],
                 unread: frozenset[str]) -> tuple[pd.DataFrame, FileReport]:
    """Repair a table copied from a vendor's web UI (formats.md section 2 rule 14).

    Such files are small; they are re-read with the csv module. The duplicated
    header is halved, a leading empty column and blank rows dropped, the
    ``SPAM`` badge glued to a domain turned into ``ahrefs_is_spam``. Rows
    whose numbers were split by unquoted thousands separators keep only
    their domain and dates.
    """
    text = _full_text(source, dialect.encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=plan.delimiter or ","))
    header = plan.header
    width = len(header)
    data_start = None
    for i, row in enumerate(rows):
        if row and _is_pasted(row):
            data_start = i + 1
            break
    body = rows[data_start or 0 :]
    lead_empty = header[0].strip() != ""
    fixed: list[list[str]] = []
    # The file's row of each row kept (rows[i] is spreadsheet row i + 1): the repaired
    # text's rows are renumbered to them, for the user looks for a row in the file.
    origin = [0, data_start or 1]
    shifted = 0
    key_pos = next(i for c, i in plan.mapping if c.canonical == plan.layout.key_column)
    for at, row in enumerate(body, start=(data_start or 0) + 1):
        if not any(c.strip() for c in row):
            continue
        origin.append(at)
        if lead_empty and row and row[0] == "" and len(row) > 1:
            row = row[1:]
        while len(row) > width and row[-1] == "":
            row = row[:-1]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        if len(row) > width:
            shifted += 1
            keep = [""] * width
            keep[key_pos] = row[0]
            for j, _cell in enumerate(header):
                if any(c.canonical in s.DATE_COLUMNS for c, i in plan.mapping if i == j):
                    dates = [c for c in row if _DATEISH.match(c)]
                    keep[j] = dates[-1] if dates else ""
            row = keep
        fixed.append(row)
    spam = [False] * len(fixed)
    badge = 0
    for k, row in enumerate(fixed):
        match = _SPAM_BADGE.match(row[key_pos].strip())
        if match:
            row[key_pos] = match.group(1)
            spam[k] = True
            badge += 1
    out_header = list(header)
    if badge and not any(c.canonical == s.AHREFS_IS_SPAM for c, _ in plan.mapping):
        out_header.append("Is spam")
        for row, flag in zip(fixed, spam, strict=True):
            row.append("true" if flag else "false")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(out_header)
    writer.writerows(fixed)
    notes.append(
        "this looks like a table copied from a web page (its header appears twice); it was "
        "repaired: header halved, empty leading column and blank rows dropped"
        + (f", {badge} 'SPAM' badge(s) moved from the domain to ahrefs_is_spam" if badge else "")
        + ". Use the vendor's Export button for exact numbers."
    )
    if shifted:
        notes.append(
            f"{shifted} row(s) had more cells than the header (numbers with unquoted thousands "
            "separators such as 1,141); only their domain and dates were kept."
        )
    repaired = _Source(source.label, source.name, buffer.getvalue())
    new_plan = _plan(_head_records(repaired.data, repaired), repaired)
    new_dialect = _Dialect("", dialect.shown, ",", 0)
    frame, report = _parse(repaired, new_plan, new_dialect, notes, unread,
                           origin=np.array(origin, dtype=np.int64))
    report.delimiter = _delimiter_name(plan.delimiter)
    return frame, report


def _full_text(source: _Source, encoding: str) -> str:
    if isinstance(source.data, str):
        return source.data
    data = source.data.read_bytes() if isinstance(source.data, Path) else source.data
    encoding = encoding or "utf-8"
    text = data.decode(encoding, errors=CP1252_FALLBACK if encoding == "utf-8" else "replace")
    return text[1:] if text.startswith("\ufeff") else text
