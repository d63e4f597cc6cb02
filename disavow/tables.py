"""CSV output that a spreadsheet can open safely.

Backlink titles, anchors and URLs are written by third parties. A text cell gets a
leading apostrophe when a spreadsheet could run it as a formula: when it starts with
a tab, CR, LF or NUL, or when its first character after any leading whitespace is
``=``, ``+``, ``-`` or ``@``, or their full-width forms ``＝ ＋ － ＠``.
A CR inside a cell becomes an LF: the csv writer quotes that, not a bare CR,
after which a spreadsheet would start a new row. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from disavow.atomic import OutputFiles

# A formula starts with one of these. The full-width forms are what Chinese, Japanese
# and Korean input methods type, and some spreadsheet locales take them for the ASCII ones.
_FORMULA_CHARS = "=+-@\uff1d\uff0b\uff0d\uff20"
# A cell starting with one of these is neutralised whatever follows: OWASP lists tab
# and CR, an LF acts as a CR does, and ASVS 1.2.10 adds NUL.
_CONTROL_CHARS = "\t\r\n\x00"
# What may stand before the formula character and still let it run: importers trim
# whitespace (str.strip()'s, Unicode's, ideographic space included), and NUL and a
# zero-width BOM show as nothing. The test suite checks the whitespace against str.isspace.
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
               "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_LEADING = _WHITESPACE + "\x00\ufeff"
_FORMULA_START = tuple(_FORMULA_CHARS)
_CONTROL_START = tuple(_CONTROL_CHARS)


def neutralize_cell(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate.

    >>> neutralize_cell('=HYPERLINK("http://evil","x")')
    '\\'=HYPERLINK("http://evil","x")'
    >>> neutralize_cell("plain anchor")
    'plain anchor'
    >>> neutralize_cell(-3.5)
    -3.5
    >>> neutralize_cell("x\\r=cmd")
    'x\\n=cmd'
    >>> neutralize_cell("  =cmd()"), neutralize_cell("\\uff1dSUM(A1)")
    ("'  =cmd()", "'＝SUM(A1)")
    """
    if not isinstance(value, str):
        return value
    if "\r" in value:
        # Python 3.11's csv writer, with the "\n" line ending used here, leaves a
        # field holding a bare CR unquoted, and spreadsheets start a new row at a
        # CR: "x\r=cmd|..." would become a row whose first cell is a formula. As
        # an LF the line break stays in the cell, which the writer then quotes.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value.startswith(_CONTROL_START) or value.lstrip(_LEADING).startswith(_FORMULA_START):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The text a cell written by :func:`neutralize_cell` held, its apostrophe removed.

    Only an apostrophe that :func:`neutralize_cell` would have put there goes: a
    cell that starts with one of its own stays as it is, unless what follows it
    starts like a formula (it then reads as the formula, the one case the two
    cannot be told apart).

    >>> restore_cell(neutralize_cell("=HYPERLINK(x)")), restore_cell("'90s hits")
    ('=HYPERLINK(x)', "'90s hits")
    """
    if value.startswith("'") and neutralize_cell(value[1:]) == value:
        return value[1:]
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.astype("object").map(neutralize_cell)
    return out


_CHUNK_ROWS = 25_000  # rows made safe and formatted at once
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_CHECK_ROWS = 200  # rows also written by pandas' own writer, to check the fast one
_CHECK_EVERY = 100_000  # in the chunk where each this many rows begin
_BLOCK_LINES = 200  # lines joined and encoded at once
_CSV_OPTIONS = {"float_format": None, "date_format": _DATE_FORMAT, "decimal": ".",
                "na_rep": "", "quoting": csv.QUOTE_MINIMAL}


def csv_chunks(frame: pd.DataFrame) -> Iterator[bytes]:
    """UTF-8 CSV (no BOM, LF) with formula cells neutralised and dates as ISO text.

    The same bytes as ``spreadsheet_safe(frame).to_csv(index=False, lineterminator="\\n")``,
    made and given out in chunks of rows: a million-row table is never copied
    whole, nor held as one text. Cells are formatted once per distinct value
    where that is cheaper; the rows are joined here, which is several times
    faster than the csv module's writer, and the first rows of the chunk where
    every ``_CHECK_EVERY`` rows begin are checked against pandas' own writer.
    """
    for start in range(0, max(len(frame), 1), _CHUNK_ROWS):
        part = frame.iloc[start:start + _CHUNK_ROWS]
        header = start == 0
        data = _joined_csv(part, header=header)
        checked = start % _CHECK_EVERY < _CHUNK_ROWS
        if data is None or checked and not data.startswith(
                _pandas_csv(_neutralised(part.iloc[:_CHECK_ROWS]), header).encode("utf-8")):
            # never expected: stay exact
            data = _pandas_csv(_neutralised(part), header).encode("utf-8")
        yield data
        del part, data


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`csv_chunks` as one bytes object (for small tables and tests)."""
    return b"".join(csv_chunks(frame))


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """``spreadsheet_safe(frame)`` as far as its CSV goes: columns that hold no text
    starting like a formula are left as they are, without a call per cell."""
    out = frame.copy(deep=False)
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            values = series.astype("object")
            try:
                joined = _BREAK + _BREAK.join(values.dropna())
            except TypeError:  # not only text: cell by cell
                joined = _BREAK + _FORMULA_CHARS[0]
            if _may_change(joined):
                values = values.map(neutralize_cell)
            out[column] = values
    return out


_BREAK = "\x1f"
# A break, then a control character, or leading characters and a formula character.
# _BREAK is whitespace itself but is left out of the leading run: a cell that starts
# with it is still found (from its last one), and a run of empty cells is not scanned
# again from each of them. Matches inside a cell are harmless: the rule checks each.
_RISKY_AFTER_BREAK = re.compile(
    re.escape(_BREAK) + "(?:[" + re.escape(_CONTROL_CHARS) + "]|["
    + re.escape(_LEADING.replace(_BREAK, "")) + "]*+[" + re.escape(_FORMULA_CHARS) + "])")


def _may_change(joined: str) -> bool:
    """Whether :func:`neutralize_cell` may change any of the cells in ``joined`` (each
    after a ``_BREAK``): one may start like a formula, or one holds a CR."""
    return "\r" in joined or _RISKY_AFTER_BREAK.search(joined) is not None


def _pandas_csv(frame: pd.DataFrame, header: bool = True) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=header, lineterminator="\n", date_format=_DATE_FORMAT)
    return buffer.getvalue()


def _joined_csv(frame: pd.DataFrame, *, header: bool) -> bytes | None:
    """``spreadsheet_safe(frame)`` as pandas writes it (index=False), in UTF-8, or
    None when that is not certain.

    pandas formats each cell to text, then Python's csv writer quotes a field
    that holds any of a few characters (probed once from the csv module) and
    joins the fields with commas and the rows with newlines.
    """
    special = _quoted_chars()
    if special is None or frame.columns.nlevels != 1 or len(frame.columns) < 2:
        return None
    try:
        columns = [_column_texts(frame.iloc[:, [i]], special)
                   for i in range(len(frame.columns))]
        labels = np.asarray(frame.columns._get_values_for_csv(**_CSV_OPTIONS), dtype=object)
    except (AttributeError, TypeError, ValueError):  # another pandas
        return None
    # Python lists iterate faster than numpy arrays of objects.
    columns = [column.tolist() for column in columns]
    lines = list(map(",".join, zip(*columns, strict=True)))
    if header:
        lines.insert(0, ",".join(_quoted(_texts(labels), special)))
    # Encoded a block of lines at a time: one line with a character beyond ASCII
    # would otherwise widen the whole chunk's text and make encoding it transcode
    # all of it.
    return b"".join(("\n".join(lines[at:at + _BLOCK_LINES]) + "\n").encode("utf-8")
                    for at in range(0, len(lines), _BLOCK_LINES))


def _column_texts(one: pd.DataFrame, special: frozenset[str]) -> np.ndarray:
    """What the csv writer writes for each cell of a one-column frame, made safe and
    quoted. Text, floats and booleans are formatted once per distinct value."""
    series = one.iloc[:, 0]
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) and not _repetitive(series):
        # Text or missing only: most cells (URLs, titles) need neither quotes nor an
        # apostrophe, and the column's joined text shows which few might.
        texts = series.to_numpy(dtype=object)
        try:
            joined = _BREAK.join(texts)
        except TypeError:  # missing cells, which are written empty
            texts = series.to_numpy(dtype=object, na_value="")
            joined = _BREAK.join(texts)
        return _text_cells(texts, joined, special)
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        if pd.api.types.infer_dtype(uniques, skipna=False) in ("string", "empty"):
            # Text as it is, a missing cell empty (code -1): pandas' own rule,
            # without its per-cell date check of object columns.
            uniques = np.append(uniques, "")
            if _may_change(_BREAK + _BREAK.join(uniques)):
                uniques = np.array([neutralize_cell(v) for v in uniques], dtype=object)
            return _quoted(uniques, special)[codes]
        one = series.astype("object").map(neutralize_cell).to_frame()
    elif dtype == np.float64:
        values = series.to_numpy()
        # factorize takes -0.0 for 0.0, which pandas writes differently.
        if not np.signbit(values[values == 0]).any():
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            return _quoted(np.append(_float_texts(np.asarray(uniques)), ""), special)[codes]
    elif isinstance(dtype, pd.BooleanDtype):
        array = series.array
        codes = array.to_numpy(dtype=np.int8, na_value=2)
        return _quoted(np.array(["False", "True", ""], dtype=object), special)[codes]
    cells = one._get_values_for_csv(**_CSV_OPTIONS)
    texts = _texts(np.asarray(next(iter(cells._iter_column_arrays())), dtype=object))
    return _quoted(texts, special)


def _repetitive(series: pd.Series, sample: int = 1_000) -> bool:
    """Whether the column's first cells repeat a few values. Such a column is written
    from its distinct values: the rows then share a few strings that stay in the
    cache, where a million separately allocated ones would not."""
    head = series.iloc[:sample]
    return len(head) > 0 and len(pd.unique(head)) * 10 <= len(head)


def _text_cells(texts: np.ndarray, joined: str, special: frozenset[str]) -> np.ndarray:
    """Text cells as the csv writer writes them, made safe and quoted.

    ``joined`` is the cells joined by ``_BREAK``. Only the cells that it shows may
    start like a formula or hold a character to quote are looked at, each then by
    the plain rule. ``texts`` (an array of str, perhaps the column's own) is never
    changed: a copy is, when a cell must be.
    """
    first_risky = len(texts) > 0 and neutralize_cell(texts[0]) != texts[0]
    maybe_formula = first_risky or _RISKY_AFTER_BREAK.search(joined) is not None
    has_cr = "\r" in joined  # neutralize_cell turns it into an LF, which needs quotes
    # ``in`` finds a character much faster than count counts it: count only those found.
    n_to_quote = sum(joined.count(ch) for ch in special if ch in joined)
    if not maybe_formula and not has_cr and not n_to_quote:
        return texts
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - lengths - 1  # where each cell begins in ``joined``
    out = texts
    changed = np.empty(0, dtype=np.int64)
    if maybe_formula or has_cr:
        # A match ends at the character that makes its cell risky; the cells found
        # (a few, and perhaps some that only hold a break) then go through the rule.
        at = np.fromiter((m.end() - 1 for m in _RISKY_AFTER_BREAK.finditer(joined)),
                         dtype=np.int64)
        rows = np.unique(np.searchsorted(starts, at, side="right") - 1)
        if first_risky:
            rows = np.union1d(rows, [0])
        if has_cr:
            at = np.fromiter(_find_all(joined, "\r"), dtype=np.int64)
            rows = np.union1d(rows, np.searchsorted(starts, at, side="right") - 1)
        if len(rows):
            out = texts.copy()
            out[rows] = [neutralize_cell(t) for t in texts[rows]]
            changed = rows
    if n_to_quote or len(changed):
        if n_to_quote <= len(texts) // 8:  # a few: found one by one
            at = np.fromiter((i for ch in special for i in _find_all(joined, ch)), dtype=np.int64)
        else:
            at = np.flatnonzero(_is_any_of(_code_units(joined), special))
        rows = np.union1d(np.searchsorted(starts, at, side="right") - 1, changed)
        out = texts.copy() if out is texts else out
        out[rows] = _quoted(out[rows], special)
    return out


def _code_units(text: str) -> np.ndarray:
    """``text`` as an array with one element a character."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _find_all(text: str, part: str) -> Iterator[int]:
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


def _is_any_of(codes: np.ndarray, chars: Iterable[str]) -> np.ndarray:
    # One comparison a character: np.isin would sort a chunk's whole text.
    found = np.zeros(len(codes), dtype=bool)
    for ch in chars:
        found |= codes == ord(ch)
    return found


def _float_texts(values: np.ndarray) -> np.ndarray:
    """numpy's ``str()`` of each float, as pandas writes it; whole numbers made faster."""
    if (len(values) and np.isfinite(values).all() and (np.abs(values) < 1e15).all()
            and (values == np.round(values)).all()):
        return np.array([f"{i}.0" for i in values.astype(np.int64).tolist()], dtype=object)
    # Python's repr is numpy's str for a float64 (the shortest text that reads back,
    # with the same switch to exponents), and takes two thirds of the time.
    return np.array(list(map(float.__repr__, values.tolist())), dtype=object)


def _texts(values: np.ndarray) -> np.ndarray:
    """What the csv writer writes for each cell: text as it is, None empty, a float's repr."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array([_cell_text(v) for v in values], dtype=object)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _quoted(texts: np.ndarray, special: frozenset[str]) -> np.ndarray:
    joined = "".join(texts)
    if not any(ch in joined for ch in special):
        return texts
    needs_quotes = re.compile("[" + re.escape("".join(sorted(special))) + "]").search
    return np.array([f'"{t.replace(chr(34), chr(34) * 2)}"' if needs_quotes(t) else t
                     for t in texts], dtype=object)


@lru_cache(maxsize=1)
def _quoted_chars() -> frozenset[str] | None:
    """The characters that make the csv writer (as pandas sets it up) quote a field.

    Probed from the csv module itself; None when its rule is not simply "quote a
    field holding any of these characters, doubling quotes".
    """

    def written(fields: list[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(fields)
        return buffer.getvalue()

    probes = [chr(i) for i in range(256)] + ["\u2028", "\u2029", "\ufeff"]
    special = frozenset(c for c in probes if written([f"a{c}b", "x"]) != f"a{c}b,x\n")
    for c in probes:
        for field in (c, f"{c}a", f"a{c}", c + c, f"{c}a{c}"):
            quoted = any(ch in field for ch in special)
            expected = '"' + field.replace('"', '""') + '"' if quoted else field
            if written([field, "x"]) != expected + ",x\n":
                return None
    if written(["", "x"]) != ",x\n" or written(["x", ""]) != "x,\n":
        return None
    return special


def write_csv(frame: pd.DataFrame, path: str | Path, *, overwrite: bool = False,
              into: OutputFiles | None = None) -> None:
    """Write ``frame`` atomically as a spreadsheet-safe CSV (as part of the set
    ``into``, when given: it appears when that set is committed)."""
    from disavow.atomic import write_atomic

    if into is not None:
        into.add(Path(path), csv_chunks(frame))
    else:
        write_atomic(Path(path), csv_chunks(frame), overwrite=overwrite)
