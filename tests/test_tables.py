import io

import pandas as pd
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
