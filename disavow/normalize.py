"""The canonical link table: dtypes, URL/host/domain columns, row status, merging.

:func:`read_exports` reads every input with :func:`disavow.read.read_export`,
normalises each file with :func:`normalize_links` and merges the same link
reported by several files. This module does no file I/O of its own and never
prints; per-file notes (unparseable dates...) go to the files' reports.

Canonical dtype rules (one rule per kind of column, for every row):

* **text** (:data:`disavow.schema.TEXT_COLUMNS`): pandas' default ``str`` dtype.
  Missing text is **NA** (the dtype's missing value; test it with
  :func:`pandas.isna`), never the empty string: an empty cell becomes NA. Domain
  rows therefore have ``source_url`` NA.
* **booleans** (:data:`~disavow.schema.BOOL_COLUMNS`): nullable ``"boolean"``;
  NA when the export does not say.
* **numbers** (:data:`~disavow.schema.NUMBER_COLUMNS`, ``source_row`` included):
  ``float64``; NaN when missing, never filled with 0.
* **dates** (:data:`~disavow.schema.DATE_COLUMNS`): ``datetime64[us]``,
  timezone-naive (aware values are converted to UTC first); NaT when missing.
  Day-first or month-first is decided per file: a column whose own cells do not
  settle it (every day and month 12 or less) follows the file's other date
  columns (see :func:`to_datetime`).
* ``label`` (only when an input has a label column): float64 1.0 (toxic),
  0.0 (ok) or NaN.

Every row has ``status`` "ok", or "skipped" with a plain-words ``problem``;
skipped rows stay in the table so reports can show them.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.read import FALSE_WORDS, TRUE_WORDS, FileReport, as_bool, read_export, unread_set
from disavow.schema import RowKind, RowStatus
from disavow.urls import host_info, parse_host, parse_url

DATE_DTYPE = "datetime64[us]"
TEXT_DTYPE = "str"


@dataclass
class ReadResult:
    """Every input read, normalised and merged."""

    # columns exactly LINK_COLUMNS less the unread ones (+ "label" when an input had one)
    links: pd.DataFrame
    reports: list[FileReport]


def read_exports(paths: Iterable[str | Path], *, unread_columns: Collection[str] = ()
                 ) -> ReadResult:
    """Read, normalise and merge backlink exports.

    Args:
        paths: export files (CSV/TSV/TXT, XLSX, zip), any vendor, any mix.
        unread_columns: canonical columns the caller will not read (any of
            :data:`disavow.read.LEAVABLE_COLUMNS`): their cells are not
            converted and the table has no such columns.

    Returns:
        The canonical table and one report per file (or zip member / sheet).
        The same link (source URL, target URL) reported by several files is
        one row (see :func:`merge_links`).

    Raises:
        InputFormatError: a file cannot be read (see :func:`disavow.read.read_export`).
        ValueError: ``unread_columns`` names a column that cannot be left unread.
    """
    unread = unread_set(unread_columns)
    frames: list[tuple[Path, pd.DataFrame]] = []
    reports: list[FileReport] = []
    read: list[tuple[Path, list[FileReport]]] = []
    for path in paths:
        # The same file twice (a glob and its name) would count every link twice.
        first = next(((file, done) for file, done in read if _same_file(file, Path(path))), None)
        if first is not None:
            file, done = first
            again = "given again" if Path(path) == file else f"given again as {path}"
            done[0].warnings.append(f"{again}; it was read once.")
            continue
        frame, file_reports = read_export(path, unread_columns=unread)
        read.append((Path(path), file_reports))
        by_name = {_report_name(r, path): r for r in file_reports}
        normal, notes = _normalize(frame, clean_text=False, unread=unread)
        for name, note in notes:
            report = by_name.get(name) or file_reports[0]
            report.warnings.append(note)
        _count_unusable(normal, by_name, file_reports[0])
        for report in file_reports:
            if report.rows_read and report.rows_skipped >= report.rows_read:
                # Beside a good export, a file that gave nothing otherwise vanished
                # into the skipped-rows count.
                report.warnings.append(
                    f"every one of its {report.rows_read:,} rows was skipped, so it adds "
                    "nothing to the audit; check that it is a backlink export ('disavow "
                    "inspect' shows why its rows were skipped)."
                )
        frames.append((Path(path), normal))
        reports.extend(file_reports)
    if not frames:
        return ReadResult(_empty_table().drop(columns=list(unread)), reports)
    # The table goes file by file in order of name, not in the order the files were
    # named in: which file's value a merged link keeps, and every tie after it (a
    # domain's sample links, its top anchor), is then the same whatever that order.
    frames.sort(key=lambda item: (item[0].name, str(item[0])))
    links = (frames[0][1] if len(frames) == 1
             else pd.concat([frame for _, frame in frames], ignore_index=True))
    if len(frames) > 1 or links[s.SOURCE_FILE].nunique() > 1:
        links = merge_links(links)
    return ReadResult(links, reports)


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    except OSError:
        return False


def _report_name(report: FileReport, path: str | Path) -> str:
    """The source_file value of a report's rows (file name, plus ':member')."""
    label = report.path
    base = str(path)
    return Path(base).name + label[len(base):] if label.startswith(base) else Path(label).name


def _count_unusable(frame: pd.DataFrame, by_name: dict[str, FileReport],
                    fallback: FileReport) -> None:
    skipped = frame[s.STATUS] == RowStatus.SKIPPED.value
    if not skipped.any():
        return
    part = frame.loc[skipped, [s.SOURCE_FILE, s.SOURCE_ROW, s.PROBLEM]]
    for name, rows in part.groupby(s.SOURCE_FILE, sort=False):
        report = by_name.get(name, fallback)
        for row, problem in zip(rows[s.SOURCE_ROW], rows[s.PROBLEM], strict=True):
            report.add_skipped(int(row), str(problem))


# --- normalisation -------------------------------------------------------------


def normalize_links(frame: pd.DataFrame) -> pd.DataFrame:
    """Coerce a frame with canonical column names into the canonical table.

    Missing columns are added empty, unknown ones dropped (``label`` is kept),
    dtypes follow the module rules, and ``source_url``/``source_host``/``domain``
    and ``status``/``problem`` are computed. The input is not modified.

    >>> t = normalize_links(pd.DataFrame({"source_url": ["HTTP://WWW.Spam.COM/x", "javascript:x"]}))
    >>> t[["source_url", "domain", "status"]].values.tolist()
    [['http://www.spam.com/x', 'spam.com', 'ok'], [nan, nan, 'skipped']]
    >>> t.loc[1, "problem"]
    'not a web address (javascript:)'
    """
    return _normalize(frame)[0]


def _normalize(frame: pd.DataFrame, clean_text: bool = True, unread: frozenset[str] = frozenset()
               ) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """normalize_links, plus per-file notes; ``clean_text=False`` trusts the reader.

    disavow.read already turns empty text cells into NA (``na_values``), so the
    frames it returns skip that pass. ``unread`` columns are left out.
    """
    n = len(frame)
    notes: list[tuple[str, str]] = []
    files = frame.get(s.SOURCE_FILE, None)
    out: dict[str, pd.Series] = {}
    index = pd.RangeIndex(n)

    def col(name: str) -> pd.Series | None:
        if name not in frame:
            return None
        return frame[name].reset_index(drop=True)

    # Row kind: domain rows have a domain and no linking page.
    kind = col(s.ROW_KIND)
    if kind is None:
        has_url = s.SOURCE_URL in frame
        value = RowKind.LINK.value if has_url or s.DOMAIN not in frame else RowKind.DOMAIN.value
        kind = pd.Series(np.full(n, value, dtype=object), dtype=TEXT_DTYPE)
    kind = _text(kind)
    kind = _named_by_domain_only(kind, col(s.SOURCE_URL), col(s.DOMAIN))
    is_domain_row = (kind == RowKind.DOMAIN.value).to_numpy()

    url, host, domain, problem = _urls(col(s.SOURCE_URL), n)
    if is_domain_row.any():
        d_host, d_domain, d_problem = _domain_hosts(_named_hosts(col(s.SOURCE_HOST),
                                                                 col(s.DOMAIN)), n)
        url = np.where(is_domain_row, None, url)
        host = np.where(is_domain_row, d_host, host)
        domain = np.where(is_domain_row, d_domain, domain)
        problem = np.where(is_domain_row, d_problem, problem)
    problem = _earlier_verdicts(problem, col(s.STATUS), col(s.PROBLEM))
    status = np.where(pd.isna(problem), RowStatus.OK.value, RowStatus.SKIPPED.value)
    empty_text = _text(None, n)  # shared by every absent text column (copy-on-write)
    empty_number = pd.Series(np.full(n, np.nan))

    texts = {s.SOURCE_URL: url, s.SOURCE_HOST: host, s.DOMAIN: domain, s.PROBLEM: problem}
    dates: dict[str, pd.Series] | None = None  # every date column, read together
    for name in s.LINK_COLUMNS:
        if name in unread:
            continue
        if name == s.ROW_KIND:
            out[name] = kind
        elif name in texts:
            out[name] = pd.Series(texts[name], index=index, dtype=TEXT_DTYPE)
        elif name == s.STATUS:
            out[name] = pd.Series(status, index=index, dtype=TEXT_DTYPE)
        elif name in _TEXT:
            values = col(name)
            out[name] = empty_text if values is None else _text(values, clean=clean_text)
        elif name in _BOOL:
            out[name] = to_bool(col(name), n)
        elif name in _NUMBER:
            values = col(name)
            if values is None:
                if name != s.SOURCE_ROW:
                    out[name] = empty_number
                    continue
                values = pd.Series(np.arange(1, n + 1, dtype=np.float64))
            number, bad = to_number(values, n, count=name in _COUNT)
            out[name] = number
            _note_bad(notes, files, bad, f"{bad.sum() if bad is not None else 0} value(s) in "
                      f"{name} are not numbers; they were left empty")
        elif name in _DATE:
            if dates is None:
                dates = _dates_per_file({d: col(d) for d in s.DATE_COLUMNS if d not in unread},
                                        files, notes, n)
            out[name] = dates[name]
    if s.LABEL in frame:
        out[s.LABEL] = to_label(col(s.LABEL), n)
    table = pd.DataFrame(out, index=index, copy=False)
    return table, notes


def _named_by_domain_only(kind: pd.Series, urls: pd.Series | None,
                          domains: pd.Series | None) -> pd.Series:
    """``kind`` with the link rows that give no linking page but a domain made domain rows.

    In a table with both a URL and a Domain column, such a row still names a referring
    domain, as every row of a Domain-only table does: dropped as "empty URL", the
    domain was lost. Only generic tables map both columns, so vendor exports pay nothing.
    """
    if urls is None or domains is None:
        return kind
    named_only = (kind == RowKind.LINK.value).to_numpy() & _text(urls).isna().to_numpy()
    if named_only.any():
        named_only &= _text(domains).notna().to_numpy()
    if not named_only.any():
        return kind
    return kind.mask(named_only, RowKind.DOMAIN.value)


def _named_hosts(hosts: pd.Series | None, domains: pd.Series | None) -> pd.Series | None:
    """What names the site of each domain row: its host where a table gives one (the
    canonical table read back: a Search Console site www.x.com or blog.x.com), else
    its domain. Exports give a domain only."""
    if hosts is None:
        return domains
    hosts = _text(hosts)
    return hosts if domains is None else hosts.fillna(_text(domains))


def _earlier_verdicts(problem: np.ndarray, status: pd.Series | None,
                      given: pd.Series | None) -> np.ndarray:
    """``problem``, with the problem a table gives for each row it marks skipped.

    Only the canonical table has these columns: the URL it could not use is not in
    it, so read back, the row would be skipped as "empty URL" instead of why.
    """
    if status is None or given is None:
        return problem
    kept = (_text(status) == RowStatus.SKIPPED.value).to_numpy() & _text(given).notna().to_numpy()
    if not kept.any():
        return problem
    return np.where(kept, _text(given).to_numpy(dtype=object), problem)


_TEXT = set(s.TEXT_COLUMNS)
_BOOL = set(s.BOOL_COLUMNS)
_NUMBER = set(s.NUMBER_COLUMNS)
_COUNT = set(s.COUNT_COLUMNS)
_DATE = set(s.DATE_COLUMNS)


def _note_bad(notes: list[tuple[str, str]], files: pd.Series | None, bad: np.ndarray | None,
              message: str) -> None:
    if bad is None or not bad.any():
        return
    if files is None:
        notes.append(("", message))
        return
    counts = pd.Series(bad).groupby(files.reset_index(drop=True).to_numpy()).sum()
    for name, count in counts.items():
        if count:
            notes.append((str(name), re.sub(r"^\d+", str(int(count)), message)))


# --- text -----------------------------------------------------------------------


def _text(values: pd.Series | None, n: int | None = None, clean: bool = True) -> pd.Series:
    """A text column: the str dtype, empty strings as NA."""
    if values is None:
        return pd.Series([None], dtype=TEXT_DTYPE).repeat(n or 0).reset_index(drop=True)
    if values.dtype != TEXT_DTYPE:
        values = values.astype(TEXT_DTYPE)
        clean = True
    if clean:
        empty = values == ""
        if empty.any():
            values = values.mask(empty)
    return values


# --- URLs, hosts, domains ---------------------------------------------------------

# A URL already in parse_url's output form: lower-case http(s) scheme and host,
# no port, userinfo, fragment or characters that would be percent-encoded. For
# these parse_url(x).url == x, so the hot path skips it (tested by a property).
_NORMAL_URL = re.compile(
    r"(?:https?)://((?:[a-z0-9_-]+\.)+[a-z0-9_-]+)"
    r"/[A-Za-z0-9/%:@!$&'()*+,;=._~-]*(?:\?[A-Za-z0-9/%:@!$&'()*+,;=._~?-]+)?"
)
_HYPERLINK = re.compile(r'^\s*=\s*HYPERLINK\(\s*"([^"]*)"', re.IGNORECASE)


def parse_url_fast(raw: str) -> tuple[str | None, str | None, str | None]:
    """``parse_url`` as a (url, host, problem) tuple, skipping work for normal URLs.

    A spreadsheet formula ``=HYPERLINK("url", "text")`` is read as its URL.
    """
    match = _NORMAL_URL.fullmatch(raw)
    if match is not None and len(match.group(1)) <= 253:
        return raw, match.group(1), None
    formula = _HYPERLINK.match(raw)
    if formula is not None:
        raw = formula.group(1)
    parsed = parse_url(raw)
    return parsed.url, parsed.host, parsed.problem


def _urls(values: pd.Series | None, n: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(url, host, domain, problem) object arrays for linking-page cells.

    The work runs once per distinct cell (factorize, then take), and the
    registrable domain once per distinct host. This is the hot path of a
    million-row export, hence the plain loop with the regex bound locally.
    """
    if values is None:
        none = np.full(n, None, dtype=object)
        return none, none, none, np.full(n, "empty URL", dtype=object)
    codes, uniques = pd.factorize(values.to_numpy())
    urls: list[str | None] = []
    hosts: list[str | None] = []
    problems: list[str | None] = []
    fullmatch = _NORMAL_URL.fullmatch
    with _gc_paused():
        for raw in uniques.tolist():
            match = fullmatch(raw) if isinstance(raw, str) else None
            if match is not None and len(match.group(1)) <= 253:
                urls.append(raw)
                hosts.append(match.group(1))
                problems.append(None)
                continue
            url, host, problem = (
                parse_url_fast(raw) if isinstance(raw, str) else (None, None, "empty URL")
            )
            urls.append(url)
            hosts.append(host)
            problems.append(problem)
        urls.append(None)  # code -1: a missing cell
        hosts.append(None)
        problems.append("empty URL")
        domains = _domains(hosts)
    take = [np.array(part, dtype=object)[codes] for part in (urls, hosts, domains, problems)]
    return take[0], take[1], take[2], take[3]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    With a million-row frame alive, generation-2 collections triggered by the
    loops' allocations cost more than the loops; nothing here makes cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _domain_hosts(values: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(host, domain, problem) for the cells of a domain-level export."""
    if values is None:
        none = np.full(n, None, dtype=object)
        return none, none, np.full(n, "empty domain", dtype=object)
    codes, uniques = pd.factorize(values)
    hosts, problems = [], []
    for u in uniques:
        formula = _HYPERLINK.match(u) if isinstance(u, str) else None
        host = parse_host(formula.group(1) if formula else u)
        hosts.append(host)
        if host is not None:
            problems.append(None)
        elif not isinstance(u, str) or not u.strip():
            problems.append("empty domain")
        else:
            problems.append(f"not a domain name ({_shorten(u)})")
    hosts.append(None)
    problems.append("empty domain")
    host_u = np.array(hosts, dtype=object)
    domain_u = np.array(_domains(hosts), dtype=object)
    return host_u[codes], domain_u[codes], np.array(problems, dtype=object)[codes]


def _shorten(text: str, limit: int = 60) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _domains(hosts: Iterable[str | None]) -> list[str | None]:
    """The registrable domain of each host (None stays None), once per distinct host."""
    memo: dict[str | None, str | None] = {None: None}
    out = []
    for host in hosts:
        domain = memo.get(host, _UNSEEN)
        if domain is _UNSEEN:
            domain = memo[host] = host_info(host).domain
        out.append(domain)
    return out


_UNSEEN = object()


# --- booleans, numbers, labels ---------------------------------------------------

def to_bool(values: pd.Series | None, n: int | None = None) -> pd.Series:
    """true/false, TRUE/FALSE, Yes/No, 1/0 (any case) -> nullable boolean; else NA.

    >>> to_bool(pd.Series(["Yes", "FALSE", "1", "", None, "maybe"])).tolist()
    [True, False, True, <NA>, <NA>, <NA>]
    """
    if values is None:
        return pd.Series(pd.array(np.full(n or 0, None, dtype=object), dtype="boolean"))
    if values.dtype == "boolean":
        return values
    if values.dtype == bool:
        return values.astype("boolean")
    return as_bool(values)


_NUMBER_MISSING = {"", "null", "-", "--", "—", "n/a", "na", "nan", "none", "#n/a", "(not set)"}
_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"\d,(?:\d{1,2}|\d{4,})(?:\D|$)")
_THOUSANDS_GROUPS = re.compile(r"\d,\d{3},\d{3}(?:\D|$)")  # 1,234,567: commas group
# Spaces and apostrophes that group thousands: a space, a no-break space, the narrow one
# current fr-FR writes (1\u202f240), a thin one, or an apostrophe between digits (de-CH
# 1'240, 1’240). Only between digits: a leading apostrophe is Excel's text prefix.
_GROUPING = re.compile(r"[ \u00a0\u202f\u2009]|(?<=\d)['\u2019](?=\d)")
_DOT_GROUPED = re.compile(r"^[\s']*[+-]?\d{1,3}(?:\.\d{3})+\s*$")  # 1.240, 2.500.000


def to_number(values: pd.Series | None, n: int | None = None, *, count: bool = False
              ) -> tuple[pd.Series, np.ndarray | None]:
    """Cells -> float64, and a mask of cells that had text but no number.

    Thousands separators (``1,240``; ``1 240`` with any space, fr-FR's narrow
    U+202F too; ``1'240``), ``%``, a leading apostrophe and K/M/B suffixes are
    handled; ``null``, ``-``, ``n/a`` and empty cells are NaN, never 0. A column
    where some comma is followed by other than three digits (``12,5``) writes
    decimals with a comma: there ``1.234,5`` is 1234.5 and ``1,234`` is 1.234.
    With ``count`` (a column that counts things, :data:`disavow.schema.COUNT_COLUMNS`),
    a column whose every dotted cell has groups of three digits after its dots
    writes thousands with a dot: there ``1.240`` is 1240 and ``2.500.000`` is 2500000.

    >>> to_number(pd.Series(["1,240", "12%", "null", "-", "'083", "1.2K", "x"]))[0].tolist()
    [1240.0, 12.0, nan, nan, 83.0, 1200.0, nan]
    """
    if values is None:
        return pd.Series(np.full(n or 0, np.nan)), None
    if values.dtype.kind in "iufb":
        return values.astype(np.float64), None
    codes, uniques = pd.factorize(values)
    # A comma followed by other than three digits is no thousands separator: the
    # column writes decimals with a comma (12,5 or 1.234,5), as in most of Europe.
    texts = [u for u in uniques if isinstance(u, str)]
    decimal_comma = any(_DECIMAL_COMMA.search(t) for t in texts) and not any(
        _THOUSANDS_GROUPS.search(t) for t in texts)
    dotted = [t for t in texts if "." in t]
    # A count has no fractions: if every dot in the column is followed by groups of
    # three digits, the dots group thousands, as a German or Italian export writes them.
    dot_grouped = (count and not decimal_comma and bool(dotted)
                   and all(_DOT_GROUPED.match(t) for t in dotted))
    parsed = [_number_value(u, decimal_comma, dot_grouped) for u in uniques]
    numbers = np.array([p for p, _ in parsed] + [np.nan], dtype=np.float64)
    bad = np.array([b for _, b in parsed] + [False], dtype=bool)
    return pd.Series(numbers[codes], index=values.index), bad[codes]


def _number_value(value: object, decimal_comma: bool = False, dot_grouped: bool = False
                  ) -> tuple[float, bool]:
    if isinstance(value, bool | np.bool_):
        return float(value), False
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value), False
    text = str(value).strip().lstrip("'").strip()
    if text.casefold() in _NUMBER_MISSING:
        return np.nan, False
    text = _GROUPING.sub("", text)
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
        if dot_grouped:
            text = text.replace(".", "")
    text = text.rstrip("%").strip()
    scale = 1.0
    if text and text[-1].casefold() in _SUFFIX:
        scale = _SUFFIX[text[-1].casefold()]
        text = text[:-1]
    if _NUMBER_TEXT.match(text.casefold()):
        return float(text) * scale, False
    return np.nan, True


# Words a label column uses for each class, besides the yes/no words of
# spreadsheets in several languages (read.TRUE_WORDS / FALSE_WORDS).
TOXIC_WORDS = frozenset({"toxic", "disavow", "disavowed", "bad", "spam", "spammy", "harmful",
                         "positive", "remove"})
OK_WORDS = frozenset({"ok", "okay", "keep", "kept", "good", "clean", "safe", "fine", "negative",
                      "not toxic", "not_toxic", "not-toxic", "non toxic", "non-toxic",
                      "non_toxic", "nontoxic", "legit", "natural"})


def to_label(values: pd.Series | None, n: int | None = None) -> pd.Series:
    """A training label -> 1.0 (toxic/1/true/disavow), 0.0 (ok/0/false/keep) or NaN.

    >>> to_label(pd.Series(["toxic", "OK", "1", "false", "disavow", "keep", "", "?"])).tolist()
    [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, nan, nan]
    """
    if values is None:
        return pd.Series(np.full(n or 0, np.nan))
    codes, uniques = pd.factorize(values)
    table = np.array([label_value(u) for u in uniques] + [np.nan], dtype=np.float64)
    return pd.Series(table[codes], index=values.index)


def label_value(value: object) -> float:
    """One label cell as 1.0 toxic, 0.0 ok, or NaN when it says neither (or is blank).

    >>> [label_value(v) for v in ["Toxic", "not_toxic", "1.00", "WAHR", "Kept", "?", ""]]
    [1.0, 0.0, 1.0, 1.0, 0.0, nan, nan]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, bool | np.bool_):
        return float(value)
    word = str(value).strip().casefold()
    if word in TOXIC_WORDS or word in TRUE_WORDS:
        return 1.0
    if word in OK_WORDS or word in FALSE_WORDS:
        return 0.0
    try:
        number = float(word.replace(",", "."))
    except ValueError:
        return np.nan
    return number if number in (0.0, 1.0) else np.nan


# --- dates -------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?$")
_DATE_MISSING = {"", "-", "--", "—", "null", "n/a", "na", "nan", "none", "never"}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_YEAR_FIRST = re.compile(r"^(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{8})(?!\d)")
# What a date cell must look like: a day, a month and a year, in one of the forms the
# vendors write (formats.md section 2, rule 9), with a time and zone where given.
# pandas' mixed parser invents what is missing: "5,2024" and "May 2024" become the 1st
# of May, "2024" the 1st of January, and "10:30", "now" or "today" today's date.
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (r"(?:(?:[ T]|,?\s+)\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:\s*[ap]\.?m\.?)?)?"
         r"(?:\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?))?")
_DATE_SHAPE = re.compile(
    r"(?:\d{4}([-/.])\d{1,2}\1\d{1,2}"  # 2023-08-10, 2026/09/28
    r"|\d{8}"  # 20230810, ISO 8601's basic form
    r"|\d{1,2}([-/.])\d{1,2}\2(?:\d{4}|\d{2})"  # 28/09/2026, 03/04/2024, 28.09.26
    rf"|{_WEEKDAY}{_MONTH}[\s-]*{_DAY},?[\s-]+\d{{4}}"  # Sep 15, 2026
    rf"|{_WEEKDAY}{_DAY}\.?[\s-]*{_MONTH},?[\s-]+\d{{4}})"  # 11 Jul 2026, 15-Sep-2026
    + _TIME, re.IGNORECASE)


def to_datetime(values: pd.Series | None, n: int | None = None, *,
                dayfirst: bool | None = None) -> tuple[pd.Series, int]:
    """Date cells of one file's column -> tz-naive datetime64, and the unparseable count.

    ISO dates (``2023-08-10 15:51:35``, ``2026-09-28``, ``...T...Z``) take the
    fast path (when the first 200 cells are ISO; any other cell goes the slow way).
    Others (``Sep 15, 2026``, ``28/09/2026``, ``11 Jul 2026``) are
    parsed once per distinct value; for ``a/b/yyyy`` the column is day-first
    when any first field is above 12 or the fields are dotted, month-first when
    a second field is above 12. When no cell settles it, ``dayfirst`` does (the
    order the file's other date columns proved), else month-first.
    A cell without a day, a month and a year (``5,2024``, ``May 2024``,
    ``2024``, ``10:30``) is no date.

    >>> to_datetime(pd.Series(["03/04/2026", "28/09/2026"]))[0].dt.month.tolist()
    [4, 9]
    >>> to_datetime(pd.Series(["03/04/2026"]), dayfirst=True)[0].dt.month.tolist()
    [4]
    """
    result, bad, _ = _to_datetime(values, n, dayfirst)
    return result, bad


def _to_datetime(values: pd.Series | None, n: int | None, dayfirst: bool | None
                 ) -> tuple[pd.Series, int, _DayOrder]:
    """:func:`to_datetime`, and the day/month order the column's own cells show."""
    order = _DayOrder()
    if values is None:
        return pd.Series(np.full(n or 0, np.datetime64("NaT"), dtype=DATE_DTYPE)), 0, order
    if values.dtype.kind == "M":
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        result = values.astype(DATE_DTYPE)
        implausible = _implausible(result)
        return result.mask(implausible), int(implausible.sum()), order
    text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
    present = text.notna()
    sample = text[present].head(200)
    if len(sample) and all(_ISO.match(v.strip()) for v in sample):
        result = _checked_iso(text)
        # The sample chose the ISO parser; a later cell in another format is still a date.
        other = present.to_numpy() & result.isna().to_numpy()
        if other.any():
            at = np.flatnonzero(other)
            later, order = _mixed(text.iloc[at], dayfirst)
            result.iloc[at] = later.to_numpy()
    else:
        result, order = _mixed(text, dayfirst)
    result = result.mask(_implausible(result))
    failed = present & result.isna()
    if not failed.any():
        return result, 0, order
    missing = text.str.strip().str.casefold().isin(_DATE_MISSING)
    return result, int((failed & ~missing).sum()), order


# No link can be seen before the web began, nor after this century. The mixed
# parser reads numbers as dates ("-1" as the year -1, "1,5" as 5 January of the
# year 1), and such dates would reach links.csv as "-001-01-01 ...", a cell that
# starts like a formula; placeholders (0001-01-01, 1899-12-30) are no dates either.
_FIRST_DATE = pd.Timestamp("1990-01-01")
_END_DATE = pd.Timestamp("2100-01-01")


def _implausible(dates: pd.Series) -> pd.Series:
    """Which dates no backlink can have (missing ones are not)."""
    return (dates < _FIRST_DATE) | (dates >= _END_DATE)


def _iso(text: pd.Series) -> pd.Series:
    try:
        result = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        result = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    if getattr(result.dt, "tz", None) is not None:
        result = result.dt.tz_convert("UTC").dt.tz_localize(None)
    return result.astype(DATE_DTYPE)


def _checked_iso(text: pd.Series) -> pd.Series:
    """:func:`_iso`, with what it gets wrong put right, looking only at the few cells
    concerned: it refuses trailing whitespace, and past the sample that chose it, it
    takes "2024" and "2024-05" for the 1st."""
    dates = _iso(text).to_numpy(copy=True)
    failed = text.notna().to_numpy() & np.isnat(dates)
    if failed.any():
        at = np.flatnonzero(failed)
        dates[at] = _iso(text.iloc[at].str.strip()).to_numpy()
    days = dates.astype("datetime64[D]")
    on_a_first = days == days.astype("datetime64[M]").astype("datetime64[D]")  # NaT: False
    if on_a_first.any():
        at = np.flatnonzero(on_a_first)
        dates[at[~_date_shaped(text.iloc[at].to_numpy(dtype=object))]] = np.datetime64("NaT")
    return pd.Series(dates, index=text.index, dtype=DATE_DTYPE)


def _date_shaped(cells: np.ndarray) -> np.ndarray:
    """Which cells look like a date with a day, month and year (once per distinct cell)."""
    codes, uniques = pd.factorize(cells)
    shaped = np.array([_DATE_SHAPE.fullmatch(str(u).strip()) is not None for u in uniques],
                      dtype=bool)
    return shaped[codes]


@dataclass(frozen=True)
class _DayOrder:
    """What a column's a/b/yyyy cells show of their day/month order."""

    dayfirst: bool | None = None  # None: no cell settles it
    proof: str | None = None  # a cell that settles it (31/12/2025)
    ambiguous: str | None = None  # a cell that reads either way (03/04/2026)


def _day_order(cells: list[str | None]) -> _DayOrder:
    day_proof = month_proof = ambiguous = None
    for cell in cells:
        match = _NUMERIC_DATE.match(cell) if cell is not None else None
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if not (0 < first <= 31 and 0 < second <= 31):
            continue  # no date (Excel's zero date 1/0/1900): proves no order
        # Dotted dates (28.09.2026) are day-first wherever they are written.
        if first > 12 or match.group(0)[len(match.group(1))] == ".":
            day_proof = day_proof or cell
        elif second > 12:
            month_proof = month_proof or cell
        elif first != second:
            ambiguous = ambiguous or cell
    # A column with both keeps reading day-first, as it always has.
    if day_proof is not None:
        return _DayOrder(True, day_proof, ambiguous)
    if month_proof is not None:
        return _DayOrder(False, month_proof, ambiguous)
    return _DayOrder(None, None, ambiguous)


def _mixed(text: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, _DayOrder]:
    codes, uniques = pd.factorize(text)
    cells = [c if _DATE_SHAPE.fullmatch(c) else None for c in (str(u).strip() for u in uniques)]
    order = _day_order(cells)
    dayfirst = order.dayfirst if order.dayfirst is not None else bool(dayfirst)
    parsed = _parsed_mixed(cells, dayfirst)
    if dayfirst:
        # Day-first is for the a/b/yyyy cells: the parser would also swap the month
        # and day of a year-first cell (2023-08-10 as 8 October).
        year_first = [c is not None and _YEAR_FIRST.match(c) is not None for c in cells]
        if any(year_first):
            at = np.flatnonzero(year_first)
            parsed[at] = _parsed_mixed([cells[i] for i in at], dayfirst=False)
    table = np.append(parsed, np.datetime64("NaT"))
    return pd.Series(table[codes], index=text.index, dtype=DATE_DTYPE), order


def _parsed_mixed(cells: list[str | None], dayfirst: bool) -> np.ndarray:
    parsed = pd.to_datetime(pd.Series(cells, dtype=object), format="mixed", dayfirst=dayfirst,
                            errors="coerce", utc=True)
    return parsed.dt.tz_localize(None).astype(DATE_DTYPE).to_numpy(copy=True)


def _dates_per_file(columns: dict[str, pd.Series | None], files: pd.Series | None,
                    notes: list[tuple[str, str]], n: int) -> dict[str, pd.Series]:
    """Every date column, read file by file in one day/month order per file."""
    groups = files.reset_index(drop=True) if files is not None else None
    if groups is None or groups.nunique(dropna=False) <= 1:
        file = str(groups.iloc[0]) if groups is not None and len(groups) else ""
        return _file_dates(columns, file, notes, n)
    parts: dict[str, list[pd.Series]] = {name: [] for name in columns}
    for file, index in groups.groupby(groups, sort=False).groups.items():
        part = {name: None if values is None else values.loc[index]
                for name, values in columns.items()}
        dates = _file_dates(part, str(file), notes, len(index))
        for name, result in dates.items():
            parts[name].append(result.set_axis(index))
    return {name: pd.concat(pieces).reindex(groups.index).astype(DATE_DTYPE)
            for name, pieces in parts.items()}


def _file_dates(columns: dict[str, pd.Series | None], file: str,
                notes: list[tuple[str, str]], n: int) -> dict[str, pd.Series]:
    """One file's date columns. An en-GB re-save writes every column day-first, but a
    column whose days are all 12 or less cannot show it: it follows the column
    that does (read alone, 10/02/2026 became 2 October beside a 15/03/2026)."""
    read = {name: _to_datetime(values, n, None) for name, values in columns.items()}
    orders = {name: order for name, (_, _, order) in read.items()}
    day = [name for name, order in orders.items() if order.dayfirst is True]
    month = [name for name, order in orders.items() if order.dayfirst is False]
    if day and month:
        notes.append((file, f"{day[0]} is written day first ({orders[day[0]].proof}) but "
                      f"{month[0]} month first ({orders[month[0]].proof}); each column was "
                      "read in its own order. Check the dates of this file."))
    elif day:
        # Month-first is what an unsettled column was read as: only day-first re-reads.
        for name, order in orders.items():
            if order.dayfirst is None and order.ambiguous is not None:
                read[name] = _to_datetime(columns[name], n, True)
    elif not month:
        guessed = [(name, order.ambiguous) for name, (_, _, order) in read.items()
                   if order.ambiguous is not None]
        if guessed:
            cell = guessed[0][1]
            as_read = _mixed(pd.Series([cell], dtype=TEXT_DTYPE))[0].iloc[0]
            # A cell of date shape may still be no date (a time of 25:00): it is then
            # among the values left empty, said below, and shows no reading here.
            shown = f" ({as_read:%Y-%m-%d})" if not pd.isna(as_read) else ""
            notes.append((file, f"the dates in {', '.join(name for name, _ in guessed)} "
                          "could be day/month or month/day (no day above 12, as in "
                          f"{cell}); they were read month first{shown}. If the "
                          "export writes the day first, save it with YYYY-MM-DD dates and "
                          "read it again."))
    out = {}
    for name, (result, bad, _) in read.items():
        if bad:
            notes.append((file, f"{bad} value(s) in {name} are not dates; "
                          "they were left empty"))
        out[name] = result
    return out


# --- merging -------------------------------------------------------------------------


def merge_links(table: pd.DataFrame) -> pd.DataFrame:
    """One row per link (or domain) reported by several files.

    Link rows are keyed on (source_url, target_url), domain rows on domain;
    rows with ``status="skipped"`` are never merged. A link row with no target
    (Search Console's Latest links names only the linking page) takes the target of
    the first row of its page that has one, so the same page is one link, not two.
    Within one file every row is kept (a page may link twice); across files the
    n-th row of a key in one file merges with the n-th row of that key in another.
    A merged row keeps, per column, the first non-missing value in table order
    (:func:`read_exports` puts the files in order of name), the earliest
    ``first_seen`` and the latest ``last_seen``, lists every source file and format
    once, "; "-joined, and keeps the first file's ``source_row``. Rows stay in
    order of first appearance.
    """
    n = len(table)
    if n == 0:
        return table
    ok = (table[s.STATUS] == RowStatus.OK.value).to_numpy()
    is_domain = (table[s.ROW_KIND] == RowKind.DOMAIN.value).to_numpy()
    url_codes = pd.factorize(table[s.SOURCE_URL])[0].astype(np.int64)
    target_codes = pd.factorize(table[s.TARGET_URL])[0].astype(np.int64)
    link_ok = ok & ~is_domain
    no_target = link_ok & (target_codes < 0)
    if no_target.any():
        with_target = link_ok & (target_codes >= 0)
        first_target = pd.Series(target_codes[with_target]).groupby(
            url_codes[with_target], sort=False).first()
        found = pd.Series(url_codes[no_target]).map(first_target)
        target_codes[no_target] = found.fillna(-1).to_numpy(dtype=np.int64)
    domain_codes = pd.factorize(table[s.DOMAIN])[0].astype(np.int64)
    width = int(target_codes.max()) + 2
    key = np.where(is_domain, -2 - domain_codes, url_codes * width + target_codes + 1)
    key = np.where(ok, key, -(10**15) - np.arange(n))  # skipped rows: unique keys
    file_codes = pd.factorize(table[s.SOURCE_FILE])[0]
    keys = pd.DataFrame({"key": key, "file": file_codes})
    keys["occ"] = keys.groupby(["key", "file"], sort=False).cumcount()
    dup = keys.duplicated(["key", "occ"], keep=False).to_numpy()
    if not dup.any():
        return table
    group = keys.loc[dup].groupby(["key", "occ"], sort=False).ngroup().to_numpy()
    part = table.loc[dup]
    grouped = part.groupby(group, sort=False)
    merged = grouped.first()
    for name in (s.SOURCE_FILE, s.SOURCE_FORMAT):
        merged[name] = grouped[name].agg(_join_unique)
    # The vendors saw the link at different times: first seen by any, last seen by any.
    for name, how in ((s.FIRST_SEEN, "min"), (s.LAST_SEEN, "max")):
        if name in part:
            merged[name] = grouped[name].agg(how)
    first_pos = np.flatnonzero(dup)[pd.Series(group).drop_duplicates().index.to_numpy()]
    keep = ~dup
    keep[first_pos] = True
    merged.index = first_pos
    result = table.loc[keep].copy()
    replaced = merged.reindex(columns=table.columns).astype(table.dtypes.to_dict())
    result.loc[first_pos, :] = replaced
    return result.reset_index(drop=True)


def _join_unique(values: pd.Series) -> str:
    parts: dict[str, None] = {}
    for value in values.dropna():
        for piece in str(value).split("; "):
            parts.setdefault(piece, None)
    return "; ".join(parts)


def _empty_table() -> pd.DataFrame:
    return normalize_links(pd.DataFrame({s.SOURCE_URL: pd.Series([], dtype=TEXT_DTYPE)}))
