"""Lenient URL and host handling: normalisation, IDNA and registrable domains.

Pure helpers with no I/O. Parsing never raises on bad input: a URL that cannot
be used comes back with ``url=None`` and a ``problem`` in plain words, the way
tldextract returns empty fields rather than failing.

One IDNA implementation is used everywhere (the ``idna`` package, IDNA 2008 with
UTS 46 mapping) so hosts from different exports compare equal.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit

import idna
import tldextract

# Never fetch the Public Suffix List and never write a cache: the bundled
# snapshot is the only source. The private section keeps x.blogspot.com apart
# from blogspot.com.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)

# Shared platforms whose subdomains are separate sites but which the Public
# Suffix List does not list, so tldextract would collapse x.wordpress.com to
# wordpress.com. Curated by hand; checked before the PSL.
SHARED_PLATFORMS: frozenset[str] = frozenset(
    {
        "wordpress.com", "tumblr.com", "weebly.com", "medium.com", "livejournal.com",
        "substack.com", "over-blog.com", "jimdo.com", "jimdosite.com", "webnode.com",
        "webnode.page", "typepad.com", "blogspot.com", "blogger.com", "wixsite.com",
        "weeblysite.com", "yolasite.com", "tripod.com", "angelfire.com", "webs.com",
        "site123.me", "mystrikingly.com", "strikingly.com", "wikidot.com", "ucoz.ru",
        "ucoz.net", "ucoz.com", "narod.ru", "blogfa.com", "fc2.com", "blog.fc2.com", "seesaa.net",
        "exblog.jp", "jugem.jp", "hatenablog.com", "ameblo.jp", "livedoor.blog",
        "blog.jp", "home.blog", "ghost.io", "hashnode.dev", "beehiiv.com",
        "squarespace.com", "godaddysites.com", "webflow.io", "carrd.co", "bravesites.com",
        "mozello.com", "doodlekit.com", "educatorpages.com", "zohosites.com",
        "bcz.com", "blogzet.com", "bloggactif.com", "activosblog.com", "blog5.net",
        "ampblogs.com", "bloggerbags.com", "blogolize.com", "blogdal.com",
        "tistory.com", "canalblog.com", "skyrock.com", "e-monsite.com",
        "github.io", "gitlab.io", "netlify.app", "vercel.app",
        "pages.dev", "web.app", "firebaseapp.com", "herokuapp.com", "glitch.me",
        "neocities.org", "altervista.org", "simplesite.com", "webstarts.com",
        "mee.nu", "xanga.com",
        "deviantart.com", "newgrounds.com", "itch.io", "gumroad.com", "notion.site",
        "kinja.com", "postach.io", "tilda.ws", "ucraft.site", "webwave.dev",
        "000webhostapp.com", "jimdofree.com",
        # Free web hosts: each subdomain is one customer's site.
        "16mb.com", "epizy.com", "rf.gd", "infinityfreeapp.com", "42web.io", "x10host.com",
        "atwebpages.com", "freevar.com", "6te.net", "orgfree.com", "webcindario.com",
        "free.fr", "pagesperso-orange.fr", "xsrv.jp",
        # Blog, wiki, shop and forum hosts in other markets.
        "eklablog.com", "unblog.fr", "blog4ever.com", "kazeo.com", "centerblog.net",
        "blog.hu", "blogs.sapo.pt", "diary.ru", "egloos.com", "mihanblog.com",
        "blogsky.com", "blog.ir", "fandom.com", "wikia.com", "pbworks.com",
        "bigcartel.com", "company.site", "jouwweb.nl", "forumotion.com", "forumactif.com",
        "proboards.com", "freeforums.net", "boards.net", "createforum.net", "jcink.net",
        "mybb.ru", "2bb.ru", "forum24.ru", "0pk.ru", "ucoz.ua", "at.ua", "my1.ru",
        "3dn.ru", "clan.su", "moy.su", "do.am", "usite.pro",
    }
    | {f"byethost{n}.com" for n in range(1, 34)}
    | {f"webnode.{cc}" for cc in [
        "at", "be", "com.br", "cz", "de", "dk", "es", "fr", "hu", "it", "nl", "pl", "pt",
        "ro", "se", "sk"]}
    # Blogger served blogs under country domains until 2018, and old links still name
    # them; the bundled suffix list no longer has them (x.blogspot.de is one blog).
    | {f"blogspot.{cc}" for cc in [
        "ae", "al", "am", "ba", "be", "bg", "bj", "ca", "cf", "ch", "cl", "co.at", "co.id",
        "co.il", "co.ke", "co.nz", "co.uk", "co.za", "com.ar", "com.au", "com.br", "com.by",
        "com.co", "com.cy", "com.ee", "com.eg", "com.es", "com.mt", "com.ng", "com.tr", "com.uy",
        "cv", "cz", "de", "dk", "fi", "fr", "gr", "hk", "hr", "hu", "ie", "in", "is", "it", "jp",
        "kr", "li", "lt", "lu", "md", "mk", "mr", "mx", "my", "nl", "no", "pe", "pt", "qa", "re",
        "ro", "rs", "ru", "se", "sg", "si", "sk", "sn", "td", "tw", "ug", "vn"
    ]}
)

_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_HOST_CHARS = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_WEB_SCHEMES = {"http", "https"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class ParsedURL:
    """A linking-page URL after lenient parsing.

    ``url`` is the normalised absolute URL, or None when the value cannot be
    used; ``problem`` then says why in plain words.
    """

    url: str | None
    host: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.url is not None


@dataclass(frozen=True, slots=True)
class HostInfo:
    """What a host resolves to for disavow purposes.

    ``domain`` is the unit a ``domain:`` line would name: the registrable
    domain, a free-host subdomain kept whole, or the host itself when no
    registrable domain exists (IP literal, unknown TLD, a bare suffix).
    """

    host: str
    domain: str
    is_ip: bool = False
    is_free_host: bool = False  # a user's subdomain on a shared platform
    is_suffix: bool = False  # the host is itself a public suffix or platform root
    unknown_suffix: bool = False  # TLD missing from the bundled suffix list

    @property
    def domain_line_allowed(self) -> bool:
        """Whether ``domain:<domain>`` may ever be written for this host."""
        return not (self.is_ip or self.is_suffix)


def to_ascii_host(raw: str) -> str | None:
    """Lower-case, IDNA-encode and check a host name; None if it is not one.

    >>> to_ascii_host("WWW.München.DE.")
    'www.xn--mnchen-3ya.de'
    >>> to_ascii_host("bad host") is None
    True
    """
    host = raw.strip().rstrip(".")
    if not host or not _without_control_or_space(host):
        return None
    if host.startswith("[") and host.endswith("]"):
        if "%" in host:
            # A zone ID (fe80::1%eth0) names a network card on one machine, never a
            # site; ipaddress accepts any text after the '%', even non-ASCII, which
            # would then reach a URL that must be ASCII.
            return None
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return None
    if host.isascii():
        host = host.lower()
    elif "\ufffd" in host:
        return None  # a byte that failed to decode: the real name is unknown
    else:
        host = _idna_encode(host)
        if host is None:
            return None
    if not _HOST_CHARS.match(host) or len(host) > 253:
        return None
    return host


def _without_control_or_space(text: str) -> bool:
    """No character of a Unicode category C (control, format...) or Z (space...)."""
    if text.isascii():
        # In ASCII only the controls (C) are not printable, and the space is all of Z.
        return text.isprintable() and " " not in text
    return not any(unicodedata.category(ch)[0] in "CZ" for ch in text)


def host_problem(host: str) -> str | None:
    """Why an ASCII host from ``to_ascii_host`` cannot name a real site, or None.

    Readers stay lenient (an odd host in an export is still worth a look); this
    guards what goes into a disavow file, where one malformed line may make
    Google refuse the whole upload.

    >>> host_problem("256.1.1.1")
    'the ending is all digits but it is not an IPv4 address'
    >>> host_problem("x-.com"), host_problem("name-.tumblr.com"), host_problem("1.2.3.4")
    ("the registered name 'x-' starts or ends with a hyphen", None, None)
    """
    if host.startswith("["):
        return None  # an IPv6 literal, already checked by to_ascii_host
    labels = host.split(".")
    if "" in labels:
        return "an empty label (two dots in a row)"
    if max(map(len, labels)) > 63:
        return "a label longer than 63 characters"
    last = labels[-1]
    if last.isdigit():
        return None if _is_ip(host) else "the ending is all digits but it is not an IPv4 address"
    if not (last.isalpha() or (last.startswith("xn--") and len(last) > 4)):
        return f"the ending .{last} cannot be a top-level domain"
    info = host_info(host)
    # Registries never hand out a name that starts or ends with a hyphen; the
    # subdomains below it, and users' sites on shared platforms, follow looser
    # rules of their own, so only the registered name is held to it.
    registered = info.domain.split(".", 1)[0]
    if not info.is_free_host and (registered.startswith("-") or registered.endswith("-")):
        return f"the registered name {registered!r} starts or ends with a hyphen"
    return None


def _idna_encode(host: str) -> str | None:
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    # Labels IDNA 2008 refuses (symbols, emoji) still need a stable ASCII form
    # so deduplication works; plain punycode of the NFKC-folded label is one.
    labels = []
    for label in unicodedata.normalize("NFKC", host).lower().split("."):
        if label.isascii():
            labels.append(label)
        else:
            try:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                return None
    return ".".join(labels)


def _is_ip(host: str) -> bool:
    if host.startswith("["):
        return True
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1_000_000)
def host_info(host: str) -> HostInfo:
    """Resolve an ASCII host (see :func:`to_ascii_host`) to its disavow unit.

    >>> host_info("spam.blogspot.com").domain
    'spam.blogspot.com'
    >>> host_info("www.spam.wordpress.com").domain
    'spam.wordpress.com'
    >>> host_info("news.bbc.co.uk").domain
    'bbc.co.uk'
    >>> host_info("blogspot.com").is_suffix
    True
    """
    if _is_ip(host):
        return HostInfo(host=host, domain=host, is_ip=True)
    for platform in _platform_parents(host):
        label = "" if host == platform else host[: -len(platform) - 1].rsplit(".", 1)[-1]
        if label in ("", "www"):
            # The platform's own pages: www.tumblr.com/<user> is every user's, not one site.
            return HostInfo(host=host, domain=platform, is_suffix=True)
        return HostInfo(host=host, domain=f"{label}.{platform}", is_free_host=True)
    parts = _EXTRACT(host)
    top = parts.top_domain_under_public_suffix
    if top:
        return HostInfo(host=host, domain=top, is_free_host=parts.is_private)
    if parts.suffix:  # the host is itself a public suffix: co.uk, pages.dev
        return HostInfo(host=host, domain=host, is_suffix=True)
    return HostInfo(host=host, domain=host, unknown_suffix=True)


def _platform_parents(host: str) -> list[str]:
    """The curated shared platforms that ``host`` is or sits under, longest first."""
    found = []
    labels = host.split(".")
    for i in range(len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in SHARED_PLATFORMS:
            found.append(candidate)
            break  # the first hit is the longest (most specific) parent
    return found


def registrable_domain(host: str) -> str:
    """The ``domain:`` unit for an ASCII host (the host itself if none exists)."""
    return host_info(host).domain


@lru_cache(maxsize=1_000_000)
def parse_url(raw: str) -> ParsedURL:
    """Normalise a linking-page URL leniently; never raises.

    Scheme and host are lower-cased, the host IDNA-encoded, userinfo, default
    ports and fragments dropped; spaces, control and non-ASCII characters in
    the path and query are percent-encoded; their case is kept.

    >>> parse_url("HTTP://User@WWW.Example.COM:80/A b?q=Ü#frag").url
    'http://www.example.com/A%20b?q=%C3%9C'
    >>> parse_url("javascript:alert(1)").problem
    'not a web address (javascript:)'
    >>> parse_url("example.com/page").url
    'http://example.com/page'
    """
    if not isinstance(raw, str):
        return ParsedURL(None, None, "empty URL")
    text = raw.strip()
    if not text:
        return ParsedURL(None, None, "empty URL")
    if text.startswith("//"):
        text = "http:" + text
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else ""
    if scheme not in _WEB_SCHEMES or not text[len(scheme) + 1 :].startswith("//"):
        if match and scheme not in _WEB_SCHEMES and not _looks_like_host_port(text):
            return ParsedURL(None, None, f"not a web address ({scheme}:)")
        text = "http://" + text
        scheme = "http"
    if "\\" in text.split("?", 1)[0].split("#", 1)[0][len(scheme) + 3 :].split("/", 1)[0]:
        # Browsers read a backslash as a slash, urlsplit does not: the two
        # would disagree on the host, so the URL is refused.
        return ParsedURL(None, None, "backslash in the host part of the URL")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return ParsedURL(None, None, "unparseable URL")
    host_text = parts.hostname or ""
    if parts.netloc.rpartition("@")[2].startswith("["):
        host_text = f"[{host_text}]"
    host = to_ascii_host(host_text)
    if host is None:
        return ParsedURL(None, None, "no valid host name in URL")
    if "." not in host and not _is_ip(host):
        return ParsedURL(None, None, f"host '{host}' is not a public domain")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    try:
        path = quote(parts.path, safe=_SAFE_PATH) or "/"
        query = quote(parts.query, safe=_SAFE_QUERY)
    except UnicodeEncodeError:  # lone surrogates cannot be UTF-8 encoded
        return ParsedURL(None, None, "invalid characters in URL")
    url = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    return ParsedURL(url, host)


def _looks_like_host_port(text: str) -> bool:
    """True for 'example.com:8080/x', which the scheme regex mistakes for a scheme."""
    head = text.split("/", 1)[0]
    host, _, port = head.partition(":")
    return "." in host and port.isdigit()


def normalize_url(raw: str) -> str | None:
    """The normalised URL, or None if ``raw`` cannot be used."""
    return parse_url(raw).url


def parse_host(raw: str) -> str | None:
    """Lenient host from a domain-export cell: accepts bare hosts or URLs.

    >>> parse_host(" https://WWW.Example.com/path ")
    'www.example.com'
    >>> parse_host("example.com")
    'example.com'
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if "/" in text or ":" in text or "@" in text:
        parsed = parse_url(text)
        return parsed.host if parsed.ok else None
    host = to_ascii_host(text)
    if host is None or ("." not in host and not _is_ip(host)):
        return None
    return host
