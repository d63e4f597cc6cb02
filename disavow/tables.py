"""CSV output that a spreadsheet can open safely.

Backlink titles, anchors and URLs are written by third parties. A cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as
a formula in Excel or Sheets, so such text cells get a leading apostrophe.
Numbers stay numbers.
"""

from __future__ import annotations

import io
from pathlib import Path

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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (no BOM, LF) with formula cells neutralised and dates as ISO text."""
    safe = spreadsheet_safe(frame)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
    return buffer.getvalue().encode("utf-8")


def write_csv(frame: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> None:
    """Write ``frame`` atomically as a spreadsheet-safe CSV."""
    from disavow.atomic import write_atomic

    write_atomic(Path(path), csv_bytes(frame), overwrite=overwrite)
