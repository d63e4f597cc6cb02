"""The review page a site owner reads: ``report.html``.

This module owns turning the pipeline's results (the ``summary.json`` dict, the
per-domain frame and the per-link frame) into one self-contained HTML page. As
skrub's ``TableReport`` does, everything is computed once by
:func:`build_report` into a frozen :class:`Report`; :meth:`Report.to_html` only
renders it with a jinja2 template loaded from package data.

What it must not do: read input files, score anything or decide anything. It
only shows what it is given, and any key or column may be missing.

Safety rules, because anchors, titles and URLs come from the open web and may be
hostile:

* the jinja2 environment escapes every value (``autoescape=True``);
* the SVG charts are built here and escape every text they contain;
* the data embedded for the table script is JSON made safe for ``<script>``
  (``<``, ``>``, ``&``, U+2028 and U+2029 escaped) and the script only ever sets
  ``textContent``;
* no URL from the data becomes an ``href`` or ``src``: links are shown as text;
* bidirectional-text controls in any value are shown as ``[U+202E]`` and the like,
  so no text displays in another order than it is written;
* a Content-Security-Policy meta tag forbids every remote load, so the page
  works offline and cannot phone home.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from disavow.text import show_bidi_controls

__all__ = ["Chart", "DomainRow", "MergeView", "Report", "build_report"]

#: The Content-Security-Policy of the page: nothing may be loaded from anywhere.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

_SURROGATES = re.compile("[\ud800-\udfff]")

#: Rows rendered into the HTML itself, for readers without JavaScript and for
#: printing before the script takes over. The script pages through all rows.
STATIC_ROWS = 100

#: Sample links kept per domain in the page, and the longest one shown whole.
MAX_SAMPLES = 3
MAX_URL_CHARS = 200

#: Items listed per merge list (the counts always cover every item).
MAX_MERGE_ITEMS = 2000

DECISIONS = ("disavow", "review", "keep")
_DECISION_LABELS = {"disavow": "Disavow", "review": "Review", "keep": "Keep", "unknown": "Unknown"}
# Index of each decision in the embedded table data; anything else is "unknown".
_DECISION_INDEX = {"disavow": 0, "review": 1, "keep": 2}

ANCHOR_TYPES = (
    "branded", "exact_match", "partial_match", "naked_url", "generic", "empty", "other",
    "missing",
)
_ANCHOR_LABELS = {
    "branded": "Branded",
    "exact_match": "Exact match",
    "partial_match": "Partial match",
    "naked_url": "Naked URL",
    "generic": "Generic",
    "empty": "Empty",
    "other": "Other",
    "missing": "Not given",
}

TOP_TLDS = 10
HISTOGRAM_BINS = 20


# --------------------------------------------------------------------------- #
# The computed report
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Chart:
    """One inline SVG chart with its text fallback.

    Attributes:
        key: Stable identifier, used as the HTML id.
        title: Heading shown above the chart.
        caption: One or two plain sentences saying what the chart shows.
        svg: The chart as SVG markup (every text in it escaped), or "" when
            there is no data to draw.
        empty_message: What to show instead of the chart when ``svg`` is "".
        legend: Decisions shown in the legend, in order.
        table_head: Column headings of the data table behind the chart.
        table_rows: The data behind the chart, as text, for screen readers,
            printing and anyone who prefers numbers.
    """

    key: str
    title: str
    caption: str
    svg: str = ""
    empty_message: str = ""
    legend: tuple[str, ...] = ()
    table_head: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class DomainRow:
    """One domain as shown in the table (all text, nothing to compute)."""

    domain: str
    decision: str  # one of DECISIONS or "unknown"; safe as a CSS class
    score: str
    score_pct: float  # bar width, 0-100
    n_links: str
    reasons: tuple[str, ...]
    samples: tuple[str, ...]
    is_free_host: bool
    first_seen: str


@dataclass(frozen=True)
class MergeView:
    """What merging with the user's existing disavow file changed."""

    existing: str
    added: tuple[str, ...]
    already_present: tuple[str, ...]
    covered_by_domain: tuple[str, ...]
    old_invalid: tuple[tuple[str, str, str], ...]  # (line number, text, problem)
    removed: tuple[str, ...] | None  # None: the pipeline did not say
    old_covered_by_new_domain: tuple[str, ...]
    bom_removed: bool
    n_added: int
    n_already_present: int
    n_covered_by_domain: int
    n_old_invalid: int
    n_removed: int | None
    n_old_covered_by_new_domain: int


@dataclass(frozen=True)
class Report:
    """Everything ``report.html`` shows, computed once by :func:`build_report`.

    Render it with :meth:`to_html` or save it with :meth:`write_html`.
    """

    title: str
    site: str
    created: str
    tool: str
    model_name: str
    model_sha: str
    model_metrics: tuple[tuple[str, str], ...]
    disavow_threshold: float | None
    review_threshold: float | None
    link_disavow_threshold: float | None
    link_review_threshold: float | None
    # Domains known by name only (a domain-level export) are judged on the name alone,
    # against thresholds of their own.
    domain_only_disavow_threshold: float | None
    domain_only_review_threshold: float | None
    allow_entries: int | None
    deny_entries: int | None
    policy_level: str
    # A doubtful domain whose links are mostly toxic on their own is disavowed below
    # the Disavow threshold: the page must say so beside the threshold it states.
    promotes_doubtful_domains: bool
    n_links: int | None
    n_links_skipped: int
    n_domains: int | None
    domain_decisions: dict[str, int | None]
    link_decisions: dict[str, int | None]
    disavow_file: dict[str, Any] | None
    inputs: tuple[dict[str, str], ...]
    warnings: tuple[str, ...]
    merge: MergeView | None
    charts: tuple[Chart, ...]
    n_table_rows: int
    static_rows: tuple[DomainRow, ...]
    table_json: str = field(repr=False)

    def to_html(self) -> str:
        """Render the report as one self-contained HTML page.

        Returns:
            The page as text. It loads nothing from anywhere: styles, script,
            data and charts are all inline.
        """
        page = _environment().get_template("report.html.j2").render(
            r=self,
            csp=CSP,
            table_json=Markup(self.table_json),
            charts=[(chart, Markup(chart.svg)) for chart in self.charts],
            labels=_DECISION_LABELS,
            anchor_labels=_ANCHOR_LABELS,
        )
        try:
            page.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates from badly decoded exports cannot be written as
            # UTF-8; show them as U+FFFD rather than failing the whole run.
            page = _SURROGATES.sub("\ufffd", page)
        # Every value on the page comes from exports (anchors, titles, URLs, file lines),
        # and a bidirectional-text control in one would show its text in another order
        # than it is written; the page's own text has none.
        return show_bidi_controls(page)

    def write_html(self, file: str | Path | IO[str]) -> None:
        """Write :meth:`to_html` to a path (atomically, replacing it) or an open text file."""
        from disavow.atomic import write_atomic

        page = self.to_html()
        if hasattr(file, "write"):
            file.write(page)  # type: ignore[union-attr]
        else:
            write_atomic(Path(file), page, overwrite=True)


# --------------------------------------------------------------------------- #
# Building it
# --------------------------------------------------------------------------- #
def build_report(
    summary: dict[str, Any] | None,
    domains: pd.DataFrame | None,
    links: pd.DataFrame | None,
) -> Report:
    """Compute everything the review page shows, once.

    Args:
        summary: The dict also written to ``summary.json``. Any key may be
            missing or null.
        domains: One row per referring domain (``domain``, ``decision``,
            ``score``, ``n_links``, ``reasons``, ``sample_links``, ``tld``,
            ``first_seen``, ``is_free_host``, ...). Missing columns are shown
            as blanks.
        links: One row per link; only ``anchor_type`` and ``decision`` are
            used (for the anchor chart).

    Returns:
        A frozen :class:`Report`. Its inputs are not modified.
    """
    summary = summary if isinstance(summary, dict) else {}
    domains = domains if isinstance(domains, pd.DataFrame) else pd.DataFrame()
    links = links if isinstance(links, pd.DataFrame) else pd.DataFrame()

    site = _text(summary.get("site"))
    tool = _mapping(summary.get("tool"))
    model = _mapping(summary.get("model"))
    policy = _mapping(summary.get("policy"))
    counts = _mapping(summary.get("counts"))

    cols = _domain_columns(domains)
    table_json, static_rows = _table_data(cols)

    domain_decisions = _decision_counts(counts.get("domain_decisions"), cols["decision"])
    given_link_decisions = _mapping(counts.get("link_decisions"))
    link_decisions = _decision_counts(
        given_link_decisions,
        # Counted here only when the summary lacks them: links can be millions.
        _decision_series(links) if "decision" in links.columns and not given_link_decisions
        else None,
    )
    n_links = _int(counts.get("links"))
    if n_links is None and len(links):
        n_links = len(links)
    n_domains = _int(counts.get("domains"))
    if n_domains is None and len(domains):
        n_domains = len(domains)

    disavow_threshold = _threshold(policy.get("disavow_threshold"))
    review_threshold = _threshold(policy.get("review_threshold"))
    domain_only_disavow = _threshold(policy.get("domain_only_disavow_threshold"))
    domain_only_review = _threshold(policy.get("domain_only_review_threshold"))

    metrics = _mapping(model.get("metrics"))
    model_metrics = tuple(
        (_METRIC_LABELS.get(str(k), str(k)), _fmt_number(v, 3))
        for k, v in metrics.items()
        if v is not None
    )

    tool_name = _text(tool.get("name")) or "disavow"
    tool_version = _text(tool.get("version"))
    title = f"Backlink review for {site}" if site else "Backlink review"

    charts = (
        _score_chart(cols, disavow_threshold, review_threshold,
                     domain_only=(domain_only_disavow, domain_only_review)),
        _tld_chart(cols),
        _anchor_chart(links),
        _month_chart(cols),
    )

    return Report(
        title=title,
        site=site,
        created=_fmt_created(summary.get("created")),
        tool=f"{tool_name} {tool_version}".strip(),
        model_name=_text(model.get("name")),
        model_sha=_text(model.get("sha256")),
        model_metrics=model_metrics,
        disavow_threshold=disavow_threshold,
        review_threshold=review_threshold,
        link_disavow_threshold=_threshold(policy.get("link_disavow_threshold")),
        link_review_threshold=_threshold(policy.get("link_review_threshold")),
        domain_only_disavow_threshold=domain_only_disavow,
        domain_only_review_threshold=domain_only_review,
        allow_entries=_int(policy.get("allow_entries")),
        deny_entries=_int(policy.get("deny_entries")),
        policy_level=_text(policy.get("level")),
        promotes_doubtful_domains=policy.get("promote_doubtful_domains") is True,
        n_links=n_links,
        n_links_skipped=_int(counts.get("rows_skipped", counts.get("links_skipped"))) or 0,
        n_domains=n_domains,
        domain_decisions=domain_decisions,
        link_decisions=link_decisions,
        disavow_file=_disavow_file(summary.get("disavow_file")),
        inputs=_inputs(summary.get("inputs")),
        warnings=tuple(_text(w) for w in _list(summary.get("warnings")) if _text(w)),
        merge=_merge_view(summary.get("merge")),
        charts=charts,
        n_table_rows=len(cols["domain"]),
        static_rows=static_rows,
        table_json=table_json,
    )


_METRIC_LABELS = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "brier": "Brier score",
    "precision_at_90_recall": "Precision at 90% recall",
}


# --- small, forgiving readers of the summary dict ----------------------------
def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list | tuple) else []


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) else None


def _threshold(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0.0 <= number <= 1.0 else None


def _fmt_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _fmt_number(value: Any, digits: int = 2) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{value:.{digits}f}"
    return _text(value)


def _fmt_bytes(value: int | None) -> str:
    if value is None:
        return ""
    if value < 1000:
        return f"{value} bytes"
    if value < 1_000_000:
        return f"{value / 1000:.1f} KB"
    return f"{value / 1_000_000:.2f} MB"


def _plural(value: int | None, noun: str) -> str:
    if value is None:
        return ""
    return f"{value:,} {noun}" + ("" if value == 1 else "s")


def _fmt_created(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    # f-string day rather than "%-d", which is glibc-only.
    text = f"{moment.day} {moment:%B %Y, %H:%M}"
    if moment.tzinfo is None:
        return text
    return f"{text} UTC" if moment.utcoffset() == pd.Timedelta(0) else f"{text} {moment:%z}"


def _decision_counts(given: Any, series: pd.Series | None) -> dict[str, int | None]:
    """Counts per decision: the summary's when it has them, else counted here."""
    given = _mapping(given)
    if given:
        return {d: _int(given.get(d)) for d in DECISIONS}
    if series is None or not len(series):
        return dict.fromkeys(DECISIONS)
    counted = series.value_counts()
    return {d: int(counted.get(d, 0)) for d in DECISIONS}


def _disavow_file(value: Any) -> dict[str, Any] | None:
    info = _mapping(value)
    if not info:
        return None
    not_listed = []
    for item in _list(info.get("not_listed")):
        if isinstance(item, dict):
            not_listed.append((_text(item.get("value")), _text(item.get("why"))))
        else:
            not_listed.append((_text(item), ""))
    left_out = _mapping(info.get("left_out"))
    return {
        "left_out": {
            "entries": _int(left_out.get("entries")),
            "domain_lines": _int(left_out.get("domain_lines")),
            "url_lines": _int(left_out.get("url_lines")),
            "domains": _int(left_out.get("domains")),
            "reason": _text(left_out.get("reason")),
            "fix": _text(left_out.get("fix")),
        } if left_out else None,
        "not_listed": tuple(not_listed[:MAX_MERGE_ITEMS]),
        "n_not_listed": len(not_listed),
        "empty": info.get("empty") is True,
        "edit_before_upload": tuple(_text(e) for e in _list(info.get("edit_before_upload"))
                                    if _text(e)),
        "path": _text(info.get("path")) or "disavow.txt",
        "lines": _int(info.get("lines")),
        "domain_lines": _int(info.get("domain_lines")),
        "url_lines": _int(info.get("url_lines")),
        "size": _fmt_bytes(_int(info.get("bytes"))),
        "note": ", ".join(
            part
            for part in (
                _plural(_int(info.get("domain_lines")), "domain"),
                _plural(_int(info.get("url_lines")), "URL"),
                _fmt_bytes(_int(info.get("bytes"))),
            )
            if part
        ) + _new_lines(_int(info.get("new_domain_lines")), _int(info.get("new_url_lines"))),
    }


def _new_lines(domains: int | None, urls: int | None) -> str:
    """How many of the file's entries this run added (the rest were in the old file)."""
    if domains is None and urls is None:
        return ""
    return f"; this run added {_plural(domains or 0, 'domain')}, {_plural(urls or 0, 'URL')}"


def _inputs(value: Any) -> tuple[dict[str, str], ...]:
    rows = []
    for item in _list(value):
        item = _mapping(item)
        if not item:
            continue
        rows.append(
            {
                "path": _text(item.get("path")),
                "format": _text(item.get("format")),
                "rows_read": _fmt_int(_int(item.get("rows_read"))),
                "rows_skipped": _fmt_int(_int(item.get("rows_skipped"))),
            }
        )
    return tuple(rows)


def _merge_view(value: Any) -> MergeView | None:
    merge = _mapping(value)
    if not merge:
        return None

    def lines(key: str) -> list[str]:
        return [_text(x) for x in _list(merge.get(key))]

    added = lines("added")
    present = lines("already_present")
    covered = lines("covered_by_domain")
    old_covered = lines("old_covered_by_new_domain")
    invalid = []
    for item in _list(merge.get("old_invalid")):
        if isinstance(item, dict):
            invalid.append(
                (_text(item.get("line")), _text(item.get("text")), _text(item.get("problem")))
            )
        else:
            invalid.append(("", _text(item), ""))
    removed_raw = merge.get("removed")
    removed = (
        [_text(x) for x in removed_raw] if isinstance(removed_raw, list | tuple) else None
    )
    cap = MAX_MERGE_ITEMS
    return MergeView(
        existing=_text(merge.get("existing")),
        added=tuple(added[:cap]),
        already_present=tuple(present[:cap]),
        covered_by_domain=tuple(covered[:cap]),
        old_invalid=tuple(invalid[:cap]),
        removed=None if removed is None else tuple(removed[:cap]),
        old_covered_by_new_domain=tuple(old_covered[:cap]),
        bom_removed=merge.get("bom_removed") is True,
        n_added=len(added),
        n_already_present=len(present),
        n_covered_by_domain=len(covered),
        n_old_invalid=len(invalid),
        n_removed=None if removed is None else len(removed),
        n_old_covered_by_new_domain=len(old_covered),
    )


# --- the domain frame, column by column ---------------------------------------
def _decision_series(frame: pd.DataFrame) -> pd.Series:
    """Decisions as lower-case strings; anything unexpected becomes "unknown"."""
    if "decision" not in frame.columns:
        return pd.Series(["unknown"] * len(frame), index=frame.index, dtype=object)
    return _keyword_series(frame["decision"], DECISIONS, "unknown", "unknown")


def _keyword_series(
    values: pd.Series, allowed: tuple[str, ...], other: str, missing: str
) -> pd.Series:
    """Lower-cased values limited to ``allowed`` (once per distinct value: links can be
    millions, with a handful of distinct values)."""
    codes, keywords = _keyword_codes(values, allowed, other, missing)
    return pd.Series(keywords[codes], index=values.index, dtype=object)


def _keyword_codes(
    values: pd.Series, allowed: tuple[str, ...], other: str, missing: str
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_keyword_series` as each value's code and the keyword of each code."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    text = pd.Series(distinct, dtype=object).astype("string").str.strip().str.lower()
    out = text.where(text.isin(allowed), other).where(text.notna(), missing)
    return codes, out.astype(object).to_numpy()


def _text_list(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return [""] * len(frame)
    return [x if isinstance(x, str) else ("" if _is_missing(x) else str(x))
            for x in frame[column].tolist()]


def _truthy(value: Any) -> bool:
    """True for True, 1 and "true"/"yes"; False for everything else, NA included."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return False


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _datetimes(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as UTC-naive datetimes (NaT where missing or unreadable)."""
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    values = frame[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def _domain_columns(domains: pd.DataFrame) -> dict[str, Any]:
    """The domain frame as plain columns in the table's default order.

    Default order: disavow, review, keep, then unknown; within each, highest
    score first; then by domain name so the order is stable.
    """
    n = len(domains)
    decision = _decision_series(domains)
    if "score" in domains.columns:
        score = pd.to_numeric(domains["score"], errors="coerce").astype(float)
    else:
        score = pd.Series(np.nan, index=domains.index, dtype=float)
    domain = _text_list(domains, "domain")
    order_frame = pd.DataFrame(
        {
            "rank": decision.map({"disavow": 0, "review": 1, "keep": 2}).fillna(3).to_numpy(),
            "neg_score": (-score.fillna(-1.0)).to_numpy(),
            "domain": domain,
        }
    )
    order = order_frame.sort_values(["rank", "neg_score", "domain"], kind="stable").index
    order = order.to_numpy()

    if "n_links" in domains.columns:
        n_links = pd.to_numeric(domains["n_links"], errors="coerce").astype(float)
    else:
        n_links = pd.Series(np.nan, index=domains.index, dtype=float)
    if "is_free_host" in domains.columns:
        free = domains["is_free_host"].astype("object").map(_truthy)
    else:
        free = pd.Series(False, index=domains.index)
    first_seen = _datetimes(domains, "first_seen")
    # Without a tld column (or a value in it), the last label of the domain is
    # a fair stand-in: it only groups the chart.
    given = _text_list(domains, "tld")
    tld = [
        (t or (d.rsplit(".", 1)[-1] if "." in d else "")).strip().lower().lstrip(".")
        for t, d in zip(given, domain, strict=True)
    ]

    def pick(values: list[Any]) -> list[Any]:
        return [values[i] for i in order]

    fs_text = first_seen.dt.strftime("%Y-%m-%d").where(first_seen.notna(), "")
    return {
        "n": n,
        "domain": pick(domain),
        "decision": decision.iloc[order].reset_index(drop=True),
        "score": score.iloc[order].reset_index(drop=True),
        "n_links": pick(n_links.tolist()),
        "reasons": pick(_with_existing_file(_text_list(domains, "reasons"),
                                            _text_list(domains, "in_existing_file"))),
        "samples": pick(_text_list(domains, "sample_links")),
        "free": pick(free.tolist()),
        "first_seen": first_seen.iloc[order].reset_index(drop=True),
        "first_seen_text": pick(fs_text.tolist()),
        "tld": pick(tld),
    }


def _with_existing_file(reasons: list[str], covered: list[str]) -> list[str]:
    """Reasons led by what the --existing file already disavows of the domain."""
    return [f"already in your disavow file: {c} | {r}" if c else r
            for r, c in zip(reasons, covered, strict=True)]


def _split(text: str) -> list[str]:
    return [part for part in map(str.strip, text.split(" | ")) if part] if text else []


def _short_url(url: str) -> str:
    return url if len(url) <= MAX_URL_CHARS else url[: MAX_URL_CHARS - 1] + "…"


def _table_data(cols: dict[str, Any]) -> tuple[str, tuple[DomainRow, ...]]:
    """The JSON the table script reads, and the first rows rendered as HTML.

    Rows are arrays, not objects, and reasons are stored once in a lookup list,
    to keep a 50,000-domain page small: ``[domain, decision index, score,
    links, [reason index, ...], [sample, ...], is_free_host, first_seen]``.
    """
    reason_index: dict[str, int] = {}
    # Domains share reason texts: each is split and indexed once.
    split_reasons: dict[str, tuple[list[str], list[int]]] = {}
    rows: list[list[Any]] = []
    static: list[DomainRow] = []
    decisions = cols["decision"].tolist()
    scores = cols["score"].tolist()
    for i, domain in enumerate(cols["domain"]):
        text = cols["reasons"][i]
        known = split_reasons.get(text)
        if known is None:
            reasons = _split(text)
            known = split_reasons[text] = (
                reasons, [reason_index.setdefault(r, len(reason_index)) for r in reasons])
        reasons, reason_numbers = known
        samples = [_short_url(s) for s in _split(cols["samples"][i])[:MAX_SAMPLES]]
        score = scores[i]
        score = None if math.isnan(score) else round(score, 4)
        links = cols["n_links"][i]
        links = None if math.isnan(links) else int(links)
        decision = decisions[i]
        rows.append(
            [
                domain,
                _DECISION_INDEX.get(decision, 3),
                score,
                links,
                list(reason_numbers),
                samples,
                1 if cols["free"][i] else 0,
                cols["first_seen_text"][i],
            ]
        )
        if i < STATIC_ROWS:
            static.append(
                DomainRow(
                    domain=domain,
                    decision=decision,
                    score="—" if score is None else f"{score:.2f}",
                    score_pct=0.0 if score is None else max(0.0, min(100.0, score * 100)),
                    n_links="—" if links is None else f"{links:,}",
                    reasons=tuple(reasons),
                    samples=tuple(samples),
                    is_free_host=bool(cols["free"][i]),
                    first_seen=cols["first_seen_text"][i],
                )
            )
    payload = {"reasons": list(reason_index), "rows": rows}
    return _script_json(payload), tuple(static)


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` can only occur inside JSON strings, where their
    ``\\uXXXX`` forms mean the same, so ``</script>`` and ``<!--`` can never
    appear. U+2028 and U+2029 are escaped for older JavaScript parsers.

    >>> _script_json({"a": "</script><b>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --------------------------------------------------------------------------- #
# Charts: inline SVG, every text escaped here
# --------------------------------------------------------------------------- #
def _nice_axis(top: int, ticks: int = 4) -> tuple[int, int]:
    """A round axis maximum and step covering ``top`` with about ``ticks`` steps.

    >>> _nice_axis(37)
    (40, 10)
    >>> _nice_axis(0)
    (1, 1)
    """
    if top <= 0:
        return 1, 1
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return int(math.ceil(top / step) * step), step


def _svg_open(width: int, height: int, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg">'
    )


def _svg_columns(
    labels: list[str],
    series: list[tuple[str, list[int]]],
    *,
    label: str,
    y_title: str,
    markers: tuple[tuple[float, str], ...] = (),
    edge_ticks: tuple[tuple[float, str], ...] | None = None,
    max_labels: int = 12,
) -> str:
    """Vertical stacked columns.

    ``labels`` name the columns; with ``edge_ticks`` (fraction of the width,
    text) the x axis is labelled at those points instead, as a histogram's bin
    edges are. ``markers`` are dashed vertical lines at a fraction of the width:
    the first one's label goes to its left, the others' to their right.
    """
    width, height = 640, 270
    left, right, top, bottom = 48, 14, 22, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    y_max, step = _nice_axis(max(totals, default=0))
    n = max(1, len(labels))
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.82)
    parts = [_svg_open(width, height, label)]
    for tick in range(0, y_max + 1, step):
        y = top + plot_h - tick / y_max * plot_h
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:,}</text>'
        )
    parts.append(
        f'<text class="axis-title" x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{escape(y_title)}</text>'
    )
    every = max(1, math.ceil(len(labels) / max_labels))
    for i, name in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        base = top + plot_h
        for decision, values in series:
            value = values[i]
            if not value:
                continue
            h = value / y_max * plot_h
            base -= h
            parts.append(
                f'<rect class="bar {decision}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}"><title>'
                f"{escape(name)}: {value:,} {escape(_DECISION_LABELS[decision].lower())}"
                "</title></rect>"
            )
        if edge_ticks is None and i % every == 0:
            parts.append(
                f'<text class="tick" x="{left + i * slot + slot / 2:.1f}" '
                f'y="{top + plot_h + 16}" text-anchor="middle">{escape(name)}</text>'
            )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" '
        f'y1="{top + plot_h}" y2="{top + plot_h}"/>'
    )
    for fraction, text in edge_ticks or ():
        x = left + fraction * plot_w
        parts.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" '
            f'y2="{top + plot_h + 4}"/><text class="tick" x="{x:.1f}" '
            f'y="{top + plot_h + 16}" text-anchor="middle">{escape(text)}</text>'
        )
    for k, (fraction, text) in enumerate(markers):
        x = left + fraction * plot_w
        to_left = (k == 0 and len(markers) > 1) or fraction > 0.85
        anchor = "end" if to_left else "start"
        dx = -4 if to_left else 4
        parts.append(
            f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 8}" '
            f'y2="{top + plot_h}"/><text class="marker-label" x="{x + dx:.1f}" '
            f'y="{top - 10 + 8}" text-anchor="{anchor}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _svg_bars(labels: list[str], series: list[tuple[str, list[int]]], *, label: str) -> str:
    """Horizontal stacked bars, one per label, with the total at the end."""
    row_h, gap = 22, 8
    left, right, top, bottom = 120, 56, 8, 8
    width = 640
    height = top + bottom + len(labels) * (row_h + gap) - gap
    plot_w = width - left - right
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    biggest = max(totals, default=0) or 1
    parts = [_svg_open(width, height, label)]
    for i, name in enumerate(labels):
        y = top + i * (row_h + gap)
        shown = name if len(name) <= 16 else name[:15] + "…"
        parts.append(
            f'<text class="cat" x="{left - 8}" y="{y + row_h / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(shown)}<title>{escape(name)}</title></text>'
        )
        x = float(left)
        for decision, values in series:
            value = values[i]
            if not value:
                continue
            w = value / biggest * plot_w
            parts.append(
                f'<rect class="bar {decision}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                f'height="{row_h}"><title>{escape(name)}: {value:,} '
                f"{escape(_DECISION_LABELS[decision].lower())}</title></rect>"
            )
            x += w
        parts.append(
            f'<text class="total" x="{x + 6:.1f}" y="{y + row_h / 2 + 4:.1f}">'
            f"{totals[i]:,}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def _score_chart(
    cols: dict[str, Any], disavow_at: float | None, review_at: float | None,
    *, domain_only: tuple[float | None, float | None] = (None, None),
) -> Chart:
    title = "How toxic the referring domains look"
    score = cols["score"]
    known = score.notna()
    if not known.any():
        return Chart(
            key="scores",
            title=title,
            caption="The score distribution of the referring domains.",
            empty_message="No domain has a score, so there is nothing to draw.",
        )
    clipped = score[known].clip(0.0, 1.0)
    bins = np.minimum((clipped * HISTOGRAM_BINS).astype(int), HISTOGRAM_BINS - 1)
    decision = cols["decision"][known]
    table = pd.crosstab(bins, decision).reindex(range(HISTOGRAM_BINS), fill_value=0)
    used = [d for d in (*DECISIONS, "unknown") if d in table.columns]
    series = [(d, [int(v) for v in table[d].tolist()]) for d in used]
    width = 1 / HISTOGRAM_BINS
    labels = [f"{i * width:.2f}" for i in range(HISTOGRAM_BINS)]
    markers = []
    if review_at is not None:
        markers.append((review_at, f"review ≥ {review_at:.2f}"))
    if disavow_at is not None:
        markers.append((disavow_at, f"disavow ≥ {disavow_at:.2f}"))
    svg = _svg_columns(
        labels,
        series,
        label="Histogram of domain scores from 0 (clean) to 1 (toxic)",
        y_title="domains",
        markers=tuple(markers),
        edge_ticks=tuple((t / 5, f"{t / 5:.1f}") for t in range(6)),
    )
    n = int(known.sum())
    counts = decision.value_counts()
    caption = (
        f"Scores of {n:,} domains, from 0 (looks clean) to 1 (looks toxic), coloured by "
        f"decision: {int(counts.get('disavow', 0)):,} disavow, "
        f"{int(counts.get('review', 0)):,} review, {int(counts.get('keep', 0)):,} keep."
    )
    missing = len(score) - n
    if missing:
        caption += f" {missing:,} domains have no score and are not drawn."
    only_disavow, only_review = domain_only
    if markers and (only_disavow, only_review) != (None, None):
        # The lines are the thresholds of domains with links; name-only domains are
        # coloured by thresholds of their own, which no line shows.
        caption += (" The lines mark the thresholds of domains with links; domains known "
                    "by name only " + _domain_only_thresholds(only_disavow, only_review) + ".")
    rows = tuple(
        (
            f"{float(lo):.2f}–{float(lo) + width:.2f}",
            *(str(int(table.loc[i, d])) if d in table.columns else "0" for d in DECISIONS),
        )
        for i, lo in enumerate(labels)
    )
    return Chart(
        key="scores",
        title=title,
        caption=caption,
        svg=svg,
        legend=tuple(used),
        table_head=("Score", "Disavow", "Review", "Keep"),
        table_rows=rows,
    )


def _domain_only_thresholds(disavow_at: float | None, review_at: float | None) -> str:
    parts = [f"{word} at {value:.2f}" for word, value in (("are disavowed", disavow_at),
                                                         ("reviewed", review_at))
             if value is not None]
    return " and ".join(parts)


def _tld_chart(cols: dict[str, Any]) -> Chart:
    title = "Decisions by top-level domain"
    tlds = pd.Series(cols["tld"], dtype=object)
    present = tlds != ""
    if not present.any():
        return Chart(
            key="tlds",
            title=title,
            caption="Which top-level domains (.com, .xyz, …) the referring domains use.",
            empty_message="No domains to show.",
        )
    table = pd.crosstab(tlds[present], cols["decision"][present])
    table["_total"] = table.sum(axis=1)
    table = table.sort_values("_total", ascending=False, kind="stable").head(TOP_TLDS)
    used = [d for d in (*DECISIONS, "unknown") if d in table.columns]
    labels = ["." + str(t) for t in table.index]
    series = [(d, [int(v) for v in table[d].tolist()]) for d in used]
    svg = _svg_bars(labels, series, label="Stacked bars of decisions for the most common TLDs")
    n_tlds = int(tlds[present].nunique())
    caption = (
        f"The {len(labels)} most common of {n_tlds:,} top-level domains, by number of domains."
    )
    if "disavow" in table.columns and table["disavow"].sum():
        share = (table["disavow"] / table["_total"]).sort_values(ascending=False, kind="stable")
        worst = share.index[0]
        caption += (
            f" .{worst} has the highest share marked disavow: "
            f"{int(table.loc[worst, 'disavow']):,} of {int(table.loc[worst, '_total']):,}."
        )
    rows = tuple(
        (
            label,
            *(str(int(table.iloc[i][d])) if d in table.columns else "0" for d in DECISIONS),
            str(int(table.iloc[i]["_total"])),
        )
        for i, label in enumerate(labels)
    )
    return Chart(
        key="tlds",
        title=title,
        caption=caption,
        svg=svg,
        legend=tuple(used),
        table_head=("TLD", "Disavow", "Review", "Keep", "Domains"),
        table_rows=rows,
    )


def _anchor_decision_counts(links: pd.DataFrame) -> pd.DataFrame:
    """``pd.crosstab`` of the links' anchor kinds and decisions, counted by code: a
    million links carry a handful of distinct pairs."""
    kind_codes, kinds = _keyword_codes(links["anchor_type"], ANCHOR_TYPES, "other", "missing")
    if "decision" in links.columns:
        decision_codes, decisions = _keyword_codes(links["decision"], DECISIONS, "unknown",
                                                   "unknown")
    else:
        decision_codes, decisions = np.zeros(len(links), dtype=np.intp), np.array(["unknown"])
    pairs, n = np.unique(kind_codes.astype(np.int64) * len(decisions) + decision_codes,
                         return_counts=True)
    found = pd.DataFrame({"kind": kinds[pairs // len(decisions)],
                          "decision": decisions[pairs % len(decisions)], "n": n})
    return found.pivot_table(index="kind", columns="decision", values="n", aggfunc="sum",
                             fill_value=0).rename_axis(index=None, columns=None)


def _anchor_chart(links: pd.DataFrame) -> Chart:
    title = "Anchor text of the links"
    has_types = "anchor_type" in links.columns and links["anchor_type"].notna().any()
    if not len(links) or not has_types:
        return Chart(
            key="anchors",
            title=title,
            caption="The kind of anchor text the links use.",
            empty_message=(
                "These exports have no anchor text (Search Console exports never do), "
                "so there is no anchor mix to show."
                if len(links)
                else "No links to show."
            ),
        )
    table = _anchor_decision_counts(links)
    table = table.reindex([t for t in ANCHOR_TYPES if t in table.index], fill_value=0)
    used = [d for d in (*DECISIONS, "unknown") if d in table.columns]
    labels = [_ANCHOR_LABELS[t] for t in table.index]
    series = [(d, [int(v) for v in table[d].tolist()]) for d in used]
    svg = _svg_bars(labels, series, label="Stacked bars of link decisions per anchor type")
    totals = table.sum(axis=1)
    n = int(totals.sum())
    top_kind = totals.idxmax()
    caption = (
        f"{n:,} links by anchor type. The most common is "
        f"{_ANCHOR_LABELS[top_kind].lower()} ({_pct(int(totals[top_kind]), n)})."
    )
    if "exact_match" in totals.index:
        caption += (
            f" Exact-match anchors, a classic sign of bought links, are "
            f"{_pct(int(totals['exact_match']), n)} of links."
        )
    rows = tuple(
        (
            _ANCHOR_LABELS[t],
            *(str(int(table.loc[t, d])) if d in table.columns else "0" for d in DECISIONS),
            str(int(totals[t])),
        )
        for t in table.index
    )
    return Chart(
        key="anchors",
        title=title,
        caption=caption,
        svg=svg,
        legend=tuple(used),
        table_head=("Anchor type", "Disavow", "Review", "Keep", "Links"),
        table_rows=rows,
    )


def _month_chart(cols: dict[str, Any]) -> Chart:
    title = "When the toxic domains appeared"
    seen = cols["first_seen"][cols["decision"] == "disavow"]
    n_toxic = len(seen)
    seen = seen.dropna()
    if not len(seen):
        reason = (
            "No domain is marked disavow."
            if not n_toxic
            else "The exports have no first-seen dates, so there is nothing to draw."
        )
        return Chart(
            key="months",
            title=title,
            caption="Domains marked disavow, by the month their first link was seen.",
            empty_message=reason,
        )
    months = (seen.dt.year * 12 + seen.dt.month - 1).astype(int)
    first, last = int(months.min()), int(months.max())
    by_year = last - first + 1 > 72
    if by_year:
        keys = seen.dt.year.astype(int)
        span = list(range(int(keys.min()), int(keys.max()) + 1))
        names = [str(y) for y in span]
        unit = "year"
    else:
        keys = months
        span = list(range(first, last + 1))
        names = [f"{m // 12}-{m % 12 + 1:02d}" for m in span]
        unit = "month"
    counted = Counter(keys.tolist())
    values = [counted.get(k, 0) for k in span]
    svg = _svg_columns(
        names,
        [("disavow", values)],
        label=f"Column chart of newly seen toxic domains per {unit}",
        y_title="new toxic domains",
        max_labels=8,
    )
    busiest = int(np.argmax(values))
    caption = (
        f"Domains marked disavow, by the {unit} their first link was seen "
        f"({names[0]} to {names[-1]}). The busiest {unit} was {names[busiest]} with "
        f"{values[busiest]:,}. A sudden spike can mean a link scheme or a "
        "negative-SEO attack."
    )
    undated = n_toxic - len(seen)
    if undated:
        caption += (" 1 disavowed domain has no date and is not drawn." if undated == 1 else
                    f" {undated:,} disavowed domains have no date and are not drawn.")
    rows = tuple((name, str(v)) for name, v in zip(names, values, strict=True) if v)
    return Chart(
        key="months",
        title=title,
        caption=caption,
        svg=svg,
        legend=("disavow",),
        table_head=(unit.capitalize(), "New toxic domains"),
        table_rows=rows,
    )


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #
def _load_template(name: str) -> str:
    """Read a template from package data (works from a wheel or a zip too)."""
    return resources.files("disavow").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["count"] = _fmt_int
    return env
