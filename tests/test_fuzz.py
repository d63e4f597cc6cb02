"""Fuzzing: hostile and random input never crashes the tool.

What every property here checks, for input nobody planned for:

* readers (``read_export`` / ``read_exports``) on random bytes, random CSV-ish text in
  any delimiter, quoting, BOM and encoding, vendor headers over random rows, mutated
  fixture exports and XLSX workbooks: they return a table or raise a
  :class:`~disavow.errors.DisavowError` whose message names the file; nothing else;
* URL normalisation (``parse_url``, ``parse_host``, ``host_info``): never raises; what it
  returns is ASCII, canonical and idempotent;
* the disavow writer and merge: output passes ``validate`` without errors, is ASCII
  (except an old file's own lines), within Google's limits, every line a comment, a
  blank, ``domain:<host>`` or an http(s) URL of at most 2,048 characters, and a merge
  keeps the old file's text as a prefix (minus one UTF-8 BOM);
* the pipeline (``score_exports``, ``audit``) on tiny random exports, with the shipped model;
* the CLI on all of the above: exit code 0, 1 or 2, never a traceback.

Real bugs found here are fixed, each with a deterministic regression test in the test
module of the library module it was in.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import TEST_DATA
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from disavow.cli import app
from disavow.disavow_file import (
    GOOGLE_LIMITS,
    MAX_URL_CHARS,
    LineKind,
    format_disavow,
    merge_disavow,
    parse_disavow,
    read_disavow_file,
    validate,
    write_disavow_file,
)
from disavow.errors import DisavowError, InputFormatError, OutputError
from disavow.normalize import read_exports
from disavow.read import read_export
from disavow.urls import host_info, parse_host, parse_url, to_ascii_host

EXPORTS = TEST_DATA / "exports"
TEXT_FIXTURES = sorted(p for p in EXPORTS.iterdir() if p.suffix in {".csv", ".txt"})
runner = CliRunner()

# Budgets: the whole file must stay well under a minute.
FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
QUICK = settings(FAST, max_examples=50)
CHEAP = settings(FAST, max_examples=1000)  # pure functions, microseconds each
MODEL_BUDGET = settings(FAST, max_examples=3)  # ~1 s per example

# A line the writer may produce (the brief's definition; the length is checked apart).
WRITTEN_LINE = re.compile(
    r"#(?:[\x20-\x7e]*[\x21-\x7e])?|domain:[a-z0-9._\-]+|https?://[\x21-\x7e]+|"
)


@pytest.fixture(autouse=True)
def _quiet_logs():
    """parse_disavow logs a warning per odd file; keep fuzzing output readable."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------


def read_or_refuse(path: Path, *, normalise: bool = True) -> None:
    """Read ``path``; the only acceptable failure is a DisavowError naming the file."""
    try:
        if normalise:
            result = read_exports([path])
            assert {"status", "source_url", "domain"} <= set(result.links.columns)
            for report in result.reports:
                assert report.rows_read >= 0 and report.rows_skipped >= 0
        else:
            frame, reports = read_export(path)
            # The rows read, less those the reader skipped (malformed), are the table's.
            assert len(reports) >= 1 and len(frame) == sum(r.rows_read - r.rows_skipped
                                                           for r in reports)
    except DisavowError as exc:
        assert str(path) in str(exc), f"the message does not name the file: {exc}"


def assert_cli_ok(result) -> None:
    """The CLI finished, or stopped with a message: never an unexpected exception."""
    exc = result.exception
    if exc is not None:
        assert isinstance(exc, SystemExit), (
            f"CLI crashed with {type(exc).__name__}: {exc}\n{result.output}"
        )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1 and exc is not None:
        assert result.stderr.strip(), "exit 1 without a message"


def assert_written_lines_ok(data: bytes, new_from: int = 0) -> None:
    """Every line the tool wrote (from ``new_from`` on) is one of the four safe kinds."""
    new = data[new_from:]
    assert new.isascii(), new[:200]
    for line in re.split(rb"\r\n|\r|\n", new):
        text = line.decode("ascii")
        assert WRITTEN_LINE.fullmatch(text), text
        if text.startswith("http"):
            assert len(text) <= MAX_URL_CHARS


def assert_valid_disavow(data: bytes, *, first_new_line: int = 1) -> None:
    """``validate`` finds no error on the lines the tool wrote, nor on the whole file."""
    parsed = parse_disavow(data)
    errors = [
        i for i in validate(parsed)
        if i.severity == "error" and (i.line is None or i.line >= first_new_line)
    ]
    assert errors == [], errors
    assert parsed.n_lines <= GOOGLE_LIMITS.max_lines
    assert len(data) <= GOOGLE_LIMITS.max_bytes


# --------------------------------------------------------------------------------------
# 1. Readers
# --------------------------------------------------------------------------------------

CSV_CHARS = st.sampled_from(
    list("abcxyz09.,;\t|\"' /:=-_%#@?&") + ["\n", "\r", "\r\n", "é", "€", "ß", "中", "\u200b",
                                           "\ufeff", "\x00", "\x85", "\u2028", "ï»¿"]
)
CELL = st.one_of(
    st.lists(CSV_CHARS, max_size=10).map("".join),
    st.text(max_size=12),
    st.sampled_from([
        "", "URL", "url", "Source url", "Referring page URL", "Domain", "Anchor", "Target URL",
        "First seen", "Label", "http://spam.example/a", "https://x.blogspot.com/p?q=1",
        "www.example.org", "example.com", "m\u00fcnchen.de", "1.2.3.4", "javascript:alert(1)",
        "=HYPERLINK(\"http://evil.example\",\"x\")", "null", "-", "n/a", "1,234", "12,5",
        "2024-01-02", "31/12/2023", "Sep 15, 2026", "true", "FALSE", "toxic", "ok", "1e999",
        "nan", "9" * 40, "domain:evil.example", "# comment", "\"", "\"\"", "'", "x" * 3000,
    ]),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]


@FAST
@given(st.binary(max_size=400))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe")
@example(b"\x00" * 10)
@example(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
@example(b"%PDF-1.4\n")
@example(b"\n\n\r\n  \t\n")
def test_random_bytes_never_crash_the_readers(tmp_path, data):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    read_or_refuse(path, normalise=False)
    read_or_refuse(path)


@FAST
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|", " "]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE, "raw"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(ENCODINGS),
    bom=st.booleans(),
    suffix=st.sampled_from([".csv", ".tsv", ".txt", ""]),
)
def test_random_csvish_text_never_crashes_the_readers(
    tmp_path, rows, delimiter, quoting, newline, encoding, bom, suffix
):
    if quoting == "raw":
        text = newline.join(delimiter.join(row) for row in rows)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline,
                            escapechar="\\")
        try:
            writer.writerows(rows)
        except csv.Error:
            text = newline.join(delimiter.join(row) for row in rows)
        else:
            text = buffer.getvalue()
    data = text.encode(encoding, errors="replace")
    if bom and encoding in ("utf-8", "cp1252", "latin-1"):
        data = codecs.BOM_UTF8 + data
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


def _fixture_headers() -> list[tuple[str, list[str]]]:
    """The first lines of every text fixture (header, preamble), decoded."""
    out = []
    for path in TEXT_FIXTURES:
        raw = path.read_bytes()
        for encoding in ("utf-16", "utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if encoding != "utf-16" or raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                break
        out.append((path.name, text.splitlines()[:8]))
    return out


FIXTURE_HEADERS = _fixture_headers()


@FAST
@given(
    fixture=st.sampled_from(FIXTURE_HEADERS),
    head_lines=st.integers(1, 8),
    rows=st.lists(st.lists(CELL, max_size=30), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_vendor_headers_over_random_rows(tmp_path, fixture, head_lines, rows, delimiter, encoding):
    name, lines = fixture
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    text = "\n".join(lines[:head_lines]) + "\n" + buffer.getvalue()
    path = tmp_path / name
    path.write_bytes(text.encode(encoding, errors="replace"))
    read_or_refuse(path)


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate", "swap-lines"]),
        st.floats(0, 1, exclude_max=True),
        st.integers(1, 300),
        st.binary(min_size=1, max_size=8) | st.sampled_from(
            [b'"', b",", b";", b"\t", b"\n", b"\r", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"="]
        ),
    ),
    min_size=1, max_size=10,
)


def mutate(raw: bytes, mutations) -> bytes:
    data = bytearray(raw)
    for op, where, size, payload in mutations:
        if not data:
            break
        i = int(where * len(data))
        if op == "flip":
            data[i] = payload[0]
        elif op == "delete":
            del data[i : i + size]
        elif op == "insert":
            data[i:i] = payload
        elif op == "truncate":
            del data[i:]
        elif op == "duplicate":
            data[i:i] = data[i : i + size]
        else:
            lines = bytes(data).split(b"\n")
            j, k = i % len(lines), size % len(lines)
            lines[j], lines[k] = lines[k], lines[j]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@FAST
@given(st.sampled_from(TEXT_FIXTURES), MUTATIONS)
def test_mutated_fixture_exports_never_crash_the_readers(tmp_path, fixture, mutations):
    path = tmp_path / fixture.name
    path.write_bytes(mutate(fixture.read_bytes(), mutations))
    read_or_refuse(path)


XLSX_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False,
                                                                    allow_infinity=False),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1)),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=15), CELL,
).filter(lambda v: not isinstance(v, str) or not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", v))


@QUICK
@given(
    sheets=st.lists(
        st.tuples(
            st.sampled_from(["Sheet1", "Latest links", "Top linking sites", "Data", "x"]),
            st.lists(st.lists(XLSX_CELL, max_size=6), max_size=6),
        ),
        min_size=1, max_size=3, unique_by=lambda t: t[0],
    )
)
def test_random_xlsx_workbooks_never_crash_the_readers(tmp_path, sheets):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    read_or_refuse(path)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return bytearray(buffer.getvalue())


GOOD_CSV = b"URL\nhttp://spam.example/a\n"


@QUICK
@given(st.dictionaries(
    st.sampled_from(["links.csv", "Latest links.csv", "a/b.tsv", "notes.txt", "x.pdf", ".hidden",
                     "__MACOSX/links.csv", "dir/"]),
    st.one_of(st.binary(max_size=200), st.sampled_from([GOOD_CSV, b"", b"domain:x.com\n"])),
    max_size=4,
))
def test_random_zip_archives_with_intact_members_never_crash(tmp_path, members):
    path = tmp_path / "export.zip"
    path.write_bytes(bytes(_zip(members)))
    read_or_refuse(path)


def _corrupt_zip(kind: str) -> bytes:
    """A zip whose directory opens fine but whose one member cannot be extracted."""
    if kind == "deflate-stream":
        data = _zip({"links.csv": GOOD_CSV}, zipfile.ZIP_DEFLATED)
        data[30 + len("links.csv")] ^= 0xFF
        return bytes(data)
    data = _zip({"links.csv": GOOD_CSV})
    central = data.index(b"PK\x01\x02")
    if kind == "crc":
        data[data.index(b"http")] ^= 1
    elif kind == "encrypted":  # a password-protected export
        data[6] |= 1
        data[central + 8] |= 1
    elif kind == "unsupported-method":
        data[8] = data[central + 10] = 99
    return bytes(data)


@pytest.mark.parametrize("kind", ["crc", "deflate-stream", "encrypted", "unsupported-method"])
def test_damaged_zip_member_is_an_input_error(tmp_path, kind):
    path = tmp_path / "gsc.zip"
    path.write_bytes(_corrupt_zip(kind))
    with pytest.raises(InputFormatError, match="gsc.zip"):
        read_export(path)


def test_truncated_xlsx_sheet_is_an_input_error(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["URL"])
    book.active.append(["http://spam.example/a"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(info.filename, data)
    with pytest.raises(InputFormatError, match="bad.xlsx"):
        read_export(bad)


# --------------------------------------------------------------------------------------
# 2. URL normalisation
# --------------------------------------------------------------------------------------

URL_PIECES = st.sampled_from(
    list("aZ09.-_:/@?#[]%\\ \t\n\x00\u00e9\u4e2d\u00df\u200b\uff21\u3002\ufeff\u0130\u212a")
    + ["http://", "https://", "HTTP://", "//", "xn--", "www.", "::1", "127.0.0.1", ":80",
       ":443", ":8080", ":99999", "blogspot.com", "co.uk", "wordpress.com", "%2e", "..",
       "javascript:", "mailto:", "ftp://", "user:pw@", "[", "]", "\u0661"]
)
URL_TEXT = st.one_of(
    st.lists(URL_PIECES, max_size=20).map("".join),
    st.text(max_size=40),
    st.builds(lambda s, h, p: f"{s}{h}{p}",
              st.sampled_from(["http://", "https://", "", "//", "HTTPS://"]),
              st.from_regex(r"[a-z0-9\-]{1,12}(\.[a-z0-9\-]{1,10}){0,3}", fullmatch=True),
              st.text(max_size=20)),
)


@CHEAP
@given(URL_TEXT)
@example("HTTP://User@WWW.Example.COM:80/A b?q=\u00dc#frag")
@example("http://[::1]:80/")
@example("http://x.com:65536/")
@example("http://a.com\\@b.com/")
@example("\u3002com")
def test_parse_url_never_raises_and_returns_a_canonical_url(raw):
    parsed = parse_url(raw)
    if not parsed.ok:
        assert parsed.url is None and parsed.problem
        return
    url, host = parsed.url, parsed.host
    assert url.isascii() and url.startswith(("http://", "https://"))
    assert not re.search(r"[\s#\x00-\x1f\x7f]", url), url
    assert host is not None and host.isascii() and host == host.lower()
    assert to_ascii_host(host) == host
    again = parse_url(url)
    assert (again.url, again.host) == (url, host), "parse_url is not idempotent"
    info = host_info(host)
    assert info.domain.isascii()
    assert host == info.domain or host.endswith("." + info.domain)


@CHEAP
@given(URL_TEXT)
def test_parse_host_never_raises_and_is_idempotent(raw):
    host = parse_host(raw)
    if host is None:
        return
    assert host.isascii() and host == host.lower() and " " not in host
    assert parse_host(host) == host
    info = host_info(host)
    assert info.domain_line_allowed == (not (info.is_ip or info.is_suffix))
    assert host == info.domain or host.endswith("." + info.domain)


@CHEAP
@given(st.from_regex(r"[a-z0-9_\-]{1,15}(\.[a-z0-9_\-]{1,12}){0,5}", fullmatch=True)
       | st.sampled_from(["blogspot.com", "x.blogspot.com", "a.b.wordpress.com", "co.uk",
                          "[::1]", "1.2.3.4", "xn--mnchen-3ya.de", "com", "a.-"]))
def test_host_info_never_raises_on_any_ascii_host(host):
    info = host_info(host)
    assert info.host == host
    assert host == info.domain or host.endswith("." + info.domain)
    if info.is_free_host:  # a user's site on a platform, never the platform itself
        assert not host_info(info.domain).is_suffix and info.domain_line_allowed


def test_parse_url_with_a_lone_surrogate_does_not_raise():
    parsed = parse_url("http://a.com/\ud800")
    assert not parsed.ok and parsed.problem


# --------------------------------------------------------------------------------------
# 3. Disavow writer, merge, parser, validator
# --------------------------------------------------------------------------------------

HOSTS = st.one_of(
    st.from_regex(r"[a-z0-9\-]{1,12}(\.[a-z0-9\-]{1,10}){1,3}", fullmatch=True),
    st.sampled_from([
        "spam.example", "www.spam.example", "b.spam.example", "x.blogspot.com", "blogspot.com",
        "co.uk", "wordpress.com", "1.2.3.4", "[::1]", "m\u00fcnchen.de", "EXAMPLE.COM",
        "xn--mnchen-3ya.de", "com", "localhost", "a..b", ".x.com", "x.com.",
    ]),
)
HOSTILE_VALUES = st.one_of(
    st.text(max_size=30),
    st.lists(URL_PIECES, max_size=10).map("".join),
    st.sampled_from([
        "evil.com\ndomain:google.com", "evil.com\rdomain:google.com", "# comment", " a.com ",
        "a.com\u2028b.com", "a.com\x85", "\ufeffa.com", "domain:a.com", "http://a.com/x y",
        "http://a.com/\u00e9", "http://a.com\\@b.com/", "javascript:alert(1)", "", "   ",
    ]),
)
URLS = st.one_of(
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
              st.sampled_from(["http", "https", "HTTP", "ftp"]), HOSTS, st.text(max_size=25)),
    st.builds(lambda host, n: f"http://{host}/" + "p" * n, HOSTS, st.integers(2000, 2070)),
    HOSTILE_VALUES,
)
DOMAINS = st.one_of(HOSTS, HOSTILE_VALUES)
HEADERS = st.lists(st.one_of(st.text(max_size=40), HOSTILE_VALUES), max_size=3)


@FAST
@given(st.lists(DOMAINS, max_size=10), st.lists(URLS, max_size=10), HEADERS)
def test_format_disavow_output_is_always_safe_and_valid(domains, urls, headers):
    plan = format_disavow(domains, urls, headers)
    data = plan.data
    assert not data.startswith(codecs.BOM_UTF8)
    assert_written_lines_ok(data)
    assert_valid_disavow(data)
    assert parse_disavow(data).entry_set() == plan.entries
    # Nothing silently vanishes: every value was written, covered, collapsed or rejected.
    assert len(plan.written) == len(plan.entries)


OLD_LINE = st.one_of(
    st.sampled_from([
        "# comment", "", "  ", "domain:old.com", "domain:Old.COM", "http://Old.com/P?Q=1#f",
        "domain:co.uk", "caf\u00e9 \u2014 list", "  domain:x.com", "domain:x.com # note",
        "\"domain:q.com\"", "no-scheme.com/page", "domain:spam.example", "#\u00e9",
    ]),
    st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]), max_size=25),
)


def _old_file_bytes(lines, endings, final_newline, encoding, bom):
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=False))
    if not final_newline and lines:
        text = text.rstrip("\r\n")
    if encoding == "utf-8":
        data = text.encode("utf-8")
        return (codecs.BOM_UTF8 + data) if bom else data
    if encoding == "utf-16":
        return text.encode("utf-16")
    return text.encode("cp1252", errors="replace")


@FAST
@given(
    lines=st.lists(OLD_LINE, max_size=10),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=10, max_size=10),
    final_newline=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
    bom=st.booleans(),
    domains=st.lists(DOMAINS, max_size=6),
    urls=st.lists(URLS, max_size=6),
    headers=HEADERS,
    block_comment=st.none() | st.text(max_size=30),
)
def test_merge_never_drops_an_old_line_and_writes_only_safe_lines(
    lines, endings, final_newline, encoding, bom, domains, urls, headers, block_comment
):
    data = _old_file_bytes(lines, endings, final_newline, encoding, bom)
    try:
        old = parse_disavow(data, source="current.txt")
    except InputFormatError as exc:
        assert "current.txt" in str(exc)
        return
    result = merge_disavow(old, domains, urls, headers, block_comment=block_comment)
    old_bytes = old.text.encode("utf-8")
    assert result.data.startswith(old_bytes)  # old bytes kept, minus a UTF-8 BOM
    assert result.data[result.new_from :].isascii()
    assert result.new_from >= len(old_bytes)
    if result.added:
        assert_written_lines_ok(result.data, result.new_from)
    else:
        assert result.data == old_bytes
    reparsed = parse_disavow(result.data)
    assert [line.text for line in reparsed.lines[: len(old.lines)]] == [o.text for o in old.lines]
    assert reparsed.entry_set() == result.entries == old.entry_set() | set(result.added)
    assert_valid_disavow(result.data, first_new_line=len(old.lines) + 1)
    for line in reparsed.lines[len(old.lines) :]:
        assert line.kind is not LineKind.INVALID


@FAST
@given(st.binary(max_size=300))
@example(codecs.BOM_UTF8 + b"domain:a.com")
@example(b"\xff\xfe" + "domain:a.com\r\n".encode("utf-16-le"))
@example(b"\x00\x00\xfe\xff")
@example(b"\xff\xfe\x00\x00")
def test_parse_and_validate_any_bytes(data):
    try:
        parsed = parse_disavow(data, source="some.txt")
    except InputFormatError as exc:
        assert "some.txt" in str(exc)
        return
    assert "".join(line.text + line.ending for line in parsed.lines) == parsed.text
    for issue in validate(parsed):
        assert issue.severity in ("error", "warning") and issue.message
        assert issue.line is None or 1 <= issue.line <= parsed.n_lines
        if issue.replacement is not None:
            fixed = parse_disavow(issue.replacement.encode("utf-8")).lines[0]
            assert fixed.kind is not LineKind.INVALID, (issue, fixed)


@QUICK
@given(st.lists(DOMAINS, max_size=6), st.lists(URLS, max_size=6), st.binary(max_size=120))
def test_written_file_round_trips_through_disk_and_the_cli(tmp_path_factory, domains, urls, old):
    folder = tmp_path_factory.mktemp("w")
    try:
        existing = parse_disavow(old, source="current.txt")
    except InputFormatError:
        existing = None
    result = merge_disavow(existing, domains, urls, ["fuzz"], block_comment="Added")
    path = folder / "disavow.txt"
    written = write_disavow_file(path, result)
    assert path.read_bytes() == result.data and written.data == result.data
    assert [p.name for p in folder.iterdir()] == ["disavow.txt"]  # no temp file left
    with pytest.raises(OutputError):
        write_disavow_file(path, result)  # never overwritten without asking
    for args in (["validate", str(path)], ["diff", str(path), str(path)]):
        assert_cli_ok(runner.invoke(app, args))


@pytest.mark.parametrize("text", ["%PDF-1.4\ndomain:a.com\n", "domain:a.com\n\x00\n"])
def test_utf16_old_file_is_refused_up_front_or_merges(text):
    data = text.encode("utf-16")
    try:
        old = parse_disavow(data, source="current.txt")
    except InputFormatError as exc:
        assert "current.txt" in str(exc)
        return
    result = merge_disavow(old, ["new-spam.example"], block_comment="Added")
    result.verify()


# --------------------------------------------------------------------------------------
# 4. The CLI on random input (cheap commands: no model)
# --------------------------------------------------------------------------------------


@QUICK
@given(st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=6).map(
        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "replace")),
))
def test_cli_inspect_and_normalize_never_print_a_traceback(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("cli")
    export = folder / "export.csv"
    export.write_bytes(data)
    assert_cli_ok(runner.invoke(app, ["inspect", str(export)]))
    result = runner.invoke(app, ["normalize", str(export), "--out", str(folder / "out.csv")])
    assert_cli_ok(result)
    if result.exit_code == 1:
        assert "export.csv" in result.stderr or "out.csv" in result.stderr


@QUICK
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_cli_validate_and_diff_never_print_a_traceback(tmp_path_factory, old, new):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "old.txt").write_bytes(old)
    (folder / "new.txt").write_bytes(new)
    result = runner.invoke(app, ["validate", str(folder / "old.txt")])
    assert_cli_ok(result)
    assert_cli_ok(runner.invoke(app, ["diff", str(folder / "old.txt"), str(folder / "new.txt")]))


@QUICK
@given(st.lists(st.text(max_size=15) | st.sampled_from(["--site", "--out", "--level", "x.csv",
                                                        "--threshold", "2", "-q", "--force"]),
                max_size=5))
def test_cli_random_arguments_never_print_a_traceback(tmp_path_factory, args):
    assume(not any(a in ("--help", "--version") for a in args))
    with contextlib.chdir(tmp_path_factory.mktemp("args")):  # nothing lands in the repo
        result = runner.invoke(app, ["audit", *args])
    assert_cli_ok(result)


def test_cli_error_message_with_a_closing_markup_tag_is_not_a_crash(tmp_path):
    export = tmp_path / "odd.csv"
    export.write_text("colour,[/x]\nred,3\n", "utf-8")
    result = runner.invoke(app, ["inspect", str(export)])
    assert_cli_ok(result)
    assert result.exit_code == 1 and "[/x]" in result.stderr


def test_cli_error_message_names_the_file_exactly(tmp_path):
    missing = tmp_path / "[bold]links.csv"
    result = runner.invoke(app, ["inspect", str(missing)])
    assert result.exit_code == 1
    assert str(missing) in result.stderr


# --------------------------------------------------------------------------------------
# 5. The pipeline on tiny random exports, with the shipped model
# --------------------------------------------------------------------------------------

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SITES = ["example.com", "shop.example.co.uk", "m\u00fcnchen.de", "my-site.blogspot.com"]
LINK_HOSTS = st.one_of(
    HOSTS,
    st.sampled_from(["example.com", "www.example.com", "blog.example.com", "spam.blogspot.com",
                     "casino-bonus-777.xyz", "google.com", "github.com", "medium.com",
                     "x.wordpress.com", "a.b.c.d.e.f.example.net", "10.0.0.1", "[2001:db8::1]"]),
)
LINK_URLS = st.one_of(
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
              st.sampled_from(["http", "https"]), LINK_HOSTS, st.text(max_size=15)),
    LINK_HOSTS,  # a bare domain: a domain row
    HOSTILE_VALUES,
)
ROW = st.tuples(
    LINK_URLS,
    st.one_of(st.text(max_size=20), st.sampled_from(["casino", "click here", "example", ""])),
    st.sampled_from(["", "https://example.com/", "https://example.com/page"]),
    st.sampled_from(["", "2024-01-02", "31/12/2023", "garbage", "2099-12-31"]),
    st.sampled_from(["", "toxic", "ok"]),
)
HEADER_LAYOUTS = [
    ["URL", "Anchor", "Target URL", "First seen", "Note"],
    ["Referring page URL", "Anchor", "Target URL", "First seen", "x"],
    ["Source url", "Anchor", "Target url", "First seen", "y"],
]


def _export_bytes(header, rows, delimiter, encoding) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


TINY_EXPORT = st.builds(
    _export_bytes,
    st.sampled_from(HEADER_LAYOUTS),
    st.lists(ROW, min_size=1, max_size=12),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)


class _Quiet:
    """Wraps the loaded model so a failing example does not print 50 kB of its repr."""

    def __init__(self, value):
        self.value = value

    def __repr__(self) -> str:
        return "<the shipped model>"


@pytest.fixture(scope="module")
def shipped():
    from disavow.model import load_model

    return _Quiet(load_model())


# The smallest export that shows it; run first by every property below.
ONE_URL_EXPORT = b"URL\nhttp://spam.example/\n"


def test_score_exports_on_an_export_without_any_text(tmp_path, shipped):
    from disavow.pipeline import score_exports

    path = tmp_path / "export.csv"
    path.write_bytes(ONE_URL_EXPORT)
    scored = score_exports([path], site="example.com", model=shipped.value)
    assert list(scored.domains.index) == ["spam.example"]


@pytest.mark.slow
@MODEL_BUDGET
@given(data=TINY_EXPORT, site=st.sampled_from(SITES), level=st.sampled_from(["auto", "domain",
                                                                              "url"]))
@example(data=ONE_URL_EXPORT, site="example.com", level="auto")
def test_score_exports_on_tiny_random_exports(tmp_path_factory, shipped, data, site, level):
    from disavow.pipeline import score_exports

    path = tmp_path_factory.mktemp("score") / "export.csv"
    path.write_bytes(data)
    try:
        scored = score_exports([path], site=site, model=shipped.value, level=level)
    except DisavowError as exc:
        assert "export.csv" in str(exc)
        return
    domains, links = scored.domains, scored.links
    assert domains["score"].between(0, 1).all() and links["score"].between(0, 1).all()
    assert set(domains["decision"]) <= {"disavow", "review", "keep"}
    own = parse_host(site)
    own_domain = host_info(own).domain
    mine = domains.index.to_series().map(
        lambda d: d == own_domain or str(d).endswith("." + own_domain))
    assert domains.loc[mine, "decision"].eq("keep").all(), "the audited site was disavowed"
    scored.links_output()
    scored.domains_output()


@pytest.mark.slow
@MODEL_BUDGET
@given(data=TINY_EXPORT, site=st.sampled_from(SITES), old=st.binary(max_size=100)
       | st.sampled_from([b"", b"# mine\ndomain:old-spam.example\n", b"domain:co.uk\r\n"]))
@example(data=ONE_URL_EXPORT, site="example.com", old=b"")
def test_audit_on_tiny_random_exports_writes_a_valid_disavow_file(
    tmp_path_factory, shipped, data, site, old
):
    from disavow.pipeline import OUTPUT_FILES, audit

    folder = tmp_path_factory.mktemp("audit")
    export = folder / "export.csv"
    export.write_bytes(data)
    current = folder / "current.txt"
    current.write_bytes(old)
    out = folder / "out"
    try:
        result = audit([export], site=site, out_dir=out, existing=current, model=shipped.value,
                       now=NOW)
    except DisavowError as exc:
        assert "export.csv" in str(exc) or "current.txt" in str(exc), exc
        assert not (out / "disavow.txt").exists()
        return
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    written = (out / "disavow.txt").read_bytes()
    old_text = read_disavow_file(current).text.encode("utf-8")
    assert written.startswith(old_text)
    if written != old_text:
        start = len(parse_disavow(old_text).lines) + 1
        assert_written_lines_ok(written, len(old_text))
        assert_valid_disavow(written, first_new_line=start)
    own_domain = host_info(parse_host(site)).domain
    for line in written[len(old_text):].decode("ascii").splitlines():
        if line.startswith("domain:"):
            host = line[len("domain:"):]
            assert host != own_domain and not host.endswith("." + own_domain), line
            assert not host_info(host).is_suffix
    assert result.summary["disavow_file"]["bytes"] == len(written)


@pytest.mark.slow
@settings(MODEL_BUDGET, max_examples=2)
@given(data=TINY_EXPORT, site=st.sampled_from(SITES + ["not a site", "", "co.uk"]))
@example(data=ONE_URL_EXPORT, site="example.com")
def test_cli_audit_on_tiny_random_exports_never_prints_a_traceback(tmp_path_factory, shipped,
                                                                   data, site):
    folder = tmp_path_factory.mktemp("cli-audit")
    export = folder / "export.csv"
    export.write_bytes(data)
    result = runner.invoke(app, ["audit", str(export), "--site", site, "--out",
                                 str(folder / "out"), "--quiet"])
    assert_cli_ok(result)
    if result.exit_code == 0:
        assert (folder / "out" / "disavow.txt").exists()
