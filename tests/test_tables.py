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


FORMULA_CHARS = "=+-@\uff1d\uff0b\uff0d\uff20"  # ASCII and full-width


def _could_run(cell: str) -> bool:
    """The rule, written out independently: a control character first, or a formula
    character after whatever an importer may trim or not show."""
    if cell[:1] in ("\t", "\r", "\n", "\x00"):
        return True
    rest = cell
    while rest and (rest[0].isspace() or rest[0] in "\x00\ufeff"):
        rest = rest[1:]
    return rest[:1] != "" and rest[0] in FORMULA_CHARS


RISKY_TEXT = st.text(st.sampled_from(list(FORMULA_CHARS + " \t\r\n\x00\xa0\u3000\ufeff\x1fa'1.")))


@given(st.one_of(st.text(), RISKY_TEXT))
def test_no_cell_can_start_a_formula(value):
    out = neutralize_cell(value)
    line_broken = value.replace("\r\n", "\n").replace("\r", "\n")
    # Changed only as needed: a CR made an LF, an apostrophe exactly where the rule says.
    assert out == ("'" + line_broken if _could_run(line_broken) else line_broken)
    assert not _could_run(out)


@pytest.mark.parametrize(("cell", "neutralised"), [
    ("=1+1", True), ("  =cmd|' /C calc'!A0", True), ("\t=1", True), ("\n\n+1", True),
    ("\xa0@SUM(A1)", True),  # no-break space, pasted from a web page
    ("\u3000=1+1", True),  # ideographic space, typed with a Japanese IME
    ("\uff1dHYPERLINK(\"http://evil\")", True), ("\uff0b1", True), ("\uff0d1", True),
    ("\uff20SUM(1)", True), (" \uff1d1", True),
    ("\x00=1", True), ("\x00plain", True),  # OWASP ASVS 1.2.10 lists NUL
    ("\ufeff=1", True),  # a zero-width BOM shows as nothing
    ("\x1f=1", True),  # the fast path's own separator, inside a cell
    ("-0.5", True),  # text: written as text, so a spreadsheet keeps it as typed
    ("plain anchor", False), ("  plain", False), ("a=b", False), ("x - y", False),
    ("'=already quoted", False), ("\uff41\uff1d", False), ("", False), (" ", False),
])
def test_formula_starts_after_spaces_full_width_and_nul(cell, neutralised):
    assert neutralize_cell(cell) == ("'" + cell if neutralised else cell)


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("n", [3, 1_000])  # a few rows (checked against pandas) and many
def test_new_formula_starts_are_neutralised_by_the_fast_path(monkeypatch, dtype, n):
    from disavow import tables

    monkeypatch.setattr(tables, "_CHECK_ROWS", 0)  # the fast path's bytes, unchecked
    risky = ["  =cmd()", "\uff1d1+1", "\x00@x", "\u3000\uff0b1", "\xa0-2", "\ufeff=1", "\x1f=1"]
    anchors = [risky[i % len(risky)] if i % 97 == 3 or i < 3 else f"  anchor {i}"
               for i in range(n)]
    frame = pd.DataFrame({
        "anchor": pd.Series(anchors, dtype=dtype),
        "title": pd.Series(["\uff0dtitle"] * n, dtype=dtype),  # one value, written per value
        "score": [-0.5, 0.25, -1e-07][:1] * n,
    })
    got = csv_bytes(frame)
    assert got == tables.spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode()
    rows = list(csv.reader(io.StringIO(got.decode("utf-8"), newline="")))[1:]
    assert len(rows) == n
    for (anchor, title, score), want in zip(rows, anchors, strict=True):
        assert anchor == ("'" + want if _could_run(want) else want)
        assert title == "'\uff0dtitle"
        assert score == "-0.5"  # a number stays a number


def test_a_long_run_of_empty_cells_is_scanned_once(monkeypatch):
    # The leading-whitespace search must not restart at every empty cell of a run.
    from disavow import tables

    monkeypatch.setattr(tables, "_CHECK_ROWS", 0)
    n = 25_000
    # Distinct cells first, so the column is written cell by cell, not per distinct value.
    cells = [f"a{i}" for i in range(1_000)] + [" \t =x"] + [""] * (n - 1_002) + ["end"]
    frame = pd.DataFrame({"a": pd.Series(cells, dtype="str"), "b": [1.5] * n})
    got = csv_bytes(frame)
    assert b"\na999,1.5\n' \t =x,1.5\n,1.5\n" in got and got.endswith(b"\n,1.5\nend,1.5\n")
    assert got == tables.spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode()
    # What keeps it linear: no match runs on across a break (from one empty cell into
    # the next), so a run of them is not rescanned from each one (seconds a chunk).
    pattern = tables._RISKY_AFTER_BREAK
    assert pattern.match("\x1f\x1f=") is None and pattern.search("\x1f\x1f=").start() == 1
    assert pattern.match("\x1f \u3000\x00=").end() == 5


def test_leading_characters_are_every_whitespace_and_nul_and_bom():
    from disavow import tables

    whitespace = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert set(tables._LEADING) == set(whitespace) | {"\x00", "\ufeff"}


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
