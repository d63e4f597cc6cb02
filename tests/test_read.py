"""disavow.read: containers, encodings, dialects, vendor detection, bad input.

Fixture exports live in tests/data/exports (see its README.md); every one is
read through the public API and checked for its detected format, row counts
and a few canonical values.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TEST_DATA, shared_path

from disavow import schema as s
from disavow.errors import InputFormatError
from disavow.normalize import read_exports
from disavow.read import MAX_EXAMPLES, FileReport, read_export
from disavow.schema import Format

EXPORTS = TEST_DATA / "exports"
T = pd.Timestamp

# file -> (format, encoding, delimiter, rows read, rows skipped, {row: {column: value}})
EXPECTED: dict[str, tuple] = {
    "ahrefs_backlinks.csv": (
        Format.AHREFS_BACKLINKS, "utf-16-le (BOM)", "tab", 4, 0,
        {0: {s.SOURCE_URL: "https://www.casino-links.xyz/bonus/page-1.html",
             s.DOMAIN: "casino-links.xyz", s.NOFOLLOW: False, s.AHREFS_IS_SPAM: True,
             s.AHREFS_DOMAIN_RATING: 12.0, s.LINK_TYPE: "text, content",
             s.SOURCE_TITLE: "Best casino bonus\nlist 2023", s.LOST: False,
             s.FIRST_SEEN: T("2023-08-10 15:51:35")},
         1: {s.SOURCE_URL: "https://news.example.org/story?id=5", s.SOURCE_HOST: "news.example.org",
             s.NOFOLLOW: True, s.AHREFS_DOMAIN_TRAFFIC: 1204.0, s.LOST: True,
             s.HTTP_STATUS: 200.0},
         2: {s.DOMAIN: "spam.blogspot.com", s.ANCHOR: '=HYPERLINK("http://evil.com","click")'},
         3: {s.AHREFS_DOMAIN_TRAFFIC: np.nan, s.SPONSORED: True, s.HTTP_STATUS: 404.0}},
    ),
    "ahrefs_backlinks_subset.csv": (
        Format.AHREFS_BACKLINKS, "utf-16-le (BOM)", "tab", 5, 2,
        {0: {s.SOURCE_URL: "https://a-links.shop/p?x=1", s.NOFOLLOW: True,
             s.AHREFS_DOMAIN_RATING: 5.0},
         2: {s.STATUS: "skipped", s.PROBLEM: "not a web address (javascript:)"},
         4: {s.STATUS: "skipped", s.PROBLEM: "empty URL"}},
    ),
    "ahrefs_backlinks_legacy.csv": (
        Format.AHREFS_BACKLINKS_LEGACY, "utf-8", ",", 2, 0,
        {0: {s.SOURCE_URL: "http://blog.old-site.com/post/1", s.TARGET_URL: "https://example.com/",
             s.ANCHOR: "example", s.LEFT_CONTEXT: "see", s.NOFOLLOW: False,
             s.LINK_TYPE: "content", s.AHREFS_DOMAIN_RATING: 45.0, s.AHREFS_URL_RATING: 12.0,
             s.FIRST_SEEN: T("2019-03-04"), s.LOST: False, s.EXTERNAL_LINKS: 14.0},
         1: {s.NOFOLLOW: True, s.LOST: True, s.LINK_TYPE: np.nan}},
    ),
    "ahrefs_referring_domains.csv": (
        Format.AHREFS_REFDOMAINS, "utf-16-le (BOM)", "tab", 3, 0,
        {0: {s.ROW_KIND: "domain", s.SOURCE_URL: np.nan, s.DOMAIN: "spam-network.xyz",
             s.AHREFS_IS_SPAM: True, s.AHREFS_DOMAIN_RATING: 3.0, s.LINK_COUNT: 45.0,
             s.LINKED_DOMAINS: 15000.0, s.DOMAIN_REF_DOMAINS: 2.0, s.AHREFS_DOMAIN_TRAFFIC: 0.0},
         1: {s.DOMAIN: "bbc.co.uk", s.AHREFS_DOMAIN_TRAFFIC: 250_000_000.0, s.LOST: False},
         2: {s.DOMAIN: "gone.com", s.SOURCE_HOST: "www.gone.com", s.LOST: True}},
    ),
    "semrush_backlinks.csv": (
        Format.SEMRUSH_BACKLINKS, "utf-8 (BOM)", ",", 3, 0,
        {0: {s.SOURCE_URL: "https://cheap-links.top/p/1", s.SEMRUSH_PAGE_ASCORE: 12.0,
             s.NOFOLLOW: True, s.SITEWIDE: True, s.LINK_TYPE: "text", s.SOURCE_TITLE:
             "Cheap links, fast", s.FIRST_SEEN: T("2024-01-05"), s.LOST: False},
         1: {s.UGC: True, s.LINK_TYPE: "image", s.INTERNAL_LINKS: 100.0},
         2: {s.DOMAIN: "xn--mnchen-3ya.de", s.SPONSORED: True, s.LOST: True,
             s.EXTERNAL_LINKS: np.nan}},
    ),
    "semrush_backlinks_old.csv": (
        Format.SEMRUSH_BACKLINKS, "utf-8", ",", 2, 0,
        {0: {s.SEMRUSH_PAGE_ASCORE: 4.0, s.LINK_TYPE: "image", s.NOFOLLOW: False},
         1: {s.NOFOLLOW: True, s.SITEWIDE: True}},
    ),
    "semrush_referring_domains.csv": (
        Format.SEMRUSH_REFDOMAINS, "utf-8", ",", 2, 0,
        {0: {s.ROW_KIND: "domain", s.DOMAIN: "pbn-one.site", s.IP: "192.0.2.10",
             s.COUNTRY: "US", s.SEMRUSH_DOMAIN_ASCORE: 3.0, s.LINK_COUNT: 120.0}},
    ),
    "semrush_backlink_audit.csv": (
        Format.SEMRUSH_AUDIT, "utf-8", ",", 2, 0,
        {0: {s.SEMRUSH_TOXICITY: 85.0, s.SEMRUSH_TOXIC_MARKERS: "Link Network, Spam in Title",
             s.NOFOLLOW: False},
         1: {s.NOFOLLOW: True, s.SEMRUSH_TOXIC_MARKERS: np.nan}},
    ),
    "gsc_latest_links.csv": (
        Format.GSC_LATEST_LINKS, "utf-8", ",", 3, 0,
        {0: {s.SOURCE_URL: "https://blog.example.com/post", s.LAST_SEEN: T("2026-09-28"),
             s.NOFOLLOW: pd.NA, s.TARGET_URL: np.nan}},
    ),
    "gsc_latest_links_es.csv": (
        Format.GSC_LATEST_LINKS, "utf-8", ",", 2, 0,
        {0: {s.LAST_SEEN: T("2026-09-28")}, 1: {s.LAST_SEEN: T("2026-04-03")}},  # day-first
    ),
    "gsc_latest_links_de.csv": (  # unknown header language: found by content
        Format.GSC_LATEST_LINKS, "utf-8", ",", 2, 0,
        {0: {s.SOURCE_URL: "https://blog.example.de/beitrag", s.LAST_SEEN: T("2026-09-15")}},
    ),
    "gsc_more_sample_links.csv": (
        Format.GSC_SAMPLE_LINKS, "utf-8", None, 3, 0,
        {1: {s.SOURCE_URL: "https://b.example.com/2?q=1,2"}},
    ),
    "gsc_top_linking_sites.csv": (
        Format.GSC_TOP_SITES, "utf-8", ",", 3, 0,
        {0: {s.ROW_KIND: "domain", s.DOMAIN: "example.org", s.LINK_COUNT: 1240.0,
             s.SOURCE_URL: np.nan},
         2: {s.DOMAIN: "blogspot.com"}},
    ),
    "gsc_top_linking_sites_he.csv": (
        Format.GSC_TOP_SITES, "utf-8", ",", 2, 0,
        {0: {s.DOMAIN: "example.org", s.LINK_COUNT: 1240.0}},
    ),
    "gsc_top_linking_sites_pt.csv": (  # unknown header language: found by content
        Format.GSC_TOP_SITES, "utf-8", ",", 2, 0,
        {0: {s.DOMAIN: "exemplo.com.br", s.LINK_COUNT: 3100.0}},
    ),
    "majestic_backlinks.csv": (  # 4 rows read: the malformed one is read and skipped
        Format.MAJESTIC, "utf-8", ",", 4, 1,
        {0: {s.SOURCE_URL: "http://links.example.ru/dir/page.html", s.NOFOLLOW: True,
             s.MAJESTIC_TRUST_FLOW: 3.0, s.MAJESTIC_CITATION_FLOW: 12.0,
             s.PAGE_CATEGORY: "Health/Pharmacy", s.FIRST_SEEN: T("2023-01-15"),
             s.LAST_SEEN: T("2024-03-01"), s.SOURCE_ROW: 2.0},  # the header is row 1
         1: {s.NOFOLLOW: False, s.LINK_TYPE: "image, alt text"},
         2: {s.SOURCE_ROW: 5.0, s.LINK_TYPE: "redirect"}},  # row 4 was malformed
    ),
    "moz_link_explorer_a.csv": (
        Format.MOZ_LINK_EXPLORER, "utf-8", ",", 3, 0,
        {0: {s.SOURCE_URL: "https://guestposts.example.xyz/p/9", s.MOZ_SPAM_SCORE: 65.0,
             s.MOZ_DOMAIN_AUTHORITY: 8.0, s.NOFOLLOW: False, s.ANCHOR: "casino",
             s.MOZ_SPAM_FLAGS: np.nan},
         1: {s.NOFOLLOW: True, s.PAGE_REF_DOMAINS: 5.0, s.DOMAIN_REF_DOMAINS: 900.0},
         2: {s.LINK_TYPE: "redirect"}},
    ),
    "moz_link_explorer_b.csv": (
        Format.MOZ_LINK_EXPLORER, "utf-8 (BOM)", ",", 3, 0,
        {0: {s.SOURCE_URL: "https://www.zoominfo.example/p/A", s.MOZ_SPAM_SCORE: 2.0,
             s.MOZ_DOMAIN_AUTHORITY: 77.0, s.MOZ_PAGE_AUTHORITY: 37.0,
             s.FIRST_SEEN: T("2020-01-20"), s.SOURCE_TITLE: np.nan},
         1: {s.MOZ_SPAM_SCORE: np.nan, s.SOURCE_TITLE: "\r\n\tReviews | Rating 3 out of 5\r\n"}},
    ),
    "moz_open_site_explorer.csv": (
        Format.MOZ_OSE, "utf-8", ",", 2, 0,
        {0: {s.NOFOLLOW: False, s.MOZ_DOMAIN_AUTHORITY: 86.0, s.LINK_COUNT: 1.0,
             s.DOMAIN_REF_DOMAINS: 32199.0},
         1: {s.NOFOLLOW: True}},
    ),
    "generic_labelled.csv": (
        Format.GENERIC, "utf-8", ",", 3, 0,
        {0: {s.SOURCE_URL: "https://spam.example.xyz/a", s.ANCHOR: "loans", s.LABEL: 1.0},
         1: {s.LABEL: 0.0}, 2: {s.LABEL: np.nan, s.ANCHOR: np.nan}},
    ),
    "generic_cp1252.csv": (
        Format.GENERIC, "cp1252", ",", 2, 0,
        {0: {s.SOURCE_URL: "https://xn--caf-dma.example.fr/menu", s.ANCHOR: "crème brûlée"}},
    ),
    "generic_semicolon_decimal_comma.csv": (
        Format.GENERIC, "utf-8 (BOM)", ";", 2, 0,
        {0: {s.AHREFS_DOMAIN_RATING: 12.5, s.MOZ_SPAM_SCORE: 4.0, s.MAJESTIC_TRUST_FLOW: 1234.5,
             s.FIRST_SEEN: T("2024-04-03")},
         1: {s.MOZ_SPAM_SCORE: np.nan, s.FIRST_SEEN: T("2024-12-25")}},
    ),
    "generic_hostile.csv": (
        Format.GENERIC, "utf-8", ",", 5, 2,
        {0: {s.SOURCE_URL: "http://spam.example.com/xdomain:google.com",
             s.DOMAIN: "example.com", s.ANCHOR: '=HYPERLINK("http://evil.example/","click")'},
         1: {s.SOURCE_URL: "https://formula.example.com/p"},
         2: {s.STATUS: "skipped", s.PROBLEM: "not a web address (javascript:)"},
         4: {s.STATUS: "skipped", s.PROBLEM: "empty URL"}},
    ),
    "list_urls_and_domains.txt": (
        Format.GENERIC, "utf-8", None, 4, 0,
        {0: {s.SOURCE_URL: "https://spam.example.xyz/a?b=1,2", s.ROW_KIND: "link"},
         2: {s.ROW_KIND: "domain", s.DOMAIN: "example.ru", s.SOURCE_URL: np.nan},
         3: {s.ROW_KIND: "domain", s.SOURCE_HOST: "www.other.example.com"}},
    ),
    "pasted_ahrefs_referring_domains.csv": (
        Format.AHREFS_REFDOMAINS, "utf-8", ",", 4, 0,
        {0: {s.DOMAIN: "rankyour.website", s.AHREFS_IS_SPAM: True, s.AHREFS_DOMAIN_RATING: 74.0,
             s.FIRST_SEEN: T("2026-07-11")},
         1: {s.DOMAIN: "itxoft-organic-seo-growth.site", s.AHREFS_DOMAIN_RATING: np.nan},
         2: {s.DOMAIN: "seomater.shop", s.AHREFS_IS_SPAM: False, s.AHREFS_DOMAIN_RATING: 3.4}},
    ),
}

CSV_FIXTURES = sorted(p for p in EXPORTS.glob("*") if p.suffix in (".csv", ".txt"))


def test_every_fixture_has_expectations():
    assert {p.name for p in CSV_FIXTURES} == set(EXPECTED)


def _same(actual, expected) -> bool:
    if expected is pd.NA:
        return actual is pd.NA
    if isinstance(expected, float) and np.isnan(expected):
        return pd.isna(actual)
    return actual == expected


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=lambda p: p.name)
def test_fixture(path: Path):
    fmt, encoding, delimiter, rows, skipped, checks = EXPECTED[path.name]
    result = read_exports([path])
    (report,) = result.reports
    assert report.format is fmt
    assert report.encoding == encoding
    if delimiter is not None:
        assert report.delimiter == delimiter
    assert report.rows_read == rows
    assert report.rows_skipped == skipped
    assert len(report.skipped) == skipped
    links = result.links
    # Malformed rows are read and skipped; rows skipped for their URL stay in the table.
    malformed = sum(why.startswith("malformed") for _, why in report.skipped)
    assert len(links) == rows - malformed
    assert set(links[s.SOURCE_FORMAT]) == {fmt.value}
    assert set(links[s.SOURCE_FILE]) == {path.name}
    for row, values in checks.items():
        for column, expected in values.items():
            actual = links.loc[row, column]
            assert _same(actual, expected), (row, column, actual, expected)


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=lambda p: p.name)
def test_fixture_raw_frame_has_canonical_names(path: Path):
    frame, reports = read_export(path)
    allowed = set(s.LINK_COLUMNS) | {s.LABEL}
    assert set(frame.columns) <= allowed
    assert {s.ROW_KIND, s.SOURCE_FORMAT, s.SOURCE_FILE, s.SOURCE_ROW} <= set(frame.columns)
    assert set(reports[0].mapped_columns) <= allowed
    # Rows read, less the malformed ones skipped, are the table's rows.
    assert reports[0].rows_read - reports[0].rows_skipped == len(frame)


def test_real_moz_sample_reads_correctly():
    path = shared_path("data", "format_samples", "moz_link_explorer_inbound_links.csv")
    result = read_exports([path])
    (report,) = result.reports
    links = result.links
    assert report.format is Format.MOZ_LINK_EXPLORER
    assert report.rows_read == 8 and report.rows_skipped == 0
    # Spreadsheet rows 2 to 9 (lines 2 to 13: two titles hold line breaks).
    assert links[s.SOURCE_ROW].tolist() == [float(i) for i in range(2, 10)]
    assert links.loc[0, s.SOURCE_URL] == "https://www.zoominfo.com/p/Abbas-Ali/2487880147"
    assert links.loc[0, s.DOMAIN] == "zoominfo.com"
    title = links.loc[3, s.SOURCE_TITLE]
    assert title.strip() == "XD Developers Reviews | Rating 3 out of 5.0 stars"
    assert np.isnan(links.loc[3, s.MOZ_SPAM_SCORE])  # literal null
    assert links.loc[4, s.MOZ_SPAM_SCORE] == 73.0
    assert links.loc[4, s.DOMAIN] == "okebiz.16mb.com"  # a free host: one site of many
    assert links.loc[5, s.LAST_SEEN] == T("2024-05-10")
    assert (links[s.STATUS] == "ok").all()


def test_ahrefs_reports_mapped_and_ignored_columns():
    _, (report,) = read_export(EXPORTS / "ahrefs_referring_domains.csv")
    assert report.mapped_columns[s.AHREFS_DOMAIN_TRAFFIC] == "Traffic"  # trailing space stripped
    assert report.mapped_columns[s.DOMAIN] == "Domain"
    assert "Keywords" in report.ignored_columns
    assert "#" in report.ignored_columns


def test_majestic_bad_row_is_reported_and_rest_read():
    _, (report,) = read_export(EXPORTS / "majestic_backlinks.csv")
    assert report.rows_skipped == 1
    assert report.skipped == [(4, "malformed row: expected 20 fields, saw 21")]  # line 4 too
    assert any("malformed" in w for w in report.warnings)


def test_cp1252_fallback_warns():
    _, (report,) = read_export(EXPORTS / "generic_cp1252.csv")
    assert any("Windows-1252" in w for w in report.warnings)


def test_pasted_table_is_repaired_with_a_warning():
    _, (report,) = read_export(EXPORTS / "pasted_ahrefs_referring_domains.csv")
    text = " ".join(report.warnings)
    assert "copied from a web page" in text and "SPAM" in text and "thousands" in text


def test_rows_are_numbered_as_a_spreadsheet_numbers_them(tmp_path: Path):
    # They were data rows after the header, blank lines left out: every number pointed
    # at least one row above the row meant, more below a title and blank lines.
    path = tmp_path / "links.csv"
    path.write_text("Backlinks of example.com\n"  # row 1
                    "Exported 2024-05-01\n"  # row 2
                    "\n"  # row 3
                    "Source url,Target url,Anchor\n"  # row 4
                    "https://a1.example.com/,https://example.com/,x\n"  # row 5
                    "\n"  # row 6
                    'https://a2.example.com/,https://example.com/,"two\nlines"\n'  # row 7
                    "https://bad.example.com/,https://example.com/,x,EXTRA\n"  # row 8 (line 9)
                    "javascript:alert(1),https://example.com/,y\n"  # row 9 (line 10)
                    "https://a3.example.com/,https://example.com/,z\n\n")  # row 10
    result = read_exports([path])
    (report,) = result.reports
    assert result.links[s.SOURCE_ROW].tolist() == [5.0, 7.0, 9.0, 10.0]
    assert report.skipped == [(8, "malformed row: expected 3 fields, saw 4"),
                              (9, "not a web address (javascript:)")]
    assert "(first at spreadsheet row 8)" in " ".join(report.warnings)
    assert (report.rows_read, report.rows_skipped) == (5, 2)  # blank rows are no data rows


def test_a_title_cell_with_a_line_break_above_the_header_costs_no_row(tmp_path: Path):
    # pandas skips records, and was told the lines above the header: one more than the
    # records, so the first data row became the header and was lost.
    path = tmp_path / "links.csv"
    path.write_text('"Backlinks of\nexample.com",exported 2024-05-01\n\n'  # rows 1 and 2
                    "Source url,Target url,Anchor\n"  # row 3 (line 4)
                    "https://a1.example.com/,https://example.com/,x\n"
                    "https://a2.example.com/,https://example.com/,y,EXTRA\n"
                    "https://a3.example.com/,https://example.com/,z\n")
    result = read_exports([path])
    (report,) = result.reports
    assert result.links[s.SOURCE_URL].tolist() == ["https://a1.example.com/",
                                                   "https://a3.example.com/"]
    assert result.links[s.ANCHOR].tolist() == ["x", "z"]
    assert result.links[s.SOURCE_ROW].tolist() == [4.0, 6.0]
    assert report.skipped == [(5, "malformed row: expected 3 fields, saw 4")]


def test_rows_of_a_repaired_pasted_table_keep_the_files_numbers():
    # Rows 2 and 3 of the file are blank and row 1 is the header pasted twice.
    result = read_exports([EXPORTS / "pasted_ahrefs_referring_domains.csv"])
    assert result.links[s.SOURCE_ROW].tolist() == [4.0, 5.0, 6.0, 7.0]


def test_rows_of_a_sheet_are_its_row_numbers(tmp_path: Path):
    path = _write_xlsx(tmp_path / "links.xlsx", {"Links": [
        ["Backlinks of example.com"], [], ["URL", "Anchor"], ["https://a.example.com/", "a"],
        [], ["javascript:x", "b"], ["https://c.example.com/", "two\nlines"],
        ["https://d.example.com/", "d"]]})
    result = read_exports([path])
    assert result.links[s.SOURCE_ROW].tolist() == [4.0, 6.0, 7.0, 8.0]
    assert result.reports[0].skipped == [(6, "not a web address (javascript:)")]


def test_utf8_without_bom_and_utf16_be(tmp_path: Path):
    rows = "Referring page URL\tAnchor\r\nhttps://x.example.com/a\tä\r\n"
    be = tmp_path / "be.csv"
    be.write_bytes(b"\xfe\xff" + rows.encode("utf-16-be"))
    plain = tmp_path / "plain.csv"
    plain.write_bytes(rows.encode("utf-8"))
    for path in (be, plain):
        result = read_exports([path])
        assert result.reports[0].format is Format.AHREFS_BACKLINKS
        assert result.links.loc[0, s.ANCHOR] == "ä"
    assert read_exports([be]).reports[0].encoding == "utf-16-be (BOM)"


def test_utf8_error_after_the_sniffed_head_falls_back(tmp_path: Path):
    head = "URL,Anchor\n" + "".join(f"https://a{i}.example.com/,x\n" for i in range(20_000))
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode() + "https://z.example.com/,caf\u00e9\n".encode("cp1252"))
    result = read_exports([path])
    assert result.links.iloc[-1][s.ANCHOR] == "café"
    assert any("Windows-1252" in w for w in result.reports[0].warnings)


@pytest.mark.parametrize("before, read, row", [
    ("", 0, 2),  # the first data row opens it: row 2, below the header
    ("https://a.example.com/,ok\n", 1, 3),
    ('https://a.example.com/,"two\nlines"\nhttps://b.example.com/,b\n', 2, 4),  # line 5
    # Blank rows count, as a spreadsheet shows them (the file could not be read at all).
    ("\nhttps://a.example.com/,ok\n\n", 1, 5),
])
def test_an_unclosed_quote_is_reported_at_the_row_that_opens_it(tmp_path: Path, before,
                                                                 read, row):
    path = tmp_path / "quote.csv"
    path.write_text(f'URL,Anchor\n{before}https://x.example.com/,"broken\n'
                    "https://c.example.com/,x\n")
    result = read_exports([path])
    report = result.reports[0]
    assert len(result.links) == read  # the rows before it are kept
    assert report.rows_read == read + 1  # and the row that opens it is read, and skipped
    assert report.rows_skipped == 1 and report.skipped[0][0] == row
    assert "never closed" in report.skipped[0][1]
    assert f"spreadsheet row {row} opens a quote" in " ".join(report.warnings)


def test_skipped_examples_are_capped_but_counted(tmp_path: Path):
    lines = ["Source URL,SourceTrustFlow"]
    for i in range(120):
        lines.append(f"http://a{i}.example.com/,1" + (",extra" if i % 2 else ""))
    path = tmp_path / "majestic.csv"
    path.write_text("\n".join(lines) + "\n")
    _, (report,) = read_export(path)
    assert report.rows_skipped == 60
    assert len(report.skipped) == MAX_EXAMPLES
    assert report.skipped[0] == (3, "malformed row: expected 2 fields, saw 3")


# --- containers -------------------------------------------------------------------


def _write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_semrush(tmp_path: Path):
    from datetime import datetime

    path = _write_xlsx(tmp_path / "semrush.xlsx", {"Sheet1": [
        ["Page ascore", "Source title", "Source url", "Target url", "Anchor", "Nofollow",
         "First seen"],
        [12, "A", "https://a.example.com/x", "https://example.com/", "seo", True,
         datetime(2024, 1, 5, 10, 30)],
        [3.5, None, "https://b.example.com/", "https://example.com/", None, False, None],
    ]})
    result = read_exports([path])
    (report,) = result.reports
    assert report.format is Format.SEMRUSH_BACKLINKS
    assert report.encoding == "xlsx"
    links = result.links
    assert links[s.SEMRUSH_PAGE_ASCORE].tolist() == [12.0, 3.5]
    assert links[s.NOFOLLOW].tolist() == [True, False]
    assert links.loc[0, s.FIRST_SEEN] == T("2024-01-05 10:30")
    assert pd.isna(links.loc[1, s.SOURCE_TITLE])


def test_xlsx_gsc_workbook_reads_every_table(tmp_path: Path):
    path = _write_xlsx(tmp_path / "links.xlsx", {
        "Top linking sites": [["Site", "Linking pages", "Target pages"], ["example.org", 1240, 3]],
        "Latest links": [["Linking page", "Last crawled"],
                         ["https://a.example.com/", "2026-09-28"]],
        "Top linking text": [["Linking text", "Links"], ["example", 100]],
    })
    result = read_exports([path])
    formats = [r.format for r in result.reports]
    assert formats == [Format.GSC_TOP_SITES, Format.GSC_LATEST_LINKS]
    assert result.reports[1].path.endswith("links.xlsx:Latest links")
    assert any("Top linking text" in w for w in result.reports[0].warnings)
    assert sorted(result.links[s.ROW_KIND]) == ["domain", "link"]


def test_xlsx_gsc_workbook_in_another_language_reads_its_tables_by_content(tmp_path: Path):
    path = _write_xlsx(tmp_path / "enlaces.xlsx", {
        "Últimos enlaces": [["Página de enlace", "Último rastreo"],
                            ["https://a.example.com/x", "2026-09-28"]],
        "Sitios que más enlazan": [["Sitio", "Páginas que enlazan", "Páginas de destino"],
                                   ["spam.example.org", 12, 3]],
        "Textos": [["Texto del enlace", "Enlaces"], ["foo", 3]],
    })
    result = read_exports([path])
    assert [r.format for r in result.reports] == [Format.GSC_LATEST_LINKS, Format.GSC_TOP_SITES]
    assert [r.path for r in result.reports] == [f"{path}:Últimos enlaces",
                                                f"{path}:Sitios que más enlazan"]
    assert result.reports[0].warnings == [
        "also in enlaces.xlsx, not read: Textos (no table of links or domains found in it)"]


def test_xlsx_reads_every_sheet_with_links_and_ignores_blank_ones(tmp_path: Path):
    path = _write_xlsx(tmp_path / "pasted.xlsx", {
        "Ahrefs": [["URL", "Anchor"], ["https://a.example.com/x", "x"]],
        "Empty": [],
        "Majestic": [["URL", "Anchor"], ["https://b.example.com/y", "y"]],
    })
    result = read_exports([path])
    assert sorted(result.links[s.SOURCE_URL]) == ["https://a.example.com/x",
                                                  "https://b.example.com/y"]
    assert all(r.warnings == [] for r in result.reports)


@pytest.mark.parametrize("stated", ["A1", "A1:B6"])
def test_xlsx_reads_rows_beyond_the_size_the_sheet_states(tmp_path: Path, stated: str):
    import re
    import zipfile

    good = _write_xlsx(tmp_path / "good.xlsx", {"Links": [["Source url", "Anchor"]] + [
        [f"http://spam{i}.example.com/p", "x"] for i in range(50)]})
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(stale, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>',
                              f'<dimension ref="{stated}"/>'.encode(), data)
            zout.writestr(name, data)
    assert len(read_exports([stale]).links) == 50


def test_xlsx_with_one_sheet_of_notes_keeps_its_message(tmp_path: Path):
    path = _write_xlsx(tmp_path / "notes.xlsx", {
        "Notes": [["These are my notes"], ["about the audit"]], "Blank": []})
    with pytest.raises(InputFormatError, match=r"notes\.xlsx: the file has a single column"):
        read_exports([path])


def test_xlsx_ahrefs_from_fixture(tmp_path: Path):
    frame = pd.read_csv(EXPORTS / "ahrefs_backlinks.csv", encoding="utf-16", sep="\t", dtype=str)
    rows = [list(frame.columns)] + frame.fillna("").to_numpy().tolist()
    path = _write_xlsx(tmp_path / "ahrefs.xlsx", {"Backlinks": rows})
    result = read_exports([path])
    assert result.reports[0].format is Format.AHREFS_BACKLINKS
    assert result.links.loc[0, s.SOURCE_TITLE] == "Best casino bonus\nlist 2023"
    assert result.links.loc[1, s.NOFOLLOW]


def test_xlsx_percent_cells_read_as_the_percentage_shown(tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["URL", "Anchor Text", "Spam Score", "Domain Authority"])
    sheet.append(["https://spam.example.com/a", "x", 0.85, 12])
    sheet.append(["https://ok.example.org/b", "y", 0.01, 0.5])
    for row in (2, 3):
        sheet.cell(row, 3).number_format = "0%"
    path = tmp_path / "moz.xlsx"
    book.save(path)
    result = read_exports([path])
    assert result.links[s.MOZ_SPAM_SCORE].tolist() == [85.0, 1.0]
    assert result.links[s.MOZ_DOMAIN_AUTHORITY].tolist() == [12.0, 0.5]  # not formatted: as is


def test_gsc_zip_reads_each_member_and_skips_non_link_tables():
    result = read_exports([EXPORTS / "gsc_links.zip"])
    paths = [r.path for r in result.reports]
    assert [p.split(":", 1)[1] for p in paths] == ["Top linking sites.csv", "Latest links.csv"]
    assert [r.format for r in result.reports] == [Format.GSC_TOP_SITES, Format.GSC_LATEST_LINKS]
    # Said after the first table's path: each note names the zip and the member left out.
    assert sorted(result.reports[0].warnings) == [
        "also in gsc_links.zip, not read: Top linked pages - externally.csv (a Search Console "
        "Top linked pages table: it lists pages of your own site, not the pages that link to it)",
        "also in gsc_links.zip, not read: Top linking text.csv (a Search Console Top linking "
        "text table: it lists anchor texts, not the pages that link to your site)",
    ]
    links = result.links
    assert set(links[s.SOURCE_FILE]) == {"gsc_links.zip:Top linking sites.csv",
                                        "gsc_links.zip:Latest links.csv"}
    domains = links.loc[links[s.ROW_KIND] == "domain", s.DOMAIN].tolist()
    assert domains == ["example.org", "spam.xyz"]


# --- bad input: one InputFormatError paragraph, never a traceback --------------------


def _error(path: Path) -> str:
    with pytest.raises(InputFormatError) as info:
        read_exports([path])
    message = str(info.value)
    assert "\n" not in message  # one paragraph
    assert str(path) in message or path.name in message
    return message


def test_missing_file(tmp_path: Path):
    assert "no such file" in _error(tmp_path / "nope.csv")


def test_directory(tmp_path: Path):
    assert "folder" in _error(tmp_path)


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty" in _error(path)


def test_blank_file(tmp_path: Path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n")
    assert "no content" in _error(path)


@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), ".xls"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG"),
])
def test_binary_files(tmp_path: Path, data: bytes, words: str):
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    message = _error(path)
    assert words in message and "CSV" in message


def test_broken_zip(tmp_path: Path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"PK\x03\x04" + b"junk" * 10)
    assert "zip" in _error(path)


def test_zip_without_tables(tmp_path: Path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.md", "hello")
    assert "no CSV" in _error(path)


def test_zip_with_only_unusable_tables(tmp_path: Path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Top linking text.csv", "Linking text,Links\nexample,4\n")
        archive.writestr("Top linked pages.csv", "Target page,Incoming links\nhttps://e.com/,4\n")
    message = _error(path)
    assert "none of its tables" in message and "anchor texts" in message


LATEST = b"Linking page,Last crawled\n"


def _latest_links(n: int, start: int = 0) -> bytes:
    """A Latest links table of n rows, none like another (it compresses as exports do)."""
    return LATEST + b"".join(b"https://s%d.example.com/p/%d,2026-09-28\n" % (i, i * 7919)
                             for i in range(start, start + n))


def test_a_zip_member_expanding_far_beyond_its_compressed_size_is_refused(
        tmp_path: Path, monkeypatch):
    # A zip bomb: 1 MB expanding to 416 MB was read as 16M rows (1.3 GB of memory).
    monkeypatch.setattr("disavow.read.ZIP_RATIO_FLOOR_BYTES", 100_000)
    path = tmp_path / "gsc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("links.csv", LATEST + b"http://a.com/x,2026-11-17\n" * 40_000)
    message = _error(path)
    assert "gsc.zip:links.csv expands to 1.0 MB from " in message
    assert "over 100 times is taken for a zip bomb" in message
    assert "unzip the archive and pass the CSV files themselves" in message


def test_a_small_zip_member_is_read_whatever_its_compression(tmp_path: Path):
    path = tmp_path / "gsc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("links.csv", LATEST + b"http://a.com/x,2026-11-17\n" * 40_000)
    info = zipfile.ZipFile(path).getinfo("links.csv")
    assert info.file_size > 100 * info.compress_size  # under ZIP_RATIO_FLOOR_BYTES
    assert len(read_exports([path]).links) == 40_000


def test_a_zip_member_over_the_size_limit_is_refused_before_it_is_expanded(
        tmp_path: Path, monkeypatch):
    monkeypatch.setattr("disavow.read.ZIP_MEMBER_MAX_BYTES", 10_000)
    path = tmp_path / "gsc.zip"
    data = _latest_links(400)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Latest links.csv", data)

    def no_expanding(*args, **kwargs):
        raise AssertionError("expanded")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_expanding)
    monkeypatch.setattr(zipfile.ZipFile, "read", no_expanding)
    message = _error(path)
    assert (f"gsc.zip:Latest links.csv expands to {len(data):,} bytes, more than the 10,000 "
            "bytes a zip member is expanded to in memory") in message
    assert "pass the CSV files themselves" in message


def test_zip_members_over_the_total_limit_together_are_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("disavow.read.ZIP_TOTAL_MAX_BYTES", 30_000)
    path = tmp_path / "gsc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in range(3):
            archive.writestr(f"part{part}.csv", _latest_links(300, start=300 * part))
    message = _error(path)
    assert "gsc.zip:part2.csv expands to" in message
    assert "with the members before it the zip archive expands to more than the 30,000" \
        in message


def test_a_zip_member_stating_a_false_size_is_not_expanded_beyond_it(tmp_path: Path):
    path = tmp_path / "gsc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("links.csv", LATEST + b"http://a.com/x,2026-11-17\n" * 40_000)
    data = bytearray(path.read_bytes())
    stated = (1000).to_bytes(4, "little")
    data[22:26] = stated  # the local header's uncompressed size
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = stated  # and the central directory's
    path.write_bytes(bytes(data))
    assert "cannot be extracted" in _error(path)


def test_a_zip_of_thousands_of_small_members_is_read(tmp_path: Path, monkeypatch):
    from disavow.read import _zip_sources

    path = tmp_path / "parts.zip"
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in range(3000):
            data = _latest_links(1, start=part)
            archive.writestr(f"part{part:04d}.csv", data)
            total += len(data)
    monkeypatch.setattr("disavow.read.ZIP_TOTAL_MAX_BYTES", total)  # all of it, no more
    sources = _zip_sources(path, "parts.zip", "parts.zip")  # reading 3,000 tables takes seconds
    assert len(sources) == 3000 and sum(len(source.data) for source in sources) == total


def test_no_url_or_domain_column(tmp_path: Path):
    path = tmp_path / "sales.csv"
    path.write_text("Name,Amount,Region\nalice,12,north\nbob,7,south\n")
    message = _error(path)
    assert "no column of linking pages or domains" in message
    assert "'Name'" in message  # shows the header it found
    assert "Referring page URL" in message and "Ahrefs" in message  # what was expected
    assert "Rename" in message  # how to fix it


def test_single_column_of_words(tmp_path: Path):
    path = tmp_path / "words.txt"
    path.write_text("hello\nworld\n")
    assert "neither URLs nor domain names" in _error(path)


def test_gsc_top_linked_pages_alone_is_refused(tmp_path: Path):
    path = tmp_path / "Top linked pages.csv"
    path.write_text("Target page,Incoming links,Linking sites\nhttps://example.com/,10,3\n")
    assert "pages of your own site" in _error(path)


def test_gsc_top_linked_pages_by_content(tmp_path: Path):
    path = tmp_path / "paginas.csv"
    path.write_text("Página de destino,Enlaces entrantes,Sitios\nhttps://example.com/,\"1,000\",3\n")
    assert "Top linked pages" in _error(path)


@pytest.mark.parametrize("name", [f"site_disavow_{i:02d}.txt" for i in (1, 6, 12)])
def test_existing_disavow_file_is_refused(name: str):
    path = shared_path("data", "format_samples", name)
    message = _error(path)
    assert "disavow file" in message and "--existing" in message


def test_disavow_file_with_crlf_and_urls(tmp_path: Path):
    path = tmp_path / "disavow.txt"
    path.write_bytes(b"\xef\xbb\xbf# old\r\ndomain:spam.com\r\n\r\nhttp://x.com/a\r\n")
    assert "--existing" in _error(path)


def test_plain_url_list_is_not_a_disavow_file(tmp_path: Path):
    path = tmp_path / "urls.txt"
    path.write_text("https://a.example.com/\nhttp://b.example.com/x\n")
    assert read_exports([path]).links[s.SOURCE_URL].tolist() == [
        "https://a.example.com/", "http://b.example.com/x"]


# --- hostile cells -------------------------------------------------------------------


def test_hostile_cells_read_without_crashing():
    result = read_exports([EXPORTS / "generic_hostile.csv"])
    links = result.links
    ok = links[links[s.STATUS] == "ok"]
    for url in ok[s.SOURCE_URL]:
        assert not any(c.isspace() or ord(c) < 32 for c in url)
        assert "\n" not in url
    assert len(links.loc[3, s.SOURCE_URL]) > 3000
    assert links.loc[1, s.SOURCE_TITLE] == "-2"  # formula-like text stays text


def test_generic_csv_found_by_content(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text("Where,Notes\nhttps://a.example.com/x,first\nhttps://b.example.org/,second\n")
    result = read_exports([path])
    assert result.reports[0].format is Format.GENERIC
    assert result.reports[0].mapped_columns[s.SOURCE_URL] == "Where"
    assert result.links[s.DOMAIN].tolist() == ["example.com", "example.org"]


# --- a title or notes above a table with no vendor header ------------------------------

# Each file starts with a title line (one with a comma too), then a header no vendor
# signature names: the header is the row right above the first link or domain.
_TITLED = {
    "gsc_latest_links_de.csv": (
        "Externe Links – example.com\nVerweisende Seite,Zuletzt gecrawlt\n"
        "https://spam.example/casino/page1.html,03.10.2026\nhttps://www.forum.com/t/1,02.01.2026\n",
        Format.GSC_LATEST_LINKS,
        {s.SOURCE_URL: ["https://spam.example/casino/page1.html", "https://www.forum.com/t/1"],
         s.LAST_SEEN: [T("2026-10-03"), T("2026-01-02")]}),
    "generic.csv": (
        "My backlink list\nURL,Anchor,DA,First seen\nhttps://spam.example/a,buy,3,25.11.2026\n"
        "https://b.example.org/,home,40,02.01.2026\n",
        Format.GENERIC,
        {s.SOURCE_URL: ["https://spam.example/a", "https://b.example.org/"],
         s.ANCHOR: ["buy", "home"], s.MOZ_DOMAIN_AUTHORITY: [3.0, 40.0],
         s.FIRST_SEEN: [T("2026-11-25"), T("2026-01-02")]}),
    "top_linking_sites_de.csv": (
        "Top linking sites\n\nWebsite,Verweisende Seiten,Zielseiten\nspam.example,1.240,3\n"
        "forum.com,12,1\n",
        Format.GSC_TOP_SITES,
        {s.DOMAIN: ["spam.example", "forum.com"], s.LINK_COUNT: [1240.0, 12.0]}),
    "title_with_a_comma.csv": (
        "Links to example.com, last 3 months\nSeite,Datum\n"
        "https://a.example.com/1,03.10.2026\nhttps://b.example.com/1,04.10.2026\n",
        Format.GSC_LATEST_LINKS,
        {s.SOURCE_URL: ["https://a.example.com/1", "https://b.example.com/1"],
         s.LAST_SEEN: [T("2026-10-03"), T("2026-10-04")]}),
}


@pytest.mark.parametrize("name", sorted(_TITLED))
def test_a_header_below_a_title_line_is_found_for_any_table(tmp_path: Path, name: str):
    text, fmt, expected = _TITLED[name]
    path = tmp_path / name
    path.write_text(text, "utf-8")
    result = read_exports([path])
    (report,) = result.reports
    assert report.format is fmt and report.delimiter == ","
    assert report.rows_read == 2 and report.rows_skipped == 0
    for column, values in expected.items():
        assert result.links[column].tolist() == values


def test_a_header_below_a_title_row_of_a_sheet_is_found(tmp_path: Path):
    path = _write_xlsx(tmp_path / "audit.xlsx", {"Sheet1": [
        ["Backlink audit – example.com"], [], ["URL", "Anchor", "DA"],
        ["https://spam.example/a", "buy", 3], ["https://b.example.org/", "home", 40]]})
    result = read_exports([path])
    assert result.reports[0].format is Format.GENERIC
    assert result.links[s.SOURCE_URL].tolist() == ["https://spam.example/a",
                                                   "https://b.example.org/"]
    assert result.links[s.ANCHOR].tolist() == ["buy", "home"]


@pytest.mark.parametrize("text", [
    # a header that names only the URL column, over rows whose anchors hold commas
    "Backlinks export\nURL,Notes\n" + "".join(
        f"https://s{i}.example.com/,{'hello, world' if i % 2 else 'hi'}\n" for i in range(6)),
    # rows of uneven width split by tabs, with no header at all
    "".join(f"https://s{i}.example.com/\t{i}" + "\tx" * (i % 3) + "\n" for i in range(6)),
])
def test_a_table_that_cannot_be_split_is_refused_not_read_as_glued_urls(tmp_path: Path,
                                                                        text: str):
    path = tmp_path / "links.csv"
    path.write_text(text, "utf-8")
    message = _error(path)
    assert "several fields" in message and "one URL" in message and "'URL'" in message


@pytest.mark.parametrize("title", ["URL", "Backlinks for example.com, November 2026"])
def test_urls_with_commas_in_their_path_are_still_a_list(tmp_path: Path, title: str):
    # A title with a comma above them was taken for a header, and the list refused.
    path = tmp_path / "sample_links.csv"
    urls = [f"https://wiadomosci.gazeta.example/wiadomosci/7,114884,2712345{i},title.html"
            for i in range(5)]
    path.write_text(f"{title}\n" + "\n".join(urls) + "\n", "utf-8")
    assert read_exports([path]).links[s.SOURCE_URL].tolist() == urls


def test_a_title_above_headerless_url_and_target_columns_is_refused_not_glued(tmp_path: Path):
    path = tmp_path / "links.csv"
    path.write_text("Title only\nhttps://spam.example/a.html,https://example.com/\n"
                    "https://spam2.example/b.html,https://example.com/x\n", "utf-8")
    assert "several fields" in _error(path)


@pytest.mark.parametrize("first_row", [",2026-10-01", ",2026-10-01,"])
def test_a_first_data_row_without_a_readable_link_is_no_header(tmp_path: Path, first_row: str):
    # The row above the first link was taken for the header: every date lost, and the
    # row itself gone without a count.
    path = tmp_path / "links.csv"
    path.write_text("Strona linkujaca,Ostatnie indeksowanie\n" + first_row + "\n"
                    "https://spam.example/a.html,2026-10-03\n"
                    "https://spam2.example/b.html,2026-10-04\n", "utf-8")
    result = read_exports([path])
    assert result.reports[0].format is Format.GSC_LATEST_LINKS
    assert result.links[s.LAST_SEEN].tolist()[-2:] == [T("2026-10-03"), T("2026-10-04")]
    assert result.links[s.STATUS].tolist() == ["skipped", "ok", "ok"]


def test_a_title_and_a_header_above_a_first_row_without_a_url(tmp_path: Path):
    path = tmp_path / "links.csv"
    path.write_text("Backlinks report\nURL,Anchor,Nofollow,First seen\n"
                    ",no url,false,2026-10-01\nhttps://spam.example/a.html,kup teraz,true,"
                    "2026-10-03\nhttps://spam2.example/b.html,casino,false,2026-10-04\n")
    links = read_exports([path]).links
    assert links[s.ANCHOR].tolist() == ["no url", "kup teraz", "casino"]
    assert links[s.NOFOLLOW].tolist()[1:] == [True, False]
    assert links[s.STATUS].tolist() == ["skipped", "ok", "ok"]


def test_generic_domain_column(tmp_path: Path):
    path = tmp_path / "domains.csv"
    path.write_text("Referring Domain,DR\nspam.example.com,4\nexample.org,90\n")
    links = read_exports([path]).links
    assert links[s.ROW_KIND].tolist() == ["domain", "domain"]
    assert links[s.DOMAIN].tolist() == ["example.com", "example.org"]
    assert links[s.AHREFS_DOMAIN_RATING].tolist() == [4.0, 90.0]


def test_snake_case_reheaded_semrush(tmp_path: Path):
    path = tmp_path / "backlinks.csv"
    path.write_text("page_ascore,source_title,source_url,target_url,anchor,nofollow\n"
                    "7,T,https://a.example.com/,https://example.com/,x,TRUE\n")
    result = read_exports([path])
    assert result.reports[0].format is Format.SEMRUSH_BACKLINKS
    assert result.links.loc[0, s.NOFOLLOW]


def test_ahrefs_api_names(tmp_path: Path):
    path = tmp_path / "api.csv"
    path.write_text("url_from,url_to,domain_rating_source,anchor\n"
                    "https://a.example.com/,https://example.com/,33,x\n")
    result = read_exports([path])
    assert result.reports[0].format is Format.AHREFS_BACKLINKS
    assert result.links.loc[0, s.AHREFS_DOMAIN_RATING] == 33.0


def test_numbers_with_junk_are_nan_and_reported(tmp_path: Path):
    path = tmp_path / "junk.csv"
    path.write_text("URL,DR,Spam score\nhttps://a.example.com/,12,5%\nhttps://b.example.com/,"
                    "n/a,oops\nhttps://c.example.com/,1.2K,-\n")
    result = read_exports([path])
    links = result.links
    assert links[s.MOZ_SPAM_SCORE].tolist()[0] == 5.0
    assert np.isnan(links[s.MOZ_SPAM_SCORE].tolist()[1])
    assert links[s.AHREFS_DOMAIN_RATING].tolist()[2] == 1200.0
    assert any("not numbers" in w for w in result.reports[0].warnings)


def test_unparseable_dates_are_reported(tmp_path: Path):
    path = tmp_path / "dates.csv"
    path.write_text("URL,First seen\nhttps://a.example.com/,2024-01-01\n"
                    "https://b.example.com/,someday\nhttps://c.example.com/,-\n")
    result = read_exports([path])
    assert result.links[s.FIRST_SEEN].isna().tolist() == [False, True, True]
    assert any("1 value(s) in first_seen are not dates" in w for w in result.reports[0].warnings)


def test_file_report_is_a_dataclass_with_the_public_fields():
    report = FileReport(path="x", format=Format.GENERIC, encoding="utf-8", delimiter=",")
    assert (report.rows_read, report.rows_skipped, report.skipped) == (0, 0, [])
    assert report.mapped_columns == {} and report.ignored_columns == [] and report.warnings == []


def test_csv_module_and_pandas_agree_on_embedded_newlines(tmp_path: Path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["URL", "Title"])
    writer.writerow(["https://a.example.com/", "two\nlines, with comma"])
    writer.writerow(["https://b.example.com/", 'quote " inside'])
    path = tmp_path / "nl.csv"
    path.write_text(buffer.getvalue())
    links = read_exports([path]).links
    assert links[s.SOURCE_TITLE].tolist() == ["two\nlines, with comma", 'quote " inside']


def test_a_stray_nul_byte_is_not_binary(tmp_path: Path):
    path = tmp_path / "nul.csv"
    body = b"https://b.example.com/,x\n" * 5
    path.write_bytes(b"URL,Title\nhttps://a.example.com/,ti\x00tle\n" + body)
    links = read_exports([path]).links
    assert links.loc[0, s.SOURCE_URL] == "https://a.example.com/" and len(links) == 6


# --- columns nothing reads ---------------------------------------------------------
# Cells of unmapped columns are tokenized (a row's field count is still checked)
# but never made into strings. These tests pin what must not change with that.


def test_unmapped_column_cells_are_not_made_into_strings(tmp_path: Path):
    import tracemalloc

    junk = "".join(f"https://a{i}.example.com/,{i:05d}{'x' * 2000}\n" for i in range(10_000))
    path = tmp_path / "junk.csv"
    path.write_text("URL,Notes nobody reads\n" + junk)  # 20 MB in the unmapped column
    tracemalloc.start()
    try:
        frame, _ = read_export(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(frame) == 10_000 and "c1" not in frame
    assert peak < 8_000_000  # 20 MB of strings were never built


def test_extra_fields_in_unmapped_columns_are_still_malformed(tmp_path: Path):
    path = tmp_path / "extra.csv"
    path.write_text("URL,Anchor,Notes,More notes\n"
                    "https://a.example.com/,a,n,m\n"
                    "https://b.example.com/,b,n,m,one too many\n"
                    "https://c.example.com/,c,n,m\n"
                    "https://d.example.com/,d,n,m,,\n"
                    "https://e.example.com/,e,n,m\n")
    result = read_exports([path])
    (report,) = result.reports
    # Extra fields that are all empty (row 5) are ordinary CSV: that row is read.
    assert report.skipped == [(3, "malformed row: expected 4 fields, saw 5")]
    links = result.links
    assert links[s.SOURCE_URL].tolist() == [
        "https://a.example.com/", "https://c.example.com/", "https://d.example.com/",
        "https://e.example.com/"]
    assert links[s.SOURCE_ROW].tolist() == [2.0, 4.0, 5.0, 6.0]


def test_short_rows_missing_only_unmapped_columns_are_read(tmp_path: Path):
    # pandas pads a row with too few fields; that was never reported and stays so.
    path = tmp_path / "short.csv"
    full = "".join(f"https://{c}.example.com/,n,{c},m\n" for c in "efgh")
    path.write_text("URL,Notes,Anchor,More notes\n"
                    "https://a.example.com/,n,a,m\n"
                    "https://b.example.com/,n,b\n"
                    "https://c.example.com/\n"
                    "https://d.example.com/,n,d,m,extra\n" + full)
    result = read_exports([path])
    assert result.reports[0].delimiter == ","
    assert result.reports[0].skipped == [(5, "malformed row: expected 4 fields, saw 5")]
    assert result.links[s.ANCHOR].tolist() == ["a", "b", np.nan, "e", "f", "g", "h"]


@pytest.mark.parametrize("rows", [
    [f"http://s{i}.example.com/p,hello world,false," for i in range(20)],  # every row
    [f"http://s{i}.example.com/p,hello world,false" + ",,,,,,,,," * (i % 2) for i in range(20)],
], ids=["trailing-delimiter", "half-padded"])
def test_rows_ending_with_empty_fields_beyond_the_header_are_a_table(tmp_path: Path, rows):
    # Read as a one-column list, each whole line was a URL in the disavow file.
    path = tmp_path / "links.csv"
    path.write_text("Source url,Anchor,Nofollow\n" + "\n".join(rows) + "\n")
    result = read_exports([path])
    (report,) = result.reports
    assert (report.delimiter, report.rows_read, report.rows_skipped) == (",", 20, 0)
    links = result.links
    assert links[s.SOURCE_URL].tolist() == [f"http://s{i}.example.com/p" for i in range(20)]
    assert set(links[s.ANCHOR]) == {"hello world"} and set(links[s.NOFOLLOW]) == {False}


def test_a_domain_list_whose_rows_end_with_a_delimiter_keeps_its_rows(tmp_path: Path):
    path = tmp_path / "domains.csv"
    path.write_text("Domain,Backlinks\n" + "".join(f"spam{i}-pills.xyz,3,\n" for i in range(20)))
    links = read_exports([path]).links
    assert links[s.DOMAIN].tolist() == [f"spam{i}-pills.xyz" for i in range(20)]
    assert (links[s.STATUS] == "ok").all() and set(links[s.LINK_COUNT]) == {3.0}


def test_a_header_ending_with_a_delimiter_its_rows_lack_is_a_table(tmp_path: Path):
    path = tmp_path / "links.csv"
    path.write_text("Source url,Anchor,Nofollow,\n"
                    + "".join(f"http://s{i}.example.com/p,hello,false\n" for i in range(20)))
    result = read_exports([path])
    assert result.reports[0].delimiter == ","
    assert result.links[s.SOURCE_URL].tolist() == [f"http://s{i}.example.com/p"
                                                   for i in range(20)]


def test_text_beyond_the_header_is_malformed_beside_rows_padded_with_empty_fields(
        tmp_path: Path):
    # The first data row is the wider one: pandas took its width for every row and
    # silently dropped the cells beyond the header, the text of rows 2 and 4 too.
    path = tmp_path / "links.csv"
    path.write_text("URL,Anchor,Notes\n"
                    "http://a.example.com/,a,n,stray\n"
                    "http://b.example.com/,b,n,,,\n"
                    "http://c.example.com/,c,n,,x,\n"
                    "http://d.example.com/,d,n\n"
                    "http://e.example.com/,e\n")
    result = read_exports([path])
    (report,) = result.reports
    assert report.skipped == [(2, "malformed row: expected 3 fields, saw 4"),
                              (4, "malformed row: expected 3 fields, saw 5")]
    links = result.links
    assert links[s.SOURCE_URL].tolist() == [
        "http://b.example.com/", "http://d.example.com/", "http://e.example.com/"]
    assert links[s.SOURCE_ROW].tolist() == [3.0, 5.0, 6.0]
    assert links[s.ANCHOR].tolist() == ["b", "d", "e"]


def test_a_header_of_known_columns_over_ragged_rows_is_never_a_list_of_whole_lines(
        tmp_path: Path):
    # Half the anchors hold an unquoted comma: no width is consistent enough, but
    # the header names a URL column and an anchor column, so the file is a table.
    path = tmp_path / "links.csv"
    path.write_text("URL,Anchor,Notes\n" + "".join(
        f"http://s{i}.example.com/,{'hello, world' if i % 2 else 'hello'},n\n"
        for i in range(20)))
    result = read_exports([path])
    (report,) = result.reports
    assert report.delimiter == "," and report.rows_skipped == 10
    assert result.links[s.SOURCE_URL].tolist() == [f"http://s{i}.example.com/"
                                                   for i in range(0, 20, 2)]


def test_malformed_rows_below_a_preamble_keep_their_numbers(tmp_path: Path):
    path = tmp_path / "preamble.csv"
    path.write_text("Backlinks of example.com\nExported 2024-05-01\n\n"
                    "Source URL,Anchor Text,SourceTrustFlow,Notes\n"
                    "http://a.example.com/,a,3,n\n"
                    "http://b.example.com/,b,4,n,extra\n"
                    "http://c.example.com/,c,5,n\n")
    result = read_exports([path])
    (report,) = result.reports
    assert report.format is Format.MAJESTIC
    # Rows 1 to 3 are the title, the date and a blank line; the header is row 4.
    assert report.skipped == [(6, "malformed row: expected 4 fields, saw 5")]
    assert result.links[s.MAJESTIC_TRUST_FLOW].tolist() == [3.0, 5.0]
    assert result.links[s.SOURCE_ROW].tolist() == [5.0, 7.0]


def test_unclosed_quote_in_an_unmapped_column_keeps_rows_before_it(tmp_path: Path):
    path = tmp_path / "quote.csv"
    path.write_text('URL,Notes,Anchor\nhttps://a.example.com/,ok,a\n'
                    'https://b.example.com/,"broken,b\nhttps://c.example.com/,x,c\n')
    result = read_exports([path])
    report = result.reports[0]
    assert result.links[s.SOURCE_URL].tolist() == ["https://a.example.com/"]
    assert report.rows_skipped == 1 and "never closed" in report.skipped[0][1]


def test_invalid_utf8_in_an_unmapped_column_still_falls_back(tmp_path: Path):
    # pandas decodes UTF-8 cell by cell: the bad byte below is only seen when its
    # cell is converted. The fallback must not depend on whether a column is read.
    head = "URL,Anchor,Notes\n" + "".join(
        f"https://a{i}.example.com/,caf\u00e9,n\n" for i in range(20_000))
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode() + b"https://z.example.com/,x,\xe9t\xe9\n")
    result = read_exports([path])
    (report,) = result.reports
    assert any("2 byte(s) that are not UTF-8 were read as Windows-1252" in w
               for w in report.warnings)
    assert report.encoding == "utf-8 + cp1252"
    assert result.links.loc[0, s.ANCHOR] == "caf\u00e9"  # valid UTF-8 stays UTF-8


def test_valid_utf8_with_unmapped_columns_reads_as_utf8(tmp_path: Path):
    head = "URL,Anchor,Notes\n" + "".join(
        f"https://a{i}.example.com/,caf\u00e9,\u00e9t\u00e9\n" for i in range(20_000))
    path = tmp_path / "utf8.csv"
    path.write_bytes(head.encode())
    result = read_exports([path])
    assert result.reports[0].encoding == "utf-8" and not result.reports[0].warnings
    assert result.links.loc[19_999, s.ANCHOR] == "caf\u00e9"


def test_bytes_source_with_unmapped_columns_falls_back_the_same(tmp_path: Path):
    rows = "".join(f"https://a{i}.example.com/,x,n\n" for i in range(20_000))
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("links.csv", ("URL,Anchor,Notes\n" + rows).encode() + b"https://z.example"
                         b".com/,x,\x81\xe9\n")
    (report,) = read_exports([path]).reports
    assert any("Windows-1252" in w or "Latin-1" in w for w in report.warnings)


# --- unread_columns: what a caller says it will not read ----------------------------

CONTEXT = (s.LEFT_CONTEXT, s.RIGHT_CONTEXT)


@pytest.mark.parametrize("unread", [
    CONTEXT,
    (s.LINK_TYPE, s.NOFOLLOW, s.AHREFS_DOMAIN_RATING),  # flag columns, a bool, a number
    (s.ANCHOR, s.FIRST_SEEN, s.LAST_SEEN, s.LOST, s.LINK_COUNT),
])
@pytest.mark.parametrize("name", sorted(p.name for p in EXPORTS.iterdir() if p.name != "README.md"))
def test_unread_columns_are_the_default_read_less_those_columns(name: str, unread: tuple):
    full = read_exports([EXPORTS / name])
    part = read_exports([EXPORTS / name], unread_columns=unread)
    assert not set(unread) & set(part.links.columns)
    expected = full.links.drop(columns=list(unread))
    pd.testing.assert_frame_equal(part.links, expected)
    assert part.reports == full.reports  # mapped columns still listed: the file maps them


def test_unread_columns_leave_the_raw_frame_too():
    default, _ = read_export(EXPORTS / "ahrefs_backlinks_legacy.csv")
    frame, (report,) = read_export(EXPORTS / "ahrefs_backlinks_legacy.csv",
                                   unread_columns=CONTEXT)
    assert s.LEFT_CONTEXT in default and s.LEFT_CONTEXT not in frame
    assert report.mapped_columns[s.LEFT_CONTEXT]  # the report still says the file has it
    pd.testing.assert_frame_equal(frame, default.drop(columns=list(CONTEXT)))


def test_unread_columns_are_not_made_into_strings(tmp_path: Path):
    import tracemalloc

    rows = "".join(f"https://a{i}.example.com/,a,{i:05d}{'x' * 2000}\n" for i in range(10_000))
    path = tmp_path / "ahrefs.csv"
    path.write_text("Referring page URL,Anchor,Left context\n" + rows)  # 20 MB of context

    def peak(**kwargs) -> int:
        tracemalloc.start()
        try:
            read_export(path, **kwargs)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak() > 20_000_000  # read by default: the strings are built
    assert peak(unread_columns=CONTEXT) < 8_000_000


def test_malformed_rows_keep_their_numbers_when_columns_are_unread(tmp_path: Path):
    lines = ["Referring page URL\tLeft context\tAnchor\tRight context"]
    for i in range(1, 9):
        extra = "\textra" if i in (3, 7) else ""
        lines.append(f"https://a{i}.example.com/\tleft {i}\tanchor {i}\tright {i}{extra}")
    path = tmp_path / "ahrefs.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    full = read_exports([path])
    part = read_exports([path], unread_columns=CONTEXT)
    expected = [(4, "malformed row: expected 4 fields, saw 5"),
                (8, "malformed row: expected 4 fields, saw 5")]
    assert full.reports[0].skipped == part.reports[0].skipped == expected
    assert part.links[s.SOURCE_ROW].tolist() == [2.0, 3.0, 5.0, 6.0, 7.0, 9.0]
    assert part.links[s.ANCHOR].tolist() == [f"anchor {i}" for i in (1, 2, 4, 5, 6, 8)]


def test_unread_columns_with_no_inputs():
    links = read_exports([], unread_columns=CONTEXT).links
    assert list(links.columns) == [c for c in s.LINK_COLUMNS if c not in CONTEXT]


@pytest.mark.parametrize("unread", [(s.SOURCE_URL,), (s.TARGET_URL,), (s.STATUS,), ("nonsense",)])
def test_columns_rows_are_built_from_cannot_be_unread(unread: tuple):
    with pytest.raises(ValueError, match="cannot leave"):
        read_exports([EXPORTS / "ahrefs_backlinks.csv"], unread_columns=unread)
    with pytest.raises(ValueError, match="cannot leave"):
        read_export(EXPORTS / "ahrefs_backlinks.csv", unread_columns=unread)


def test_booleans_a_spreadsheet_wrote_in_its_own_language(tmp_path: Path):
    # Excel in German saves TRUE/FALSE as WAHR/FALSCH, and writes decimals with a comma.
    export = tmp_path / "semrush_de.csv"
    export.write_text("Source url;Target url;Anchor;Nofollow;Page ascore\n"
                      "https://a.example.com/x;https://example.com/;hi;WAHR;12\n"
                      "https://b.example.com/y;https://example.com/;yo;FALSCH;3,5\n"
                      "https://c.example.com/z;https://example.com/;yo;VRAI;4\n", "utf-8")
    links = read_exports([export]).links
    assert links[s.NOFOLLOW].tolist() == [True, False, True]
    assert links["semrush_page_ascore"].tolist() == [12.0, 3.5, 4.0]


def test_decimal_commas_in_a_tab_file_are_decimals(tmp_path: Path):
    # Excel's "Unicode text" save in a German or French locale: UTF-16, tabs, 2,2.
    export = tmp_path / "ahrefs_de.csv"
    export.write_bytes("Referring page URL\tDomain rating\tAnchor\tUR\tDomain traffic\n"
                       "http://a.example.com/\t2,2\tx\t0,5\t1,240\n"
                       "http://b.example.com/\t7\ty\t1\t1,234,567\n".encode("utf-16"))
    links = read_exports([export]).links
    assert links[s.AHREFS_DOMAIN_RATING].tolist() == [2.2, 7.0]
    assert links[s.AHREFS_URL_RATING].tolist() == [0.5, 1.0]
    assert links[s.AHREFS_DOMAIN_TRAFFIC].tolist() == [1240.0, 1234567.0]  # grouped thousands


def test_a_decimal_comma_below_the_sniffed_rows_is_a_decimal(tmp_path: Path):
    export = tmp_path / "late_decimal.csv"
    rows = "".join(f"http://a{i}.example.com/;{i}\r\n" for i in range(70))
    export.write_text("URL;DR\r\n" + rows + "http://z.example.com/;12,5\r\n", "utf-8")
    links = read_exports([export]).links
    assert links[s.AHREFS_DOMAIN_RATING].tolist()[-2:] == [69.0, 12.5]


@pytest.mark.parametrize(("header", "first", "second"), [
    ("Redirect Chain status codes", "301,200", ""),  # a column no number is read from
    ("Anchor", "1,000", "b"),  # an anchor that looks like a decimal comma
], ids=["redirect codes", "anchor"])
def test_a_comma_outside_the_number_columns_leaves_their_decimal_dots(
        tmp_path: Path, header: str, first: str, second: str):
    # Semicolons with decimal dots: what Excel writes in de-CH, fr-CH and it-CH.
    export = tmp_path / "ahrefs_ch.csv"
    export.write_text(f"Referring page URL;Domain rating;UR;Target URL;{header}\n"
                      f"https://a.example.com/1;12;3.5;https://example.com/;{first}\n"
                      f"https://b.example.com/2;55.5;12.25;https://example.com/;{second}\n",
                      "utf-8")
    links = read_exports([export]).links
    assert links[s.AHREFS_DOMAIN_RATING].tolist() == [12.0, 55.5]
    assert links[s.AHREFS_URL_RATING].tolist() == [3.5, 12.25]


def test_number_columns_of_one_semicolon_file_keep_their_own_decimal_mark(tmp_path: Path):
    export = tmp_path / "mixed.csv"
    export.write_text("Referring page URL;Domain rating;UR;Domain traffic\n"
                      "https://a.example.com/1;55,5;3.5;1.000\n"
                      "https://b.example.com/2;12;12.25;1,000\n", "utf-8")
    links = read_exports([export]).links
    assert links[s.AHREFS_DOMAIN_RATING].tolist() == [55.5, 12.0]
    assert links[s.AHREFS_URL_RATING].tolist() == [3.5, 12.25]


def test_dot_grouped_counts_in_a_european_export(tmp_path: Path):
    # Search Console's Top linking sites re-saved by Excel in German, and in Italian.
    semicolon = tmp_path / "top_de.csv"
    semicolon.write_text("Site;Linking pages;Target pages\r\nspam.example;1.240;3\r\n"
                         "big.example;2.500.000;7\r\nround.example;2.000;1\r\n", "utf-8")
    comma = tmp_path / "top_it.csv"
    comma.write_text('Sito,Pagine con link,Pagine di destinazione\nspam.example,"1.240",3\n'
                     'big.example,"12",7\n', "utf-8")
    # Whole numbers in the sniffed rows, the first dot further down.
    late = tmp_path / "top_late.csv"
    late.write_text("Site;Linking pages;Target pages\r\n"
                    + "".join(f"s{i}.example;{i};1\r\n" for i in range(70))
                    + "big.example;1.240;7\r\n", "utf-8")
    assert read_exports([semicolon]).links[s.LINK_COUNT].tolist() == [1240.0, 2500000.0, 2000.0]
    assert read_exports([comma]).links[s.LINK_COUNT].tolist() == [1240.0, 12.0]
    assert read_exports([late]).links[s.LINK_COUNT].tolist()[-2:] == [69.0, 1240.0]
    # A whole thousand far below the sniffed head: a float parse would make it 2.
    far = tmp_path / "top_far.csv"
    far.write_text("Site;Linking pages;Target pages\r\n"
                   + "".join(f"s{i}.example;{i % 900};1\r\n" for i in range(6000))
                   + "round.example;2.000;7\r\n", "utf-8")
    assert far.stat().st_size > 100_000
    assert read_exports([far]).links[s.LINK_COUNT].tolist()[-2:] == [599.0, 2000.0]


def _late_rows(cells: dict[int, dict[str, str]], n: int = 100) -> list[list[str]]:
    """Ahrefs rows whose cells are whole numbers but for ``cells`` (row -> column -> cell)."""
    rows = []
    for i in range(n):
        row = {"Referring page URL": f"https://s{i}.example.com/p", "Domain rating": "10",
               "Domain traffic": str(100 + i), "External links": str(10 + i),
               "Linked domains": "" if i % 7 == 0 else str(i)}
        row.update(cells.get(i, {}))
        rows.append(list(row.values()))
    return rows


_LATE_HEADER = ["Referring page URL", "Domain rating", "Domain traffic", "External links",
                "Linked domains"]


def test_a_thousands_dot_past_the_sniffed_rows_is_read_as_thousands(tmp_path: Path):
    # Excel's "Unicode text" in de-DE: every row sniffed is below 1000, then 3.000.
    late = {85: {"Domain traffic": "3.000", "Domain rating": "3.000"},
            90: {"External links": "1.500"}, 95: {"Linked domains": "2.000"}}
    export = tmp_path / "late_dots.txt"
    export.write_bytes("\r\n".join("\t".join(r) for r in [_LATE_HEADER, *_late_rows(late)])
                       .encode("utf-16"))
    links = read_exports([export]).links
    assert links.loc[85, s.AHREFS_DOMAIN_TRAFFIC] == 3000.0
    assert links.loc[90, s.EXTERNAL_LINKS] == 1500.0
    assert links.loc[95, s.LINKED_DOMAINS] == 2000.0  # a column with empty cells, too
    assert links.loc[85, s.AHREFS_DOMAIN_RATING] == 3.0  # a rating is no count
    assert links.loc[84, s.AHREFS_DOMAIN_TRAFFIC] == 184.0


def test_a_late_thousands_dot_in_a_file_whose_first_rows_show_its_locale(tmp_path: Path):
    # Google Sheets in German: commas between quoted fields, a decimal comma in the
    # first rows, and 2.000 far below in a column with empty cells.
    rows = _late_rows({1: {"Domain rating": "2,5"}, 95: {"Linked domains": "2.000"}})
    export = tmp_path / "late_dots.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows([_LATE_HEADER, *rows])
    links = read_exports([export]).links
    assert links.loc[95, s.LINKED_DOMAINS] == 2000.0
    assert links.loc[1, s.AHREFS_DOMAIN_RATING] == 2.5


def test_a_late_decimal_dot_in_a_count_column_leaves_the_others_floats(tmp_path: Path):
    # An export written with decimal dots: 1.5 further down is a decimal, and so is
    # what the other count columns hold.
    rows = _late_rows({1: {"Domain rating": "2.5"}, 90: {"External links": "1.5"},
                       95: {"Linked domains": "2.000"}})
    export = tmp_path / "late_decimals.csv"
    export.write_text("\n".join(",".join(r) for r in [_LATE_HEADER, *rows]) + "\n", "utf-8")
    links = read_exports([export]).links
    assert links.loc[90, s.EXTERNAL_LINKS] == 1.5
    assert links.loc[95, s.LINKED_DOMAINS] == 2.0


def test_counts_grouped_with_narrow_spaces_or_apostrophes_are_read(tmp_path: Path):
    french = tmp_path / "top_fr.csv"  # Search Console's Top linking sites, French UI
    french.write_text("Site,Pages avec lien,Pages cibles\nspam.example,1\u202f240,3\n"
                      "x.blogspot.com,12,1\nforum.example,12\u202f345,10\n", "utf-8")
    result = read_exports([french])
    assert result.reports[0].format is Format.GSC_TOP_SITES
    assert result.links[s.LINK_COUNT].tolist() == [1240.0, 12.0, 12345.0]
    swiss = tmp_path / "ahrefs_ch.csv"  # an Excel re-save in de-CH
    swiss.write_text("Referring page URL;Domain rating;UR;Domain traffic;External links\n"
                     "https://a.example.com/1;12;3.5;1'234'567;1\u2019500\n"
                     "https://b.example.com/2;55;0;98'765;2\n", "utf-8")
    result = read_exports([swiss])
    assert result.links[s.AHREFS_DOMAIN_TRAFFIC].tolist() == [1234567.0, 98765.0]
    assert result.links[s.EXTERNAL_LINKS].tolist() == [1500.0, 2.0]
    assert not any("not numbers" in w for w in result.reports[0].warnings)


def test_a_backlinks_column_of_numbers_is_a_count_not_the_linking_pages(tmp_path: Path):
    domains = tmp_path / "domains.csv"
    domains.write_text("Referring Domain,Backlinks,Domain Rating\nspam.example.com,12,3\n"
                       "other.example.org,1,20\n", "utf-8")
    result = read_exports([domains])
    links = result.links
    assert links[s.ROW_KIND].tolist() == ["domain", "domain"]
    assert links[s.DOMAIN].tolist() == ["example.com", "example.org"]
    assert links[s.LINK_COUNT].tolist() == [12.0, 1.0]
    assert links[s.STATUS].tolist() == ["ok", "ok"]
    assert result.reports[0].mapped_columns[s.LINK_COUNT] == "Backlinks"
    # Another column named like linking pages takes its place.
    pages = tmp_path / "pages.csv"
    pages.write_text("Links,Page,Anchor\n3,http://a.example.com/p,x\n", "utf-8")
    links = read_exports([pages]).links
    assert links[s.SOURCE_URL].tolist() == ["http://a.example.com/p"]
    assert links[s.LINK_COUNT].tolist() == [3.0]


def test_utf16_cut_at_an_odd_byte_or_with_a_lone_surrogate_is_read(tmp_path: Path):
    rows = ("Referring page URL\tAnchor\r\nhttps://a.example.com/1\tx\r\n"
            "https://b.example.com/2\tAB\r\n").encode("utf-16")
    cut = tmp_path / "cut.csv"
    cut.write_bytes(rows[:-5])  # an interrupted download: "A" and half of the "B"
    result = read_exports([cut])
    assert result.links[s.SOURCE_URL].tolist() == ["https://a.example.com/1",
                                                   "https://b.example.com/2"]
    assert result.links[s.ANCHOR].tolist() == ["x", "A\ufffd"]
    assert any("could not be decoded" in w and "spreadsheet row 3" in w
               for w in result.reports[0].warnings)
    lone = tmp_path / "lone.csv"
    at = rows.index("AB".encode("utf-16-le"))
    lone.write_bytes(rows[:at] + b"\x00\xd8" + rows[at:])  # an unpaired high surrogate
    result = read_exports([lone])
    assert result.links[s.ANCHOR].tolist() == ["x", "\ufffdAB"]
    assert any("could not be decoded" in w and "spreadsheet row 3" in w
               for w in result.reports[0].warnings)


def test_one_stray_cp1252_byte_leaves_the_valid_utf8_around_it(tmp_path: Path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("URL,Anchor\nhttp://m\u00fcnchen.de/seite,Gr\u00fc\u00dfe\n"
                     "http://b.com/2,caf".encode() + b"\xe9\n")
    result = read_exports([path])
    assert result.links[s.DOMAIN].tolist() == ["xn--mnchen-3ya.de", "b.com"]
    assert result.links[s.ANCHOR].tolist() == ["Gr\u00fc\u00dfe", "caf\u00e9"]
    (report,) = result.reports
    assert report.encoding == "utf-8 + cp1252"
    assert any("1 byte(s) that are not UTF-8 were read as Windows-1252" in w
               for w in report.warnings)
    # A file in Windows-1252 alone is named and read as before.
    plain = tmp_path / "cp1252.csv"
    plain.write_bytes("URL,Anchor\nhttp://a.com/1,caf\u00e9 \u20ac\n".encode("cp1252"))
    result = read_exports([plain])
    assert result.links[s.ANCHOR].tolist() == ["caf\u00e9 \u20ac"]
    assert result.reports[0].encoding == "cp1252"
    assert result.reports[0].warnings == ["the file is not valid UTF-8; it was read as "
                                          "Windows-1252. If accents look wrong, export it "
                                          "again as UTF-8."]


def test_gsc_latest_links_with_year_first_slashed_dates(tmp_path: Path):
    # Search Console in Japanese or Chinese writes 2026/09/28.
    export = tmp_path / "latest_ja.csv"
    export.write_text("リンク元ページ,最終クロール\nhttps://a.example.com/p,2026/09/28\n"
                      "https://b.example.com/q,2026/10/01\n", "utf-8")
    result = read_exports([export])
    assert result.reports[0].format is Format.GSC_LATEST_LINKS
    assert result.links[s.LAST_SEEN].tolist() == [T("2026-09-28"), T("2026-10-01")]


def test_an_empty_zip_member_is_left_out_with_a_note(tmp_path: Path):
    path = tmp_path / "gsc.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Latest links.csv", "Linking page,Last crawled\n"
                                             "https://a.example.com/p,2026-09-28\n")
        archive.writestr("Empty.csv", "")
    result = read_exports([path])
    assert result.links[s.SOURCE_URL].tolist() == ["https://a.example.com/p"]
    assert "also in gsc.zip, not read: Empty.csv (empty)" in result.reports[0].warnings


@pytest.mark.parametrize("site", ["Site", "Website"])
def test_gsc_top_linking_sites_whose_site_column_has_a_generic_name(tmp_path: Path, site: str):
    # French and Portuguese write "Site", German and Dutch "Website".
    export = tmp_path / "top_fr.csv"
    export.write_text(f'{site},Pages avec lien,Pages cibles\nspam.example,"1 240",3\n'
                      "other.example,7,1\n", "utf-8")
    result = read_exports([export])
    assert result.reports[0].format is Format.GSC_TOP_SITES
    assert result.links[s.LINK_COUNT].tolist() == [1240.0, 7.0]


def test_a_first_data_row_longer_than_the_sniffed_head_is_read(tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_text("URL,Title\nhttp://a.example.com/," + "x" * 300_000
                    + "\nhttp://b.example.com/,t\n", "utf-8")
    links = read_exports([path]).links
    assert links[s.SOURCE_URL].tolist() == ["http://a.example.com/", "http://b.example.com/"]
    assert links.loc[0, s.SOURCE_TITLE] == "x" * 300_000


def test_one_stray_nul_byte_in_a_small_file_is_not_binary(tmp_path: Path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"URL,Anchor\nhttp://a.example.com/,x\x00y\n")  # under 100 bytes
    links = read_exports([path]).links
    assert links[s.SOURCE_URL].tolist() == ["http://a.example.com/"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_an_export_given_through_a_pipe_is_read(tmp_path: Path):
    import threading

    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    data = (EXPORTS / "semrush_backlinks.csv").read_bytes()

    def write() -> None:
        with open(pipe, "wb") as writer:
            writer.write(data)

    feeder = threading.Thread(target=write)
    feeder.start()
    frame, reports = read_export(pipe)
    feeder.join(timeout=10)
    assert reports[0].format is Format.SEMRUSH_BACKLINKS
    assert len(frame) == len(read_export(EXPORTS / "semrush_backlinks.csv")[0]) > 0


def test_ctrl_c_while_pandas_reads_is_an_interrupt_not_a_broken_file(monkeypatch):
    import contextlib
    import signal

    def read_csv_swallowing_the_interrupt(*args, **kwargs):
        # What pandas' C parser does when its source's read() raises: the exception
        # is dropped and a ParserError about the data is raised instead.
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        raise pd.errors.ParserError(
            "Error tokenizing data. C error: Calling read(nbytes) on source failed.")

    monkeypatch.setattr(pd, "read_csv", read_csv_swallowing_the_interrupt)
    with pytest.raises(KeyboardInterrupt):
        read_export(EXPORTS / "ahrefs_backlinks.csv")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_zip_asking_for_a_newer_zip_version_is_a_clean_error(tmp_path: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("Latest links.csv", "Linking page,Last crawled\nhttps://spam.example/p,2026-11-01\n")
    data = bytearray(buf.getvalue())
    data[data.find(b"PK\x01\x02") + 6] = 99  # "version needed to extract": 9.9
    path = tmp_path / "badver.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(InputFormatError, match="looks like a zip archive but cannot be opened"):
        read_export(path)


def test_a_workbook_whose_sheet_expands_like_a_zip_bomb_is_refused_before_reading(
        tmp_path: Path, monkeypatch):
    # A workbook is a zip: openpyxl expanded a sheet of any stated size into memory.
    # (A genuine sheet compresses about 19 times, even rows all alike: 10 stands in
    # for the 100 of a bomb.)
    monkeypatch.setattr("disavow.read.ZIP_RATIO_FLOOR_BYTES", 100_000)
    monkeypatch.setattr("disavow.read.ZIP_MAX_RATIO", 10)
    path = _write_xlsx(tmp_path / "links.xlsx", {"Links": [["Source url", "Anchor"]] + [
        ["http://a.com/x", "same anchor"] for _ in range(20_000)]})

    def no_loading(*args, **kwargs):
        raise AssertionError("loaded")

    monkeypatch.setattr("openpyxl.load_workbook", no_loading)
    message = _error(path)
    assert "links.xlsx:xl/worksheets/sheet1.xml expands to " in message
    assert "over 10 times is taken for a zip bomb" in message
    assert "save each sheet as CSV" in message


def test_a_workbook_under_the_zip_limits_is_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("disavow.read.ZIP_MEMBER_MAX_BYTES", 10_000_000)
    path = _write_xlsx(tmp_path / "links.xlsx", {"Links": [["Source url", "Anchor"]] + [
        [f"http://a{i}.com/x", "anchor"] for i in range(2_000)]})
    assert len(read_exports([path]).links) == 2_000


@pytest.mark.parametrize(("name", "text", "column"), [
    ("ahrefs_anchors.csv",
     "Anchor\tReferring domains\tDofollow referring domains\tLinks to target\tFirst seen\n"
     "click here\t12\t9\t40\t2025-01-10\nalder finch\t3\t3\t7\t2025-01-10\n",
     "Referring domains"),
    ("semrush_referring_ips.csv",
     "IP,Country,Domains,Backlinks,First seen\n185.22.1.10,RU,14,200,2025-01-10\n"
     "185.22.2.10,RU,1,3,2025-01-10\n",
     "Domains"),
])
def test_a_domain_column_of_counts_is_refused_as_an_anchors_or_ips_table(
        tmp_path: Path, name: str, text: str, column: str):
    # Taken for domain names, the counts made every row "not a domain name" and the
    # file vanished without a word beside a real export.
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    message = _error(path)
    assert f"{name}: no column of linking pages or domains" in message
    assert f"'{column}' column holds numbers" in message
    assert "anchors, referring IPs or topics table" in message
    assert "Export Backlinks or Referring domains instead" in message


def test_a_domain_column_with_a_few_numbers_is_still_read(tmp_path: Path):
    path = tmp_path / "domains.csv"
    path.write_text("Domain,Links\n" + "".join(f"site{i}.com,{i}\n" for i in range(9)) + "12,1\n")
    assert len(read_exports([path]).links) == 10


@pytest.mark.parametrize("header", [
    "#\tDomain\tIs spam\tDR\tDofollow ref. domains\tDofollow linked domains\tTraffic \t"
    "Links from target\tDofollow links\tFirst seen\tLost",
    "Domain\tDR\tDomain traffic\tLinked pages\tLinks from target\tDofollow links\tFirst seen",
])
def test_ahrefs_linked_domains_is_refused(tmp_path: Path, header: str):
    # Read as Referring domains (or a domain list), the sites linked TO were disavowed.
    width = header.count("\t") + 1
    path = tmp_path / "ahrefs_linked_domains.csv"
    row = "\t".join(["casino-bonus-wins.xyz" if n == "Domain" else "3"
                     for n in header.split("\t")][:width])
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    message = _error(path)
    assert "is an Ahrefs Linked domains (outgoing links) table" in message
    assert "sites your site links to" in message
    assert "export Backlinks or Referring domains instead" in message


@pytest.mark.parametrize(("name", "header"), [
    ("semrush_backlink_gap.csv",
     "Domain,Domain ascore,Matches,alderfinchplumbing.co.uk,competitorplumbers.co.uk"),
    ("ahrefs_link_intersect.csv",
     "Domain,DR,Domain traffic,Intersect,https://www.competitorplumbers.co.uk/,"
     "https://www.alderfinchplumbing.co.uk/"),
])
def test_a_comparison_of_sites_is_refused(tmp_path: Path, name: str, header: str):
    # Read as referring domains, a competitor's prospects were disavowed as yours.
    path = tmp_path / name
    width = header.count(",") + 1
    path.write_text(f"{header}\ncasino-bonus-wins.xyz{',3' * (width - 1)}\n", encoding="utf-8")
    message = _error(path)
    assert "looks like a Link Intersect or Backlink Gap comparison" in message
    assert "competitorplumbers.co.uk" in message
    assert "Referring domains of your own site instead" in message


def test_dotted_column_names_are_no_sites(tmp_path: Path):
    # A re-headed export ('source.url', 'ref.domains': .domains is a real TLD) is read.
    path = tmp_path / "links.csv"
    path.write_text("source.url,url,ref.domains\nhttps://a.example.org/x,https://a.example.org/x,4\n")
    assert len(read_exports([path]).links) == 1
