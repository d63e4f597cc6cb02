"""disavow.normalize: the canonical table, its dtype rules, and merging files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TEST_DATA
from hypothesis import example, given, settings
from hypothesis import strategies as st

from disavow import schema as s
from disavow.normalize import (
    DATE_DTYPE,
    ReadResult,
    merge_links,
    normalize_links,
    parse_url_fast,
    read_exports,
    to_bool,
    to_datetime,
    to_label,
    to_number,
)
from disavow.urls import parse_url

EXPORTS = TEST_DATA / "exports"


def _check_dtypes(table: pd.DataFrame) -> None:
    for name in s.TEXT_COLUMNS:
        assert table[name].dtype == "str", name
        assert not (table[name] == "").any(), name  # missing text is NA, never ""
    for name in s.BOOL_COLUMNS:
        assert table[name].dtype == "boolean", name
    for name in s.NUMBER_COLUMNS:
        assert table[name].dtype == np.float64, name
    for name in s.DATE_COLUMNS:
        assert table[name].dtype == DATE_DTYPE, name
    assert set(table[s.STATUS]) <= {"ok", "skipped"}
    assert table.loc[table[s.STATUS] == "ok", s.PROBLEM].isna().all()
    assert table.loc[table[s.STATUS] == "skipped", s.PROBLEM].notna().all()


@pytest.mark.parametrize(
    "path", sorted(p for p in EXPORTS.glob("*") if p.suffix != ".md"), ids=lambda p: p.name
)
def test_every_fixture_gives_the_canonical_table(path: Path):
    result = read_exports([path])
    assert isinstance(result, ReadResult)
    expected = list(s.LINK_COLUMNS) + ([s.LABEL] if s.LABEL in result.links else [])
    assert list(result.links.columns) == expected
    _check_dtypes(result.links)
    links = result.links
    domain_rows = links[s.ROW_KIND] == "domain"
    assert links.loc[domain_rows, s.SOURCE_URL].isna().all()
    ok_links = links[(links[s.ROW_KIND] == "link") & (links[s.STATUS] == "ok")]
    assert ok_links[[s.SOURCE_URL, s.SOURCE_HOST, s.DOMAIN]].notna().all().all()


@pytest.mark.parametrize(
    "path", sorted(p for p in EXPORTS.glob("*") if p.suffix != ".md"), ids=lambda p: p.name
)
def test_the_canonical_table_reads_back_as_it_was_written(tmp_path: Path, path: Path):
    # It was read as a generic CSV: vendor metrics ignored, domain rows dropped as
    # "empty URL", formula-guarded anchors kept with their apostrophe.
    from disavow.tables import write_csv

    written = read_exports([path]).links
    table = tmp_path / "links.csv"
    write_csv(written, table)
    result = read_exports([table])
    (report,) = result.reports
    assert report.format is s.Format.CANONICAL
    assert report.ignored_columns == [s.SOURCE_FILE, s.SOURCE_ROW]
    back = result.links
    # The table's own name and row: where the row is found in it.
    assert set(back[s.SOURCE_FILE]) == {"links.csv"}
    assert back[s.SOURCE_ROW].tolist() == [float(row) for row in range(2, len(back) + 2)]
    _check_dtypes(back)
    # The CSV writer turns a CR into a line break (a spreadsheet starts a row at a CR).
    titles = written[s.SOURCE_TITLE].str.replace("\r\n", "\n").str.replace("\r", "\n")
    expected = written.assign(**{s.SOURCE_TITLE: titles})
    same = [c for c in written.columns if c not in (s.SOURCE_FILE, s.SOURCE_ROW)]
    pd.testing.assert_frame_equal(back[same], expected[same])


def test_normalize_links_on_a_plain_frame():
    frame = pd.DataFrame({
        s.SOURCE_URL: ["HTTP://WWW.Spam.COM/x", "javascript:void(0)", "", None, "spam.net/p"],
        s.NOFOLLOW: ["Yes", "no", "1", "", None],
        s.AHREFS_DOMAIN_RATING: ["1,240", "-", "null", "12%", 7],
        s.FIRST_SEEN: ["2024-01-02", "2024-01-03T04:05:06Z", "", None, "garbage"],
        "unknown": [1, 2, 3, 4, 5],
    })
    before = frame.copy()
    table = normalize_links(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not modified
    assert list(table.columns) == list(s.LINK_COLUMNS)
    _check_dtypes(table)
    assert table[s.SOURCE_URL].tolist()[0] == "http://www.spam.com/x"
    assert table[s.SOURCE_URL].tolist()[4] == "http://spam.net/p"
    assert table[s.STATUS].tolist() == ["ok", "skipped", "skipped", "skipped", "ok"]
    assert table[s.PROBLEM].tolist()[1:4] == ["not a web address (javascript:)", "empty URL",
                                             "empty URL"]
    assert table[s.NOFOLLOW].tolist() == [True, False, True, pd.NA, pd.NA]
    assert table[s.AHREFS_DOMAIN_RATING].tolist()[0] == 1240.0
    assert table[s.AHREFS_DOMAIN_RATING].isna().tolist() == [False, True, True, False, False]
    assert table[s.FIRST_SEEN].tolist()[:2] == [pd.Timestamp("2024-01-02"),
                                                pd.Timestamp("2024-01-03 04:05:06")]
    assert table[s.FIRST_SEEN].isna().tolist() == [False, False, True, True, True]
    assert table[s.ROW_KIND].tolist() == ["link"] * 5
    assert table[s.SOURCE_ROW].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_normalize_is_idempotent():
    table = read_exports([EXPORTS / "ahrefs_backlinks.csv"]).links
    again = normalize_links(table)
    pd.testing.assert_frame_equal(again, table)


def test_domain_frame_without_row_kind():
    table = normalize_links(pd.DataFrame({s.DOMAIN: ["WWW.Example.CO.UK", "not a domain", ""]}))
    assert table[s.ROW_KIND].tolist() == ["domain"] * 3
    assert table[s.DOMAIN].tolist()[0] == "example.co.uk"
    assert table[s.SOURCE_HOST].tolist()[0] == "www.example.co.uk"
    assert table[s.PROBLEM].tolist()[1:] == ["not a domain name (not a domain)", "empty domain"]


def test_empty_frame():
    table = normalize_links(pd.DataFrame({s.SOURCE_URL: pd.Series([], dtype="str")}))
    assert len(table) == 0 and list(table.columns) == list(s.LINK_COLUMNS)
    _check_dtypes(table)


def test_tz_aware_dates_become_naive_utc():
    values = pd.Series(["2024-01-01T10:00:00+02:00", "2024-01-01T10:00:00Z"])
    dates, bad = to_datetime(values)
    assert bad == 0
    assert dates.tolist() == [pd.Timestamp("2024-01-01 08:00"), pd.Timestamp("2024-01-01 10:00")]
    assert dates.dtype == DATE_DTYPE


@pytest.mark.parametrize("cells, expected", [
    (["03/04/2026", "05/06/2026"], [(2026, 3, 4), (2026, 5, 6)]),  # month-first: none > 12
    (["03/04/2026", "13/06/2026"], [(2026, 4, 3), (2026, 6, 13)]),  # one > 12: day-first
    (["Sep 15, 2026", "Aug 1, 2026"], [(2026, 9, 15), (2026, 8, 1)]),
    (["11 Jul 2026", "1 Aug 2026"], [(2026, 7, 11), (2026, 8, 1)]),
    (["2023-08-10 15:51:35", "2023-08-10"], [(2023, 8, 10), (2023, 8, 10)]),
])
def test_date_formats(cells, expected):
    dates, bad = to_datetime(pd.Series(cells))
    assert bad == 0
    assert [(d.year, d.month, d.day) for d in dates] == expected


def test_numbers_and_placeholders_are_not_dates(tmp_path: Path):
    # Found by fuzzing: the mixed parser read "-1" as the year -1 (written to links.csv as
    # "-001-01-01 00:00:00", a cell that starts like a formula) and "1,5" as 0001-01-05.
    cells = ["-1", "1,5", "-0", "0001-01-01", "9999-12-31", "Sep 15, 2026", "2099-12-31"]
    dates, bad = to_datetime(pd.Series(cells))
    assert bad == 5
    assert dates.tolist()[:5] == [pd.NaT] * 5
    assert dates.tolist()[5:] == [pd.Timestamp("2026-09-15"), pd.Timestamp("2099-12-31")]
    dates, bad = to_datetime(pd.Series(["0001-01-01", "2024-01-02"]))  # the ISO path
    assert (dates.tolist(), bad) == ([pd.NaT, pd.Timestamp("2024-01-02")], 1)
    excel_zero = pd.Series(pd.to_datetime(["1899-12-30", "2024-01-02"]))  # from a workbook
    assert to_datetime(excel_zero)[0].tolist() == [pd.NaT, pd.Timestamp("2024-01-02")]
    export = tmp_path / "links.csv"
    export.write_text("URL,First seen\nhttps://a.example.com/,-1\nhttps://b.example.com/,"
                      "2024-01-02\n")
    result = read_exports([export])
    assert result.links[s.FIRST_SEEN].tolist() == [pd.NaT, pd.Timestamp("2024-01-02")]


# Date cells as the vendors write them (formats.md sections 2 and 3).
VENDOR_DATES = [
    ("2023-08-10 15:51:35", "2023-08-10 15:51:35"),  # Ahrefs Backlinks, Referring domains
    ("2023-01-01 00:00:00", "2023-01-01"),  # Ahrefs, on a 1st
    ("11 Jul 2026", "2026-07-11"),  # Ahrefs UI table pasted
    ("2024-01-05", "2024-01-05"),  # SEMrush
    ("2024-06-01", "2024-06-01"),  # SEMrush, on a 1st
    ("2026-09-28", "2026-09-28"),  # Search Console, ISO locale
    ("Sep 15, 2026", "2026-09-15"),  # Search Console, en-US
    ("28/09/2026", "2026-09-28"),  # Search Console, es
    ("28.09.2026", "2026-09-28"),  # Search Console, de
    ("03.04.2026", "2026-04-03"),  # de, a day <= 12: dotted dates are day-first
    ("2024-03-01", "2024-03-01"),  # Majestic Source Crawl Date
    ("2020-01-20", "2020-01-20"),  # Moz Link Explorer
    ("2020-02-01T12:30:00.000Z", "2020-02-01 12:30:00"),  # ISO with a zone (API copies)
    ("2026-09-28T10:00:00+02:00", "2026-09-28 08:00:00"),
    ("September 15, 2026", "2026-09-15"), ("15-Sep-2026", "2026-09-15"),
    ("Mon, 15 Sep 2026 10:00:00 GMT", "2026-09-15 10:00:00"),
    ("Sep 15, 2026, 10:31 AM", "2026-09-15 10:31:00"), ("1st Jan 2024", "2024-01-01"),
    ("2026/09/28", "2026-09-28"), ("20240501", "2024-05-01"), ("2026-9-8", "2026-09-08"),
]


@pytest.mark.parametrize(("cell", "expected"), VENDOR_DATES)
def test_vendor_dates_are_read(cell, expected):
    dates, bad = to_datetime(pd.Series([cell, f" {cell} ", None]))
    assert bad == 0
    assert dates.tolist() == [pd.Timestamp(expected), pd.Timestamp(expected), pd.NaT]


# strftime forms of the vendor formats above; %m/%d is US Search Console, %d.%m German.
VENDOR_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%b %d, %Y",
                  "%B %d, %Y", "%d %b %Y", "%d-%b-%Y", "%m/%d/%Y", "%d.%m.%Y"]


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)),
       st.sampled_from(VENDOR_FORMATS), st.booleans())
def test_property_every_vendor_date_format_round_trips(when, fmt, padded):
    when = when.replace(microsecond=0)
    if "%H" not in fmt:
        when = when.replace(hour=0, minute=0, second=0)
    cell = when.strftime(fmt)
    dates, bad = to_datetime(pd.Series([f" {cell} " if padded else cell]))
    assert (dates.tolist(), bad) == ([pd.Timestamp(when)], 0)
    # Also past the first 200 cells, which chose the ISO parser.
    column = pd.Series(["2020-02-02"] * 200 + [cell], dtype="str")
    assert to_datetime(column)[0].iloc[-1] == pd.Timestamp(when)
    # And beside a day-first cell, which makes the a/b/yyyy cells day-first (so a
    # month-first cell is read otherwise, by design) and must leave the others alone.
    if fmt != "%m/%d/%Y":
        column = pd.Series([cell, "28.09.2026"], dtype="str")
        assert to_datetime(column)[0].iloc[0] == pd.Timestamp(when)


# Cells pandas' mixed parser read as dates by inventing the day, month or year (or all).
NOT_DATES = ["5,2024", "May 2024", "Sep 2024", "2024", "2024-05", "12/2024", "5/2024", "2024.5",
             "1 2 3", "10:30", "now", "today", "Q1 2024", "2024 05 01"]


def test_cells_without_a_day_month_and_year_are_not_dates():
    dates, bad = to_datetime(pd.Series([*NOT_DATES, "Sep 15, 2026", "n/a", None]))
    assert bad == len(NOT_DATES)  # counted, unlike the missing-value words
    assert dates.tolist() == [pd.NaT] * len(NOT_DATES) + [pd.Timestamp("2026-09-15"), pd.NaT,
                                                          pd.NaT]


def test_iso_columns_check_the_cells_past_the_sample():
    # The ISO parser takes "2024" and "2024-05" as dates too; only the first 200 cells
    # are looked at before it is chosen.
    iso = [f"2024-05-{d:02d}" for d in range(1, 29)] * 10
    cells = pd.Series([*iso, "2024", "2024-05", " 2024", "202405", "2024-05-01", "2024-05-01T10",
                       "2024-06-01 00:00:00"], dtype="str")
    dates, bad = to_datetime(cells)
    assert bad == 4
    assert dates.iloc[: len(iso)].tolist() == [pd.Timestamp(c) for c in iso]
    assert dates.iloc[len(iso):].tolist() == [pd.NaT] * 4 + [
        pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-01 10:00"), pd.Timestamp("2024-06-01")]


def test_year_first_cells_are_never_read_day_first():
    cells = pd.Series(["2023-08-10 15:51", "2023/08/10", "2023.08.10", "20230810", "2023-8-1",
                       "10.08.2023 15:51:35", "25/08/2023"], dtype="str")
    dates, bad = to_datetime(cells)
    assert bad == 0
    assert dates.tolist() == [pd.Timestamp("2023-08-10 15:51"), *[pd.Timestamp("2023-08-10")] * 3,
                              pd.Timestamp("2023-08-01"), pd.Timestamp("2023-08-10 15:51:35"),
                              pd.Timestamp("2023-08-25")]


def test_iso_columns_read_later_cells_in_other_formats():
    # An export concatenated from two tools: ISO first, then the other tool's dates.
    iso = ["2024-05-02 10:00:00"] * 250
    cells = pd.Series([*iso, "Sep 15, 2025", "28/09/2025", "03/04/2025", "n/a", "junk"],
                      dtype="str")
    dates, bad = to_datetime(cells)
    assert dates.iloc[len(iso):].tolist() == [
        pd.Timestamp("2025-09-15"), pd.Timestamp("2025-09-28"), pd.Timestamp("2025-04-03"),
        pd.NaT, pd.NaT]
    assert bad == 1  # "n/a" is a missing-value word, not a bad date


def test_a_junk_date_is_left_empty_and_reported(tmp_path: Path):
    export = tmp_path / "links.csv"
    export.write_text("URL,First seen\nhttps://a.example.com/,\"5,2024\"\n"
                      "https://b.example.com/,2024-05-02\n")
    result = read_exports([export])
    assert result.links[s.FIRST_SEEN].tolist() == [pd.NaT, pd.Timestamp("2024-05-02")]
    assert "1 value(s) in first_seen are not dates; they were left empty" in result.reports[
        0].warnings


def test_day_first_is_decided_per_file(tmp_path: Path):
    us = tmp_path / "us.csv"
    us.write_text("URL,First seen\nhttps://a.example.com/,03/04/2026\n")
    eu = tmp_path / "eu.csv"
    eu.write_text("URL,First seen\nhttps://b.example.com/,03/04/2026\nhttps://c.example.com/,"
                  "25/04/2026\n")
    links = read_exports([us, eu]).links.set_index(s.SOURCE_URL)
    assert links[s.FIRST_SEEN].dt.month.to_dict() == {
        "https://a.example.com/": 3, "https://b.example.com/": 4, "https://c.example.com/": 4}


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_date_column_that_cannot_show_its_order_follows_the_one_that_does(
        tmp_path: Path, delimiter: str):
    # An Ahrefs export re-saved by Excel in en-GB: First seen has no day above 12.
    export = tmp_path / "ahrefs_gb.csv"
    export.write_text(delimiter.join(["Referring page URL", "Target URL", "First seen",
                                      "Last seen"]) + "\n"
                      + delimiter.join(["https://spam.example/a", "https://example.com/",
                                        "10/02/2026 09:00", "15/03/2026 10:00"]) + "\n"
                      + delimiter.join(["https://good.example/b", "https://example.com/",
                                        "05/11/2024 08:00", "31/12/2025 23:59"]) + "\n")
    result = read_exports([export])
    assert result.links[s.FIRST_SEEN].tolist() == [pd.Timestamp("2026-02-10 09:00"),
                                                   pd.Timestamp("2024-11-05 08:00")]
    assert result.links[s.LAST_SEEN].tolist() == [pd.Timestamp("2026-03-15 10:00"),
                                                  pd.Timestamp("2025-12-31 23:59")]
    assert not any("day" in w for w in result.reports[0].warnings)


def test_date_columns_that_contradict_each_other_keep_their_own_order_with_a_warning(
        tmp_path: Path):
    export = tmp_path / "mixed.csv"
    export.write_text("URL,First seen,Last seen\nhttps://a.example.com/,13/04/2026,05/16/2026\n"
                      "https://b.example.com/,03/04/2026,05/06/2026\n")
    result = read_exports([export])
    assert result.links[s.FIRST_SEEN].dt.month.tolist() == [4, 4]
    assert result.links[s.LAST_SEEN].dt.month.tolist() == [5, 5]
    (warning,) = [w for w in result.reports[0].warnings if "day" in w]
    assert "first_seen is written day first (13/04/2026)" in warning
    assert "last_seen month first (05/16/2026)" in warning


def test_dates_that_read_either_way_are_read_month_first_with_a_warning(tmp_path: Path):
    guessed = tmp_path / "guessed.csv"
    guessed.write_text("URL,First seen,Last seen\nhttps://a.example.com/,03/04/2026,05/06/2026\n"
                       "https://b.example.com/,01/01/2026,\n")
    result = read_exports([guessed])
    assert result.links[s.FIRST_SEEN].tolist() == [pd.Timestamp("2026-03-04"),
                                                   pd.Timestamp("2026-01-01")]
    (warning,) = [w for w in result.reports[0].warnings if "day" in w]
    assert "first_seen, last_seen" in warning and "month first (2026-03-04)" in warning
    # No warning when a cell shows the order (US: 3/14), or no date could be read otherwise.
    for name, cells in (("us.csv", "03/04/2026,3/14/2026"), ("same.csv", "03/03/2026,"),
                        ("text.csv", '"Sep 3, 2026",2026-04-03')):
        export = tmp_path / name
        export.write_text(f"URL,First seen,Last seen\nhttps://a.example.com/,{cells}\n")
        assert not any("day" in w for w in read_exports([export]).reports[0].warnings), name


@pytest.mark.parametrize("first", ["1/0/1900", "00/05/2026", "03/04/2026 25:00"])
def test_a_date_shaped_cell_that_is_no_date_is_left_empty_not_a_crash(tmp_path: Path, first):
    # Excel's zero date (an empty date formula) on top of a file of ambiguous dates: the
    # warning formatted its reading, NaT, and the run ended in a traceback.
    export = tmp_path / "zero.csv"
    export.write_text(f"URL,First seen,Last seen\nhttps://a.example.com/,{first},03/04/2026\n"
                      "https://b.example.com/,05/06/2026,07/08/2026\n")
    result = read_exports([export])
    assert result.links[s.FIRST_SEEN].isna().tolist() == [True, False]
    warnings = result.reports[0].warnings
    assert any("1 value(s) in first_seen are not dates" in w for w in warnings)
    assert any("read month first" in w for w in warnings)


def test_the_day_order_of_one_zip_member_does_not_decide_another(tmp_path: Path):
    import zipfile
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("gb.csv", "URL,First seen\nhttps://a.example.com/,25/04/2026\n")
        zf.writestr("us.csv", "URL,First seen\nhttps://b.example.com/,03/04/2026\n")
    links = read_exports([archive]).links.set_index(s.SOURCE_URL)
    assert links[s.FIRST_SEEN].to_dict() == {"https://a.example.com/": pd.Timestamp("2026-04-25"),
                                             "https://b.example.com/": pd.Timestamp("2026-03-04")}


def test_to_datetime_takes_the_files_order_only_where_its_cells_do_not_settle_it():
    ambiguous = pd.Series(["03/04/2026", "05/06/2026"])
    assert to_datetime(ambiguous, dayfirst=True)[0].dt.month.tolist() == [4, 6]
    assert to_datetime(ambiguous)[0].dt.month.tolist() == [3, 5]
    settled = pd.Series(["03/04/2026", "05/16/2026"])
    assert to_datetime(settled, dayfirst=True)[0].dt.month.tolist() == [3, 5]


def test_thousands_grouped_with_narrow_spaces_or_apostrophes_are_numbers():
    # fr-FR writes a narrow no-break space (U+202F), de-CH an apostrophe.
    cells = ["1\u202f234\u202f567", "1'234", "1\u2019500", "12\u2009345", "'083", "1'234.5"]
    numbers, bad = to_number(pd.Series(cells))
    assert numbers.tolist() == [1234567.0, 1234.0, 1500.0, 12345.0, 83.0, 1234.5]
    assert not bad.any()


def test_value_helpers():
    assert to_bool(pd.Series([True, False])).dtype == "boolean"
    assert to_bool(pd.Series([1.0, 0.0, np.nan])).tolist() == [True, False, pd.NA]
    numbers, bad = to_number(pd.Series(["1 240", "\u00a0 3", "x", "", "2M"]))
    assert numbers.tolist()[:2] == [1240.0, 3.0] and numbers.tolist()[4] == 2e6
    assert bad.tolist() == [False, False, True, False, False]
    assert to_label(pd.Series([1, 0, 2, True])).tolist()[:2] == [1.0, 0.0]
    assert np.isnan(to_label(pd.Series([2])).iloc[0])


# --- merging ----------------------------------------------------------------------------


def test_same_link_in_two_files_is_merged(tmp_path: Path):
    ahrefs = tmp_path / "ahrefs.csv"
    ahrefs.write_text(
        "Referring page URL,Target URL,Anchor,Domain rating,Nofollow\n"
        "https://spam.example.com/a,https://site.com/,x,5,true\n"
        "https://only-ahrefs.example.org/,https://site.com/,y,9,false\n"
    )
    semrush = tmp_path / "semrush.csv"
    semrush.write_text(
        "Page ascore,Source url,Target url,Anchor,Nofollow\n"
        "3,https://only-semrush.example.net/,https://site.com/,z,false\n"
        "4,HTTPS://SPAM.example.com/a,https://site.com/,,\n"
    )
    result = read_exports([ahrefs, semrush])
    links = result.links
    assert links[s.SOURCE_URL].tolist() == [
        "https://spam.example.com/a", "https://only-ahrefs.example.org/",
        "https://only-semrush.example.net/",
    ]
    merged = links.iloc[0]
    assert merged[s.SOURCE_FILE] == "ahrefs.csv; semrush.csv"
    assert merged[s.SOURCE_FORMAT] == "ahrefs_backlinks; semrush_backlinks"
    assert merged[s.AHREFS_DOMAIN_RATING] == 5.0 and merged[s.SEMRUSH_PAGE_ASCORE] == 4.0
    assert merged[s.ANCHOR] == "x" and merged[s.NOFOLLOW]
    assert merged[s.SOURCE_ROW] == 2.0  # ahrefs.csv's row 2, right below its header
    _check_dtypes(links)
    assert [r.rows_read for r in result.reports] == [2, 2]


def test_a_page_search_console_lists_without_a_target_merges_with_its_link(tmp_path: Path):
    semrush = tmp_path / "semrush.csv"
    semrush.write_text(
        "Page ascore,Source url,Target url,Anchor,Nofollow\n"
        "3,https://forum.example.net/profile/x,https://site.com/a,cheap,false\n"
        "3,https://forum.example.net/profile/x,https://site.com/b,cheap,false\n"
    )
    latest = tmp_path / "Latest links.csv"
    latest.write_text("Linking page,Last crawled\n"
                      "https://forum.example.net/profile/x,2026-09-28\n"
                      "https://only-gsc.example.org/,2026-09-15\n")
    links = read_exports([semrush, latest]).links
    links = links.sort_values([s.SOURCE_URL, s.TARGET_URL]).reset_index(drop=True)
    assert links[s.SOURCE_URL].tolist() == ["https://forum.example.net/profile/x"] * 2 + [
        "https://only-gsc.example.org/"]
    assert links[s.TARGET_URL].tolist()[:2] == ["https://site.com/a", "https://site.com/b"]
    # Files go in order of name, whatever order they were named in.
    assert links[s.SOURCE_FILE].tolist()[0] == "Latest links.csv; semrush.csv"
    assert str(links[s.LAST_SEEN].iloc[0])[:10] == "2026-09-28"
    assert pd.isna(links[s.TARGET_URL].iloc[2])


def test_rows_within_one_file_are_never_merged(tmp_path: Path):
    one = tmp_path / "one.csv"
    one.write_text("URL,Target URL,Anchor\nhttps://a.example.com/,https://site.com/,first\n"
                   "https://a.example.com/,https://site.com/,second\n")
    two = tmp_path / "two.csv"
    two.write_text("URL,Target URL,DA\nhttps://a.example.com/,https://site.com/,40\n")
    links = read_exports([one, two]).links
    assert links[s.ANCHOR].tolist() == ["first", "second"]
    assert links[s.MOZ_DOMAIN_AUTHORITY].tolist()[0] == 40.0
    assert np.isnan(links[s.MOZ_DOMAIN_AUTHORITY].tolist()[1])
    assert links[s.SOURCE_FILE].tolist() == ["one.csv; two.csv", "one.csv"]


def test_domain_rows_merge_across_domain_exports():
    links = read_exports([EXPORTS / "gsc_top_linking_sites.csv",
                          EXPORTS / "gsc_top_linking_sites_he.csv",
                          EXPORTS / "ahrefs_referring_domains.csv"]).links
    domains = links[s.DOMAIN].tolist()
    assert domains.count("example.org") == 1
    row = links[links[s.DOMAIN] == "example.org"].iloc[0]
    assert row[s.SOURCE_FILE] == "gsc_top_linking_sites.csv; gsc_top_linking_sites_he.csv"
    assert row[s.SOURCE_FORMAT] == "gsc_top_linking_sites"
    assert len(links) == 6


def test_skipped_rows_are_never_merged(tmp_path: Path):
    a = tmp_path / "a.csv"
    a.write_text("URL,Anchor\njavascript:x,a\n")
    b = tmp_path / "b.csv"
    b.write_text("URL,Anchor\njavascript:x,b\n")
    links = read_exports([a, b]).links
    assert links[s.STATUS].tolist() == ["skipped", "skipped"]
    assert links[s.SOURCE_FILE].tolist() == ["a.csv", "b.csv"]


def test_label_column_only_when_an_input_has_one():
    plain = read_exports([EXPORTS / "gsc_latest_links.csv"]).links
    assert s.LABEL not in plain
    mixed = read_exports([EXPORTS / "gsc_latest_links.csv", EXPORTS / "generic_labelled.csv"])
    assert mixed.links[s.LABEL].dtype == np.float64
    assert mixed.links[s.LABEL].notna().sum() == 2


def test_merge_links_without_duplicates_returns_the_same_rows():
    table = read_exports([EXPORTS / "majestic_backlinks.csv"]).links
    pd.testing.assert_frame_equal(merge_links(table), table)


def test_read_exports_of_nothing():
    result = read_exports([])
    assert result.reports == [] and len(result.links) == 0
    assert list(result.links.columns) == list(s.LINK_COLUMNS)


def test_a_row_naming_only_its_domain_in_a_url_and_domain_table_is_a_domain_row(tmp_path):
    # It was dropped as "empty URL", though a Domain-only table's rows are kept.
    path = tmp_path / "mixed.csv"
    path.write_text("URL,Domain,Anchor\nhttps://www.good-news.co.uk/a,good-news.co.uk,a\n"
                    ",WWW.Zol-Links-07.xyz,\nnot a url,,b\n,,c\n")
    result = read_exports([path])
    links = result.links
    assert links[s.ROW_KIND].tolist() == ["link", "domain", "link", "link"]
    assert links[s.STATUS].tolist() == ["ok", "ok", "skipped", "skipped"]
    assert links.loc[1, s.DOMAIN] == "zol-links-07.xyz" and pd.isna(links.loc[1, s.SOURCE_URL])
    assert links.loc[3, s.PROBLEM] == "empty URL"  # neither a URL nor a domain
    (report,) = result.reports
    assert (report.rows_read, report.rows_skipped) == (4, 2)


def test_report_counts_unusable_rows():
    result = read_exports([EXPORTS / "generic_hostile.csv"])
    (report,) = result.reports
    assert report.rows_read == 5 and report.rows_skipped == 2
    # Spreadsheet rows: the first row below the header holds a line break (lines 2-3).
    assert report.skipped == [(4, "not a web address (javascript:)"), (6, "empty URL")]


# --- the URL fast path must equal parse_url ------------------------------------------

_url_chars = st.sampled_from(list("abcXYZ09-._~%/:@!$&'()*+,;=?#[] é\t\n"))


@settings(max_examples=400, deadline=None)
@given(st.text(_url_chars, max_size=30), st.sampled_from(["http://", "https://", "HTTP://", ""]),
       st.from_regex(r"[a-z0-9_-]{1,8}(\.[a-z0-9_-]{1,8}){0,3}", fullmatch=True))
@example("/x", "https://", "a.b")
@example("", "http://", "a.b")
@example("/?", "http://", "a.b")
def test_fast_path_equals_parse_url(rest, scheme, host):
    raw = scheme + host + rest
    parsed = parse_url(raw)
    assert parse_url_fast(raw) == (parsed.url, parsed.host, parsed.problem)


def test_hyperlink_formula_is_unwrapped():
    assert parse_url_fast('=HYPERLINK("https://A.example.com/x","t")')[0] == \
        "https://a.example.com/x"


@pytest.mark.parametrize(("cells", "expected"), [
    (["1,234", "12", "1,234,567"], [1234.0, 12.0, 1234567.0]),  # thousands
    (["0,5", "12,5", "3"], [0.5, 12.5, 3.0]),  # decimals written with a comma
    (["1.234,5", "12,25", "1,5K", "2,25%"], [1234.5, 12.25, 1500.0, 2.25]),
    (["1,234", "12,5"], [1.234, 12.5]),  # the column's decimal comma decides "1,234"
    (["1,234,567", "12,5"], [1234567.0, 125.0]),  # grouped thousands win, as before
])
def test_a_column_with_decimal_commas_is_read_as_decimals(cells, expected):
    numbers, _ = to_number(pd.Series(cells, dtype="str"))
    assert numbers.tolist() == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(("cells", "count", "expected"), [
    (["1.240", "3", "2.500.000", "1.000"], True, [1240.0, 3.0, 2500000.0, 1000.0]),
    (["1.240", "1,240", "7"], True, [1240.0, 1240.0, 7.0]),  # both separators group
    (["1.240", "1.5"], True, [1.24, 1.5]),  # a dot followed by one digit: decimals
    (["1.2K", "1.240"], True, [1200.0, 1.24]),  # so is a suffixed 1.2K
    (["1.240", "3"], False, [1.24, 3.0]),  # a rating may hold fractions: unchanged
])
def test_dots_grouping_thousands_in_a_count_column(cells, count, expected):
    numbers, _ = to_number(pd.Series(cells, dtype="str"), count=count)
    assert numbers.tolist() == pytest.approx(expected)


def test_the_same_file_given_twice_is_read_once(tmp_path: Path):
    export = tmp_path / "links.csv"
    export.write_text("URL,Anchor\nhttps://a.example.com/x,hi\nhttps://b.example.com/y,yo\n")
    (tmp_path / "again.csv").hardlink_to(export)
    (tmp_path / "sub").mkdir()
    other_way = tmp_path / "sub" / ".." / "links.csv"
    result = read_exports([export, export, other_way, tmp_path / "again.csv"])
    assert len(result.links) == 2 and len(result.reports) == 1
    assert result.reports[0].warnings == [
        "given again; it was read once.",
        f"given again as {other_way}; it was read once.",
        f"given again as {tmp_path / 'again.csv'}; it was read once.",
    ]


def test_a_link_in_two_exports_is_first_seen_by_either_and_last_seen_by_either(tmp_path: Path):
    early = tmp_path / "b.csv"
    early.write_text("URL,Target,First seen,Last seen\n"
                     "https://spam.example.com/a,https://site.com/,2024-01-05,2024-06-01\n")
    late = tmp_path / "a.csv"
    late.write_text("URL,Target,First seen,Last seen\n"
                    "https://spam.example.com/a,https://site.com/,2024-03-01,2025-02-02\n")
    for order in ([early, late], [late, early]):
        (link,) = read_exports(order).links.itertuples()
        assert (str(getattr(link, s.FIRST_SEEN))[:10], str(getattr(link, s.LAST_SEEN))[:10]) == (
            "2024-01-05", "2025-02-02")
        assert getattr(link, s.SOURCE_FILE) == "a.csv; b.csv"


def test_a_file_whose_every_row_is_skipped_is_named_in_a_warning(tmp_path: Path):
    # Beside a good export it used to vanish into the skipped-rows count, unnamed.
    good = tmp_path / "good.txt"
    good.write_text("https://a.example.org/page\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("URL,Note\nhttps://,x\nnot a url,y\n")
    reports = {Path(r.path).name: r for r in read_exports([good, bad]).reports}
    assert reports["good.txt"].warnings == []
    assert any("every one of its 2 rows was skipped" in w for w in reports["bad.csv"].warnings)
