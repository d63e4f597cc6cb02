"""CSV output that a spreadsheet can open safely.

Backlink titles, anchors and URLs are written by third parties. A cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as
a formula in Excel or Sheets, so such text cells get a leading apostrophe.
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize_cell(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate.

    >>> neutralize_cell('=HYPERLINK("http://evil","x")')
    '\\'=HYPERLINK("http://evil","x")'
    >>> neutralize_cell("plain anchor")
    'plain anchor'
    >>> neutralize_cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.astype("object").map(neutralize_cell)
    return out


_CHUNK_ROWS = 100_000  # rows made safe and formatted at once
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_CHECK_ROWS = 200  # rows also written by pandas' own writer, to check the fast one
_SPOOL_BYTES = 32 << 20  # CSV text kept in memory while it is written, before a temp file


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (no BOM, LF) with formula cells neutralised and dates as ISO text.

    The same bytes as ``spreadsheet_safe(frame).to_csv(index=False, lineterminator="\\n")``,
    made in chunks of rows: a million-row table is never copied whole, nor held as
    one text. Cells are formatted by pandas; the rows are joined here, which is
    several times faster than the csv module's writer and checked against it.
    """
    # Chunks are spooled (to a temporary file once large) and read back as one
    # bytes object: joining a list of chunks would hold the file twice in memory.
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        for start in range(0, max(len(frame), 1), _CHUNK_ROWS):
            safe = _neutralised(frame.iloc[start:start + _CHUNK_ROWS])
            header = start == 0
            text = _joined_csv(safe, header=header)
            if text is None or not text.startswith(_pandas_csv(safe.iloc[:_CHECK_ROWS], header)):
                text = _pandas_csv(safe, header)  # never expected: stay exact
            spool.write(text.encode("utf-8"))
            del safe, text
        spool.seek(0)
        return spool.read()


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
                joined = _BREAK + _FORMULA_START[0]
            if _FORMULA_AFTER_BREAK.search(joined):
                values = values.map(neutralize_cell)
            out[column] = values
    return out


_BREAK = "\x1f"
_FORMULA_AFTER_BREAK = re.compile(
    re.escape(_BREAK) + "[" + re.escape("".join(_FORMULA_START)) + "]")


def _pandas_csv(frame: pd.DataFrame, header: bool = True) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=header, lineterminator="\n", date_format=_DATE_FORMAT)
    return buffer.getvalue()


def _joined_csv(frame: pd.DataFrame, *, header: bool) -> str | None:
    """``frame`` as pandas writes it (index=False), or None when that is not certain.

    pandas formats each cell to text, then Python's csv writer quotes a field
    that holds any of a few characters (probed once from the csv module) and
    joins the fields with commas and the rows with newlines.
    """
    special = _quoted_chars()
    if special is None or frame.columns.nlevels != 1 or len(frame.columns) < 2:
        return None
    options = {"float_format": None, "date_format": _DATE_FORMAT, "decimal": ".",
               "na_rep": "", "quoting": csv.QUOTE_MINIMAL}
    try:
        cells = frame._get_values_for_csv(**options)
        columns = [np.asarray(c, dtype=object) for c in cells._iter_column_arrays()]
        labels = np.asarray(frame.columns._get_values_for_csv(**options), dtype=object)
    except (AttributeError, TypeError, ValueError):  # another pandas
        return None
    columns = [_quoted(_texts(c), special) for c in columns]
    lines = ["\n".join(map(",".join, zip(*columns, strict=True)))] if len(frame) else []
    if header:
        lines.insert(0, ",".join(_quoted(_texts(labels), special)))
    return "\n".join(lines) + "\n" if lines else ""


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


def write_csv(frame: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> None:
    """Write ``frame`` atomically as a spreadsheet-safe CSV."""
    from disavow.atomic import write_atomic

    write_atomic(Path(path), csv_bytes(frame), overwrite=overwrite)
