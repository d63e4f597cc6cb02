"""disavow.disavow_file: read real files losslessly, write only safe lines, merge without loss."""

import codecs
import re

import pytest
from conftest import SHARED, TEST_DATA
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from disavow.disavow_file import (
    GOOGLE_LIMITS,
    Entry,
    Limits,
    LineKind,
    diff_disavow,
    doubtful_entries,
    format_disavow,
    lines_joined_by_cr,
    merge_disavow,
    parse_disavow,
    read_disavow_file,
    validate,
    write_disavow_file,
)
from disavow.errors import InputFormatError, OutputError
from disavow.urls import parse_url, to_ascii_host

FIXTURES = TEST_DATA / "disavow"
SAMPLES = sorted((SHARED / "data" / "format_samples").glob("site_disavow_*.txt"))
# A line the writer may produce: a comment, a blank, a domain: entry or an http(s) URL.
SAFE_LINE = re.compile(
    r"#(?:[\x20-\x7e]*[\x21-\x7e])?|domain:[a-z0-9._\-\[\]:]+|https?://[\x21-\x7e]+|"
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def lines_of(data: bytes) -> list[str]:
    return data.decode("ascii").split("\n")[:-1]


def assert_safe_new_file(data: bytes, limits: Limits = GOOGLE_LIMITS) -> None:
    """What every file the writer makes must be: ASCII, LF, no BOM, safe lines, in budget."""
    assert data.isascii()
    assert not data.startswith(codecs.BOM_UTF8)
    assert b"\r" not in data and data.endswith(b"\n")
    for line in lines_of(data):
        assert SAFE_LINE.fullmatch(line), line
    parsed = parse_disavow(data)
    assert [i for i in validate(parsed, limits=limits) if i.severity == "error"] == []
    assert parsed.n_lines <= limits.max_lines and len(data) <= limits.max_bytes


def covered(entry: Entry, written: frozenset[Entry]) -> bool:
    """Whether ``written`` disavows ``entry`` (itself, or via a domain: entry)."""
    if entry in written:
        return True
    domains = {e.value for e in written if e.kind == "domain"}
    labels = entry.host.split(".")
    start = 1 if entry.kind == "domain" else 0
    return any(".".join(labels[i:]) in domains for i in range(start, len(labels)))


def assert_nothing_lost(plan, domains, urls) -> None:
    """Every input value is either written, covered by a written domain: entry, or rejected."""
    rejected = {r.value for r in plan.rejected}
    for raw in domains:
        if str(raw) not in rejected:
            assert covered(Entry.for_domain(to_ascii_host(raw)), plan.entries), raw
    for raw in urls:
        if str(raw) not in rejected:
            parsed = parse_url(raw.strip())
            assert covered(Entry.for_url(parsed.url, parsed.host), plan.entries), raw


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------


def test_parse_classifies_lines_and_keeps_them_exactly():
    data = (
        b"# header\r\n\r\ndomain:Spam.EXAMPLE.com\r\n  domain:m\xc3\xbcnchen.de  \r\n"
        b"http://www.links.com/Page?id=7#Top\r\nHTTPS://Links.com/a b\r\n#no space\r\n"
    )
    f = parse_disavow(data)
    kinds = [line.kind for line in f.lines]
    assert kinds == [
        LineKind.COMMENT, LineKind.BLANK, LineKind.DOMAIN, LineKind.DOMAIN,
        LineKind.URL, LineKind.INVALID, LineKind.COMMENT,
    ]  # fmt: skip
    assert [line.line for line in f.lines] == list(range(1, 8))
    assert f.lines[2].value == "spam.example.com"
    assert f.lines[3].value == "xn--mnchen-3ya.de"
    assert f.lines[3].issue.code == "entry-whitespace"  # valid, but with a warning
    url = f.lines[4]
    assert url.value == "http://www.links.com/Page?id=7#Top"  # as written: case and fragment kept
    assert url.normalized == "http://www.links.com/Page?id=7"
    assert f.lines[5].issue.replacement == "https://links.com/a%20b"
    assert f.newline == "\r\n" and f.ends_with_newline
    assert "".join(line.text + line.ending for line in f.lines) == f.text
    assert f.text.encode() == data
    assert [str(e) for e in sorted(f.entry_set())] == [
        "domain:spam.example.com", "domain:xn--mnchen-3ya.de", "http://www.links.com/Page?id=7",
    ]  # fmt: skip


def test_only_a_leading_hash_makes_a_comment():
    f = parse_disavow("http://x.com/page#section\n   # indented\nhttp://x.com/a #note\n")
    assert f.lines[0].kind is LineKind.URL
    assert f.lines[1].kind is LineKind.COMMENT and f.lines[1].issue.severity == "warning"
    assert f.lines[2].kind is LineKind.INVALID and f.lines[2].issue.code == "inline-comment"
    assert f.lines[2].issue.replacement == "http://x.com/a"


# The malformed lines of formats.md 1.12 and friends: (line, code, repair). ``None`` as
# code means the line is valid; "~code" means valid with that warning.
MALFORMED = {
    2: ("domain-path", "domain:spam.example"),
    3: ("domain-leading-dot", "domain:leading-dot.example"),
    4: ("domain-url", "domain:url-inside.example"),
    5: ("domain-port", "domain:ports.example"),
    6: ("~domain-www", "domain:www-only.example"),
    7: ("quoted", "domain:quoted.example"),
    8: ("url-no-scheme", "http://no-scheme.example/page"),
    9: ("domain-suffix", None),
    10: ("domain-suffix", None),
    11: ("domain-suffix", None),
    12: ("whitespace", "domain:space.example"),
    13: ("inline-comment", "domain:inline.example"),
    14: (None, None),  # a URL with a fragment
    15: ("~comment-indented", "# indented comment"),
    16: ("url-scheme", None),
    17: ("url-invalid", None),
    18: ("url-no-scheme", "domain:bare-host.example"),
    19: ("url-too-long", "domain:long.example"),
    20: ("wildcard", "domain:wild.example"),
    21: ("domain-wildcard", "domain:wild.example"),
    22: ("several-entries", None),
    23: ("whitespace", "domain:joined.example"),  # a BOM in the middle of the file
    24: ("~domain-prefix-case", "domain:upper.example"),
    25: ("~domain-ip", None),
    26: ("url-scheme", None),
}


def test_malformed_lines_are_recognised_with_repairs():
    f = read_disavow_file(FIXTURES / "malformed.txt")
    assert len(f.lines) == 26
    for line in f.lines[1:]:
        code, repair = MALFORMED[line.line]
        if code is None:
            assert line.issue is None and line.entry is not None, line
            continue
        assert line.issue is not None, line
        assert line.issue.code == code.lstrip("~"), line
        assert (line.kind is LineKind.INVALID) == (not code.startswith("~")), line
        assert line.issue.severity == ("warning" if code.startswith("~") else "error")
        assert line.issue.replacement == repair, line
        assert line.issue.suggestion, line
        if repair is not None:  # a repair is itself a valid line
            assert parse_disavow(repair + "\n").lines[0].kind is not LineKind.INVALID


def test_public_suffix_entries_are_errors_without_a_repair():
    for value in ("domain:org.br", "domain:pages.dev", "domain:blogspot.com", "domain:co.uk",
                  "domain:com", "domain:wordpress.com"):  # fmt: skip
        line = parse_disavow(value).lines[0]
        assert line.kind is LineKind.INVALID and line.issue.code == "domain-suffix", value
    assert parse_disavow("domain:spam.blogspot.com").lines[0].kind is LineKind.DOMAIN


MALFORMED_HOSTS = ("a.-", "256.1.1.1", "-spam.com", "spam-.com", "www.spam-.com", "xn--.com",
                   "spam.c0m")


def test_malformed_hosts_are_errors_and_never_written():
    # One bad line may make Google refuse the whole upload, so the writer
    # refuses what the validator calls an error.
    for host in MALFORMED_HOSTS:
        for line in (f"domain:{host}", f"http://{host}/page"):
            parsed = parse_disavow(line).lines[0]
            assert parsed.kind is LineKind.INVALID, line
            assert parsed.issue.severity == "error" and "not a valid host name" in \
                parsed.issue.message, line
    plan = format_disavow(domains=[*MALFORMED_HOSTS, "spam.com"],
                          urls=[f"http://{h}/p" for h in MALFORMED_HOSTS])
    assert plan.data.decode().splitlines()[-1] == "domain:spam.com"
    rejected = {(r.value, r.kind) for r in plan.rejected}
    assert rejected == {(h, "domain") for h in MALFORMED_HOSTS} | {
        (f"http://{h}/p", "url") for h in MALFORMED_HOSTS}
    assert all("not a valid host name" in r.reason for r in plan.rejected)
    # Looser rules below the registered name stay accepted.
    kept = format_disavow(domains=["name-.tumblr.com", "a-.spam.com", "1.2.3.4"],
                          urls=["http://sub-.spam.net/p", "http://1.2.3.4/p"])
    assert "domain:name-.tumblr.com" in kept.data.decode()
    assert "http://1.2.3.4/p" in kept.data.decode()


def test_encodings_bom_and_line_endings():
    bom = read_disavow_file(FIXTURES / "crlf_bom.txt")
    assert bom.has_bom and bom.encoding == "utf-8" and bom.newline == "\r\n"
    assert bom.lines[0].text == "# Disavow file (BOM, CRLF)"
    assert bom.text.encode() == bom.data[3:]

    cp = read_disavow_file(FIXTURES / "cp1252.txt")
    assert cp.encoding == "cp1252" and cp.warnings
    assert cp.lines[0].text == "# Disavow \u2013 caf\u00e9 list"
    assert cp.lines[2].normalized == "http://shop.example/caf%C3%A9"

    cr = read_disavow_file(FIXTURES / "cr_only.txt")
    assert cr.newline == "\r" and [line.kind for line in cr.lines] == [
        LineKind.COMMENT, LineKind.DOMAIN, LineKind.URL,
    ]  # fmt: skip
    mixed = read_disavow_file(FIXTURES / "mixed_endings.txt")
    assert mixed.newline == "\r\n"
    assert [line.ending for line in mixed.lines] == ["\r\n", "\n", "\r\n", "\r\n"]
    last = read_disavow_file(FIXTURES / "no_final_newline.txt")
    assert not last.ends_with_newline and last.lines[-1].ending == ""

    utf16 = parse_disavow("\ufeff# notepad\r\ndomain:a.com\r\n".encode("utf-16"))
    assert utf16.encoding == "utf-16" and utf16.lines[1].value == "a.com"


def test_undefined_cp1252_bytes_still_decode():
    f = parse_disavow(b"# \x81\x8d\x8f\x90\x9d \xff\ndomain:a.com\n")
    assert f.encoding == "cp1252" and f.lines[1].value == "a.com"


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04rest", b"\xd0\xcf\x11\xe0....", b"%PDF-1.4", b"{\\rtf1\\ansi x}", b"a\x00b\n"],
)
def test_binary_files_are_refused(data):
    with pytest.raises(InputFormatError, match="plain"):
        parse_disavow(data, source="upload.xlsx")


def test_read_missing_file(tmp_path):
    with pytest.raises(InputFormatError, match="cannot read"):
        read_disavow_file(tmp_path / "nope.txt")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_parse_losslessly_or_are_refused(data):
    try:
        f = parse_disavow(data)
    except InputFormatError:
        return
    assert "".join(line.text + line.ending for line in f.lines) == f.text
    if f.encoding == "utf-8":
        assert f.text.encode() == (data[3:] if f.has_bom else data)
    validate(f)  # never raises


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def test_validate_reports_duplicates_and_coverage():
    f = parse_disavow(
        "# x\ndomain:spam.com\nhttp://www.spam.com/a\ndomain:sub.spam.com\n"
        "HTTP://other.com/p#frag\nhttp://other.com/p\ndomain:Spam.com\n"
    )
    found = [(i.line, i.code) for i in validate(f)]
    assert found == [
        (3, "covered-by-domain"), (4, "covered-by-domain"), (6, "duplicate"), (7, "duplicate"),
    ]  # fmt: skip
    assert all(i.severity == "warning" for i in validate(f))


def test_validate_warns_of_a_domain_line_on_a_whole_established_platform():
    # Public blocklists pasted into disavow files carry youtube.com and sites.google.com.
    f = parse_disavow("domain:youtube.com\ndomain:sites.google.com\ndomain:www.github.com\n"
                      "domain:spam.github.io\nhttps://www.youtube.com/spam\ndomain:spam.com\n")
    found = [(i.line, i.code) for i in validate(f) if i.severity == "warning"]
    assert found == [(1, "platform"), (2, "platform"), (3, "domain-www"), (3, "platform"),
                     (5, "covered-by-domain")]
    assert "a domain: line on github.com, an established platform" in validate(f)[3].message


def test_validate_whole_file_checks():
    small = Limits(max_lines=3, max_bytes=40)
    f = parse_disavow("# a\n\n\ndomain:a.com\ndomain:b.com\n")
    codes = {i.code: i for i in validate(f, limits=small)}
    assert codes["too-many-lines"].severity == "error" and codes["too-many-lines"].line is None
    assert "blank and comment lines count" in codes["too-many-lines"].message
    assert "too-many-bytes" not in codes
    assert "too-many-bytes" in {i.code for i in validate(f, limits=Limits(10, 20))}
    assert {i.code for i in validate(f)} == set()

    assert {i.code for i in validate(read_disavow_file(FIXTURES / "cp1252.txt"))} >= {"not-utf8"}
    bom = {i.code: i for i in validate(read_disavow_file(FIXTURES / "crlf_bom.txt"))}
    assert bom["bom"].severity == "warning" and "first entry" not in bom["bom"].message
    entry_first = validate(parse_disavow(codecs.BOM_UTF8 + b"domain:a.com\n"))
    assert "first entry" in next(i for i in entry_first if i.code == "bom").message
    assert "cr-line-endings" in {
        i.code for i in validate(read_disavow_file(FIXTURES / "cr_only.txt"))
    }
    assert [i.code for i in validate(parse_disavow("# only comments\n"))] == ["no-entries"]


def test_validate_real_samples_has_no_crash_and_flags_known_mistakes():
    if not SAMPLES:
        pytest.skip("../shared/data/format_samples is not available")
    codes = {p.name: {i.code for i in validate(read_disavow_file(p))} for p in SAMPLES}
    flagged = set().union(*codes.values())
    assert {"domain-suffix", "url-no-scheme", "duplicate", "domain-www"} <= flagged


# --------------------------------------------------------------------------------------
# Writing a new file
# --------------------------------------------------------------------------------------


def test_format_layout_dedupe_and_subsumption():
    plan = format_disavow(
        domains=["Spam.com", "spam.com", "sub.spam.com", "m\u00fcnchen.de", "b-spam.net"],
        urls=[
            "http://www.spam.com/x", "https://Other.com/B?q=1#frag", "https://other.com/B?q=1",
            "http://other.com/caf\u00e9 ", "http://m\u00fcnchen.de/p",
        ],
        header_lines=["disavow 0.1.0 - model test", "# already a comment", ""],
    )  # fmt: skip
    assert plan.text == (
        "# disavow 0.1.0 - model test\n"
        "# already a comment\n"
        "#\n"
        "\n"
        "domain:b-spam.net\n"
        "domain:spam.com\n"
        "domain:xn--mnchen-3ya.de\n"
        "http://other.com/caf%C3%A9\n"
        "https://other.com/B?q=1\n"
    )
    assert plan.n_duplicates == 2
    assert sorted((str(c.entry), c.by) for c in plan.covered) == [
        ("domain:sub.spam.com", "spam.com"),
        ("http://www.spam.com/x", "spam.com"),
        ("http://xn--mnchen-3ya.de/p", "xn--mnchen-3ya.de"),
    ]
    assert plan.written == tuple(sorted(plan.entries))
    assert_safe_new_file(plan.data)


def test_format_default_header_and_empty_input():
    plan = format_disavow()
    assert plan.text.startswith("# Disavow file written by disavow ") and plan.text.count("\n") == 1
    assert plan.entries == frozenset()


HOSTILE_DOMAINS = [
    "evil.com\ndomain:google.com", "evil.com\rdomain:google.com", "evil.com\u2028google.com",
    "=HYPERLINK(\"http://evil.com\",\"x\")", "<script>alert(1)</script>", "javascript:alert(1)",
    "co.uk", "blogspot.com", "com", "pages.dev", "# comment", "domain:evil.com", "*.evil.com",
    "evil.com/path", "1.2.3.4", "[2001:db8::1]", "localhost", "", "   ", None, 3.5,
    "evil .com", "evil.com\x00", "\ufeffevil.com",
]  # fmt: skip
HOSTILE_URLS = [
    "http://evil.com/\ndomain:google.com", "http://evil.com/\r\nhttp://google.com/",
    "http://evil.com/a\u2028b", "http://evil.com/a\u0085b", "=HYPERLINK(\"http://evil.com\")",
    "<script>alert(1)</script>", "javascript:alert(1)", "JAVASCRIPT://evil.com/%0a",
    "ftp://evil.com/x", "evil.com/no-scheme", "//evil.com/x", "# http://evil.com/",
    "http://evil.com\\@google.com/", "http:///evil.com", "http://", "http://co.uk/",
    "http://evil.com/a b", "\thttp://evil.com/tabbed", None, "",
]  # fmt: skip


def test_hostile_values_never_inject_a_line():
    plan = format_disavow(HOSTILE_DOMAINS, HOSTILE_URLS, ["site\ndomain:google.com", "\x1b[31m"])
    assert_safe_new_file(plan.data)
    assert "google" not in plan.text.replace("# site domain:google.com", "")
    assert plan.text.startswith("# site domain:google.com\n# [31m\n")
    accepted = {str(e) for e in plan.entries}
    assert accepted == {"http://co.uk/", "http://evil.com/tabbed"}
    rejected = {r.value for r in plan.rejected}
    assert len(plan.rejected) == len(HOSTILE_DOMAINS) + len(HOSTILE_URLS) - 2
    assert "http://evil.com\\@google.com/" in rejected
    reasons = {r.value: r.reason for r in plan.rejected}
    assert "public suffix" in reasons["co.uk"] and "public suffix" in reasons["blogspot.com"]
    assert "IP address" in reasons["1.2.3.4"]
    assert "http" in reasons["javascript:alert(1)"]
    assert "whitespace or control" in reasons["http://evil.com/\ndomain:google.com"]


def test_hostile_values_that_are_legal_are_encoded_into_one_line():
    plan = format_disavow(
        ["M\u00dcNCHEN.de", "\u4f8b\u5b50.\u4e2d\u56fd"],
        ["http://evil.com/%0Adomain:google.com", "http://evil.com/<script>alert(1)</script>",
         "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/\u043f\u0443\u0442\u044c?q=\u00fc",
         "http://user:pw@evil.com:80/=HYPERLINK(1)"],
    )  # fmt: skip
    assert_safe_new_file(plan.data)
    assert plan.rejected == ()
    assert set(lines_of(plan.data)[2:]) == {
        "domain:xn--mnchen-3ya.de",
        "domain:xn--fsqu00a.xn--fiqs8s",
        "http://evil.com/%0Adomain:google.com",
        "http://evil.com/%3Cscript%3Ealert(1)%3C/script%3E",
        "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=%C3%BC",
        "http://evil.com/=HYPERLINK(1)",
    }


def test_an_ipv6_zone_id_is_rejected_not_an_internal_error():
    # Found by fuzzing: 'http://[::1%\u00e9]/x' parsed as a URL with a non-ASCII host,
    # and format_disavow then refused the whole file with "internal error".
    plan = format_disavow([], ["http://[::1%\u00e9]/x", "http://[fe80::1%25eth0]/", "http://[::1]/"])
    assert_safe_new_file(plan.data)
    assert {str(e) for e in plan.entries} == {"http://[::1]/"}
    assert {r.value for r in plan.rejected} == {"http://[::1%\u00e9]/x", "http://[fe80::1%25eth0]/"}


def test_long_urls_fall_back_to_a_domain_entry_and_are_never_truncated():
    long = "http://www.spam.com/" + "a" * 3000
    long_ip = "http://1.2.3.4/" + "b" * 3000
    fits = "http://ok.com/" + "c" * (2048 - len("http://ok.com/"))
    plan = format_disavow([], [long, long_ip, fits, "http://www.spam.com/short"])
    assert {str(e) for e in plan.entries} == {"domain:spam.com", fits}
    assert [(c.domain, c.n_urls, c.reason) for c in plan.collapsed] == [("spam.com", 1, "long-url")]
    assert [r.value for r in plan.rejected] == [long_ip]
    assert "2,048" in plan.rejected[0].reason
    assert_safe_new_file(plan.data)
    assert all(len(line) <= 2048 for line in lines_of(plan.data))


def test_a_long_url_becomes_a_domain_entry_only_for_a_site_that_may_be_whole():
    google = "https://www.google.com/url?q=" + "a" * 2100
    forum = "https://www.bigforum.co.uk/profile/x?" + "b" * 2100
    spam = "https://spam.com/p?" + "c" * 2100
    plan = format_disavow([], [google, forum, spam], may_collapse={"spam.com"})
    assert {str(e) for e in plan.entries} == {"domain:spam.com"}
    assert [r.value for r in plan.rejected] == [google, forum]
    assert "google.com may not be disavowed as a whole" in plan.rejected[0].reason
    # Without may_collapse, an established platform is still never whole.
    plan = format_disavow([], [google, forum])
    assert {str(e) for e in plan.entries} == {"domain:bigforum.co.uk"}
    merged = merge_disavow(parse_disavow("domain:old.com\n"), urls=[forum], may_collapse=set())
    assert not merged.added and [r.value for r in merged.rejected] == [forum]


def test_collapse_urls_over_a_per_host_threshold():
    urls = [f"http://a{i % 2}.spam.com/{i}" for i in range(5)] + ["http://x.blogspot.com/1"]
    urls += ["http://1.2.3.4/a", "http://1.2.3.4/b", "http://1.2.3.4/c", "http://blogspot.com/a"]
    urls += ["http://blogspot.com/b"]
    plan = format_disavow(["a0.spam.com"], urls, collapse_urls_over=1)
    assert [(c.domain, c.n_urls, c.reason) for c in plan.collapsed] == [("spam.com", 2, "per-host")]
    # IP addresses and platform roots are never collapsed into a domain: entry; the
    # new domain:spam.com also makes the explicit domain:a0.spam.com redundant.
    assert {str(e) for e in plan.entries} == {
        "domain:spam.com", "http://x.blogspot.com/1", "http://1.2.3.4/a", "http://1.2.3.4/b",
        "http://1.2.3.4/c", "http://blogspot.com/a", "http://blogspot.com/b",
    }  # fmt: skip
    assert_nothing_lost(plan, ["a0.spam.com"], urls)


def test_budget_collapses_biggest_sites_first():
    urls = [f"http://big.com/{i}" for i in range(6)] + [f"http://mid.com/{i}" for i in range(3)]
    urls += ["http://one.com/1", "http://two.com/2"]
    full = format_disavow([], urls, ["h"])
    assert full.n_lines == 2 + 11
    plan = format_disavow([], urls, ["h"], limits=Limits(max_lines=9, max_bytes=10_000))
    assert [(c.domain, c.reason) for c in plan.collapsed] == [("big.com", "budget")]
    assert plan.n_lines == 8
    plan = format_disavow([], urls, ["h"], limits=Limits(max_lines=6, max_bytes=10_000))
    assert [c.domain for c in plan.collapsed] == ["big.com", "mid.com"]
    assert_nothing_lost(plan, [], urls)
    with pytest.raises(OutputError, match="--level domain") as info:
        format_disavow([], urls, ["h"], limits=Limits(max_lines=4, max_bytes=10_000))
    assert "Raise the toxicity threshold" in str(info.value)


def test_budget_never_collapses_a_platform_or_a_site_outside_may_collapse():
    urls = [f"https://www.google.com/spam{i}" for i in range(4)]
    urls += [f"https://sites.google.com/view/spam{i}" for i in range(4)]
    urls += [f"https://forum.net/profile/{i}" for i in range(3)] + ["http://spam.com/1"]
    urls += ["http://spam.com/2"]
    with pytest.raises(OutputError):  # google.com cannot be collapsed: it does not fit
        format_disavow([], urls, ["h"], limits=Limits(max_lines=8, max_bytes=10_000))
    urls = urls[8:]
    plan = format_disavow([], urls, ["h"], limits=Limits(max_lines=5, max_bytes=10_000),
                          may_collapse={"spam.com", "forum.net"})
    assert [c.domain for c in plan.collapsed] == ["forum.net"]
    with pytest.raises(OutputError):
        format_disavow([], urls, ["h"], limits=Limits(max_lines=5, max_bytes=10_000),
                       may_collapse={"spam.com"})


def test_byte_budget_collapses_too():
    urls = [f"http://spam.com/{'x' * 50}{i}" for i in range(4)] + ["http://ok.com/1"]
    plan = format_disavow([], urls, ["h"], limits=Limits(max_lines=100, max_bytes=120))
    assert {str(e) for e in plan.entries} == {"domain:spam.com", "http://ok.com/1"}
    assert plan.n_bytes <= 120


def test_google_sized_file_of_100000_lines():
    """One real-size case; the budget logic itself is tested with small injected limits."""
    body = (
        f"domain:d{i % 5000}.io\n" if i % 2 else f"http://d{i % 3000}.io/p{i}\n"
        for i in range(99_999)
    )
    data = ("# h\n" + "".join(body)).encode()
    f = parse_disavow(data)
    assert f.n_lines == 100_000 and len(data) < 2_000_000
    assert [i for i in validate(f) if i.severity == "error"] == []
    assert "too-many-lines" in {i.code for i in validate(f, limits=Limits(max_lines=99_999))}
    with pytest.raises(OutputError, match="100,000 lines come from the existing file"):
        merge_disavow(f, ["new.io"], block_comment="x")
    assert merge_disavow(f, ["d1.io", "sub.d3.io"], block_comment="x").data == data


# Strategies: plausible hosts (including suffixes, free hosts, IDN), hostile text, junk.
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", fullmatch=True)
TAIL = st.sampled_from(
    ["com", "co.uk", "org.br", "example", "blogspot.com", "pages.dev", "wordpress.com", "de",
     "xn--p1ai", "\u0440\u0444", "io"]
)  # fmt: skip
HOST = st.builds(
    lambda a, b, t: ".".join(x for x in (a, b, t) if x),
    LABEL,
    st.sampled_from(["", "www", "m", "sub"]),
    TAIL,
)
ANY_HOST = st.one_of(
    HOST, TAIL, st.sampled_from(["1.2.3.4", "m\u00fcnchen.de", "EXAMPLE.COM", "a.b.c.d.com"])
)
PATH = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
URL = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https", "HTTP", "ftp", "javascript"]), ANY_HOST, PATH,
)  # fmt: skip
HOSTILE = st.sampled_from(HOSTILE_DOMAINS[:-3] + HOSTILE_URLS[:-2]) | st.text(max_size=20)
DOMAINS = st.lists(st.one_of(ANY_HOST, HOSTILE), max_size=12)
URLS = st.lists(st.one_of(URL, HOSTILE), max_size=12)
HEADERS = st.lists(st.text(max_size=30), max_size=3)


@PROPERTY
@given(DOMAINS, URLS, HEADERS)
def test_property_writer_output_is_valid_and_parses_back(domains, urls, headers):
    plan = format_disavow(domains, urls, headers)
    assert_safe_new_file(plan.data)
    assert parse_disavow(plan.data).entry_set() == plan.entries
    assert len(lines_of(plan.data)) == plan.n_lines
    assert_nothing_lost(plan, domains, urls)


@PROPERTY
@given(
    st.lists(HOST, max_size=6),
    st.lists(st.builds(lambda h, p: f"http://{h}/{p}", HOST, LABEL), max_size=25),
    st.integers(4, 30),
    st.integers(60, 900),
)
def test_property_budgets_are_never_exceeded(domains, urls, max_lines, max_bytes):
    limits = Limits(max_lines=max_lines, max_bytes=max_bytes)
    try:
        plan = format_disavow(domains, urls, ["header"], limits=limits)
    except OutputError as exc:
        assert "Google accepts at most" in str(exc)
        return
    assert plan.n_lines <= max_lines and plan.n_bytes <= max_bytes
    assert_safe_new_file(plan.data, limits)
    assert_nothing_lost(plan, domains, urls)


# --------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_real_files_survive_a_merge_byte_for_byte(sample):
    old = read_disavow_file(sample)
    unchanged = merge_disavow(old, block_comment="Added by a test")
    assert unchanged.data == old.data  # no BOM in these samples
    assert not unchanged.changed and unchanged.added == ()

    # Re-adding everything the file has adds nothing.
    again = merge_disavow(
        old,
        [line.value for line in old.entries if line.kind is LineKind.DOMAIN],
        [line.value for line in old.entries if line.kind is LineKind.URL],
        block_comment="x",
    )
    assert again.data == old.data and again.added == ()

    grown = merge_disavow(
        old, ["brand-new-spam.com", "spam.blogspot.com"], ["http://brand-new-spam.net/p?a=B"],
        ["header"], block_comment="Added 2026-01-01",
    )  # fmt: skip
    assert grown.data.startswith(old.data)
    tail = grown.data[len(old.data) :].decode("ascii")
    prefix = "" if old.ends_with_newline else "\n"
    assert tail.startswith(prefix)
    assert tail[len(prefix) :].lstrip("\n").startswith("# Added 2026-01-01\n# header\n")
    assert {str(e) for e in grown.added} == {
        "domain:brand-new-spam.com", "domain:spam.blogspot.com", "http://brand-new-spam.net/p?a=B",
    }  # fmt: skip
    reparsed = parse_disavow(grown.data)
    assert [line.text for line in reparsed.lines[: len(old.lines)]] == [o.text for o in old.lines]
    assert reparsed.entry_set() == old.entry_set() | set(grown.added)
    assert grown.added_final_newline == (not old.data.endswith(b"\n"))
    assert [line.line for line in grown.old_invalid] == [line.line for line in old.invalid_lines]


def test_merge_reports_present_covered_and_invalid():
    old = parse_disavow(
        "# my file\n"
        "domain:old-spam.com\n"
        "http://Links.com/Page#frag\n"
        "http://keep.com/a\n"
        "domain:bad.com/path\n"
        "domain:sub.covered.com\n"
    )
    result = merge_disavow(
        old,
        domains=["old-spam.com", "deeper.old-spam.com", "keep.com", "covered.com", "fresh.com"],
        urls=["http://links.com/Page", "http://www.old-spam.com/x", "http://fresh.com/y",
              "http://keep.com/a", "http://new.com/z"],
        block_comment="Added 2026-07-01",
    )  # fmt: skip
    assert result.text == (
        "# my file\ndomain:old-spam.com\nhttp://Links.com/Page#frag\nhttp://keep.com/a\n"
        "domain:bad.com/path\ndomain:sub.covered.com\n"
        "\n# Added 2026-07-01\ndomain:covered.com\ndomain:fresh.com\ndomain:keep.com\n"
        "http://new.com/z\n"
    )
    assert [(str(p.entry), p.line) for p in result.already_present] == [
        ("domain:old-spam.com", 2), ("http://keep.com/a", 4), ("http://links.com/Page", 3),
    ]  # fmt: skip
    assert sorted((str(c.entry), c.by, c.by_line) for c in result.covered_by_domain) == [
        ("domain:deeper.old-spam.com", "old-spam.com", 2),
        ("http://fresh.com/y", "fresh.com", None),
        ("http://www.old-spam.com/x", "old-spam.com", 2),
    ]
    assert [(line.line, line.text, line.problem is not None) for line in result.old_invalid] == [
        (5, "domain:bad.com/path", True)
    ]
    assert sorted((str(c.entry), c.by, c.line) for c in result.old_covered_by_new_domain) == [
        ("domain:sub.covered.com", "covered.com", 6), ("http://keep.com/a", "keep.com", 4),
    ]  # fmt: skip
    assert result.removed == () and result.changed
    assert "covered by domain:old-spam.com on line 2" in str(result.covered_by_domain[0])


def test_old_lines_under_a_new_domain_are_shown_as_written_with_their_line():
    old = parse_disavow("# old\ndomain:WWW.Zz-LinkFarm-88.xyz\n"
                        "https://jackpot-slots-4411.bond/vets/#frag\n\tdomain:a.zz-linkfarm-88.xyz\n")
    result = merge_disavow(old, ["zz-linkfarm-88.xyz", "jackpot-slots-4411.bond"])
    assert [str(c) for c in result.old_covered_by_new_domain] == [
        "domain:WWW.Zz-LinkFarm-88.xyz (line 2, covered by domain:zz-linkfarm-88.xyz)",
        "https://jackpot-slots-4411.bond/vets/#frag (line 3, covered by "
        "domain:jackpot-slots-4411.bond)",
        "domain:a.zz-linkfarm-88.xyz (line 4, covered by domain:zz-linkfarm-88.xyz)"]


@pytest.mark.parametrize(
    ("old_line", "why"),
    [
        ("DOMAIN:spam.com", "'domain:' is not in lower case"),
        ("domain:spam.com.", "a trailing dot after the host"),
        ("  domain:spam.com", "space before the entry"),
        ("\tdomain:spam.com", "space before the entry"),
    ],
)
def test_merge_writes_again_what_an_old_line_google_may_not_read_holds(old_line, why):
    old = parse_disavow(f"# mine\n{old_line}\ndomain:ok.com\n", source="old.txt")
    result = merge_disavow(old, domains=["spam.com", "ok.com"],
                           urls=["http://www.spam.com/page"], block_comment="new")
    assert result.text == f"# mine\n{old_line}\ndomain:ok.com\n\n# new\ndomain:spam.com\n"
    assert [p.line for p in result.already_present] == [3]
    assert [(c.by, c.by_line) for c in result.covered_by_domain] == [("spam.com", None)]
    assert [line.line for line in result.old_doubtful] == [2]
    assert result.warnings == (
        f"old.txt has 1 entry that Google may not read as written (the first: line 2, {why}). "
        "They are kept as they are but do not count as disavowed: where this run disavows the "
        "same site or page, the new block lists it again. 'disavow validate' shows how to "
        "write them.",
    )


def test_merge_counts_an_entry_with_trailing_space_as_written():
    old = parse_disavow("domain:spam.com  \n")
    result = merge_disavow(old, domains=["spam.com"])
    assert not result.changed and result.old_doubtful == () and result.warnings == ()
    assert [p.line for p in result.already_present] == [1]


def test_merge_writes_pages_of_an_ip_again_over_an_old_domain_ip_line():
    old = parse_disavow("domain:203.0.113.9\n")
    result = merge_disavow(old, urls=["http://203.0.113.9/spam"], block_comment="new")
    assert result.added == (Entry.for_url("http://203.0.113.9/spam", "203.0.113.9"),)
    assert result.covered_by_domain == ()


def test_merge_writes_again_entries_joined_by_a_bare_cr_without_a_second_warning():
    old = parse_disavow("domain:a.com\rdomain:b.com\n", source="old.txt")
    result = merge_disavow(old, domains=["a.com", "b.com"], block_comment="new")
    assert result.text.endswith("# new\ndomain:a.com\ndomain:b.com\n")
    assert [line.line for line in result.old_doubtful] == [1, 2]
    assert len(result.warnings) == 1 and "bare CR" in result.warnings[0]


def test_validate_never_calls_the_line_google_reads_the_duplicate():
    f = parse_disavow("DOMAIN:xy.com\nhttp://xy.com/a\ndomain:xy.com\n")
    assert [(i.line, i.code) for i in validate(f)] == [
        (1, "domain-prefix-case"), (2, "covered-by-domain")]
    assert "line 3" in [i for i in validate(f) if i.line == 2][0].message
    assert doubtful_entries(f.lines) == {1: "'domain:' is not in lower case"}


def test_merge_keeps_bytes_drops_bom_and_uses_old_line_endings():
    old = read_disavow_file(FIXTURES / "crlf_bom.txt")
    result = merge_disavow(old, ["new.com"], block_comment="Added")
    assert result.bom_removed and result.newline == "\r\n"
    assert result.data == old.data[3:] + b"\r\n# Added\r\ndomain:new.com\r\n"
    assert merge_disavow(old, block_comment="x").data == old.data[3:]

    cr = read_disavow_file(FIXTURES / "cr_only.txt")
    # Never a bare CR: the LF after the old text makes its last ending a CRLF.
    assert (
        merge_disavow(cr, ["new.com"], block_comment="A").data
        == cr.data + b"\n\n# A\ndomain:new.com\n"
    )


def _lf_only_lines(data: bytes) -> list[bytes]:
    """The lines of a reader that starts a line only after an LF (a CR before it dropped)."""
    return [line.removesuffix(b"\r") for line in data.split(b"\n")]


# The old file's bytes, its line ending in the merge, the new block's first bytes, and
# the old lines that only a reader splitting at a bare CR reads as lines of their own.
CR_CASES = {
    "cr-only": (b"# classic Mac endings\rdomain:spam.example\rhttp://other.example/p\r",
                "\n", b"\n\n# Added\n", [1, 2, 3]),
    "cr-only, no final ending": (b"domain:a.example\rdomain:b.example", "\n", b"\n\n# Added\n",
                                 [1, 2]),
    "mixed, LF first": (b"# mine\ndomain:a.example\rdomain:b.example\n# c\n", "\n",
                        b"\n# Added\n", [2, 3]),
    "mixed, CR first": (b"# mine\rdomain:a.example\rdomain:b.example\n", "\n", b"\n# Added\n",
                        [1, 2, 3]),
    "mixed, CRLF first, a last bare CR": (b"domain:a.example\r\ndomain:b.example\r", "\r\n",
                                          b"\n\r\n# Added\r\n", []),
    "CRLF": (b"# mine\r\ndomain:a.example\r\n", "\r\n", b"\r\n# Added\r\n", []),
    "LF": (b"# mine\ndomain:a.example\n", "\n", b"\n# Added\n", []),
}


@pytest.mark.parametrize("case", CR_CASES, ids=str)
def test_merge_never_hides_new_entries_behind_a_bare_cr(case):
    data, newline, block_start, joined = CR_CASES[case]
    old = parse_disavow(data, source="current.txt")
    result = merge_disavow(old, ["new-spam.com"], ["http://new.example.org/p"],
                           block_comment="Added")
    assert result.data.startswith(data) and result.newline == newline
    assert result.data[len(data):].startswith(block_start)
    assert b"\r" not in result.data[len(data):].replace(b"\r\n", b"")
    # Every reader sees every new entry on a line of its own: one splitting at CR, LF
    # and CRLF (ours), and one splitting only at LF.
    added = {e.line.encode() for e in result.added}
    assert added == {b"domain:new-spam.com", b"http://new.example.org/p"}
    assert added <= set(_lf_only_lines(result.data))
    merged = parse_disavow(result.data)
    assert merged.entry_set() == old.entry_set() | set(result.added)
    assert [line.text for line in merged.lines[: len(old.lines)]] == [o.text for o in old.lines]
    # The old lines at risk are reported, and the validator and diff agree with the writer.
    assert [line.line for line in result.old_joined_by_cr] == joined
    assert [line.line for line in lines_joined_by_cr(merged.lines)] == joined
    entries_at_risk = [n for n in joined if old.lines[n - 1].entry is not None]
    if entries_at_risk:
        (warning,) = result.warnings
        assert warning.startswith("current.txt ends lines with a bare CR, and the merged file")
        assert "save current.txt with LF line endings" in warning
        assert f"on lines {', '.join(map(str, entries_at_risk))} are read as part" in warning
    else:
        assert result.warnings == ()
    issues = validate(merged)
    assert [i for i in issues if i.line is not None and i.line > len(old.lines)] == []
    cr_issues = [i for i in issues if i.code == "cr-line-endings"]
    assert len(cr_issues) == (b"\r" in result.data.replace(b"\r\n", b""))
    if entries_at_risk:
        assert cr_issues[0].message in result.warnings[0]
    diff = diff_disavow(old, merged)
    assert diff.removed == () and diff.added == tuple(e.line for e in result.added)


def test_validate_names_the_entries_a_bare_cr_may_hide():
    issues = validate(read_disavow_file(FIXTURES / "cr_only.txt"))
    (issue,) = [i for i in issues if i.code == "cr-line-endings"]
    assert issue.code == "cr-line-endings" and issue.severity == "warning"
    assert issue.message == (
        "3 lines end in a bare CR (classic Mac line endings), the first on line 1; Google does "
        "not say it starts a new line there, and if it does not, the 2 entries on lines 2, 3 "
        "are read as part of another line and not disavowed")
    (lone,) = validate(parse_disavow(b"domain:a-spam.com\r"))
    assert lone.message == ("1 line ends in a bare CR (classic Mac line endings), the first "
                            "on line 1; a parser may not start a new line there")
    assert lines_joined_by_cr(parse_disavow(b"# a\r# b\ndomain:c.example\n").lines)[1].line == 2


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF8 * 2 + b"domain:x.com\n",
    "\ufeffdomain:x.com\n".encode("utf-16"),  # a UTF-8 BOM saved again as UTF-16
])
def test_every_leading_bom_is_the_files_bom(data):
    # Found by fuzzing: the second BOM stayed in the text, became the BOM of the merged
    # file, and made line 1 valid there; the merge's own check then stopped it with
    # "internal error: the planned file does not hold the intended entries".
    old = parse_disavow(data, source="current.txt")
    assert old.has_bom and old.text == "domain:x.com\n"
    assert [line.kind for line in old.lines] == [LineKind.DOMAIN]
    assert "bom" in {i.code for i in validate(old)}
    result = merge_disavow(old, ["www.x.com", "y.com"], block_comment="Added")
    assert result.bom_removed
    assert result.data == b"domain:x.com\n\n# Added\ndomain:y.com\n"
    assert merge_disavow(old).data == b"domain:x.com\n"
    assert parse_disavow("\ufeff\ufeffdomain:x.com").text == "domain:x.com"


def test_merge_transcodes_cp1252_and_records_it():
    old = read_disavow_file(FIXTURES / "cp1252.txt")
    result = merge_disavow(old, ["new.com"], block_comment="Added")
    assert result.transcoded_from == "cp1252"
    assert result.data.startswith(old.data.decode("cp1252").encode("utf-8"))
    assert result.data.decode("utf-8").splitlines()[0] == "# Disavow \u2013 caf\u00e9 list"
    assert result.data[result.new_from :].isascii()
    assert [i for i in validate(parse_disavow(result.data)) if i.code == "not-utf8"] == []


def test_merge_adds_a_final_newline_only_when_appending():
    old = read_disavow_file(FIXTURES / "no_final_newline.txt")
    assert merge_disavow(old, block_comment="x").data == old.data
    result = merge_disavow(old, ["new.com"], block_comment="Added")
    assert result.added_final_newline
    assert result.data == old.data + b"\n\n# Added\ndomain:new.com\n"


def test_merge_without_existing_file_and_default_comment():
    result = merge_disavow(None, ["a.com"], header_lines=["h"])
    assert re.fullmatch(
        r"# Added by disavow \S+ on \d{4}-\d\d-\d\d\n# h\ndomain:a\.com\n", result.text
    )
    assert merge_disavow(None).text == ""
    blank_end = merge_disavow(parse_disavow("domain:x.com\n\n"), ["a.com"], block_comment="c")
    assert blank_end.text == "domain:x.com\n\n# c\ndomain:a.com\n"  # no second blank line


def test_merge_removes_only_on_request_and_records_it():
    old = parse_disavow(
        "# keep me\ndomain:a.com\nhttp://B.com/P#f\ndomain:bad.com/x\nhttp://c.com/\n"
    )
    result = merge_disavow(
        old, remove=["domain:A.com", "http://B.com/P", "domain:bad.com/x", "domain:nothere.com"]
    )
    assert result.text == "# keep me\nhttp://c.com/\n"
    assert [(line.line, line.text) for line in result.removed] == [
        (2, "domain:a.com"), (3, "http://B.com/P#f"), (4, "domain:bad.com/x"),
    ]  # fmt: skip
    assert result.remove_not_found == ("domain:nothere.com",)
    assert result.entries == frozenset(parse_disavow(result.data).entry_set())
    # A removed domain no longer covers new URLs below it.
    re_added = merge_disavow(
        old, urls=["http://www.a.com/x"], remove=["domain:a.com"], block_comment="c"
    )
    assert [str(e) for e in re_added.added] == ["http://www.a.com/x"]
    with pytest.raises(OutputError, match="both to be removed and to be added"):
        merge_disavow(old, ["a.com"], remove=["domain:a.com"])


def test_merge_budget_counts_old_lines_and_collapses_new_urls():
    old = parse_disavow("# old\n" + "".join(f"domain:old{i}.com\n" for i in range(5)))
    urls = [f"http://big.com/{i}" for i in range(5)] + ["http://small.com/1"]
    # old: 6 lines; block: blank + comment + entries.
    result = merge_disavow(old, [], urls, block_comment="c", limits=Limits(12, 10_000))
    assert [(c.domain, c.reason) for c in result.collapsed] == [("big.com", "budget")]
    assert result.n_lines <= 12 and result.data.startswith(old.data)
    with pytest.raises(OutputError, match="come from the existing file"):
        merge_disavow(old, [], urls, block_comment="c", limits=Limits(9, 10_000))


ANY_LINE_TEXT = st.characters(
    codec="utf-8", exclude_characters="\r\n\x00", exclude_categories=["Cs"]
)
OLD_LINES = st.one_of(
    st.sampled_from(
        ["# comment", "", "   ", "domain:old.com", "domain:Old.COM", "domain:sub.new.com",
         "http://Old.com/Path?Q=1#frag", "http://www.new.com/p", '"domain:q.com"',
         "domain:org.br", "no-scheme.com/page", "  domain:spaced.com  ", "\t# tabbed comment",
         "domain:x.com # inline", "caf\u00e9 \u2014 \u00fcml\u00e4uts", "\ufeffdomain:bom.com"]
    ),
    st.text(ANY_LINE_TEXT, max_size=25),
)  # fmt: skip


@PROPERTY
@given(
    st.lists(st.tuples(OLD_LINES, st.sampled_from(["\n", "\r\n", "\r"])), max_size=12),
    st.booleans(),
    st.booleans(),
    st.lists(st.one_of(st.just("new.com"), HOST), max_size=4),
    st.lists(st.one_of(st.just("http://old.com/Path?Q=1"), URL), max_size=6),
)
def test_property_merge_never_drops_an_old_line(lines, bom, final_newline, domains, urls):
    text = "".join(t + e for t, e in lines)
    if not final_newline and lines:
        text = text[: -len(lines[-1][1])]
    assume(not text.startswith("\ufeff"))
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    old = parse_disavow(data)
    result = merge_disavow(old, domains, urls, ["h"], block_comment="Added")
    assert result.data.startswith(text.encode("utf-8"))
    assert result.data[len(text.encode("utf-8")) :].isascii()
    reparsed = parse_disavow(result.data)
    assert [line.text for line in reparsed.lines[: len(old.lines)]] == [o.text for o in old.lines]
    assert reparsed.entry_set() == old.entry_set() | set(result.added) == result.entries
    if not result.added:
        assert result.data == text.encode("utf-8")
    for line in reparsed.lines[len(old.lines) :]:
        assert line.kind is not LineKind.INVALID and SAFE_LINE.fullmatch(line.text)
    assert result.bom_removed == bom
    # No bare CR is written, so a reader splitting lines only at LF sees each new entry.
    assert b"\r" not in result.data[len(text.encode("utf-8")):].replace(b"\r\n", b"")
    lf_lines = {line.removesuffix(b"\r") for line in result.data.split(b"\n")}
    assert {e.line.encode() for e in result.added} <= lf_lines
    assert [line.line for line in result.old_joined_by_cr] == [
        line.line for line in lines_joined_by_cr(old.lines)]
    at_risk = any(line.entry is not None for line in result.old_joined_by_cr)
    doubtful = doubtful_entries(old.lines)
    assert [line.line for line in result.old_doubtful] == sorted(doubtful)
    unsure = any("bare CR" not in why for why in doubtful.values())
    assert len(result.warnings) == at_risk + unsure + bool(result.old_invalid)
    # A new entry is never taken as written by an old line Google may not read.
    assert not {p.line for p in result.already_present} & set(doubtful)
    assert not {c.by_line for c in result.covered_by_domain} & set(doubtful)
    if result.old_invalid:
        assert f"line {result.old_invalid[0].line}, " in result.warnings[-1]


@PROPERTY
@given(
    st.lists(st.sampled_from(["# c", "", "domain:old.com", "http://www.big.com/old"]), max_size=6),
    st.lists(st.builds(lambda h, p: f"http://{h}/{p}", HOST, LABEL), max_size=25),
    st.integers(6, 40),
    st.integers(100, 1500),
    st.none() | st.integers(1, 4),
)
def test_property_merge_budgets_hold_and_old_lines_stay(
    old_lines, urls, max_lines, max_bytes, over
):
    old = parse_disavow("".join(line + "\n" for line in old_lines))
    limits = Limits(max_lines=max_lines, max_bytes=max_bytes)
    try:
        result = merge_disavow(
            old, ["big.com"], urls, block_comment="c", collapse_urls_over=over, limits=limits
        )
    except OutputError as exc:
        assert "Google accepts at most" in str(exc)
        return
    assert result.n_lines <= max_lines and result.n_bytes <= max_bytes
    assert result.data.startswith(old.data)
    for raw in urls:
        if raw not in {r.value for r in result.rejected}:
            parsed = parse_url(raw)
            assert covered(Entry.for_url(parsed.url, parsed.host), result.entries), raw


# --------------------------------------------------------------------------------------
# Diff and writing to disk
# --------------------------------------------------------------------------------------


def test_diff_reports_what_an_upload_would_un_disavow():
    old = parse_disavow(
        "domain:a.com\nhttp://www.b.com/x#f\nhttp://c.com/\ndomain:sub.d.com\nbad line\n"
    )
    new = parse_disavow("domain:A.com\ndomain:b.com\ndomain:d.com\nhttp://e.com/\n")
    diff = diff_disavow(old, new)
    assert diff.added == ("domain:b.com", "domain:d.com", "http://e.com/")
    assert diff.removed == ("domain:sub.d.com", "http://c.com/", "http://www.b.com/x")
    assert diff.unchanged == 1
    assert [(str(c.entry), c.by, c.line, c.by_line) for c in diff.still_covered] == [
        ("domain:sub.d.com", "d.com", 4, 3), ("http://www.b.com/x", "b.com", 2, 2),
    ]  # fmt: skip
    assert diff.un_disavowed == ("http://c.com/",)
    same = diff_disavow(old, old)
    assert (same.added, same.removed, same.unchanged) == ((), (), 4)


def test_diff_counts_only_entries_google_surely_reads_as_a_merge_does():
    old = parse_disavow("DOMAIN:a.com\n  domain:b.com\nhttp://c.com/\n")
    merged = merge_disavow(old, ["a.com", "b.com"])
    diff = diff_disavow(old, parse_disavow(merged.text))
    # What the merge wrote again is added, not unchanged: the old forms may be ignored.
    assert diff.added == tuple(e.line for e in merged.added) == ("domain:a.com", "domain:b.com")
    assert (diff.removed, diff.unchanged) == ((), 1)
    assert [(d.line, d.text) for d in diff.new_doubtful] == [(1, "DOMAIN:a.com"),
                                                             (2, "  domain:b.com")]
    assert diff.old_doubtful_dropped == ()


def test_diff_calls_an_entry_kept_only_in_a_doubtful_form_un_disavowed():
    diff = diff_disavow(parse_disavow("domain:a.com\nhttp://b.com/\n"),
                        parse_disavow("DOMAIN:a.com.\nhttp://b.com/\n"))
    assert (diff.added, diff.removed, diff.unchanged) == ((), ("domain:a.com",), 1)
    assert diff.un_disavowed == ("domain:a.com",)
    assert [str(d) for d in diff.written_doubtfully] == [
        "line 1: DOMAIN:a.com. ('domain:' is not in lower case)"]
    dropped = diff_disavow(parse_disavow("  http://c.com/\ndomain:a.com\n"),
                           parse_disavow("domain:a.com\n"))
    assert dropped.removed == () and [d.line for d in dropped.old_doubtful_dropped] == [1]


def test_write_disavow_file_verifies_and_refuses_unsafe_targets(tmp_path):
    existing = tmp_path / "current.txt"
    existing.write_bytes(b"# current\r\ndomain:old.com\r\n")
    old = read_disavow_file(existing)
    result = merge_disavow(old, ["new.com"], block_comment="Added")
    written = write_disavow_file(tmp_path / "disavow.txt", result, inputs=[existing])
    assert (tmp_path / "disavow.txt").read_bytes() == result.data
    assert written.entry_set() == result.entries
    with pytest.raises(OutputError, match="already exists"):
        write_disavow_file(tmp_path / "disavow.txt", result)
    write_disavow_file(tmp_path / "disavow.txt", result, overwrite=True)
    with pytest.raises(OutputError, match="input file"):
        write_disavow_file(existing, result, overwrite=True, inputs=[existing])
    assert existing.read_bytes() == b"# current\r\ndomain:old.com\r\n"
    with pytest.raises(OutputError, match=r"\.txt"):
        write_disavow_file(tmp_path / "disavow.csv", result)


def test_verify_catches_a_tampered_output():
    plan = format_disavow(["a.com"], ["http://b.com/"])
    plan.verify()
    with pytest.raises(OutputError, match="differs"):
        plan.verify(plan.data.replace(b"a.com", b"x.com"))
    forged = type(plan)(text=plan.text + "domain:google.com\n", entries=plan.entries, new_from=0)
    with pytest.raises(OutputError, match="intended entries"):
        forged.verify()
    non_ascii = type(plan)(text=plan.text + "# caf\u00e9\n", entries=plan.entries, new_from=0)
    with pytest.raises(OutputError, match="non-ASCII"):
        non_ascii.verify()


# --- keeping the best entries when they cannot all fit -------------------------------


def test_merge_keeps_the_highest_priority_entries_and_every_old_line():
    old = parse_disavow("# old\r\ndomain:old.com\r\nhttp://kept.com/x\r\n")
    domains = [f"d{i}.com" for i in range(6)]
    priority = {d: i / 10 for i, d in enumerate(domains)}  # d5 matters most
    with pytest.raises(OutputError):
        merge_disavow(old, domains, [], block_comment="c", limits=Limits(8, 10_000))
    result = merge_disavow(old, domains, [], block_comment="c", limits=Limits(8, 10_000),
                           keep_best=priority)
    assert result.data.startswith(old.data)  # byte for byte, CRLF kept
    assert result.n_lines <= 8
    assert [e.value for e in result.added] == ["d3.com", "d4.com", "d5.com"]
    assert [e.value for e in result.left_out] == ["d0.com", "d1.com", "d2.com"]
    assert result.left_out_values == ("d0.com", "d1.com", "d2.com")
    assert parse_disavow(result.data).entry_set() == result.entries
    # Enough room: nothing is left out and the output is what it always was.
    roomy = merge_disavow(old, domains, [], block_comment="c", keep_best=priority)
    assert roomy.left_out == () and roomy.text == merge_disavow(
        old, domains, [], block_comment="c").text


def test_merge_left_out_values_include_what_a_dropped_domain_covered():
    urls = [f"http://big.com/{i}" for i in range(4)] + ["http://small.com/1", "http://a.org/x"]
    priority = dict.fromkeys(urls, 0.9) | {"http://big.com/0": 0.2, "http://big.com/1": 0.3,
                                          "http://big.com/2": 0.1, "http://big.com/3": 0.25}
    # Budget: the block comment + 2 entries. big.com collapses to one domain: line
    # weighing 0.3, the least of the three entries left, so it is dropped.
    result = merge_disavow(None, [], urls, block_comment="c", limits=Limits(3, 10_000),
                           keep_best=priority)
    assert [e.line for e in result.left_out] == ["domain:big.com"]
    assert sorted(result.left_out_values) == sorted(urls[:4])
    assert [e.line for e in result.added] == ["http://a.org/x", "http://small.com/1"]
    assert result.n_lines <= 3


def test_merge_values_missing_from_the_priorities_go_first_and_old_lines_never_do():
    old = parse_disavow("".join(f"domain:old{i}.com\n" for i in range(5)))
    result = merge_disavow(old, ["a.com", "b.com"], [], block_comment="c",
                           limits=Limits(8, 10_000), keep_best={"b.com": 0.5})
    assert [e.value for e in result.left_out] == ["a.com"]
    everything_out = merge_disavow(old, ["a.com"], [], block_comment="c",
                                   limits=Limits(6, 10_000), keep_best={"a.com": 1.0})
    assert everything_out.text == old.text and everything_out.added == ()
    assert [e.value for e in everything_out.left_out] == ["a.com"]
    with pytest.raises(OutputError, match="come from the existing file"):
        merge_disavow(old, ["a.com"], [], block_comment="c", limits=Limits(4, 10_000),
                      keep_best={"a.com": 1.0})


def test_write_returns_what_reading_the_file_back_gives(tmp_path):
    old = parse_disavow(b"# current\r\ndomain:old.com\r\n")
    result = merge_disavow(old, ["new.com"], ["http://b.com/x"], block_comment="Added")
    path = tmp_path / "disavow.txt"
    assert write_disavow_file(path, result) == read_disavow_file(path)


def test_a_passed_verification_holds_only_for_the_same_bytes_and_limits():
    plan = format_disavow(["a.com", "b.com"], ["http://c.com/"])
    plan.verify()
    with pytest.raises(OutputError, match="differs"):
        plan.verify(plan.data.replace(b"a.com", b"x.com"))
    with pytest.raises(OutputError, match="at most 2 lines"):
        plan.verify(limits=Limits(max_lines=2))
    assert plan.verify(plan.data) == parse_disavow(plan.data)


@pytest.mark.parametrize("line", ["A.0", "a.0/", "*.b.0", "domain:http://x.0/", "x.c0m",
                                  "-spam.com", "https:/a.0/page"])
def test_no_repair_is_offered_that_is_itself_invalid(line):
    # Found by the fuzz test: 'A.0' was answered with 'write domain:a.0'.
    issues = validate(parse_disavow(line.encode() + b"\n", source="some.txt"))
    assert any(issue.severity == "error" and issue.line == 1 for issue in issues)
    for issue in issues:
        if issue.replacement is not None:
            fixed = parse_disavow(issue.replacement.encode("utf-8")).lines[0]
            assert fixed.kind is not LineKind.INVALID, issue
        assert "domain:a.0" not in issue.message + (issue.suggestion or "")


def test_a_utf8_file_with_one_stray_byte_keeps_its_other_lines_byte_for_byte():
    old_bytes = (b"# notes from Ren\xe9e\ndomain:m\xc3\xbcnchen-spam.de\n"
                 b"https://b\xc3\xbccher-spam.example/\xc3\xa4\n")
    old = parse_disavow(old_bytes, source="current.txt")
    assert [line.normalized for line in old.lines[1:]] == [
        "xn--mnchen-spam-thb.de", "https://xn--bcher-spam-9db.example/%C3%A4"]
    assert "1 byte(s), the first 0xe9 on line 1" in old.warnings[0]
    merged = merge_disavow(old, ["new-spam.xyz"]).text.encode("utf-8")
    assert merged.startswith(b"# notes from Ren\xc3\xa9e\n" + old_bytes.split(b"\n", 1)[1])
    assert not diff_disavow(old, parse_disavow(merged)).removed


def test_whitespace_around_an_entry_is_said_beside_another_finding():
    f = parse_disavow(b"\tdomain:www.spam.com\ndomain:spam.notarealtld  \n")
    issues = validate(f)
    assert [i.code for i in issues] == ["domain-www", "domain-unknown-suffix"]
    assert all(i.message.endswith("; also space before or after the entry") for i in issues)
