import csv
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disavow.tables import csv_bytes, neutralize_cell


def test_formula_cells_are_neutralised():
    frame = pd.DataFrame({
        "anchor": ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "plain"],
        "score": [0.1, 0.2, -0.3, 0.4, 0.5],
    })
    text = csv_bytes(frame).decode("utf-8")
    back = pd.read_csv(io.StringIO(text))
    assert back["anchor"].tolist() == ["'" + v for v in frame["anchor"][:4]] + ["plain"]
    assert back["score"].tolist() == frame["score"].tolist()


@given(st.text())
def test_no_cell_can_start_a_formula(value):
    out = neutralize_cell(value)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_formulas_past_the_cross_checked_rows_are_neutralised(monkeypatch):
    # Only a chunk's first rows are compared with pandas' writer; the fast path
    # must neutralise formulas on its own everywhere else.
    from disavow import tables

    monkeypatch.setattr(tables, "_CHECK_ROWS", 0)  # the fast path's bytes, unchecked
    n = 1_000
    frame = pd.DataFrame({
        "anchor": [f'=HYPERLINK("http://evil/{i}","x")' if i >= 600 and i % 3 == 0 else f"a{i % 5}"
                   for i in range(n)],
        "title": pd.Series(["+1+1" if i == n - 1 else "t" for i in range(n)], dtype="str"),
        "score": [i / 7 for i in range(n)],
    })
    want = tables.spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode()
    got = csv_bytes(frame)
    assert got == want
    back = pd.read_csv(io.StringIO(got.decode("utf-8")), keep_default_na=False)
    assert not back["anchor"].str.startswith("=").any()
    assert back["title"].iloc[-1] == "'+1+1"


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("n", [3, 1_000])  # a few rows (checked against pandas) and many
def test_a_carriage_return_cannot_start_a_row_with_a_formula(monkeypatch, dtype, n):
    # Found by fuzzing: Python 3.11's csv writer left "click\r=cmd|' /C calc'!A0" unquoted,
    # and a spreadsheet starts a new row at the CR, whose first cell is then a formula.
    from disavow import tables

    monkeypatch.setattr(tables, "_CHECK_ROWS", 0)  # the fast path's bytes, unchecked
    # Distinct anchors (written cell by cell) and one repeated title (written per value).
    anchors = [["click\r=cmd|' /C calc'!A0", "a\r\n+1", "\r@SUM(1)", f"plain {i}"][i % 4]
               if i < 4 else f"{i}\r=1+{i}" for i in range(n)]
    frame = pd.DataFrame({"anchor": pd.Series(anchors, dtype=dtype),
                          "title": pd.Series(["t\r-2"] * n, dtype=dtype), "row": range(n)})
    got = csv_bytes(frame)
    assert got == tables.spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode()
    assert b"\r" not in got
    # Read the way a spreadsheet does: a CR or an LF outside quotes ends a row.
    rows = list(csv.reader(io.StringIO(got.decode("utf-8"), newline="")))
    assert len(rows) == n + 1
    assert rows[1][:2] == ["click\n=cmd|' /C calc'!A0", "t\n-2"]
    assert [row[0] for row in rows[2:4]] == ["a\n+1", "'\n@SUM(1)"]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row[:2]), row
