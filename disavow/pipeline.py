"""Glue: read -> normalize -> features -> model -> decide -> write.

Each stage lives in its own module; this one only wires them together and
assembles what the commands write. ``score_exports`` is ``disavow score``;
``audit`` is ``disavow audit``.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from disavow import __version__
from disavow import schema as s
from disavow.decide import (
    Policy,
    decide_domains,
    decide_links,
    domain_rows,
    follow_list_entries,
    kept_entry_conflicts,
    plan_entries,
    promote_domains,
    read_entry_list,
)
from disavow.errors import DisavowError, InputFormatError, OutputError
from disavow.explain import (
    LINK_REASON_FEATURES,
    SEPARATOR,
    domain_reasons,
    link_reasons_column,
    reasons_column,
)
from disavow.features import SiteProfile, _bool_feature, _distinct, build_features
from disavow.model import ScoringModel, load_model
from disavow.urls import host_info, parse_host

Progress = Callable[[str], None]

LINK_OUTPUT_COLUMNS = (
    s.SOURCE_URL, s.DOMAIN, s.TARGET_URL, s.ANCHOR, "anchor_type", s.SCORE, s.DECISION,
    s.REASONS, s.SOURCE_TITLE, s.NOFOLLOW, s.FIRST_SEEN, s.LAST_SEEN, s.SOURCE_FILE,
    s.SOURCE_ROW,
)
DOMAIN_OUTPUT_COLUMNS = (
    s.DOMAIN, s.DECISION, s.SCORE, s.N_LINKS, s.REASONS, s.SAMPLE_LINKS, "tld", "top_anchor",
    s.FIRST_SEEN, s.LAST_SEEN, "is_free_host", "domain_only", s.IN_EXISTING_FILE,
)
# Columns exports carry that no stage reads: left as raw bytes by the reader.
_UNREAD_COLUMNS = (s.LEFT_CONTEXT, s.RIGHT_CONTEXT, s.LANGUAGE, s.PLATFORM, s.PAGE_TYPE,
                   s.PAGE_CATEGORY)
OUTPUT_FILES = ("disavow.txt", "domains.csv", "links.csv", "report.html", "summary.json")
N_SAMPLE_LINKS = 3


@dataclass
class ScoredProfile:
    """Everything ``disavow score`` knows about one backlink profile."""

    links: pd.DataFrame  # one row per usable link, with score, decision and reasons
    domains: pd.DataFrame  # one row per referring domain, with score, decision and reasons
    skipped: pd.DataFrame  # input rows that could not be used, with their problem
    reports: list[Any]
    profile: SiteProfile
    model: ScoringModel
    policy: Policy
    warnings: list[str] = field(default_factory=list)

    def links_output(self) -> pd.DataFrame:
        out = self.links.reindex(columns=LINK_OUTPUT_COLUMNS)
        rows = out[s.SOURCE_ROW]
        if rows.dtype.kind == "f" and bool((rows.dropna() % 1 == 0).all()):
            out[s.SOURCE_ROW] = rows.astype("Int64")  # a row number reads 12, not 12.0
        return out

    def domains_output(self) -> pd.DataFrame:
        out = self.domains.reset_index().reindex(columns=DOMAIN_OUTPUT_COLUMNS)
        n_links = out[s.N_LINKS]
        if n_links.dtype.kind == "f" and bool((n_links.dropna() % 1 == 0).all()):
            out[s.N_LINKS] = n_links.astype("Int64")  # a count reads 16, not 16.0
        return out


def _noop(_stage: str) -> None:
    return None


@contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector to the objects made inside the block.

    After scoring, each full collection walked every object of the run so far,
    several times over, for about a tenth of a second each time; the stages
    after scoring make few cycles. New objects are collected as usual; the old
    ones rejoin the oldest generation afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def score_exports(
    paths: Sequence[str | Path],
    *,
    site: str | None,
    keywords: Sequence[str] = (),
    model: ScoringModel | None = None,
    model_dir: str | Path | None = None,
    trust_model: bool = False,
    threshold: float | None = None,
    level: str = "auto",
    allow: str | Path | None = None,
    deny: str | Path | None = None,
    progress: Progress = _noop,
) -> ScoredProfile:
    """Read exports, score every link and referring domain, and decide."""
    from disavow.normalize import read_exports

    if site is not None and parse_host(site) is None:
        raise DisavowError(
            f"--site '{site}' is not a domain name. Pass the audited site's domain, "
            "e.g. --site example.com."
        )
    if site is not None and host_info(parse_host(site)).is_suffix:
        # Every site under it would count as the audited site: none could be disavowed.
        raise DisavowError(
            f"--site '{site}' is a public suffix or shared platform, not a site. Pass the "
            "audited site's own domain, e.g. --site example.co.uk or --site you.blogspot.com."
        )
    # Lists first: a mistake in one is reported before minutes of reading.
    allowed = read_entry_list(allow) if allow else Policy().allow
    denied = read_entry_list(deny) if deny else Policy().deny
    progress("reading exports")
    # The model loads in a second thread while the exports are read (pandas'
    # parser leaves Python's lock for long stretches); its errors still come second.
    with ThreadPoolExecutor(1) as pool:
        loading = None if model else pool.submit(load_model, model_dir, trust=trust_model)
        # Nothing downstream reads the text around a link: a million rows of it would
        # cost a second to parse and hold memory for nothing.
        result = read_exports(list(paths), unread_columns=_UNREAD_COLUMNS)
        table = result.links
        progress("loading the model")
        model = model or loading.result()
    policy = Policy.from_thresholds(
        model.thresholds, threshold=threshold, level=level,
        site=host_info(parse_host(site)).domain if site else None,
        allow=allowed, deny=denied,
    )
    ok = table[s.STATUS].fillna(s.RowStatus.OK).eq(s.RowStatus.OK)
    keep = ok & (table[s.DOMAIN].fillna("").astype(str) != "")
    usable = table if keep.all() else table[keep]  # no copy of a million rows for nothing
    skipped = table[~table.index.isin(usable.index)]
    progress("computing signals")
    profile = SiteProfile.infer(usable, site, tuple(keywords))
    feats = build_features(usable, profile)

    progress("scoring")
    domains = feats.domains.copy()
    domains[s.SCORE] = model.score(feats.domains, "domain")
    is_link = _link_rows(usable)
    every_row = bool(is_link.all())
    links = usable.copy(deep=False) if every_row else usable[is_link].copy()
    link_feats = feats.link_features if every_row else feats.link_features.rows(is_link)
    links["anchor_type"] = link_feats.column("anchor_type").to_numpy()
    links[s.SCORE] = model.score(link_feats, "link", domains=links[s.DOMAIN].astype(str))
    anchor_domains = (link_feats.column("anchor_domains").to_numpy(dtype=float)
                      if "anchor_domains" in link_feats else None)
    # Only the signals the link reasons read are kept: a million rows of every
    # signal would stay in memory until the end for nothing.
    link_feats = pd.DataFrame({c: link_feats.column(c) for c in LINK_REASON_FEATURES
                               if c in link_feats and c not in links}, index=link_feats.index)
    del feats

    progress("deciding")
    with _old_objects_frozen():
        domains = decide_domains(domains, policy)
        link_domains = domain_rows(links, domains)  # the domain table's rows stay as they are
        links = decide_links(links, domains, policy, link_domains=link_domains)
        domains, links = promote_domains(domains, links, policy, link_domains=link_domains)
        domains = follow_list_entries(domains, links, policy, link_domains=link_domains)
        domains = _describe_domains(
            domains, usable, links, policy.link_disavow, link_domains=link_domains,
            risky_titles=(link_feats["title_risky_topics"].to_numpy(dtype=float) >= 1
                          if "title_risky_topics" in link_feats else None))
        domains["repeated_anchor"] = _repeated_anchor(links, anchor_domains, link_domains,
                                                      len(domains))
        tld_share = model.metadata.get("tld_toxic_share", {})
        domains[s.REASONS] = _domain_reasons(domains, model, tld_share)
        links[s.REASONS] = link_reasons_column(
            links, link_feats, unweighed=_unweighed_features(model, ("link",))).to_numpy()
    warnings = _profile_warnings(usable, profile)
    return ScoredProfile(
        links=links, domains=domains, skipped=skipped, reports=result.reports, profile=profile,
        model=model, policy=policy, warnings=warnings,
    )


def _domain_reasons(domains: pd.DataFrame, model: Any, tld_share: dict[str, Any]) -> np.ndarray:
    """Each domain's reasons, from the evidence the model that scored it weighs.

    Evidence on a signal no tree of that model splits on did not move the score:
    its values are blanked, and it gives no reason. Domains known by name only are
    scored by the domain-only model, the others by the domain model.
    """
    explained = domains.reset_index()
    only = (explained["domain_only"].fillna(False).astype(bool).to_numpy()
            if "domain_only" in explained else np.zeros(len(explained), dtype=bool))
    out = np.empty(len(explained), dtype=object)
    for level, rows in (("domain", ~only), ("domain_only", only)):
        if not rows.any():
            continue
        part = explained[rows]
        unweighed = _unweighed_features(model, (level,))
        blank = [c for c in sorted(unweighed) if c in part]
        if blank:
            part = part.copy()
            part[blank] = np.nan
        out[rows] = reasons_column(part, domain_reasons, tld_share,
                                   unweighed=unweighed).to_numpy()
    return out


def _unweighed_features(model: Any, levels: Sequence[str]) -> frozenset[str]:
    """Features of ``levels``' models that none of their trees splits on (empty when
    the trees cannot be read: then every piece of evidence may be given).

    The bare-IP reason rests on the TLD group too ('ip'), which the trees may weigh
    where the IP flag itself is not: it stays while the TLD is weighed.
    """
    features: set[str] = set()
    weighed: set[str] = set()
    for level in levels:
        if level not in model.estimators:
            continue
        used = model.weighed_features(level)
        if used is None:
            return frozenset()
        features.update(model.feature_columns(level))
        weighed.update(used)
    if "tld" in weighed:
        weighed.add("name_is_ip")
    return frozenset(features - weighed)


def _describe_domains(
    domains: pd.DataFrame, usable: pd.DataFrame, links: pd.DataFrame, link_disavow: float,
    *, link_domains: np.ndarray | None = None, risky_titles: np.ndarray | None = None,
) -> pd.DataFrame:
    """Columns a person reads: sample links, top anchor, dates, flags.

    ``link_domains``: :func:`disavow.decide.domain_rows` of ``links`` in ``domains``,
    if known. ``risky_titles``: which links' page titles are on a risky topic; a
    domain's ``top_title`` is its first such title (the one its reason quotes),
    else its first title.
    """
    out = domains.copy()
    out.index.name = s.DOMAIN
    # Every per-domain column groups a million links by domain: the domain strings
    # are hashed once, and each column groups by the links' row in ``out`` instead
    # (-1: none), with the same aggregation and reindexing as by the strings.
    if link_domains is not None and (link_domains >= 0).all():
        # Every link's domain has a row: the rows serve as codes of the names too.
        domain_codes, domain_names = link_domains, out.index
        link_rows = link_domains
    else:
        domain_codes, domain_names = pd.factorize(links[s.DOMAIN].astype(str))
        row_of_name = out.index.get_indexer(domain_names)
        link_rows = np.where(domain_codes >= 0, row_of_name[domain_codes], -1)
    out[s.SAMPLE_LINKS] = _sample_links(links, (domain_codes, domain_names)).reindex(
        out.index).fillna("")
    anchor_codes, distinct_anchors = _distinct(links[s.ANCHOR])
    stripped = distinct_anchors.fillna("").astype(str).str.strip()
    # Anchors by code of their stripped text: the same pairs, first seen in the same
    # order, as the strings themselves, so ties in the counts break the same way.
    stripped_codes, stripped_texts = pd.factorize(stripped)
    link_anchors = stripped_codes[anchor_codes]
    named = (link_anchors != _code_of(stripped_texts, "")) & (domain_codes >= 0)
    code_of_row = pd.Index(domain_names).get_indexer(out.index)

    def most_common(counted: np.ndarray) -> tuple[pd.Series, pd.Series]:
        """Each domain's most common anchor among the ``counted`` links, and its links."""
        anchor_counts = (
            pd.DataFrame({"d": domain_codes[counted], "a": link_anchors[counted]})
            .value_counts().reset_index(name="n").drop_duplicates("d").set_index("d")
        )
        top = anchor_counts.reindex(code_of_row)
        texts = np.append(np.asarray(stripped_texts, dtype=object), "")[
            top["a"].fillna(-1).astype(np.int64)]
        return (pd.Series(texts, dtype=stripped.dtype, index=out.index).where(
            top["a"].notna().to_numpy()), top["n"].set_axis(out.index))

    out["top_anchor"], out["top_anchor_links"] = most_common(named)
    # The exact-match reason quotes an exact-match anchor: a domain's most common
    # anchor is often the brand, which is no evidence against it.
    exact = (links["anchor_type"].eq("exact_match").to_numpy(dtype=bool, na_value=False)
             if "anchor_type" in links else np.zeros(len(links), dtype=bool))
    out["top_exact_anchor"], out["top_exact_anchor_links"] = most_common(named & exact)
    # The anchor and nofollow shares are of the links whose anchor or follow state the
    # exports give (a Search Console row gives neither): reasons say so when some lack it.
    anchored = (links["anchor_type"].notna() if "anchor_type" in links
                else pd.Series(False, index=links.index))
    out["anchor_links"] = _by_row(anchored, link_rows, len(out), "sum").set_axis(out.index)
    follow_known = _bool_feature(links, s.NOFOLLOW).notna()
    out["follow_links"] = _by_row(follow_known, link_rows, len(out), "sum").set_axis(out.index)
    toxic = links[s.SCORE] >= link_disavow
    out["toxic_links"] = _by_row(toxic, link_rows, len(out), "sum").set_axis(out.index)
    # Only some exports (Semrush) say whether a link is sitewide: the reason counts
    # the links flagged, not every link of the domain.
    flagged = _bool_feature(links, s.SITEWIDE).eq(1)
    out["sitewide_links"] = _by_row(flagged, link_rows, len(out), "sum").set_axis(out.index)
    if s.SOURCE_TITLE in links:
        titles = links[s.SOURCE_TITLE].fillna("").astype(str)
        titled = (titles != "").to_numpy() & (link_rows >= 0)
        first = np.full(len(out), len(links), dtype=np.int64)
        if risky_titles is not None:  # first the first risky title: a reason quotes it
            risky = np.flatnonzero(titled & risky_titles)
            np.minimum.at(first, link_rows[risky], risky)
        rest = np.flatnonzero(titled)
        rest = rest[first[link_rows[rest]] == len(links)]
        np.minimum.at(first, link_rows[rest], rest)  # else each domain's first titled link
        has_title = first < len(links)
        top_title = pd.Series(pd.NA, index=out.index, dtype=titles.dtype)
        top_title[has_title] = titles.iloc[first[has_title]].to_numpy()
        out["top_title"] = top_title
    usable_rows = link_rows
    if not (usable.index.equals(links.index) and usable[s.DOMAIN].equals(links[s.DOMAIN])):
        usable_codes, usable_names = pd.factorize(usable[s.DOMAIN].astype(str))
        usable_rows = np.where(usable_codes >= 0,
                               out.index.get_indexer(usable_names)[usable_codes], -1)
    for column, how in ((s.FIRST_SEEN, "min"), (s.LAST_SEEN, "max")):
        if column in usable:
            dates = pd.to_datetime(usable[column], errors="coerce")
            out[column] = _by_row(dates, usable_rows, len(out), how).set_axis(out.index)
        else:
            out[column] = pd.NaT
    week = pd.to_datetime(out[s.FIRST_SEEN], errors="coerce").dt.to_period("W").dt.start_time
    out["first_seen_week"] = week.dt.strftime("%Y-%m-%d").where(week.notna(), None)
    n_links = _by_row(pd.Series(np.ones(len(links), dtype=np.int64), index=links.index),
                      link_rows, len(out), "size").set_axis(out.index)
    out[s.N_LINKS] = n_links.fillna(out["link_count"]).fillna(0)
    out["domain_only"] = n_links.isna()
    out["is_free_host"] = out["name_is_free_host"].eq(1)
    # The model groups most country codes; a person wants the real TLD.
    out["model_tld"] = out["tld"]
    out["tld"] = ["" if model_tld == "ip" else d.rsplit(".", 1)[-1] if "." in d else ""
                  for d, model_tld in zip(out.index.astype(str), out["model_tld"], strict=True)]
    return out


def _code_of(values: pd.Index | np.ndarray, value: object) -> int:
    found = np.flatnonzero(np.asarray(values, dtype=object) == value)
    return int(found[0]) if len(found) else -2


def _by_row(values: pd.Series, rows: np.ndarray, n_rows: int, how: str) -> pd.Series:
    """``values`` grouped by row and aggregated, for rows 0 to ``n_rows - 1`` (missing
    where a row has no values), as grouping by the strings and reindexing gives."""
    grouped = values.groupby(rows, sort=False)
    result = grouped.size() if how == "size" else grouped.agg(how)
    return result.reindex(range(n_rows))


def _repeated_anchor(links: pd.DataFrame, anchor_domains: np.ndarray | None,
                     link_domains: np.ndarray, n_domains: int) -> np.ndarray:
    """Per domain row, the money anchor of its own that most other referring domains
    also use (the first such link on ties), so that the reason can quote it; None
    where no money anchor of it is shared."""
    out = np.full(n_domains, None, dtype=object)
    if anchor_domains is None or s.ANCHOR not in links:
        return out
    candidates = np.flatnonzero((link_domains >= 0) & (anchor_domains >= 1))
    if not len(candidates):
        return out
    rows = link_domains[candidates]
    order = np.lexsort((candidates, -anchor_domains[candidates], rows))
    first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
    anchors = links[s.ANCHOR].iloc[candidates[first]].astype(str).str.strip().to_numpy(object)
    out[rows[first]] = anchors
    return out


def _sample_links(links: pd.DataFrame,
                  factorized_domains: tuple[np.ndarray, Any] | None = None) -> pd.Series:
    """Each domain's first N_SAMPLE_LINKS distinct linking pages, highest score first.

    ``factorized_domains``: ``pd.factorize(links[DOMAIN].astype(str))``, if known.
    """
    if links.empty or links[s.SOURCE_URL].isna().any() or links[s.SCORE].isna().any():
        # as before, one group at a time
        worst_first = links[[s.DOMAIN, s.SOURCE_URL, s.SCORE]].sort_values(
            s.SCORE, ascending=False, kind="stable")
        return worst_first.groupby(worst_first[s.DOMAIN].astype(str), sort=False)[
            s.SOURCE_URL].agg(
                lambda urls: " | ".join(pd.unique(urls.astype(str))[:N_SAMPLE_LINKS]))
    # Through integer codes of domains and pages: the same pages, in the same
    # order, as grouping and de-duplicating a million pairs of strings.
    domain_codes, domains = factorized_domains or pd.factorize(links[s.DOMAIN].astype(str))
    page_codes, pages = pd.factorize(links[s.SOURCE_URL].astype(str))
    order = np.argsort(-links[s.SCORE].to_numpy(dtype=float), kind="stable")  # worst first
    domain_codes, page_codes = domain_codes[order], page_codes[order]
    pair = domain_codes.astype(np.int64) * max(len(pages), 1) + page_codes
    # distinct pairs, worst first (found by hashing: np.unique would sort them)
    first = np.flatnonzero(~pd.Series(pair).duplicated().to_numpy())
    pair_domain, pair_page = domain_codes[first], page_codes[first]
    by_domain = np.argsort(pair_domain, kind="stable")  # each domain's pages, worst first
    grouped = pair_domain[by_domain]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.r_[starts, len(grouped)]))
    kept = by_domain[rank < N_SAMPLE_LINKS]
    texts = np.asarray(pages, dtype=object)[pair_page[kept]]
    bounds = np.r_[np.flatnonzero(np.r_[True, pair_domain[kept][1:] != pair_domain[kept][:-1]]),
                   len(kept)]
    joined = [" | ".join(texts[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    labels = np.asarray(domains, dtype=object)[pair_domain[kept][bounds[:-1]]]
    # In the order each domain first appears, worst first (as groupby(sort=False) gives).
    appear = np.argsort(first[kept][bounds[:-1]], kind="stable")
    return pd.Series(np.asarray(joined, dtype=object)[appear], index=labels[appear],
                     dtype=object).astype(str)


def _profile_warnings(usable: pd.DataFrame, profile: SiteProfile) -> list[str]:
    out = []
    if profile.site is None:
        out.append(
            "No --site was given and no target URLs were found: anchors cannot be classified "
            "as branded or exact-match."
        )
    if usable.empty:
        out.append("No usable backlinks were found in the inputs.")
    own_pages = _from_the_site(usable, profile.site)
    out += _own_pages_warnings(usable, own_pages, profile.site)
    backlinks = usable if own_pages is None else usable[~own_pages]
    targets = _target_domains(backlinks) if profile.site is not None else None
    elsewhere = _targets_elsewhere(backlinks, profile.site, targets)
    if elsewhere:
        out.append(elsewhere)
    else:
        # Under the 50% line, a second site's links still bring domains of their own.
        linking_elsewhere = _domains_linking_elsewhere(backlinks, profile.site, targets)
        if linking_elsewhere:
            out.append(linking_elsewhere)
    return out


# Share of a file's linking pages on the audited site itself from which the file is
# taken for a report of the site's own pages: a backlink export has next to none.
OWN_PAGES_SHARE = 0.9


def _from_the_site(links: pd.DataFrame, site: str | None) -> np.ndarray | None:
    """Which link rows have their linking page on ``site`` itself; None when none has
    (the usual case, answered by one comparison of the domain column)."""
    if site is None or links.empty:
        return None
    own = links[s.DOMAIN].to_numpy() == host_info(site).domain
    if not own.any():
        return None
    own &= _link_rows(links)
    return own if own.any() else None


def _link_rows(links: pd.DataFrame) -> np.ndarray:
    """Which rows are links (a row without a kind is one), not domain rows."""
    if s.ROW_KIND not in links:
        return np.ones(len(links), dtype=bool)
    return links[s.ROW_KIND].fillna(s.RowKind.LINK).eq(s.RowKind.LINK).to_numpy()


def _own_pages_warnings(links: pd.DataFrame, own: np.ndarray | None,
                        site: str | None) -> list[str]:
    """A warning per file whose linking pages are (nearly) all on the audited site: a
    report of its own pages (Top pages, a crawl, internal or outgoing links) read as
    backlinks gives "1 referring domain, keep" and looks like a success."""
    if own is None or site is None:
        return []
    is_link = _link_rows(links)
    counts = pd.DataFrame({"file": links[s.SOURCE_FILE].astype(str).to_numpy()[is_link],
                           "own": own[is_link]}).groupby("file", sort=False)["own"].agg(
                               ["sum", "size"])
    per_file: dict[str, list[int]] = {}
    for names, (n_own, n_all) in zip(counts.index, counts.to_numpy(), strict=True):
        for name in names.split("; "):  # a link several files reported (merge_links)
            total = per_file.setdefault(name, [0, 0])
            total[0] += int(n_own)
            total[1] += int(n_all)
    site = host_info(site).domain
    return [
        f"{name}: {'all' if n_own == n_all else f'{n_own:,} of'} its {n_all:,} linking pages "
        f"are on {site} itself. This looks "
        "like a report of your own pages (Top pages, organic keywords, a site crawl, internal "
        "or outgoing links), not of the pages linking to you, so it says nothing about your "
        "backlinks. Export Backlinks (or Referring domains) instead."
        for name, (n_own, n_all) in per_file.items()
        if n_all and n_own >= OWN_PAGES_SHARE * n_all
    ]


def _target_domains(links: pd.DataFrame) -> tuple[pd.Series, np.ndarray] | None:
    """Links per distinct target URL, and each target's registrable domain ("" when
    it has no host name). Hosts are parsed once per distinct target (a few per site),
    never per row."""
    if s.TARGET_URL not in links:
        return None
    targets = links[s.TARGET_URL].value_counts()
    raw_hosts = pd.Series(targets.index.astype(str)).str.extract(
        r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#@\s]+)", expand=False)
    hosts = [parse_host(h) if isinstance(h, str) else None for h in raw_hosts]
    domains = np.array([host_info(h).domain if h is not None else "" for h in hosts],
                       dtype=object)
    return targets, domains


def _most_linked(counts: pd.Series) -> str:
    """Where most of these links go, ``counts`` by site, most first: a tie has no one
    site to name, and the first in order would be an arbitrary one."""
    most = int(counts.iloc[0])
    tied = [str(d) for d in counts.index[counts.to_numpy() == most]]
    if len(tied) == 1:
        return f"{most:,} point to {tied[0]}"
    if len(tied) <= 3:
        return f"{most:,} each point to {', '.join(tied[:-1])} and {tied[-1]}"
    return (f"no other site stands out: {len(tied):,} sites get {most:,} each "
            f"({', '.join(tied[:3])} ...)")


def _by_site(counts: np.ndarray, domains: np.ndarray) -> pd.Series:
    """Links per target site (registrable domain), most first, ties alphabetical;
    ``counts`` and ``domains`` per distinct target."""
    known = (domains != "") & (counts > 0)
    by_site = pd.Series(counts[known], index=domains[known]).groupby(level=0).sum()
    return by_site.sort_values(ascending=False, kind="stable")


def _targets_elsewhere(links: pd.DataFrame, site: str | None,
                       targets: tuple[pd.Series, np.ndarray] | None = None) -> str | None:
    """A warning when most target URLs are on another site than ``site``: the export of
    another site, or a mistyped --site, would have its anchors misread."""
    if site is None:
        return None
    targets = targets if targets is not None else _target_domains(links)
    if targets is None:
        return None
    # Targets are counted by registrable domain: so is --site (www.example.com).
    site = host_info(site).domain
    domains = _by_site(targets[0].to_numpy(), targets[1])
    if domains.empty:
        return None
    own, total = int(domains.get(site, 0)), int(domains.sum())
    if own * 2 >= total:
        return None
    return (
        f"Only {own:,} of the {total:,} links with a target URL in the exports point to "
        f"{site}; {_most_linked(domains.drop(site, errors='ignore'))}. Check --site, and that "
        "the exports are this site's: anchors are read as branded or exact-match against "
        "--site."
    )


def _domains_linking_elsewhere(links: pd.DataFrame, site: str | None,
                               targets: tuple[pd.Series, np.ndarray] | None) -> str | None:
    """A warning naming the referring domains every link of which has a target URL on
    another site than ``site``: an export mixing two sites' backlinks, the other under
    half of them. Their decisions stand (disavowing a domain that does not link to the
    site is harmless), but they are not the site's backlinks."""
    if site is None or targets is None:
        return None
    counts, target_domains = targets
    site = host_info(site).domain
    # 0: no usable target (unknown), 1: on the site, 2: elsewhere; one value per target.
    kind = np.where(target_domains == "", 0, np.where(target_domains == site, 1, 2))
    if not (kind == 2).any():
        return None  # the usual case, answered from the distinct targets alone
    codes = counts.index.get_indexer(links[s.TARGET_URL])  # -1: no target
    row_kind = np.where(codes >= 0, kind[codes], 0)
    domain_codes, names = pd.factorize(links[s.DOMAIN])
    named = domain_codes >= 0

    def any_of(which: int) -> np.ndarray:
        return np.bincount(domain_codes[named & (row_kind == which)], minlength=len(names)) > 0

    only_elsewhere = any_of(2) & ~any_of(1) & ~any_of(0)
    if not only_elsewhere.any():
        return None
    rows = named & only_elsewhere[np.maximum(domain_codes, 0)]
    n_domains = int(only_elsewhere.sum())
    to_sites = _by_site(np.bincount(codes[rows], minlength=len(counts)), target_domains)
    return (
        f"{n_domains:,} referring domain{'s' if n_domains != 1 else ''} in the exports link "
        f"only to other sites than {site}: of their {int(rows.sum()):,} links, none points "
        f"to {site}, and {_most_linked(to_sites)}. The exports "
        "seem to mix another site's backlinks with this site's (a project or batch export, "
        "or two exports in one sheet); those domains are decided like the others (disavowing "
        "a domain that does not link to you does no harm), but they are not your backlinks: "
        "export this site's backlinks alone to audit only them."
    )


# --- audit --------------------------------------------------------------------------
@dataclass
class AuditResult:
    scored: ScoredProfile
    disavow_text: str
    summary: dict[str, Any]
    out_dir: Path


SCORE_FILES = ("links.csv", "domains.csv")


def score_to_folder(
    paths: Sequence[str | Path],
    *,
    out_dir: str | Path,
    overwrite: bool = False,
    progress: Progress = _noop,
    keywords_file: str | Path | None = None,
    **score_options: Any,
) -> ScoredProfile:
    """:func:`score_exports`, with links.csv and domains.csv written to ``out_dir``.

    Checked as :func:`audit` checks its outputs: an input (an export named
    links.csv, say) is never overwritten, even with ``overwrite``.
    """
    from disavow.atomic import OutputFiles, new_output_folder
    from disavow.tables import write_csv

    out = Path(out_dir)
    inputs = [Path(p) for p in paths] + ([Path(keywords_file)] if keywords_file else [])
    check_outputs(out, inputs, overwrite=overwrite, names=SCORE_FILES)
    scored = score_exports(paths, progress=progress, **score_options)
    # Both files appear together, or neither (an interrupt between them).
    with new_output_folder(out), OutputFiles(overwrite=overwrite, inputs=inputs) as files:
        write_csv(scored.links_output(), out / "links.csv", into=files)
        write_csv(scored.domains_output(), out / "domains.csv", into=files)
        files.commit()
    return scored


def check_outputs(out_dir: Path, inputs: Sequence[Path], *, overwrite: bool,
                  names: Sequence[str] = OUTPUT_FILES) -> None:
    """Refuse to overwrite earlier results or any input file, or a folder that cannot be."""
    from disavow.atomic import output_folder

    output_folder(out_dir, create=False)
    resolved_inputs = {Path(p).resolve() for p in inputs}
    for name in names:
        target = (out_dir / name).resolve()
        if target in resolved_inputs:
            raise OutputError(
                f"{out_dir / name} is one of the inputs; it is never overwritten. Choose "
                "another --out folder."
            )
        if target.exists() and not overwrite:
            raise OutputError(
                f"{out_dir / name} already exists. Choose a new --out folder, or pass --force "
                "to replace the earlier results."
            )


def _mostly_invalid(file: Any) -> bool:
    """Whether more of a disavow file's lines are invalid, or CSV rows, than are entries.

    A row such as ``http://x.com/p,2026-11-17`` (Search Console's Latest links) is a
    valid URL line, comma and all, but a disavow file holds no delimiters as a rule.
    """
    from disavow.disavow_file import LineKind

    kinds = [line.kind for line in file.lines]
    entries = [line.text for line in file.lines if line.kind in (LineKind.DOMAIN, LineKind.URL)]
    rows = sum(1 for text in entries if re.search(r"[,;\t]", text))
    return kinds.count(LineKind.INVALID) + rows > len(entries) - rows


def audit(
    paths: Sequence[str | Path],
    *,
    site: str,
    out_dir: str | Path,
    existing: str | Path | None = None,
    overwrite: bool = False,
    now: datetime | None = None,
    progress: Progress = _noop,
    limits: Any = None,
    keywords_file: str | Path | None = None,
    **score_options: Any,
) -> AuditResult:
    """The main job: score the exports and write the five output files.

    When the new entries cannot all fit Google's limits (``limits``, for tests),
    the highest-scoring ones are written, the rest are reported as left out, and
    every other output is written as usual. Old lines are never dropped: if they
    alone do not fit, OutputError is raised and nothing is written.
    """
    from disavow.atomic import OutputFiles, new_output_folder
    from disavow.disavow_file import (
        GOOGLE_LIMITS,
        existing_coverage,
        merge_disavow,
        read_disavow_file,
        write_disavow_file,
    )
    from disavow.read import export_layout
    from disavow.report import build_report
    from disavow.tables import write_csv

    out = Path(out_dir)
    inputs = [Path(p) for p in paths] + [Path(p) for p in (existing,) if p]
    inputs += [Path(p) for k in ("allow", "deny") if (p := score_options.get(k))]
    inputs += [Path(keywords_file)] if keywords_file else []
    check_outputs(out, inputs, overwrite=overwrite)
    # Its decoding notes become warnings of the audit (stderr, summary.json, report).
    old = read_disavow_file(existing) if existing else None
    if old is not None and (layout := export_layout(existing)) and _mostly_invalid(old):
        raise InputFormatError(
            f"--existing {existing} is a {layout} export, not a disavow file: merged, its rows "
            "would become lines Google rejects. Pass it with the other exports, and as "
            "--existing the .txt file Search Console's disavow links tool gives you to download."
        )
    scored = score_exports(paths, site=site, progress=progress, **score_options)
    progress("writing the disavow file")
    with _old_objects_frozen():
        now = now or datetime.now(UTC)
        plan = plan_entries(scored.domains, scored.links, scored.policy)
        header = _header_lines(scored, now, len(plan.domains), len(plan.urls),
                               merged_with_old=old is not None)
        block_comment = f"Added by disavow {__version__} on {now:%Y-%m-%d} for {scored.policy.site}"
        priority = _entry_priority(scored, plan)
        limits = limits or GOOGLE_LIMITS
        merged = merge_disavow(old, plan.domains, plan.urls, header, block_comment=block_comment,
                               keep_best=priority, limits=limits, may_collapse=plan.may_collapse)
        if merged.rejected:
            # The header counts the entries written: the writer's refusals are not.
            refused = Counter(r.kind for r in merged.rejected)
            header = _header_lines(scored, now, len(plan.domains) - refused["domain"],
                                   len(plan.urls) - refused["url"],
                                   merged_with_old=old is not None)
            merged = merge_disavow(old, plan.domains, plan.urls, header,
                                   block_comment=block_comment, keep_best=priority,
                                   limits=limits, may_collapse=plan.may_collapse)
        said = 0
        while merged.left_out and said != len(merged.left_out):
            # The file says itself that it is incomplete; that line counts in the budget too,
            # so the count is settled by merging again (twice in practice).
            said = len(merged.left_out)
            note = (f"INCOMPLETE: {said:,} of these entries scored Disavow but did not fit "
                    "Google's size limits and were left out; see report.html")
            # Right under the count it corrects, so the header never overstates the file.
            noted = [*header[:_ENTRY_COUNT_LINE + 1], note, *header[_ENTRY_COUNT_LINE + 1:]]
            merged = merge_disavow(old, plan.domains, plan.urls, noted,
                                   block_comment=block_comment, keep_best=priority, limits=limits,
                                   may_collapse=plan.may_collapse)
        if merged.left_out:
            _mark_left_out(scored, merged.left_out_values)
        if old is not None:
            # A domain the user's file already disavows needs no second look at
            # review time, and one it disavows but the model keeps deserves one.
            links = scored.links
            covered = existing_coverage(old, scored.domains.index.astype(str), zip(
                links[s.SOURCE_URL].fillna("").astype(str).tolist(),
                links[s.DOMAIN].astype(str).tolist(), strict=True))
            scored.domains[s.IN_EXISTING_FILE] = scored.domains.index.map(covered)
        summary = build_summary(scored, plan, merged, existing, now, old=old, keywords={
            "path": str(keywords_file) if keywords_file else None,
            "count": len(score_options.get("keywords") or ())})
        progress("writing reports")
        # The five files appear together: until every one is written and the disavow
        # file has passed its read-back check, an earlier run's results stay whole.
        with new_output_folder(out), OutputFiles(overwrite=overwrite, inputs=inputs) as files:
            write_csv(scored.domains_output(), out / "domains.csv", into=files)
            write_csv(scored.links_output(), out / "links.csv", into=files)
            report = build_report(summary, scored.domains_output(), scored.links_output())
            files.add(out / "report.html", report.to_html())
            files.add(out / "summary.json", _json(summary))
            write_disavow_file(out / "disavow.txt", merged, inputs=inputs, limits=limits,
                               into=files)
            # The disavow file goes in last, and an earlier one goes first: a failure
            # between the renames never leaves a disavow.txt beside reports that do
            # not explain it.
            if overwrite:
                (out / "disavow.txt").unlink(missing_ok=True)
            try:
                files.commit()
            except OutputError as exc:
                if not overwrite:
                    raise
                raise OutputError(
                    f"{exc} The earlier disavow.txt was removed first, so that it never sits "
                    "beside reports of another run: run again to write all five files."
                ) from exc
    return AuditResult(scored=scored, disavow_text=merged.text, summary=summary, out_dir=out)


LEFT_OUT_REASON = ("left out of disavow.txt because of Google's size limit (2 MB, 100,000 "
                   "lines): lower-scoring than the entries that fit")


def _entry_priority(scored: ScoredProfile, plan: Any) -> dict[str, float]:
    """How much each planned disavow value matters, should they not all fit.

    A domain weighs its score, a URL the highest score of its links; entries from
    the deny list come first.
    """
    priority: dict[str, float] = {}
    if plan.urls:
        links = scored.links
        toxic = links.loc[links[s.DECISION] == s.Decision.DISAVOW, [s.SOURCE_URL, s.SCORE]]
        best = toxic.groupby(toxic[s.SOURCE_URL].astype(str), sort=False)[s.SCORE].max()
        priority.update(zip(best.index.tolist(), best.to_numpy(dtype=float), strict=True))
    if plan.domains:
        scores = scored.domains[s.SCORE]
        # One dictionary, not a label look-up in the Series per planned domain.
        score_of = dict(zip(scores.index.tolist(), scores.to_numpy(dtype=float), strict=True))
        priority.update((d, float(score_of.get(d, -np.inf))) for d in plan.domains)
    for value in (*scored.policy.deny.domains, *scored.policy.deny.urls):
        priority[value] = np.inf
    return priority


def _mark_left_out(scored: ScoredProfile, values: Sequence[str]) -> None:
    """Say in domains.csv which Disavow domains the file could not hold."""
    left = set(values)
    domains = scored.domains
    names = domains.index.astype(str)
    hit = names.isin(left)
    toxic = scored.links[scored.links[s.DECISION] == s.Decision.DISAVOW]
    on_left_url = toxic[s.SOURCE_URL].astype(str).isin(left)
    hit |= names.isin(set(toxic.loc[on_left_url, s.DOMAIN].astype(str)))
    hit &= (domains[s.DECISION] == s.Decision.DISAVOW).to_numpy()
    if hit.any():
        reasons = domains.loc[hit, s.REASONS].fillna("").astype(str)
        domains.loc[hit, s.REASONS] = [
            LEFT_OUT_REASON + (SEPARATOR + r if r else "") for r in reasons]
    domains["left_out"] = hit


_ENTRY_COUNT_LINE = 3  # where _header_lines says how many entries this run planned


def _header_lines(scored: ScoredProfile, now: datetime, n_domains: int, n_urls: int,
                  *, merged_with_old: bool = False) -> list[str]:
    inputs = ", ".join(sorted({Path(r.path).name for r in scored.reports}))
    # The counts are the run's decisions, known before the merge: entries the old
    # lines above already hold are among them but not written again below.
    repeated = "; those already listed above are not repeated below" if merged_with_old else ""
    return [
        f"disavow {__version__} - model {scored.model.name} ({scored.model.sha256[:12]})",
        f"Generated {now:%Y-%m-%d %H:%M} UTC for {scored.policy.site or 'an unnamed site'}",
        f"Inputs: {inputs}",
        f"Entries from this run: {n_domains} domain{'s' if n_domains != 1 else ''}, "
        f"{n_urls} URL{'s' if n_urls != 1 else ''}{repeated}",
        "Upload to Search Console > Disavow links. An upload replaces the whole previous list.",
    ]


def build_summary(
    scored: ScoredProfile, plan: Any, merged: Any, existing: str | Path | None, now: datetime,
    *, old: Any = None, keywords: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What summary.json holds; the report renders the same dictionary.

    ``old``: the parsed ``--existing`` file, if any (its decoding notes are warnings);
    ``keywords``: the ``--keywords`` file's path and how many keywords it gave.
    """
    domains, links, policy = scored.domains, scored.links, scored.policy
    lines = _entry_lines(old, merged)
    left_out = tuple(getattr(merged, "left_out", ()))
    merge = None
    if existing:
        merge = {
            "existing": str(existing),
            "added": list(merged.added),
            "already_present": list(merged.already_present),
            "covered_by_domain": list(merged.covered_by_domain),
            "old_invalid": [
                {"line": item.line, "text": item.text, "problem": item.problem}
                for item in merged.old_invalid
            ],
            "old_covered_by_new_domain": list(getattr(merged, "old_covered_by_new_domain", [])),
            "removed": list(getattr(merged, "removed", [])),
            "bom_removed": bool(getattr(merged, "bom_removed", False)),
            "transcoded_from": getattr(merged, "transcoded_from", None),
            "old_lines_joined_by_cr": [line.line for line in
                                       getattr(merged, "old_joined_by_cr", ())],
            "old_doubtful": [{"line": line.line, "text": line.text}
                             for line in getattr(merged, "old_doubtful", ())],
            "domains_in_existing_file": _in_existing_file_counts(domains),
        }
    return {
        "tool": {"name": "disavow", "version": __version__},
        "created": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "site": policy.site,
        "model": {
            "name": scored.model.name, "sha256": scored.model.sha256,
            "metrics": _headline_metrics(scored.model.metadata),
        },
        "policy": {
            "disavow_threshold": policy.domain_disavow, "review_threshold": policy.domain_review,
            "domain_only_disavow_threshold": policy.domain_only_disavow,
            "domain_only_review_threshold": policy.domain_only_review,
            "link_disavow_threshold": policy.link_disavow,
            "link_review_threshold": policy.link_review, "level": policy.level,
            "promote_doubtful_domains": policy.promote,
            "allow_entries": len(policy.allow.domains) + len(policy.allow.urls),
            "deny_entries": len(policy.deny.domains) + len(policy.deny.urls),
        },
        "inputs": [_input_summary(r) for r in scored.reports],
        "keywords": keywords or {"path": None, "count": 0},
        "counts": {
            "links": int(len(links)), "domains": int(len(domains)),
            "links_skipped": int(len(scored.skipped)),
            # Every input row not scored: malformed rows the reader skipped too.
            "rows_skipped": int(sum(r.rows_skipped for r in scored.reports)),
            "domain_decisions": _counts(domains[s.DECISION]),
            "link_decisions": _counts(links[s.DECISION]),
        },
        "disavow_file": {
            "path": "disavow.txt",
            # The whole file's entries, the old ones included, and those this run added
            # (its decisions that the old file did not already hold).
            "domain_lines": lines["domain"], "url_lines": lines["url"],
            "new_domain_lines": lines["new_domain"], "new_url_lines": lines["new_url"],
            "lines": merged.n_lines, "bytes": merged.n_bytes,
            "not_listed": [{"value": v, "why": w} for v, w in plan.skipped] + [
                {"value": e.line, "why": LEFT_OUT_WHY} for e in left_out] + [
                {"value": r.value, "why": r.reason} for r in merged.rejected],
            "collapsed": [{"domain": c.domain, "urls": c.n_urls, "why": c.reason}
                          for c in merged.collapsed],
            # The report must not say "upload it as it is" above a warning that says
            # not to (an upload replaces Google's whole list).
            "empty": not merged.text,
            "edit_before_upload": _edits_before_upload(old, merged, policy),
            # Only when the file could not hold every entry (normal runs keep their format).
            **({"left_out": _left_out_summary(scored, left_out)} if left_out else {}),
        },
        "merge": merge,
        "warnings": ([left_out_warning(len(left_out))] if left_out else [])
        + ([EMPTY_FILE_WARNING] if not merged.text else [])
        + [f"--deny lists {value}, which is not written to disavow.txt as it stands: {why}."
           for value, why in plan.denied_not_listed]
        + _not_listed_warning(plan) + _rejected_warnings(merged)
        + list(getattr(plan, "notes", ()))
        + list(old.warnings if old is not None else ()) + _kept_but_disavowed_warning(old, policy)
        + list(getattr(merged, "warnings", ())) + scored.warnings
        + [f"{r.path}: {w}" for r in scored.reports for w in r.warnings],
    }


def _in_existing_file_counts(domains: pd.DataFrame) -> dict[str, dict[str, int]]:
    """How many domains of each decision the existing file disavows whole or in part."""
    covered = domains.get(s.IN_EXISTING_FILE)
    if covered is None:
        covered = pd.Series(pd.NA, index=domains.index, dtype=object)
    whole = covered.astype(object).fillna("").astype(str).str.startswith("domain:")
    partly = covered.notna() & ~whole
    decision = domains[s.DECISION].astype(str)
    return {name: {str(d): int((rows & (decision == d)).sum()) for d in s.Decision}
            for name, rows in (("whole", whole), ("partly", partly))}


def _edits_before_upload(old: Any, merged: Any, policy: Policy) -> list[str]:
    """What the merged file's old lines need before it is uploaded, in a few words each
    (the warnings say which lines)."""
    if old is None:
        return []
    from disavow.disavow_file import LineKind

    edits = []
    conflicts = kept_entry_conflicts(
        ((line.line, line.entry.kind, line.entry.value) for line in old.lines
         if line.entry is not None), policy)
    if conflicts:
        one = len(conflicts) == 1
        edits.append(f"delete the {_plural(len(conflicts), 'old line')} that "
                     f"{'disavows' if one else 'disavow'} what this run keeps")
    invalid = sum(1 for line in old.lines if line.kind is LineKind.INVALID)
    if invalid:
        what = "is not a valid disavow line" if invalid == 1 else "are not valid disavow lines"
        edits.append(f"fix the {_plural(invalid, 'old line')} that {what}")
    joined = [line for line in getattr(merged, "old_joined_by_cr", ()) if line.entry is not None]
    if joined:
        edits.append("convert the file's bare-CR line endings to LF")
    return edits


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _kept_but_disavowed_warning(old: Any, policy: Policy) -> list[str]:
    """The old lines that disavow the audited site or an --allow entry, in one warning."""
    if old is None:
        return []
    conflicts = kept_entry_conflicts(
        ((line.line, line.entry.kind, line.entry.value) for line in old.lines
         if line.entry is not None), policy)
    if not conflicts:
        return []
    text = {line.line: line.text.strip() for line in old.lines}
    shown = "; ".join(f"line {n} ({text[n]}: {why})" for n, why in conflicts[:5])
    more = f" and {len(conflicts) - 5:,} more" if len(conflicts) > 5 else ""
    name = old.source or "the existing disavow file"
    return [f"{name} disavows what this run keeps, and the merged disavow.txt keeps its lines "
            f"byte for byte: {shown}{more}. Delete those lines from disavow.txt before "
            "uploading it (or from your file, and run again)."]


def _rejected_warnings(merged: Any) -> list[str]:
    """What the writer refused or turned into ``domain:`` lines on its own, in words."""
    warnings = []
    if merged.rejected:
        first = merged.rejected[0]
        value = first.value if len(first.value) <= 80 else first.value[:79] + "…"
        warnings.append(
            f"{len(merged.rejected):,} value(s) decided Disavow cannot be written to disavow.txt "
            f"(not_listed in summary.json lists them): the first, {value}, is "
            f"{first.reason}.")
    long = [c for c in merged.collapsed if c.reason == "long-url"]
    if long:
        sites = ", ".join(c.domain for c in long[:5]) + (" ..." if len(long) > 5 else "")
        warnings.append(
            f"{sum(c.n_urls for c in long):,} linking URL(s) longer than Google's 2,048 "
            f"characters are disavowed with a domain: line for their site instead: {sites} "
            "(each disavowed as a whole by this run).")
    return warnings


def _not_listed_warning(plan: Any) -> list[str]:
    """One warning for every Disavow decision the file could not hold (--deny apart)."""
    denied = {value for value, _ in plan.denied_not_listed}
    missing = [value for value, _ in plan.skipped if value not in denied]
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5:,} more" if len(missing) > 5 else "")
    return [f"{len(missing):,} domain(s) decided Disavow are not in disavow.txt, as no entry can "
            f"stand for them (not_listed in summary.json says why): {shown}."]


def _entry_lines(old: Any, merged: Any) -> dict[str, int]:
    """``domain:`` and URL lines in the merged file, and those of them the run added.

    The merged file is the old file's lines, less any removed, then the added
    entries: counted from those instead of parsing the written text again.
    """
    from disavow.disavow_file import LineKind

    added = getattr(merged, "added", ())
    new_domain = sum(1 for entry in added if entry.kind == "domain")
    counts = {"new_domain": new_domain, "new_url": len(added) - new_domain}
    for kind in ("domain", "url"):
        kept = sum(1 for line in (old.lines if old is not None else ())
                   if line.kind is LineKind(kind))
        removed = sum(1 for line in getattr(merged, "removed", ()) if line.kind is LineKind(kind))
        counts[kind] = kept - removed + counts[f"new_{kind}"]
    return counts


EMPTY_FILE_WARNING = (
    "disavow.txt is empty: this run wrote no entry, and no --existing file with lines of its own "
    "was merged. Do not upload it: Search Console replaces your whole disavow list with the "
    "file you upload."
)
LEFT_OUT_WHY = ("did not fit Google's size limit (2 MB, 100,000 lines); lower-scoring than the "
                "entries that did")


def left_out_warning(n_entries: int) -> str:
    """The warning for a disavow file that could not hold every Disavow decision."""
    return (
        f"disavow.txt is incomplete: {n_entries:,} entries scored Disavow did not fit Google's "
        "limits (2 MB, 100,000 lines) even with one domain: line per site, and were left out "
        "(the lowest-scoring ones; every line of your existing file is kept). To list them "
        "all, raise the threshold (--threshold), write domain: lines only (--level domain), "
        "or remove old entries you no longer need."
    )


def _left_out_summary(scored: ScoredProfile, left_out: Sequence[Any]) -> dict[str, Any]:
    domains = scored.domains
    marked = domains["left_out"] if "left_out" in domains else pd.Series(False, domains.index)
    return {
        "entries": len(left_out),
        "domain_lines": sum(1 for e in left_out if e.kind == "domain"),
        "url_lines": sum(1 for e in left_out if e.kind == "url"),
        "domains": int(marked.sum()),
        "reason": "Google accepts at most 2 MB and 100,000 lines per disavow file",
        "fix": "raise the threshold (--threshold) or use --level domain",
    }


def _headline_metrics(metadata: dict[str, Any]) -> dict[str, Any]:
    cv = metadata.get("metrics", {}).get("cross_validation", {}).get("domain", {})
    return {k: cv[k] for k in ("roc_auc", "pr_auc", "precision_at_90_recall") if k in cv}


def _input_summary(report: Any) -> dict[str, Any]:
    return {
        "path": str(report.path), "format": str(report.format), "encoding": report.encoding,
        "rows_read": int(report.rows_read), "rows_skipped": int(report.rows_skipped),
        "skipped_examples": [{"row": r, "reason": why} for r, why in report.skipped[:10]],
    }


def _counts(values: pd.Series) -> dict[str, int]:
    counts = values.value_counts()
    return {d.value: int(counts.get(d.value, 0)) for d in s.Decision}


def _json(data: dict[str, Any]) -> str:
    from disavow.strict_json import dumps

    def default(value: Any) -> Any:
        if isinstance(value, (pd.Timestamp, datetime)):
            return value.isoformat()
        return str(value)

    return dumps(data, default=default) + "\n"
