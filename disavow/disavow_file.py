"""Read, check, write, merge and compare Google disavow files (formats.md section 1).

What this module owns:

* **Parsing** (:func:`parse_disavow`, :func:`read_disavow_file`). Every line keeps its
  exact text and line ending, so ``"".join(l.text + l.ending for l in f.lines) == f.text``
  always holds, and is classified as a comment, blank, ``domain:`` entry, URL entry or
  invalid line. Invalid lines carry an :class:`Issue` with a suggested repair.
* **Checking** (:func:`validate`): line issues plus whole-file checks (Google's line
  and byte budgets, encoding, BOM, duplicates, entries already covered by a
  ``domain:`` line).
* **Writing a new file** (:func:`format_disavow`) and **merging** new entries into the
  user's current file (:func:`merge_disavow`). Both return the planned text and a
  report; neither touches the disk. The output is verified by re-parsing it before
  it is handed back. :func:`write_disavow_file` writes either one atomically and
  verifies the file it wrote.
* **Diffing** two files (:func:`diff_disavow`): what an upload would un-disavow.

Rules the writer keeps (formats.md 1.10 and 1.11):

* Only four kinds of line are ever written: ``#`` comments, blank lines,
  ``domain:host`` and ``http(s)://`` URLs, all 7-bit ASCII with LF endings (a merge
  uses the old file's LF or CRLF endings; never a bare CR, see :func:`merge_disavow`).
  No input value can add a line: values with whitespace or control characters are
  rejected, comments are sanitised, and every rendered line is checked against a
  strict pattern.
* Values that must not be written are **reported, not raised**
  (:attr:`DisavowPlan.rejected`): bare public suffixes and platform roots, IP
  addresses as ``domain:`` entries, non-http(s) URLs, unusable values. A URL over
  2,048 characters falls back to a ``domain:`` entry for its site when one is
  allowed; it is never truncated.
* Google's budgets (100,000 lines, 2,000,000 bytes, old lines included) are met by
  collapsing the sites with the most URL lines into ``domain:`` entries; when that is
  not enough, :class:`~disavow.errors.OutputError` is raised with what to do.
* A merge keeps every old line byte for byte and in order, and appends new entries in
  a block under a dated comment. Nothing old is removed unless asked for.

This module does no printing, prompting or network access; its only file access is in
:func:`read_disavow_file` and :func:`write_disavow_file`.
"""

from __future__ import annotations

import codecs
import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from disavow.atomic import OutputFiles, StrPath, ensure_not_input
from disavow.errors import InputFormatError, OutputError
from disavow.lexicons import PROTECTED_DOMAINS
from disavow.text import decode_utf8_or_cp1252, one_line
from disavow.urls import HostInfo, host_info, host_problem, parse_url, to_ascii_host

MAX_LINES = 100_000  # Google's cap; blank and comment lines count
MAX_BYTES = 2_000_000  # "2 MB", read as decimal: the stricter reading (formats.md 1.1)
MAX_URL_CHARS = 2_048

EntryKind = Literal["domain", "url"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Whole-file budgets. Tests inject small ones; callers normally keep Google's."""

    max_lines: int = MAX_LINES
    max_bytes: int = MAX_BYTES


GOOGLE_LIMITS = Limits()


class LineKind(StrEnum):
    COMMENT = "comment"
    BLANK = "blank"
    DOMAIN = "domain"
    URL = "url"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One disavow entry in comparable form.

    ``value`` is the lower-case punycode host for a ``domain:`` entry and the
    normalised URL (:func:`disavow.urls.parse_url`) for a URL entry. Equality and
    order use ``kind`` and ``value`` only, so domain entries sort before URLs.
    """

    kind: EntryKind
    value: str
    host: str = field(compare=False)

    @classmethod
    def for_domain(cls, host: str) -> Entry:
        return cls("domain", host, host)

    @classmethod
    def for_url(cls, url: str, host: str) -> Entry:
        return cls("url", url, host)

    @property
    def line(self) -> str:
        """The line that writes this entry.

        >>> Entry.for_domain("example.com").line
        'domain:example.com'
        """
        return f"domain:{self.value}" if self.kind == "domain" else self.value

    def __str__(self) -> str:
        return self.line


def _key(entry: Entry) -> tuple[str, str]:
    """Sort key for entries: much faster than the dataclass's generated ordering."""
    return entry.kind, entry.value


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found by :func:`validate` or while parsing a line.

    ``line`` is 1-based, or None for a whole-file issue. ``code`` is a stable
    machine-readable name (``"domain-path"``, ``"too-many-lines"``...).
    ``suggestion`` says how to fix it in words; ``replacement`` is the exact line
    to write instead, when one can be derived safely.
    """

    line: int | None
    severity: Severity
    code: str
    message: str
    suggestion: str | None = None
    replacement: str | None = None


@dataclass(frozen=True, slots=True)
class DisavowLine:
    """One line of a disavow file.

    ``text`` is the exact original text (decoded, without its line ending) and
    ``ending`` the original terminator (``"\\n"``, ``"\\r\\n"``, ``"\\r"`` or ``""``
    for a last line without one). ``value`` is the normalised host for a
    ``domain:`` line and the URL as written (stripped) for a URL line. ``issue`` is
    the error of an invalid line or a warning about a valid one.
    """

    line: int
    text: str
    ending: str
    kind: LineKind
    value: str | None = None
    entry: Entry | None = None
    issue: Issue | None = None

    @property
    def normalized(self) -> str | None:
        """The comparison form: host for ``domain:``, normalised URL for a URL."""
        return self.entry.value if self.entry else None

    @property
    def problem(self) -> str | None:
        """The issue's message, if the line has one."""
        return self.issue.message if self.issue else None

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


@dataclass(frozen=True)
class DisavowFile:
    """A parsed disavow file.

    ``data`` is the input exactly as given (BOM included); ``text`` is the decoded
    text without a leading BOM; ``encoding`` is ``"utf-8"``, ``"cp1252"`` (the
    fallback for non-UTF-8 bytes) or ``"utf-16"``; ``newline`` is the most common
    line ending (``"\\n"`` when there is none). ``warnings`` holds decoding notes.
    """

    lines: tuple[DisavowLine, ...]
    data: bytes
    text: str
    encoding: str = "utf-8"
    has_bom: bool = False
    newline: str = "\n"
    source: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def n_lines(self) -> int:
        return len(self.lines)

    @property
    def n_bytes(self) -> int:
        return len(self.data)

    @property
    def ends_with_newline(self) -> bool:
        return not self.lines or self.lines[-1].ending != ""

    @property
    def entries(self) -> tuple[DisavowLine, ...]:
        """The valid ``domain:`` and URL lines, in file order (duplicates included)."""
        return tuple(line for line in self.lines if line.entry is not None)

    @property
    def invalid_lines(self) -> tuple[DisavowLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.INVALID)

    def entry_set(self) -> frozenset[Entry]:
        """What the file disavows, in comparable form (see :class:`Entry`)."""
        return frozenset(line.entry for line in self.lines if line.entry is not None)


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_INLINE_COMMENT = re.compile(r"\s#")
_QUOTES = "\"'`\u2018\u2019\u201c\u201d\u00ab\u00bb"
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"})
# What the writer may emit, checked on every rendered line (fullmatch, so a
# trailing newline can never slip through the way it can with ``$``).
_SAFE_ENTRY_LINE = re.compile(r"[\x21-\x7e]+")
_SAFE_COMMENT_LINE = re.compile(r"#(?:[\x20-\x7e]*[\x21-\x7e])?")

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP container (an .xlsx, .docx or .ods file)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls or .doc)"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "an RTF document (TextEdit or WordPad saves these)"),
)


def _decode(data: bytes, source: str) -> tuple[str, str, bool, list[str]]:
    """Decode a disavow file: (text, encoding, has_bom, warnings)."""
    notes: list[str] = []
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and len(data) % 4 == 0:
        raise InputFormatError(
            f"{source} is UTF-32 text; Google accepts only UTF-8. Save it as UTF-8 and try again."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputFormatError(
                f"{source} starts like UTF-16 but cannot be read: {exc}"
            ) from None
        for signature, what in _BINARY_SIGNATURES:
            if text.lstrip("\ufeff").encode("latin-1", "replace").startswith(signature):
                raise InputFormatError(f"{source} is {what}, not a plain-text disavow file.")
        if "\x00" in text:
            raise InputFormatError(
                f"{source} contains NUL characters: it is not a plain-text disavow file. "
                "Save it as UTF-8 plain text."
            )
        notes.append(f"{source} is UTF-16 text (Windows 'Unicode'); Google needs UTF-8.")
        stripped = text.lstrip("\ufeff")  # a UTF-8 BOM under the UTF-16 one: see below
        return stripped, "utf-16", stripped != text, notes
    # Every byte-order mark at the start is the file's BOM, not text: joining or
    # re-saving files can leave two. Kept in the text, the second one would become
    # the BOM of a merged file, and line 1 would read differently there than here.
    body = data
    while body.startswith(codecs.BOM_UTF8):
        body = body[3:]
    has_bom = len(body) != len(data)
    for signature, what in _BINARY_SIGNATURES:
        if body.startswith(signature):
            raise InputFormatError(
                f"{source} is {what}, not a plain-text disavow file. "
                "Download the current list from Search Console as .txt, "
                "or save the file as plain text."
            )
    if b"\x00" in body:
        raise InputFormatError(
            f"{source} contains NUL bytes: it is a binary file or UTF-16 without a "
            "byte-order mark. Save it as UTF-8 plain text."
        )
    try:
        return body.decode("utf-8"), "utf-8", has_bom, notes
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        first = f"0x{body[exc.start]:02x} on line {line}"
    # Only the bytes that are no UTF-8 are read as Windows-1252: a file that is UTF-8
    # but for one pasted word keeps its other non-ASCII entries (münchen-spam.de) as
    # they are, where decoding all of it as Windows-1252 would name other hosts.
    text, bad = decode_utf8_or_cp1252(body)
    notes.append(
        f"{source} is not valid UTF-8 ({bad:,} byte(s), the first {first}); read those "
        "as Windows-1252. Google needs UTF-8."
    )
    return text, "cp1252", has_bom, notes


def parse_disavow(data: bytes | str, *, source: str | None = None) -> DisavowFile:
    """Parse a disavow file without losing a byte of it.

    Args:
        data: the file's bytes (or already-decoded text).
        source: a name for messages, usually the file path.

    Returns:
        The parsed file. Decoding problems are recorded in ``warnings`` for the caller to show.

    Raises:
        InputFormatError: the data is not text at all (spreadsheet, PDF, NUL bytes).

    >>> f = parse_disavow(b"# old\\r\\ndomain:Example.COM\\r\\nhttp://x.com/A#top\\r\\n")
    >>> [(line.kind.value, line.value) for line in f.lines]
    [('comment', None), ('domain', 'example.com'), ('url', 'http://x.com/A#top')]
    >>> f.lines[2].normalized, f.newline == "\\r\\n"
    ('http://x.com/A', True)
    """
    name = source or "the disavow file"
    if isinstance(data, str):
        text = data.lstrip("\ufeff")  # every leading BOM, as in _decode
        has_bom = text != data
        raw = data.encode("utf-8")
        encoding, notes = "utf-8", []
    else:
        raw = bytes(data)
        text, encoding, has_bom, notes = _decode(raw, name)

    lines: list[DisavowLine] = []
    endings: Counter[str] = Counter()
    start = 0
    number = 0
    for match in _NEWLINE.finditer(text):
        number += 1
        ending = match.group()
        endings[ending] += 1
        lines.append(_classify(text[start : match.start()], number, ending))
        start = match.end()
    if start < len(text):
        lines.append(_classify(text[start:], number + 1, ""))
    newline = max(endings, key=lambda e: (endings[e], e == "\n")) if endings else "\n"
    return DisavowFile(
        lines=tuple(lines),
        data=raw,
        text=text,
        encoding=encoding,
        has_bom=has_bom,
        newline=newline,
        source=source,
        warnings=tuple(notes),
    )


def read_disavow_file(path: StrPath) -> DisavowFile:
    """Read and parse a disavow file from disk (see :func:`parse_disavow`).

    Raises:
        InputFormatError: the file cannot be read or is not text.
    """
    p = Path(path)
    return parse_disavow(_read_bytes(p), source=str(p))


def _read_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"cannot read the disavow file {p}: {exc.strerror or exc}") from None


def _has_invisible(s: str) -> bool:
    """Whitespace, control, format or unassigned characters anywhere in ``s``."""
    if s.isascii():
        return not s.isprintable() or " " in s
    return any(ch.isspace() or unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in s)


@dataclass(frozen=True, slots=True)
class _Finding:
    severity: Severity
    code: str
    message: str
    suggestion: str | None = None
    replacement: str | None = None

    def at(self, number: int) -> Issue:
        return Issue(
            number, self.severity, self.code, self.message, self.suggestion, self.replacement
        )


_Classified = tuple[LineKind, str | None, Entry | None, _Finding | None]


def _error(code: str, message: str, suggestion: str, replacement: str | None = None) -> _Classified:
    return LineKind.INVALID, None, None, _Finding("error", code, message, suggestion, replacement)


def _classify(text: str, number: int, ending: str = "") -> DisavowLine:
    s = text.strip()
    if not s:
        return DisavowLine(number, text, ending, LineKind.BLANK)
    if s[0] == "#":
        issue = None
        if text[0] != "#":
            issue = Issue(
                number,
                "warning",
                "comment-indented",
                "comment does not start in column 1; Google ignores lines that *begin* with '#'",
                "remove the space before '#'",
                s,
            )
        return DisavowLine(number, text, ending, LineKind.COMMENT, issue=issue)
    kind, value, entry, finding = _classify_entry(s)
    if finding is not None and text != s:
        # One issue per line: the whitespace must not hide behind another finding.
        finding = replace(finding, message=f"{finding.message}; also space before or after "
                                           "the entry")
    elif text != s:
        finding = _Finding(
            "warning",
            "entry-whitespace",
            "space before or after the entry",
            "remove the surrounding whitespace",
            entry.line if entry else s,
        )
    return DisavowLine(
        number, text, ending, kind, value, entry, finding.at(number) if finding else None
    )


def _repair(text: str) -> str | None:
    """The canonical line for ``text`` if it is (or can be repaired into) a valid line."""
    t = text.strip()
    if not t:
        return None
    if t.startswith("#"):
        return t
    kind, value, entry, finding = _classify_entry(t)
    if entry is not None:
        return f"domain:{entry.value}" if entry.kind == "domain" else value
    return finding.replacement if finding else None


def _looks_like_entry(token: str) -> bool:
    return token.lower().startswith(("http://", "https://", "domain:"))


def _classify_entry(s: str) -> _Classified:
    """Classify a stripped line that is neither blank nor a comment."""
    if s[0] in _QUOTES:  # only the start: a URL may well end in a quote
        inner = s.strip(_QUOTES + " \t")
        return _error(
            "quoted", "the line is quoted", "remove the quotes", _repair(inner) if inner else None
        )
    if m := _INLINE_COMMENT.search(s):
        head = s[: m.start()].rstrip()
        return _error(
            "inline-comment",
            "a '#' comment after the entry; Google documents no inline comments",
            "move the comment to its own line above the entry",
            _repair(head) if head else None,
        )
    if _has_invisible(s):
        tokens = s.split()
        if sum(map(_looks_like_entry, tokens)) > 1:
            return _error(
                "several-entries", "several entries on one line", "put one entry per line"
            )
        if "\ufeff" in s:
            what = "a byte-order mark (U+FEFF) inside the line, probably from joining files"
            fix, candidate = "remove the byte-order mark", s.replace("\ufeff", "")
        elif _HTTP.match(s):
            what = "whitespace or invisible/control characters inside the URL"
            fix, candidate = "percent-encode them (a space is %20)", parse_url(s).url
        else:
            what = "whitespace or invisible/control characters inside the entry"
            fix, candidate = "remove them", "".join(ch for ch in s if not _has_invisible(ch))
        return _error("whitespace", what, fix, _repair(candidate) if candidate else None)
    if s[:7].lower() == "domain:":
        return _classify_domain(s)
    return _classify_url(s)


def _domain_repair(raw_host: str | None) -> str | None:
    host = to_ascii_host(raw_host) if raw_host else None
    if host is None or ("." not in host and not host_info(host).is_ip) or host_info(host).is_suffix:
        return None
    if host_problem(host) is not None:  # a repair must itself be a valid line
        return None
    return f"domain:{host}"


def _classify_domain(s: str) -> _Classified:
    prefix, v = s[:7], s[7:]
    if not v:
        return _error(
            "domain-empty", "'domain:' with no host", "add the host name or delete the line"
        )
    if "://" in v:
        parsed = parse_url(v)
        return _error(
            "domain-url",
            "a full URL after 'domain:'",
            "keep only the host name",
            _domain_repair(parsed.host) if parsed.ok else None,
        )
    if v.startswith("*"):
        return _error(
            "domain-wildcard",
            "a wildcard after 'domain:' (domain: already covers all subdomains)",
            "remove the '*.'",
            _domain_repair(v.lstrip("*.")),
        )
    if v.startswith("."):
        return _error(
            "domain-leading-dot",
            "a dot before the host",
            "remove the dot",
            _domain_repair(v.lstrip(".")),
        )
    if "/" in v or "?" in v:
        host = re.split(r"[/?]", v, maxsplit=1)[0]
        return _error(
            "domain-path",
            "a path after the host; a domain: entry cannot name a sub-path",
            f"write domain:{host} for the whole host, "
            f"or a full URL line (http://{v}) for that one page",
            _domain_repair(host),
        )
    if not v.startswith("[") and ":" in v:
        host, _, port = v.rpartition(":")
        if port.isdigit():
            return _error(
                "domain-port", "a port after the host", "remove the port", _domain_repair(host)
            )
    host = to_ascii_host(v)
    info = host_info(host) if host else None
    if host is not None and info is not None and info.is_suffix:
        return _error(
            "domain-suffix",
            f"{host} is a public suffix or shared platform: this would disavow every site under it",
            f"name the individual sites instead (for example domain:spammer.{host}), "
            "or delete the line",
        )
    if host is None or info is None or ("." not in host and not info.is_ip):
        return _error(
            "domain-host",
            f"{v!r} is not a public host name",
            "fix the host name or delete the line",
        )
    if (problem := host_problem(host)) is not None:
        return _error(
            "domain-host",
            f"{v!r} is not a valid host name: {problem}",
            "fix the host name or delete the line",
        )
    entry = Entry.for_domain(host)
    finding = None
    bare = host[4:] if host.startswith("www.") else ""
    if prefix != "domain:":
        finding = _Finding(
            "warning",
            "domain-prefix-case",
            "the 'domain:' prefix is not in lower case",
            "write 'domain:' in lower case",
            entry.line,
        )
    elif v.endswith("."):
        finding = _Finding(
            "warning",
            "domain-trailing-dot",
            "a trailing dot after the host",
            "remove the dot",
            entry.line,
        )
    elif info.is_ip:
        finding = _Finding(
            "warning",
            "domain-ip",
            "Google does not say whether domain: accepts IP addresses",
            "list the pages on this IP address as URL lines",
        )
    elif bare and "." in bare and not host_info(bare).is_suffix:
        finding = _Finding(
            "warning",
            "domain-www",
            f"domain:{host} covers only the www host, not {bare} or its other subdomains",
            f"write domain:{bare} if the whole site is meant",
            f"domain:{bare}",
        )
    elif info.unknown_suffix:
        finding = _Finding(
            "warning",
            "domain-unknown-suffix",
            f"the ending of {host} is not in the bundled public suffix list",
            "check the host name",
        )
    return LineKind.DOMAIN, host, entry, finding


def _url_repair(candidate: str) -> str | None:
    kind, value, entry, _ = _classify_entry(candidate)
    return value if kind is LineKind.URL else None


def _classify_url(s: str) -> _Classified:
    m = _SCHEME.match(s)
    scheme = m.group(1).lower() if m else ""
    if scheme in ("http", "https"):
        rest = s[m.end() :] if m else s
        if not rest.startswith("//"):
            return _error(
                "url-slashes",
                f"'{scheme}:' is not followed by '//'",
                "write the URL as http(s)://host/path",
                _url_repair(f"{scheme}://{rest.lstrip('/')}"),
            )
        parsed = parse_url(s)
        if not parsed.ok or parsed.url is None or parsed.host is None:
            return _error(
                "url-invalid", f"unusable URL: {parsed.problem}", "fix the URL or delete the line"
            )
        if (problem := host_problem(parsed.host)) is not None:
            return _error(
                "url-invalid", f"{parsed.host!r} is not a valid host name: {problem}",
                "fix the URL or delete the line",
            )
        if len(s) > MAX_URL_CHARS:
            info = host_info(parsed.host)
            return _error(
                "url-too-long",
                f"the URL has {len(s):,} characters; Google accepts at most {MAX_URL_CHARS:,}",
                "disavow the site with a domain: entry instead (never shorten a URL)",
                f"domain:{info.domain}" if info.domain_line_allowed else None,
            )
        return LineKind.URL, s, Entry.for_url(parsed.url, parsed.host), None
    if m and not _looks_like_host_port(s):
        return _error(
            "url-scheme",
            f"not an http(s) URL ({scheme}:)",
            "Google accepts only full http:// or https:// URLs and domain: entries",
        )
    if s.startswith("*."):
        return _error(
            "wildcard",
            "a wildcard host; Google has no wildcards",
            "write a domain: entry, which already covers every subdomain",
            _domain_repair(s.lstrip("*.").split("/", 1)[0]),
        )
    parsed = parse_url(s)
    if not parsed.ok or parsed.host is None:
        return _error(
            "unknown-line",
            "neither a comment, a domain: entry nor a full http(s) URL",
            "fix or delete the line; comments must start with '#'",
        )
    if re.fullmatch(r"[^/?#]+/?", s):  # a bare host name
        if (problem := host_problem(parsed.host)) is not None:
            return _error(
                "unknown-line", f"{parsed.host!r} is not a valid host name: {problem}",
                "fix or delete the line",
            )
        return _error(
            "url-no-scheme",
            "a host name without 'domain:' or a scheme",
            f"write domain:{parsed.host} to disavow the site, or http://{s} for its home page only",
            _domain_repair(parsed.host),
        )
    return _error(
        "url-no-scheme",
        "a URL without http:// or https://",
        "add the scheme; check whether the site uses http or https, the repair is a guess",
        _url_repair(f"http://{s.lstrip('/')}"),
    )


def _looks_like_host_port(text: str) -> bool:
    """True for 'example.com:8080/x', which the scheme pattern mistakes for a scheme."""
    head = text.split("/", 1)[0]
    host, _, port = head.partition(":")
    return "." in host and port.isdigit()


# --------------------------------------------------------------------------------------
# Coverage helpers (formats.md 1.4: domain:d covers d and every host ending in ".d")
# --------------------------------------------------------------------------------------


def _is_ip_host(host: str) -> bool:
    return host.startswith("[") or host.replace(".", "").isdigit()


def covering_domain(
    host: str, domains: Mapping[str, object] | set[str], *, proper: bool = False
) -> str | None:
    """The top-most domain in ``domains`` that covers ``host`` (a strict parent if ``proper``)."""
    if _is_ip_host(host):
        return None if proper or host not in domains else host
    found = None
    h = host
    if proper:
        dot = h.find(".")
        h = h[dot + 1 :] if dot >= 0 else ""
    while h:
        if h in domains:
            found = h
        dot = h.find(".")
        h = h[dot + 1 :] if dot >= 0 else ""
    return found


def existing_coverage(
    file: DisavowFile, domains: Iterable[str], links: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """What ``file`` already disavows of each referring domain, in words.

    ``domains`` are referring domains (the ``domain:`` units of
    :func:`disavow.urls.host_info`); ``links`` their ``(normalised linking URL,
    domain)`` pairs. A domain a ``domain:`` line covers whole reads
    ``"domain:x.com (line 8)"``; one with only some links covered (URL lines, a
    ``domain:`` line for one of its hosts) reads ``"2 of 5 links (lines 16, 17)"``;
    others are absent. Only entries Google surely reads count
    (:func:`doubtful_entries`).

    >>> f = parse_disavow("domain:a.com\\nhttps://b.com/x\\n")
    >>> existing_coverage(f, ["a.com", "b.com", "c.com"],
    ...                   [("https://b.com/x", "b.com"), ("https://b.com/y", "b.com")])
    {'a.com': 'domain:a.com (line 1)', 'b.com': '1 of 2 links (line 2)'}
    """
    doubtful = doubtful_entries(file.lines)
    domain_lines: dict[str, int] = {}
    url_lines: dict[str, int] = {}
    for line in file.lines:
        if line.entry is None or line.line in doubtful:
            continue
        lines = domain_lines if line.entry.kind == "domain" else url_lines
        lines.setdefault(line.entry.value, line.line)
    coverage: dict[str, str] = {}
    for domain in domains:
        by = covering_domain(domain, domain_lines)
        if by is not None:
            coverage[domain] = f"domain:{by} (line {domain_lines[by]})"
    # Only domains an entry names in part can be partly covered: the links of the
    # others (nearly all, in a big profile) need no look.
    named = {host_info(h).domain for h in (*domain_lines, *(parse_url(u).host or "" for u in
                                                              url_lines))}
    partly = named - coverage.keys()
    n_links: Counter[str] = Counter()
    n_covered: Counter[str] = Counter()
    by_lines: dict[str, set[int]] = defaultdict(set)
    for url, domain in links:
        if domain not in partly:
            continue
        n_links[domain] += 1
        host = parse_url(url).host or ""
        by = covering_domain(host, domain_lines) if host else None
        line = domain_lines[by] if by is not None else url_lines.get(url)
        if line is not None:
            n_covered[domain] += 1
            by_lines[domain].add(line)
    for domain in sorted(n_covered):
        numbers = sorted(by_lines[domain])
        shown = ", ".join(map(str, numbers[:5])) + (", ..." if len(numbers) > 5 else "")
        coverage[domain] = (f"{n_covered[domain]:,} of {n_links[domain]:,} links "
                            f"(line{'s' if len(numbers) > 1 else ''} {shown})")
    return coverage


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def validate(file: DisavowFile, *, limits: Limits = GOOGLE_LIMITS) -> list[Issue]:
    """Every issue in a parsed file: line issues first, in line order, then file issues.

    Whole-file checks: more than ``limits.max_lines`` lines (blank and comment lines
    count) or ``limits.max_bytes`` bytes, not UTF-8, a byte-order mark, classic-Mac
    (CR-only) line endings, no entries at all; and, per line, duplicates, URL lines
    covered by a ``domain:`` line, ``domain:`` lines covered by a parent one and
    ``domain:`` lines on a whole established platform (youtube.com).

    >>> f = parse_disavow("domain:xy.com\\nhttp://www.xy.com/a\\ndomain:xy.com\\n")
    >>> [i.code for i in validate(f)]
    ['covered-by-domain', 'duplicate']
    """
    from disavow.decide import protected_platform  # the policy's list, not the writer's

    issues = [line.issue for line in file.lines if line.issue is not None]
    # An entry Google may not read (its own issue says why) makes no other line
    # redundant: "delete this line" would then remove the one that is read.
    doubtful = doubtful_entries(file.lines)
    first_seen: dict[Entry, int] = {}
    domains: dict[str, int] = {}
    for line in file.lines:
        if line.entry is not None and line.entry.kind == "domain" and line.line not in doubtful:
            domains.setdefault(line.entry.value, line.line)
    for line in file.lines:
        entry = line.entry
        if entry is None or line.line in doubtful:
            continue
        if entry in first_seen:
            issues.append(
                Issue(
                    line.line,
                    "warning",
                    "duplicate",
                    f"the same entry as line {first_seen[entry]}",
                    "delete this line",
                    None,
                )
            )
            continue
        first_seen[entry] = line.line
        platform = protected_platform(entry.value) if entry.kind == "domain" else None
        if platform is not None:
            issues.append(
                Issue(
                    line.line,
                    "warning",
                    "platform",
                    f"a domain: line on {platform}, an established platform whose pages are "
                    "mostly other people's (public blocklists carry such lines)",
                    "delete the line, and list the spam pages there as URL lines",
                    None,
                )
            )
        by = covering_domain(entry.host, domains, proper=entry.kind == "domain")
        if by is not None:
            issues.append(
                Issue(
                    line.line,
                    "warning",
                    "covered-by-domain",
                    f"already covered by domain:{by} on line {domains[by]}",
                    "the line is redundant and can be deleted",
                    None,
                )
            )
    issues.sort(key=lambda issue: issue.line or 0)
    issues.extend(_file_issues(file, limits))
    return issues


def _file_issues(file: DisavowFile, limits: Limits) -> list[Issue]:
    issues = []
    if file.n_lines > limits.max_lines:
        issues.append(
            Issue(
                None,
                "error",
                "too-many-lines",
                f"{file.n_lines:,} lines; Google accepts at most {limits.max_lines:,} "
                "(blank and comment lines count)",
                "replace sites with many URL lines by one domain: entry each, and drop blank lines",
            )
        )
    if file.n_bytes > limits.max_bytes:
        issues.append(
            Issue(
                None,
                "error",
                "too-many-bytes",
                f"{file.n_bytes:,} bytes; Google accepts at most {limits.max_bytes:,}",
                "replace sites with many URL lines by one domain: entry each",
            )
        )
    if file.encoding != "utf-8":
        issues.append(
            Issue(
                None,
                "error",
                "not-utf8",
                f"the file is not UTF-8 (read as {file.encoding})",
                "save it as UTF-8; a merge writes UTF-8",
            )
        )
    if file.has_bom:
        # The BOM sticks to line 1, whatever that line is.
        risky = bool(file.lines) and file.lines[0].kind is not LineKind.COMMENT
        issues.append(
            Issue(
                None,
                "warning",
                "bom",
                "the file starts with a byte-order mark"
                + (", which becomes part of the first entry" if risky else ""),
                "save it as UTF-8 without BOM; a merge drops it",
            )
        )
    if any(line.ending == "\r" for line in file.lines):
        issues.append(
            Issue(
                None,
                "warning",
                "cr-line-endings",
                cr_line_endings_message(file.lines),
                "save it with LF or CRLF line endings",
            )
        )
    if not any(line.entry is not None for line in file.lines):
        issues.append(
            Issue(
                None,
                "warning",
                "no-entries",
                "the file has no valid entries; uploading it would un-disavow everything",
                "check that this is the right file",
            )
        )
    return issues


def lines_joined_by_cr(lines: Iterable[DisavowLine]) -> tuple[DisavowLine, ...]:
    """The lines that a reader splitting lines only at LF would read as one with another.

    Google documents no line ending; LF and CRLF are safe readings, a bare CR (classic
    Mac) is not: ``domain:a.com<CR>domain:b.com<LF>`` may reach it as one malformed
    line, and ``# note<CR>domain:a.com<LF>`` as one comment. Each group of lines
    joined by bare CRs is returned whole; a lone line ending in a CR is not.

    >>> f = parse_disavow("# a\\rdomain:a.com\\ndomain:b.com\\r")
    >>> [line.line for line in lines_joined_by_cr(f.lines)]
    [1, 2]
    """
    joined: list[DisavowLine] = []
    group: list[DisavowLine] = []
    for line in lines:
        group.append(line)
        if line.ending != "\r":
            joined += group if len(group) > 1 else []
            group = []
    joined += group if len(group) > 1 else []
    return tuple(joined)


_JOINED_BY_CR = "joined to another line by a bare CR"
# Warnings on an entry line that leave open whether Google reads the entry at all.
# Trailing whitespace is not among them: editors leave it everywhere, and it says
# nothing about the entry itself.
_DOUBTFUL_WHY = {
    "domain-prefix-case": "'domain:' is not in lower case",
    "domain-trailing-dot": "a trailing dot after the host",
    "domain-ip": "an IP address after 'domain:'",
    "entry-whitespace": "space before the entry",
}


def doubtful_entries(lines: Iterable[DisavowLine]) -> dict[int, str]:
    """Entry lines Google may not read as the entry they hold: line number -> why.

    Google documents lower-case ``domain:`` lines of host names, and full URLs, one
    per line. An entry written otherwise (``DOMAIN:x.com``, ``domain:x.com.``,
    ``domain:1.2.3.4``, indented) or joined to another line by a bare CR
    (:func:`lines_joined_by_cr`) may be ignored, so a merge does not let it stand
    for the entry: the new block lists that site or page again.

    >>> f = parse_disavow("DOMAIN:a.com\\ndomain:b.com\\n")
    >>> doubtful_entries(f.lines)
    {1: "'domain:' is not in lower case"}
    """
    lines = tuple(lines)
    doubtful: dict[int, str] = {}
    for line in lines:
        if line.entry is None or line.issue is None:
            continue
        why = _DOUBTFUL_WHY.get(line.issue.code)
        if why is not None and (line.issue.code != "entry-whitespace" or line.text[:1].isspace()):
            doubtful[line.line] = why
    for line in lines_joined_by_cr(lines):
        if line.entry is not None:
            doubtful.setdefault(line.line, _JOINED_BY_CR)
    return doubtful


def cr_line_endings_message(lines: Iterable[DisavowLine]) -> str:
    """What bare-CR line endings risk, in words: which lines and how many entries."""
    lines = tuple(lines)
    n_cr = sum(1 for line in lines if line.ending == "\r")
    first = next(line.line for line in lines if line.ending == "\r")
    message = (f"{n_cr:,} line{'s end' if n_cr != 1 else ' ends'} in a bare CR (classic Mac "
               f"line endings), the first on line {first}")
    at_risk = [line.line for line in lines_joined_by_cr(lines) if line.entry is not None]
    if not at_risk:
        return message + "; a parser may not start a new line there"
    shown = ", ".join(map(str, at_risk[:5])) + (", ..." if len(at_risk) > 5 else "")
    return (message + f"; Google does not say it starts a new line there, and if it does not, "
            f"the {len(at_risk):,} entr{'ies' if len(at_risk) != 1 else 'y'} on line"
            f"{'s' if len(at_risk) != 1 else ''} {shown} are read as part of another line "
            "and not disavowed")


# --------------------------------------------------------------------------------------
# Writing and merging
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input value the writer refused, with the reason in plain words."""

    value: str
    kind: EntryKind
    reason: str


@dataclass(frozen=True, slots=True)
class Covered:
    """An entry made redundant by a ``domain:`` entry ``by``.

    ``line`` is the covered entry's line in the old file (None for a new entry);
    ``by_line`` the covering ``domain:`` line in the old file (None if it is new);
    ``text`` the covered old line as written, when it is one.
    """

    entry: Entry
    by: str
    line: int | None = None
    by_line: int | None = None
    text: str | None = None

    def __str__(self) -> str:
        where = f" on line {self.by_line}" if self.by_line is not None else ""
        if self.text is not None:
            # As written, not normalised: the user looks for this text in the file.
            return (f"{one_line(self.text.strip())} (line {self.line}, covered by "
                    f"domain:{self.by}{where})")
        return f"{self.entry.line} (covered by domain:{self.by}{where})"


@dataclass(frozen=True, slots=True)
class Present:
    """A new entry already in the old file (exactly or after normalisation) at ``line``."""

    entry: Entry
    line: int

    def __str__(self) -> str:
        return f"{self.entry.line} (line {self.line})"


@dataclass(frozen=True, slots=True)
class Collapse:
    """URL entries replaced by ``domain:<domain>``.

    ``reason`` is ``"long-url"`` (a URL over 2,048 characters), ``"per-host"``
    (more than ``collapse_urls_over`` URLs) or ``"budget"`` (to fit Google's limits).
    """

    domain: str
    n_urls: int
    reason: Literal["long-url", "per-host", "budget"]


@dataclass(frozen=True)
class DisavowOutput:
    """What a writer plans to write.

    ``text`` is the whole file; ``entries`` the set of entries a parser must find in
    it; ``new_from`` the byte offset where the lines this tool wrote begin (0 for a
    new file, the length of the kept old text for a merge). Everything from
    ``new_from`` on is ASCII.
    """

    text: str
    entries: frozenset[Entry]
    new_from: int

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def n_bytes(self) -> int:
        return len(self.data)

    @property
    def n_lines(self) -> int:
        return _count_lines(self.text)

    def verify(
        self, written: bytes | None = None, *, limits: Limits = GOOGLE_LIMITS
    ) -> DisavowFile:
        """Re-parse the planned (or ``written``) bytes and check them.

        Checks: the bytes equal the plan, the lines from ``new_from`` on are ASCII and
        valid, the parsed entry set equals :attr:`entries`, and the budgets hold.

        Raises:
            OutputError: any check fails (this is a bug; nothing should be uploaded).
        """
        data = self.data
        where = "the written file" if written is not None else "the planned file"
        if written is not None and written != data:
            raise OutputError(f"{where} differs from what was planned; do not upload it.")
        # Bytes equal to bytes that already passed every check under the same
        # limits pass them again: the plan, the merge and the read-back would
        # otherwise each re-parse the same text.
        passed = self.__dict__.get("_passed")
        if passed is not None and passed[0] == limits and passed[1] == data:
            return passed[2]
        if not data[self.new_from :].isascii():
            raise OutputError(
                f"internal error: {where} has non-ASCII new lines; nothing should be uploaded."
            )
        parsed = parse_disavow(data)
        start_line = _count_lines(data[: self.new_from].decode("utf-8"))
        bad = [line for line in parsed.lines[start_line:] if line.kind is LineKind.INVALID]
        if bad:
            raise OutputError(
                f"internal error: {where} would contain an invalid line {bad[0].text!r}."
            )
        found = parsed.entry_set()
        if found != self.entries:
            missing = sorted(self.entries - found, key=_key)[:3]
            extra = sorted(found - self.entries, key=_key)[:3]
            raise OutputError(
                f"internal error: {where} does not hold the intended entries "
                f"(missing {[e.line for e in missing]}, unexpected {[e.line for e in extra]})."
            )
        _check_budget(parsed.n_lines, len(data), limits)
        object.__setattr__(self, "_passed", (limits, data, parsed))
        return parsed


@dataclass(frozen=True)
class DisavowPlan(DisavowOutput):
    """A new disavow file (:func:`format_disavow`).

    ``written`` lists the entries in file order (``domain:`` lines, then URLs, each
    sorted). ``covered`` are inputs dropped because a ``domain:`` entry in the file
    covers them; ``n_duplicates`` counts inputs that repeated another after
    normalisation.
    """

    written: tuple[Entry, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    covered: tuple[Covered, ...] = ()
    collapsed: tuple[Collapse, ...] = ()
    n_duplicates: int = 0


@dataclass(frozen=True)
class MergeResult(DisavowOutput):
    """The user's file with new entries appended (:func:`merge_disavow`).

    * ``added``: entries written in the new block, in file order.
    * ``already_present``: new entries the old file already had.
    * ``covered_by_domain``: new entries skipped because an old or new ``domain:``
      entry covers them.
    * ``old_invalid``: malformed old lines, kept as they were.
    * ``old_covered_by_new_domain``: old entries that an added ``domain:`` entry
      now covers; kept.
    * ``removed``: old lines dropped because the caller asked (``remove=``);
      ``remove_not_found``: requested removals that matched nothing.
    * ``bom_removed``: the old file's BOM was dropped. ``transcoded_from``: the old
      file's encoding when it was not UTF-8 (its text is now UTF-8).
      ``added_final_newline``: a line ending was written after the old text: its
      last line had none (the block's is used), or a bare CR (an LF makes it a CRLF).
      ``newline``: the line ending used for the new block: the old file's, but LF
      where the old file mostly ends lines with a bare CR.
    * ``old_joined_by_cr``: kept old lines that a reader splitting lines only at LF
      would read as one with another (:func:`lines_joined_by_cr`); ``warnings``
      says what that risks, in words, when entries are among them.
    * ``old_doubtful``: kept old entries Google may not read as written
      (:func:`doubtful_entries`); they do not make a new entry present or covered.
    * ``left_out``: new entries dropped to fit the budgets (only with ``keep_best``),
      least important first; ``left_out_values``: the caller's values that the
      file therefore does not disavow.
    """

    added: tuple[Entry, ...] = ()
    already_present: tuple[Present, ...] = ()
    covered_by_domain: tuple[Covered, ...] = ()
    old_invalid: tuple[DisavowLine, ...] = ()
    old_covered_by_new_domain: tuple[Covered, ...] = ()
    removed: tuple[DisavowLine, ...] = ()
    remove_not_found: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    collapsed: tuple[Collapse, ...] = ()
    n_duplicates: int = 0
    left_out: tuple[Entry, ...] = ()
    left_out_values: tuple[str, ...] = ()
    bom_removed: bool = False
    transcoded_from: str | None = None
    added_final_newline: bool = False
    newline: str = "\n"
    old_joined_by_cr: tuple[DisavowLine, ...] = ()
    old_doubtful: tuple[DisavowLine, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the output differs from the old file's text."""
        return bool(self.added or self.removed or self.added_final_newline)


def _count_lines(text: str) -> int:
    n = len(_NEWLINE.findall(text))
    return n + 1 if text and not text.endswith(("\n", "\r")) else n


def _check_budget(n_lines: int, n_bytes: int, limits: Limits, *, context: str = "") -> None:
    if n_lines <= limits.max_lines and n_bytes <= limits.max_bytes:
        return
    raise OutputError(
        f"the disavow file would have {n_lines:,} lines and {n_bytes:,} bytes{context}; "
        f"Google accepts at most {limits.max_lines:,} lines and {limits.max_bytes:,} bytes. "
        "Writing one domain: entry per site, wherever that is allowed, was not enough. "
        "Raise the toxicity threshold, disavow at domain level (--level domain), "
        "or remove old entries."
    )


def _comment_line(text: object) -> str:
    """A caller's comment as one safe ASCII ``#`` line (never two lines).

    >>> _comment_line("site: münchen.de\\ndomain:evil.com")
    '# site: munchen.de domain:evil.com'
    """
    raw = str(text)
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", raw) if not unicodedata.combining(ch)
    )
    out = []
    for ch in folded:
        if ch.isspace() or unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            out.append(" ")
        elif ch.isascii():
            out.append(ch)
        else:
            out.append(ch.encode("ascii", "backslashreplace").decode("ascii"))
    line = re.sub(r" {2,}", " ", "".join(out)).strip()
    if not line.startswith("#"):
        line = f"# {line}" if line else "#"
    return line


def _value_problem(raw: object) -> str | None:
    """Why ``raw`` can never be written as an entry value, or None."""
    if not isinstance(raw, str):
        return f"not text ({type(raw).__name__})"
    s = raw.strip()
    if not s:
        return "empty value"
    if s.startswith("#"):
        return "starts with '#', which would make it a comment"
    if _has_invisible(s):
        return "contains whitespace or control characters, which could break the line"
    return None


@dataclass
class _Selection:
    """New entries on their way into a file, with everything said about them."""

    domains: set[str] = field(default_factory=set)
    urls: set[Entry] = field(default_factory=set)
    rejected: list[Rejected] = field(default_factory=list)
    collapsed: list[Collapse] = field(default_factory=list)
    covered: list[Covered] = field(default_factory=list)
    n_duplicates: int = 0
    # The caller's values behind each accepted entry (several after normalisation).
    origins: dict[Entry, list[str]] = field(default_factory=lambda: defaultdict(list))


def _may_be_whole(info: HostInfo, may_collapse: Collection[str] | None) -> bool:
    """Whether the URLs of this host's site may become one ``domain:`` line."""
    return (info.domain_line_allowed and info.domain not in PROTECTED_DOMAINS
            and (may_collapse is None or info.domain in may_collapse))


def _select(domains: Iterable[str], urls: Iterable[str],
            may_collapse: Collection[str] | None = None) -> _Selection:
    """Normalise, check and deduplicate the caller's values."""
    sel = _Selection()
    for raw in domains:
        reason = _value_problem(raw)
        host = to_ascii_host(raw) if reason is None else None
        if reason is None and host is None:
            reason = "not a host name"
        if host is not None:
            info = host_info(host)
            if info.is_suffix:
                reason = "a public suffix or shared platform: it would disavow every site under it"
            elif info.is_ip:
                reason = (
                    "an IP address: Google does not say domain: accepts one; pass its pages as URLs"
                )
            elif "." not in host:
                reason = "not a public host name"
            elif (problem := host_problem(host)) is not None:
                reason = f"not a valid host name: {problem}"
        if reason is not None:
            sel.rejected.append(Rejected(str(raw), "domain", reason))
            continue
        sel.origins[Entry.for_domain(host)].append(raw)  # type: ignore[arg-type]
        if host in sel.domains:
            sel.n_duplicates += 1
        else:
            sel.domains.add(host)  # type: ignore[arg-type]
    long_units: Counter[str] = Counter()
    for raw in urls:
        reason = _value_problem(raw)
        s = raw.strip() if reason is None else ""
        if reason is None and not _HTTP.match(s):
            reason = "not an http:// or https:// URL"
        elif reason is None and "\\" in re.split(r"[/?#]", s[s.index("//") + 2 :], maxsplit=1)[0]:
            # urlsplit reads http://a.com\@b.com/ as host b.com; browsers read a.com.
            reason = (
                "a backslash in the host part: browsers and parsers disagree on which site it names"
            )
        parsed = parse_url(s) if reason is None else None
        if parsed is not None and (parsed.url is None or parsed.host is None):
            reason = parsed.problem or "unusable URL"
        elif parsed is not None and (problem := host_problem(parsed.host)) is not None:
            reason = f"not a valid host name: {problem}"
        if reason is not None or parsed is None or parsed.url is None or parsed.host is None:
            sel.rejected.append(Rejected(str(raw), "url", reason or "unusable URL"))
            continue
        if len(parsed.url) > MAX_URL_CHARS:
            # Google takes no longer URL line. Only a site that may be disavowed as a
            # whole is: a spammer's long URL on a kept forum must not disavow the forum.
            info = host_info(parsed.host)
            if _may_be_whole(info, may_collapse):
                long_units[info.domain] += 1
                sel.domains.add(info.domain)
                sel.origins[Entry.for_domain(info.domain)].append(raw)
            else:
                why = ("its host cannot take a domain: entry (IP address or public suffix)"
                       if not info.domain_line_allowed else
                       f"{info.domain} may not be disavowed as a whole (an established "
                       "platform, or a site kept, reviewed or allowed)")
                sel.rejected.append(Rejected(
                    raw, "url", f"longer than {MAX_URL_CHARS:,} characters after "
                                f"normalisation, Google's limit for a URL line, and {why}"))
            continue
        entry = Entry.for_url(parsed.url, parsed.host)
        sel.origins[entry].append(raw)
        if entry in sel.urls:
            sel.n_duplicates += 1
        else:
            sel.urls.add(entry)
    sel.collapsed.extend(Collapse(d, n, "long-url") for d, n in sorted(long_units.items()))
    return sel


def _subsume(sel: _Selection, old_domains: Mapping[str, int]) -> None:
    """Drop new entries a ``domain:`` entry covers (formats.md 1.10 rule 5)."""
    every = set(old_domains) | sel.domains
    for host in sorted(sel.domains):
        by = covering_domain(host, every, proper=True)
        if by is not None:
            sel.domains.discard(host)
            sel.covered.append(Covered(Entry.for_domain(host), by, None, old_domains.get(by)))
    every = set(old_domains) | sel.domains
    for entry in sorted(sel.urls, key=_key):
        by = covering_domain(entry.host, every)
        if by is not None:
            sel.urls.discard(entry)
            sel.covered.append(Covered(entry, by, None, old_domains.get(by)))


class _Fitter:
    """Collapse URL entries into ``domain:`` entries, site by site, with exact accounting.

    A site is the ``domain:`` unit of a URL's host (:func:`disavow.urls.host_info`);
    sites that cannot take a ``domain:`` line (IP addresses, public suffixes) and
    established platforms are never collapsed, nor, when ``may_collapse`` is given,
    any site outside it. ``lines`` and ``nbytes`` track the size of the whole output.
    """

    def __init__(self, sel: _Selection, newline: str, lines: int, nbytes: int,
                 may_collapse: Collection[str] | None = None) -> None:
        self.sel = sel
        self.nl = len(newline)
        self.lines = lines + len(sel.domains) + len(sel.urls)
        self.nbytes = nbytes + sum(len(d) + 7 + self.nl for d in sel.domains)
        self.nbytes += sum(len(e.value) + self.nl for e in sel.urls)
        self.units: dict[str, list[Entry]] = defaultdict(list)
        for entry in sel.urls:
            info = host_info(entry.host)
            if _may_be_whole(info, may_collapse):
                self.units[info.domain].append(entry)
        # Units (and explicit domain entries) below another unit, which a collapse
        # of that unit makes redundant too.
        self.below: dict[str, list[str]] = defaultdict(list)
        for name in list(self.units) + sorted(sel.domains):
            parent = name
            while (dot := parent.find(".")) >= 0:
                parent = parent[dot + 1 :]
                if parent in self.units:
                    self.below[parent].append(name)

    def savings(self, unit: str) -> tuple[int, int, int]:
        """(lines saved, bytes saved, URLs covered) if ``unit`` were collapsed now."""
        n_urls = n_lines = n_bytes = 0
        for name in (unit, *self.below.get(unit, ())):
            for entry in self.units.get(name, ()):
                n_urls += 1
                n_lines += 1
                n_bytes += len(entry.value) + self.nl
            if name != unit and name in self.sel.domains:
                n_lines += 1
                n_bytes += len(name) + 7 + self.nl
        return n_lines - 1, n_bytes - (len(unit) + 7 + self.nl), n_urls

    def collapse(self, unit: str, reason: Literal["per-host", "budget"]) -> None:
        lines_saved, bytes_saved, n_urls = self.savings(unit)
        for name in (unit, *self.below.get(unit, ())):
            for entry in self.units.pop(name, ()):
                self.sel.urls.discard(entry)
                self.sel.covered.append(Covered(entry, unit))
            if name != unit and name in self.sel.domains:
                self.sel.domains.discard(name)
                self.sel.covered.append(Covered(Entry.for_domain(name), unit))
        self.sel.domains.add(unit)
        self.sel.collapsed.append(Collapse(unit, n_urls, reason))
        self.lines -= lines_saved
        self.nbytes -= bytes_saved

    def over(self, limits: Limits) -> bool:
        return self.lines > limits.max_lines or self.nbytes > limits.max_bytes

    def collapse_over(self, threshold: int) -> None:
        for unit in sorted(u for u, entries in self.units.items() if len(entries) > threshold):
            if unit in self.units:
                self.collapse(unit, "per-host")

    def fit(self, limits: Limits) -> None:
        """Collapse the sites with the most URL lines until the output fits ``limits``."""
        heap = []
        for unit in self.units:
            lines, nbytes, n_urls = self.savings(unit)
            heap.append((-n_urls, -nbytes, unit))
        heapq.heapify(heap)
        while self.over(limits) and heap:
            key_urls, key_bytes, unit = heapq.heappop(heap)
            if unit not in self.units:
                continue
            lines, nbytes, n_urls = self.savings(unit)
            if (-n_urls, -nbytes) != (key_urls, key_bytes):  # a parent collapse took some
                heapq.heappush(heap, (-n_urls, -nbytes, unit))
                continue
            helps = (self.lines > limits.max_lines and lines > 0) or (
                self.nbytes > limits.max_bytes and nbytes > 0
            )
            if helps:
                self.collapse(unit, "budget")

    def trim(self, limits: Limits, priority: Mapping[str, float]) -> list[Entry]:
        """Drop the new entries that matter least until the output fits ``limits``.

        An entry weighs what the most important of the caller's values behind it
        weighs (``priority``; a value it lacks weighs least), a ``domain:`` entry
        also what the entries it covers weigh. Returns the dropped entries.
        """
        covers: dict[str, list[Entry]] = defaultdict(list)
        for covered in self.sel.covered:
            covers[covered.by].append(covered.entry)
        weights: dict[Entry, float] = {}

        def weight(entry: Entry) -> float:
            if entry not in weights:
                weights[entry] = -math.inf  # guards a cycle, which cannot happen
                best = max((priority.get(v, -math.inf) for v in self.sel.origins.get(entry, ())),
                           default=-math.inf)
                if entry.kind == "domain":
                    best = max([best, *(weight(e) for e in covers.get(entry.value, ()))])
                weights[entry] = best
            return weights[entry]

        candidates = [Entry.for_domain(d) for d in self.sel.domains] + list(self.sel.urls)
        # Least important first; among equals, URL lines before domain: lines, then by value.
        candidates.sort(key=lambda e: (weight(e), e.kind != "url", e.value))
        dropped: list[Entry] = []
        for entry in candidates:
            if not self.over(limits):
                break
            if entry.kind == "domain":
                self.sel.domains.discard(entry.value)
                self.nbytes -= len(entry.value) + 7 + self.nl
            else:
                self.sel.urls.discard(entry)
                self.nbytes -= len(entry.value) + self.nl
            self.lines -= 1
            dropped.append(entry)
        return dropped

    def left_out_values(self, dropped: list[Entry], kept_domains: set[str],
                        kept_entries: set[Entry]) -> list[str]:
        """The caller's values the output no longer disavows once ``dropped`` are gone."""
        covers: dict[str, list[Entry]] = defaultdict(list)
        for covered in self.sel.covered:
            covers[covered.by].append(covered.entry)
        out: dict[str, None] = {}
        todo, seen = list(reversed(dropped)), set()
        while todo:  # depth first, in the order of ``dropped``
            entry = todo.pop()
            if entry in seen:
                continue
            seen.add(entry)
            if entry not in kept_entries and covering_domain(entry.host, kept_domains) is None:
                out.update(dict.fromkeys(self.sel.origins.get(entry, ())))
            if entry.kind == "domain":
                todo.extend(reversed(covers.get(entry.value, ())))
        return list(out)


def _render_lines(lines: list[str], newline: str) -> str:
    """Join lines the writer built, refusing anything but the four safe kinds."""
    for line in lines:
        safe = (
            line == ""
            or _SAFE_COMMENT_LINE.fullmatch(line)
            or (
                _SAFE_ENTRY_LINE.fullmatch(line)
                and (line.startswith("domain:") or _HTTP.match(line))
            )
        )
        if not safe:
            raise OutputError(f"internal error: refusing to write the unsafe line {line!r}.")
    return "".join(line + newline for line in lines)


def _entries(sel: _Selection) -> list[Entry]:
    return [Entry.for_domain(d) for d in sorted(sel.domains)] + sorted(sel.urls, key=_key)


def format_disavow(
    domains: Iterable[str] = (),
    urls: Iterable[str] = (),
    header_lines: Iterable[str] = (),
    *,
    collapse_urls_over: int | None = None,
    may_collapse: Collection[str] | None = None,
    limits: Limits = GOOGLE_LIMITS,
) -> DisavowPlan:
    """Plan a new disavow file: header comments, sorted ``domain:`` lines, sorted URLs.

    Args:
        domains: hosts to write as ``domain:`` entries, exactly as chosen by the
            caller (no reduction to the registrable domain happens here). Unicode
            and upper case are fine; they are punycoded and lower-cased.
        urls: linking-page URLs; each must start with ``http://`` or ``https://``.
        header_lines: comment lines for the top (tool and model version, date, site,
            counts). Each becomes exactly one ASCII ``#`` line; a ``#`` is added when
            missing. Without any, one line naming the tool is written.
        collapse_urls_over: write ``domain:`` for a site with more than this many URLs.
        may_collapse: the only sites whose URLs may become one ``domain:`` line (to
            fit ``limits`` or ``collapse_urls_over``); None: any site that can take
            one. An established platform never does.
        limits: budgets; Google's by default.

    Returns:
        The plan: text, entries, and what was rejected, covered or collapsed.
        Rejected values are reported, never raised and never written.

    Raises:
        OutputError: the file cannot fit the budgets even after collapsing every
            site that can take a ``domain:`` entry.

    >>> plan = format_disavow(["WWW.Spam.example", "co.uk"], ["http://www.spam.example/x",
    ...     "https://other.example/p?q=1"], ["Generated by a doctest"])
    >>> print(plan.text, end="")
    # Generated by a doctest
    <BLANKLINE>
    domain:www.spam.example
    https://other.example/p?q=1
    >>> plan.rejected[0].value, len(plan.covered)
    ('co.uk', 1)
    """
    header = [_comment_line(h) for h in header_lines] or [
        _comment_line(f"Disavow file written by disavow {_version()}")
    ]
    sel = _select(domains, urls, may_collapse)
    _subsume(sel, {})
    fixed_lines = len(header) + 1  # the blank line after the header
    fixed_bytes = sum(len(h) + 1 for h in header) + 1
    fitter = _Fitter(sel, "\n", fixed_lines, fixed_bytes, may_collapse)
    if collapse_urls_over is not None:
        fitter.collapse_over(collapse_urls_over)
    fitter.fit(limits)
    entries = _entries(sel)
    lines = header + ([""] if entries else []) + [e.line for e in entries]
    text = _render_lines(lines, "\n")
    plan = DisavowPlan(
        text=text,
        entries=frozenset(entries),
        new_from=0,
        written=tuple(entries),
        rejected=tuple(sel.rejected),
        covered=tuple(sel.covered),
        collapsed=tuple(sel.collapsed),
        n_duplicates=sel.n_duplicates,
    )
    _check_budget(plan.n_lines, plan.n_bytes, limits)
    plan.verify(limits=limits)
    return plan


def _version() -> str:
    from disavow import __version__

    return __version__


def merge_disavow(
    existing: DisavowFile | None,
    domains: Iterable[str] = (),
    urls: Iterable[str] = (),
    header_lines: Iterable[str] = (),
    *,
    block_comment: str | None = None,
    remove: Iterable[str] = (),
    collapse_urls_over: int | None = None,
    may_collapse: Collection[str] | None = None,
    limits: Limits = GOOGLE_LIMITS,
    keep_best: Mapping[str, float] | None = None,
) -> MergeResult:
    """Append new entries to the user's current disavow file without losing anything.

    Google replaces the whole list on each upload, so the output starts with the old
    file's text exactly (its bytes, minus a leading BOM; a cp1252 file is transcoded
    to UTF-8). A last line without a line ending gets one when a block is appended.
    When there is nothing to add or remove, the output is the old text unchanged.

    New entries not already present (exactly or after normalisation) and not covered
    by an old or new ``domain:`` entry are appended (an old entry Google may not
    read, see :func:`doubtful_entries`, neither makes one present nor covers one),
    sorted, under ``block_comment`` and ``header_lines``, with the old file's line
    endings. Values are checked as in :func:`format_disavow`.

    A bare CR is never written: Google does not document splitting lines there, and
    a new entry behind one could be read as part of an old line (or of an old
    comment). Where the old file mostly ends lines with a bare CR, the new block
    uses LF, and an old text ending in a bare CR gets an LF after it, which makes
    that ending a CRLF for every reader. Old lines joined by bare CRs cannot be
    fixed without changing them, so they are kept and reported (``old_joined_by_cr``
    and ``warnings``).

    Args:
        existing: the file downloaded from Search Console, or None to start afresh.
        domains, urls, header_lines, collapse_urls_over, may_collapse, limits: as for
            :func:`format_disavow`.
        block_comment: the comment above the new block; by default
            ``# Added by disavow <version> on <UTC date>``.
        remove: old lines to drop, matched by exact (stripped) text or by entry after
            normalisation (``"domain:x.com"``, a URL). Every removal is reported.
        keep_best: how much each of the caller's values matters (a score). When
            given and the new entries cannot fit even after collapsing, the least
            important new entries are left out (reported in ``left_out``) instead
            of raising. Old lines are never dropped for it.

    Returns:
        The merged text and the report (see :class:`MergeResult`).

    Raises:
        OutputError: the merged file cannot fit the budgets (old lines count too;
            with ``keep_best``, only when the old lines alone do not fit), or the
            same entry is both to be removed and added.
    """
    old = existing if existing is not None else parse_disavow(b"")
    nl = "\n" if old.newline == "\r" else old.newline

    # 1. Requested removals.
    remove_keys: dict[str, str] = {}
    remove_entries: dict[Entry, str] = {}
    for item in remove:
        text = str(item).strip()
        remove_keys[text] = str(item)
        line = _classify(text, 0)
        if line.entry is not None:
            remove_entries[line.entry] = str(item)
    matched: set[str] = set()
    kept: list[DisavowLine] = []
    removed: list[DisavowLine] = []
    for line in old.lines:
        key = line.text.strip()
        hit = remove_keys.get(key) if key else None
        if hit is None and line.entry is not None:
            hit = remove_entries.get(line.entry)
        if hit is not None:
            removed.append(line)
            matched.add(hit)
        else:
            kept.append(line)
    not_found = tuple(
        item
        for item in dict.fromkeys([*remove_keys.values(), *remove_entries.values()])
        if item not in matched
    )

    # 2. What the kept old lines surely disavow: an entry Google may not read as
    # one is kept, but a new entry equal to it (or under it) is still written.
    doubtful = doubtful_entries(kept)
    old_domains: dict[str, int] = {}
    old_entries: dict[Entry, int] = {}
    for line in kept:
        if line.entry is not None and line.line not in doubtful:
            old_entries.setdefault(line.entry, line.line)
            if line.entry.kind == "domain":
                old_domains.setdefault(line.entry.value, line.line)

    # 3. New entries: check, drop what is present or covered, collapse, fit.
    sel = _select(domains, urls, may_collapse)
    conflict = sorted(
        e
        for e in remove_entries
        if e in sel.urls or (e.kind == "domain" and e.value in sel.domains)
    )
    if conflict:
        raise OutputError(
            f"{conflict[0].line} is both to be removed and to be added; "
            "drop it from one of the two lists."
        )
    present: list[Present] = []
    for host in sorted(sel.domains):
        entry = Entry.for_domain(host)
        if entry in old_entries:
            sel.domains.discard(host)
            present.append(Present(entry, old_entries[entry]))
    for entry in sorted(sel.urls, key=_key):
        if entry in old_entries:
            sel.urls.discard(entry)
            present.append(Present(entry, old_entries[entry]))
    _subsume(sel, old_domains)

    old_text = "".join(line.text + line.ending for line in kept)
    # What ends the old last line before the block: its own ending, or the block's
    # when it has none. A bare CR gets an LF, so that every reader ends the line there.
    joint = "" if not old_text or old_text.endswith("\n") else "\n" if old_text.endswith(
        "\r") else nl
    block_head = [_comment_line(block_comment or f"Added by disavow {_version()} on {_today()}")]
    block_head += [_comment_line(h) for h in header_lines]
    separator = [""] if kept and kept[-1].kind is not LineKind.BLANK else []
    old_bytes = len(old_text.encode("utf-8"))
    fixed_lines = _count_lines(old_text) + len(separator) + len(block_head)
    fixed_bytes = old_bytes + len(joint)
    fixed_bytes += sum(len(line) + len(nl) for line in separator + block_head)
    fitter = _Fitter(sel, nl, fixed_lines, fixed_bytes, may_collapse)
    if collapse_urls_over is not None:
        fitter.collapse_over(collapse_urls_over)
    fitter.fit(limits)
    left_out: list[Entry] = []
    if keep_best is not None and fitter.over(limits):
        left_out = fitter.trim(limits, keep_best)

    added = _entries(sel)
    left_out_values: list[str] = []
    if left_out:
        left_out_values = fitter.left_out_values(
            left_out, set(old_domains) | sel.domains, set(old_entries) | set(added))
    if added:
        text = old_text + joint
        new_from = len(text.encode("utf-8"))
        text += _render_lines(separator + block_head + [e.line for e in added], nl)
    else:
        text, new_from, joint = old_text, old_bytes, ""

    # 4. Report what the new domain entries now cover in the old file.
    new_domains = {e.value for e in added if e.kind == "domain"}
    old_covered = []
    for line in kept:
        if line.entry is not None and new_domains:
            by = covering_domain(line.entry.host, new_domains, proper=line.entry.kind == "domain")
            if by is not None:
                old_covered.append(Covered(line.entry, by, line.line, None, line.text))
    # The old lines as the output has them: the joint may have made a last CR a CRLF.
    merged_old = kept[:-1] + [replace(kept[-1], ending="\r\n")] if joint == "\n" else kept
    joined_by_cr = lines_joined_by_cr(merged_old)
    warnings = []
    if any(line.entry is not None for line in joined_by_cr):
        name = old.source or "the existing disavow file"
        warnings.append(
            f"{name} ends lines with a bare CR, and the merged file keeps them byte for byte: "
            f"{cr_line_endings_message(merged_old)}. The new entries have lines of their own. "
            f"To be safe, save {name} with LF line endings and run again, or convert the "
            "merged file to LF line endings before uploading it."
        )
    # Bare-CR joins have their own warning above.
    unsure = [line for line in kept if doubtful.get(line.line, _JOINED_BY_CR) != _JOINED_BY_CR]
    if unsure:
        name = old.source or "the existing disavow file"
        first = unsure[0]
        warnings.append(
            f"{name} has {len(unsure):,} entr{'ies' if len(unsure) != 1 else 'y'} that Google "
            f"may not read as written (the first: line {first.line}, {doubtful[first.line]}). "
            "They are kept as they are but do not count as disavowed: where this run disavows "
            "the same site or page, the new block lists it again. 'disavow validate' shows "
            "how to write them."
        )
    invalid = [line for line in kept if line.kind is LineKind.INVALID]
    if invalid:
        name = old.source or "the existing disavow file"
        repairs = f" ('disavow validate {old.source}' suggests repairs)" if old.source else ""
        warnings.append(
            f"{name} has {len(invalid):,} line(s) that are no valid disavow line (the first: "
            f"line {invalid[0].line}, {invalid[0].problem}). The merged file keeps them as they "
            f"are, and Google may refuse the upload for them: fix them{repairs} and run again."
        )
    context = f" ({_count_lines(old_text):,} lines come from the existing file)" if old_text else ""
    _check_budget(_count_lines(text), len(text.encode("utf-8")), limits, context=context)
    result = MergeResult(
        text=text,
        entries=frozenset(line.entry for line in kept if line.entry is not None)
        | frozenset(added),
        new_from=new_from,
        added=tuple(added),
        already_present=tuple(sorted(present, key=lambda p: _key(p.entry))),
        covered_by_domain=tuple(sel.covered),
        old_invalid=tuple(invalid),
        old_covered_by_new_domain=tuple(old_covered),
        removed=tuple(removed),
        remove_not_found=not_found,
        rejected=tuple(sel.rejected),
        collapsed=tuple(sel.collapsed),
        n_duplicates=sel.n_duplicates,
        left_out=tuple(left_out),
        left_out_values=tuple(left_out_values),
        bom_removed=old.has_bom,
        transcoded_from=old.encoding if old.encoding != "utf-8" else None,
        added_final_newline=bool(joint),
        newline=nl,
        old_joined_by_cr=joined_by_cr,
        old_doubtful=tuple(line for line in kept if line.line in doubtful),
        warnings=tuple(warnings),
    )
    if text != old.text:  # an unchanged text was parsed already: nothing new to verify
        result.verify(limits=limits)
    return result


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def write_disavow_file(
    path: StrPath,
    output: DisavowOutput,
    *,
    overwrite: bool = False,
    inputs: Iterable[StrPath] = (),
    limits: Limits = GOOGLE_LIMITS,
    into: OutputFiles | None = None,
) -> DisavowFile:
    """Write a planned file atomically, read it back and verify it, and only then
    put it in place.

    Args:
        path: the destination; its name must end in ``.txt`` (Google's rule).
        output: a :class:`DisavowPlan` or :class:`MergeResult`.
        overwrite: replace an existing file.
        inputs: files that must not be overwritten (the existing disavow file, exports).
        limits: budgets to verify against.
        into: a set of files this one belongs to; it appears when that set is
            committed (``overwrite`` and ``inputs`` are then the set's).

    Returns:
        The written file, parsed.

    Raises:
        OutputError: bad name, existing file, input file, write failure, or the
            written file fails verification.
    """
    dest = Path(path)
    if dest.suffix.lower() != ".txt":
        raise OutputError(
            f"{dest}: Google only accepts disavow files whose name ends in .txt. Rename the output."
        )
    output.verify(limits=limits)
    ensure_not_input(dest, inputs)
    files = into if into is not None else OutputFiles(overwrite=overwrite, inputs=inputs)
    try:
        # A file that fails its read-back check is never put in place for upload.
        data = _read_bytes(files.add(dest, output.data))
        parsed = output.verify(data, limits=limits)
        if into is None:
            files.commit()
    finally:
        if into is None:
            files.discard()
    # What read_disavow_file(dest) gives; the bytes are the ones just verified.
    return (replace(parsed, source=str(dest)) if not parsed.warnings
            else parse_disavow(data, source=str(dest)))


# --------------------------------------------------------------------------------------
# Diff
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Doubtful:
    """An entry line Google may not read as the entry it holds (:func:`doubtful_entries`):
    ``text`` as written, ``why`` in words."""

    entry: Entry
    line: int
    text: str
    why: str

    @property
    def joined_by_cr(self) -> bool:
        """Doubtful for its line ending only (:func:`lines_joined_by_cr`), not as written."""
        return self.why == _JOINED_BY_CR

    def __str__(self) -> str:
        return f"line {self.line}: {self.text.strip()} ({self.why})"


@dataclass(frozen=True)
class DiffResult:
    """How ``new`` differs from ``old``, entry by entry (after normalisation).

    Only entries Google surely reads count, as in a merge (:func:`doubtful_entries`):
    a ``DOMAIN:x.com`` or indented line is neither added nor unchanged, and an old
    entry that ``new`` holds only in such a form is removed.

    ``added`` and ``removed`` hold normalised entry lines (``domain:host`` or the
    normalised URL), sorted. ``removed`` is what an upload of ``new`` would take out
    of the list; ``still_covered`` are the removed entries that a ``domain:`` line
    in ``new`` still covers (``line``: in old, ``by_line``: in new), so
    :attr:`un_disavowed` is what Google would really count again.
    ``new_doubtful`` are the entry lines of ``new`` that count for nothing, and
    ``old_doubtful_dropped`` the doubtful lines of ``old`` whose entry ``new`` lacks
    in any form (Google may or may not have read them).
    """

    added: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    still_covered: tuple[Covered, ...] = ()
    new_doubtful: tuple[Doubtful, ...] = ()
    old_doubtful_dropped: tuple[Doubtful, ...] = ()

    @property
    def un_disavowed(self) -> tuple[str, ...]:
        covered = {c.entry.line for c in self.still_covered}
        return tuple(e for e in self.removed if e not in covered)

    @property
    def written_doubtfully(self) -> tuple[Doubtful, ...]:
        """The lines of ``new`` that hold an un-disavowed entry only in a doubtful form:
        the likeliest cause of an un-disavow nobody meant."""
        lost = set(self.un_disavowed)
        return tuple(d for d in self.new_doubtful if d.entry.line in lost)


def diff_disavow(old: DisavowFile, new: DisavowFile) -> DiffResult:
    """Compare two files' entries; invalid lines, comments and blanks are ignored, and
    so are entries Google may not read (see :class:`DiffResult`).

    >>> old = parse_disavow("http://a.x.com/p\\nhttp://b.com/\\ndomain:c.com\\n")
    >>> d = diff_disavow(old, parse_disavow("domain:x.com\\ndomain:C.com\\n"))
    >>> d.added, d.removed, d.un_disavowed, d.unchanged
    (('domain:x.com',), ('http://a.x.com/p', 'http://b.com/'), ('http://b.com/',), 1)
    >>> d = diff_disavow(parse_disavow("domain:x.com\\n"), parse_disavow("DOMAIN:x.com.\\n"))
    >>> d.removed, d.unchanged, [str(w) for w in d.written_doubtfully]
    (('domain:x.com',), 0, ["line 1: DOMAIN:x.com. ('domain:' is not in lower case)"])
    """
    old_lines, old_doubtful = _first_lines(old)
    new_lines, new_doubtful = _first_lines(new)
    new_domains = {e.value: n for e, n in new_lines.items() if e.kind == "domain"}
    removed = sorted((e for e in old_lines if e not in new_lines), key=_key)
    still = []
    for entry in removed:
        by = covering_domain(entry.host, new_domains, proper=entry.kind == "domain")
        if by is not None:
            still.append(Covered(entry, by, old_lines[entry], new_domains[by]))
    in_new = new_lines.keys() | {d.entry for d in new_doubtful}
    return DiffResult(
        added=tuple(e.line for e in sorted((e for e in new_lines if e not in old_lines), key=_key)),
        removed=tuple(e.line for e in removed),
        unchanged=sum(1 for e in new_lines if e in old_lines),
        still_covered=tuple(still),
        new_doubtful=new_doubtful,
        old_doubtful_dropped=tuple(d for d in old_doubtful
                                   if d.entry not in in_new and d.entry not in old_lines),
    )


def _first_lines(file: DisavowFile) -> tuple[dict[Entry, int], tuple[Doubtful, ...]]:
    """Each entry ``file`` surely disavows with the line it first appears on, and its
    entry lines Google may not read."""
    doubtful = doubtful_entries(file.lines)
    first: dict[Entry, int] = {}
    unsure: list[Doubtful] = []
    for line in file.lines:
        if line.entry is None:
            continue
        if line.line in doubtful:
            unsure.append(Doubtful(line.entry, line.line, line.text, doubtful[line.line]))
        else:
            first.setdefault(line.entry, line.line)
    return first, tuple(unsure)
