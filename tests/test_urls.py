"""disavow.urls: properties of lenient URL/host parsing, plus worked examples."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from disavow.urls import (
    host_info,
    host_problem,
    normalize_url,
    parse_host,
    parse_url,
    to_ascii_host,
)

# Text that looks like URLs often enough to reach every branch, and hostile text.
_pieces = st.sampled_from([
    "http://", "https://", "HTTP://", "//", "www.", "example", ".com", ".co.uk", ".blogspot.com",
    "/", "?", "#", "&", "=", ":", "@", "%", "%2F", ":8080", ":80", ":443", "[", "]", "::1",
    "192.168.0.1", "xn--", "münchen", "ß", ".", "..", " ", "\t", "\n", "\r", "\x00", "\x7f",
    "\u2028", "\u00a0", "\u200b", "ａ", "javascript:", "mailto:", "domain:", "a", "Z", "0", "-",
    "_", "~", "é", "😀", "\\", '"', "'", "<", ">",
])
url_like = st.lists(_pieces, max_size=12).map("".join)
any_text = st.one_of(url_like, st.text(max_size=60))


def _clean(text: str) -> bool:
    return not any(c.isspace() or ord(c) < 32 or ord(c) == 127 or ord(c) > 126 for c in text)


@settings(max_examples=1500, deadline=None)
@given(any_text)
@example("http://a.com/\u2028x")
@example("http://a.com/x\ndomain:google.com")
@example("http://\u00e9\u0301.com/")
def test_parse_url_properties(raw: str):
    parsed = parse_url(raw)  # never raises
    if parsed.url is None:
        assert parsed.host is None and parsed.problem
        return
    assert parsed.problem is None
    url, host = parsed.url, parsed.host
    assert _clean(url), url  # no whitespace or control characters, pure ASCII
    assert url.startswith(("http://", "https://"))
    assert host == host.lower() and host.isascii()
    assert "." in host or host.startswith("[")
    again = parse_url(url)  # idempotent
    assert again.url == url and again.host == host


@settings(max_examples=800, deadline=None)
@given(any_text)
def test_parse_host_properties(raw: str):
    host = parse_host(raw)
    if host is None:
        return
    assert host == host.lower() and host.isascii() and _clean(host)
    assert parse_host(host) == host
    info = host_info(host)
    assert info.host == host
    assert info.domain == host or host.endswith("." + info.domain)


@settings(max_examples=300, deadline=None)
@given(url_like)
def test_host_info_on_parsed_hosts(raw: str):
    parsed = parse_url(raw)
    if parsed.host is None:
        return
    info = host_info(parsed.host)
    assert info.domain == parsed.host or parsed.host.endswith("." + info.domain)
    assert info.domain == info.domain.lower()


@pytest.mark.parametrize("raw, url, host", [
    ("HTTP://User:pw@WWW.Example.COM:80/A b?q=Ü#frag", "http://www.example.com/A%20b?q=%C3%9C",
     "www.example.com"),
    ("https://example.com:443", "https://example.com/", "example.com"),
    ("https://example.com:8443/x", "https://example.com:8443/x", "example.com"),
    ("example.com/page", "http://example.com/page", "example.com"),
    ("//cdn.example.com/x", "http://cdn.example.com/x", "cdn.example.com"),
    ("example.com:8080/x", "http://example.com:8080/x", "example.com"),
    ("  https://münchen.de/straße  ", "https://xn--mnchen-3ya.de/stra%C3%9Fe", "xn--mnchen-3ya.de"),
    ("http://192.168.0.1/admin", "http://192.168.0.1/admin", "192.168.0.1"),
    ("http://[::1]:8080/", "http://[::1]:8080/", "[::1]"),
    ("http://spam.example.com/x\ndomain:google.com", "http://spam.example.com/xdomain:google.com",
     "spam.example.com"),
    ("https://a.example.com/%7Euser/?a=1&b=%zz", "https://a.example.com/%7Euser/?a=1&b=%zz",
     "a.example.com"),
])
def test_parse_url_examples(raw, url, host):
    parsed = parse_url(raw)
    assert (parsed.url, parsed.host, parsed.problem) == (url, host, None)
    assert normalize_url(raw) == url


@pytest.mark.parametrize("raw, problem", [
    ("", "empty URL"),
    ("   ", "empty URL"),
    (None, "empty URL"),
    ("javascript:alert(1)", "not a web address (javascript:)"),
    ("mailto:someone@example.com", "not a web address (mailto:)"),
    ("ftp://example.com/file", "not a web address (ftp:)"),
    ("http://localhost/", "host 'localhost' is not a public domain"),
    ("http:///three/slashes", "no valid host name in URL"),
    ("http://bad host.com/", "no valid host name in URL"),
    ("http://example.com:99999/", "unparseable URL"),
    # IPv6 zone IDs name a network card, not a site; ipaddress took any text there.
    ("http://[::1%\u00e9]/x", "no valid host name in URL"),
    ("http://[fe80::1%25eth0]/", "no valid host name in URL"),
])
def test_parse_url_problems(raw, problem):
    parsed = parse_url(raw)
    assert parsed.url is None and parsed.problem == problem and not parsed.ok


@pytest.mark.parametrize("raw, host", [
    ("Example.COM", "example.com"),
    ("https://www.example.com/path", "www.example.com"),
    ("example.com.", "example.com"),
    ("münchen.de", "xn--mnchen-3ya.de"),
    ("not a domain", None),
    ("localhost", None),
    ("", None),
])
def test_parse_host_examples(raw, host):
    assert parse_host(raw) == host


@pytest.mark.parametrize("host, domain, flags", [
    ("www.example.co.uk", "example.co.uk", {}),
    ("spam.blogspot.com", "spam.blogspot.com", {"is_free_host": True}),
    ("www.spam.wordpress.com", "spam.wordpress.com", {"is_free_host": True}),
    ("blogspot.com", "blogspot.com", {"is_suffix": True}),
    ("cheap-pills.blogspot.de", "cheap-pills.blogspot.de", {"is_free_host": True}),
    ("www.casino.blogspot.co.uk", "casino.blogspot.co.uk", {"is_free_host": True}),
    ("blogspot.com.au", "blogspot.com.au", {"is_suffix": True}),
    ("x.000webhostapp.com", "x.000webhostapp.com", {"is_free_host": True}),
    # The platform's own pages (www.tumblr.com/<user>) are no one user's site.
    ("www.tumblr.com", "tumblr.com", {"is_suffix": True}),
    ("www.wordpress.com", "wordpress.com", {"is_suffix": True}),
    ("co.uk", "co.uk", {"is_suffix": True}),
    ("10.0.0.1", "10.0.0.1", {"is_ip": True}),
    ("foo.notarealtld", "foo.notarealtld", {"unknown_suffix": True}),
])
def test_host_info_examples(host, domain, flags):
    info = host_info(host)
    assert info.domain == domain
    for name in ("is_ip", "is_free_host", "is_suffix", "unknown_suffix"):
        assert getattr(info, name) == flags.get(name, False), name
    assert info.domain_line_allowed is not (info.is_ip or info.is_suffix)


@pytest.mark.parametrize("platform", [
    "16mb.com", "byethost7.com", "free.fr", "blogs.sapo.pt", "fandom.com", "webnode.cz",
    "forumotion.com", "ucoz.ua", "blog.hu",
])
def test_a_site_on_a_free_host_the_suffix_list_omits_is_its_own_domain(platform):
    # One spam site there must never make a domain: line for the whole platform
    # (blogs.sapo.pt would have become domain:sapo.pt, a national portal).
    info = host_info(f"www.cheap-pills.{platform}")
    assert info.domain == f"cheap-pills.{platform}" and info.is_free_host
    assert host_info(platform).is_suffix


def test_to_ascii_host_rejects_long_hosts():
    assert to_ascii_host("a" * 250 + ".com") is None
    assert to_ascii_host(("a" * 60 + ".") * 4 + "com") is not None


@pytest.mark.parametrize(("host", "problem"), [
    ("spam.com", None), ("www.sub-.spam.co.uk", None), ("name-.tumblr.com", None),
    ("1.2.3.4", None), ("[::1]", None), ("spam.xn--p1ai", None), ("a_b.com", None),
    ("256.1.1.1", "all digits"), ("1.2.3", "all digits"), ("a.-", "ending .-"),
    ("spam.c0m", "ending .c0m"), ("spam.xn--", "ending .xn--"), ("-spam.com", "hyphen"),
    ("www.spam-.co.uk", "hyphen"), ("a..com", "empty label"), ("x" * 64 + ".com", "63"),
])
def test_host_problem(host, problem):
    found = host_problem(host)
    assert (found is None) == (problem is None), found
    if problem is not None:
        assert problem in found


def test_a_host_holding_a_replacement_character_is_no_host():
    assert to_ascii_host("m\ufffdnchen.de") is None
