"""The decision policy: scores in, keep / review / disavow out, with a reason code.

Kept apart from the model (as Magika keeps thresholds apart from raw scores):
the same scores can be read with a stricter or looser policy without
retraining. The policy also holds what no score may override: the user's own
site, allow and deny lists, and established platforms that must never be
disavowed as a whole.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.errors import InputFormatError
from disavow.lexicons import PROTECTED_DOMAINS
from disavow.urls import host_info, parse_host, parse_url

LEVELS = ("auto", "domain", "url")


class Why(StrEnum):
    """Why a decision is what it is (the policy's reason code)."""

    SCORE = "score"  # the model's score against the thresholds
    OWN_SITE = "own_site"  # the audited site itself: never disavowed
    ALLOWLIST = "allowlist"  # --allow: never disavowed
    DENYLIST = "denylist"  # --deny: always disavowed
    PROTECTED = "protected_platform"  # established platform: never disavowed as a whole
    DOMAIN = "domain_disavowed"  # a link on a disavowed domain
    DOMAIN_REVIEW = "domain_under_review"  # a link kept on its own score, on a Review domain
    MOST_LINKS = "most_links_toxic"  # the domain's links are toxic as a whole
    LEVEL = "level"  # --level domain: a toxic link on a kept domain goes to review
    # --allow / --deny entries naming hosts or pages below the domain cover all its links:
    ALLOWED_LINKS = "allowed_links"  # kept, as they are
    DENIED_LINKS = "denied_links"  # disavowed by those entries, not by a domain: line for it


@dataclass(frozen=True)
class EntryList:
    """Domains, hosts and URLs from an allow or deny file."""

    domains: frozenset[str] = frozenset()
    urls: frozenset[str] = frozenset()
    # Entries that cover no host under them: "co.uk" or "blogspot.com" on a list
    # must not disavow (or shield) every site under it, each a site of its own.
    host_only: frozenset[str] = frozenset()

    def covers_host(self, host: str) -> bool:
        if not self.domains:  # most runs have no list: asked once per distinct host
            return False
        parts = host.split(".")
        return host in self.domains or any(
            parent in self.domains and parent not in self.host_only
            for parent in (".".join(parts[i:]) for i in range(1, len(parts))))

    def covers_url(self, url: str, host: str) -> bool:
        return url in self.urls or self.covers_host(host)


def read_entry_list(path: str | Path) -> EntryList:
    """Read an allow/deny file: ``domain:x.com`` (or ``*.x.com``), bare hosts or URLs, and
    ``#`` comments. An entry that is a public suffix or a shared platform's root covers
    that host only, not the sites under it."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"Cannot read the list {file}: {exc.strerror}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A list saved by a Windows editor: its accented names must not become
        # replacement characters, which would name some other host.
        text = data.decode("cp1252", errors="replace")
    domains: set[str] = set()
    urls: set[str] = set()
    # Lines end where a text editor ends them (as in a disavow file), not also at
    # U+2028 or a form feed as str.splitlines() has it: line numbers must match.
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # "*.example.com", as many lists write it, means the site and its subdomains.
        wildcard = re.match(r"(?i)(domain:)?\s*\*\.(?=[^*]+$)", line)
        entry = "domain:" + line[wildcard.end():] if wildcard else line
        if entry.lower().startswith("domain:") or "://" not in line:
            name = entry[7:].strip() if entry.lower().startswith("domain:") else line
            if "/" in name.rstrip("/"):
                # Read as its host, "site.com/page" would cover the whole site.
                raise InputFormatError(
                    f"{file}, line {number}: '{line[:80]}' has a path but no scheme. Write "
                    "the page's full URL (https://...) to list one page, or domain:host for "
                    "the whole site."
                )
            host = parse_host(name)
            if host is None:
                raise InputFormatError(
                    f"{file}, line {number}: '{line[:80]}' is not a valid domain entry. Write "
                    "one entry per line: domain:example.com, example.com or a full URL."
                )
            domains.add(host)
        else:
            parsed = parse_url(line)
            if not parsed.ok:
                raise InputFormatError(
                    f"{file}, line {number}: '{line[:80]}' is not a usable URL "
                    f"({parsed.problem})."
                )
            urls.add(parsed.url)
    host_only = frozenset(d for d in domains if host_info(d).is_suffix)
    return EntryList(frozenset(domains), frozenset(urls), host_only)


@dataclass(frozen=True)
class Policy:
    """Thresholds and lists that turn scores into decisions."""

    domain_disavow: float = 0.8
    domain_review: float = 0.5
    domain_only_disavow: float = 0.8  # domains known by name only (Search Console sites)
    domain_only_review: float = 0.5
    link_disavow: float = 0.9
    link_review: float = 0.6
    level: str = "auto"
    # Disavow a doubtful domain whose links are mostly toxic (promote_domains); off
    # with --threshold, which promises that only domains scoring that much are.
    promote: bool = True
    site: str | None = None
    allow: EntryList = field(default_factory=EntryList)
    deny: EntryList = field(default_factory=EntryList)

    @classmethod
    def from_thresholds(
        cls, thresholds: dict[str, float], *, threshold: float | None = None, **kwargs
    ) -> Policy:
        """The model's default thresholds, with ``--threshold`` overriding the disavow one."""
        values = {k: float(v) for k, v in thresholds.items() if k in cls.__dataclass_fields__}
        if threshold is not None:
            if not 0.0 <= threshold <= 1.0:
                raise InputFormatError(
                    f"--threshold must be a probability between 0 and 1, got {threshold}."
                )
            for kind in ("domain", "domain_only"):
                values[f"{kind}_disavow"] = threshold
                values[f"{kind}_review"] = min(values.get(f"{kind}_review", 0.5), threshold)
            values["promote"] = False
        if kwargs.get("level", "auto") not in LEVELS:
            raise InputFormatError(f"--level must be one of {', '.join(LEVELS)}.")
        return cls(**values, **kwargs)

    def is_own(self, host: str) -> bool:
        if not self.site:
            return False
        return host == self.site or host.endswith("." + self.site)


def decide_domains(domains: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Add ``decision`` and ``why`` to a table indexed by domain with a ``score`` column.

    Domains known by name only (no ``n_pages``) are read against their own
    thresholds: their scores rest on far less evidence.
    """
    score = domains[s.SCORE].to_numpy(dtype=float)
    name_only = (
        domains["n_pages"].isna().to_numpy() if "n_pages" in domains
        else np.zeros(len(domains), dtype=bool)
    )
    disavow_at = np.where(name_only, policy.domain_only_disavow, policy.domain_disavow)
    review_at = np.where(name_only, policy.domain_only_review, policy.domain_review)
    decision = np.where(
        score >= disavow_at, s.Decision.DISAVOW,
        np.where(score >= review_at, s.Decision.REVIEW, s.Decision.KEEP),
    ).astype(object)
    why = np.full(len(domains), Why.SCORE, dtype=object)
    for i, domain in enumerate(domains.index.astype(str)):
        override = _domain_override(domain, policy)
        if override is not None:
            decision[i], why[i] = override
    out = domains.copy()
    out[s.DECISION] = decision
    out["why"] = why
    return out


def _domain_override(domain: str, policy: Policy) -> tuple[str, str] | None:
    if policy.is_own(domain) or (policy.site and policy.site.endswith("." + domain)):
        return s.Decision.KEEP, Why.OWN_SITE
    if policy.allow.covers_host(domain):
        return s.Decision.KEEP, Why.ALLOWLIST
    if policy.deny.covers_host(domain):
        return s.Decision.DISAVOW, Why.DENYLIST
    info = host_info(domain)
    if _is_protected(domain) or info.is_suffix:
        return s.Decision.KEEP, Why.PROTECTED
    return None


def _is_protected(domain: str) -> bool:
    # Exact match only: domains here are registrable units, and a user's
    # subdomain on a free host (spam.blogspot.com) is a site of its own.
    return domain in PROTECTED_DOMAINS


def domain_rows(links: pd.DataFrame, domains: pd.DataFrame) -> np.ndarray:
    """Each link's row in ``domains`` (a table indexed by domain), -1 where it has none:
    looking a million links up by name once serves every stage that needs it."""
    return domains.index.get_indexer(links[s.DOMAIN].astype(str))


def decide_links(
    links: pd.DataFrame, domain_decisions: pd.DataFrame, policy: Policy, *,
    link_domains: np.ndarray | None = None,
) -> pd.DataFrame:
    """Add ``decision`` and ``why`` per link, given its own score and its domain's decision.

    ``link_domains``: :func:`domain_rows` of ``links`` in ``domain_decisions``, if known.
    """
    if link_domains is None:
        link_domains = domain_rows(links, domain_decisions)
    # Per domain, then per link through its row; a link on no listed domain takes the
    # last element: keep, on its score.
    domain_decision = np.append(
        domain_decisions[s.DECISION].fillna(s.Decision.KEEP).to_numpy(dtype=object),
        s.Decision.KEEP)
    domain_why = np.append(domain_decisions["why"].fillna(Why.SCORE).to_numpy(dtype=object),
                           Why.SCORE)
    score = links[s.SCORE].to_numpy(dtype=float)
    decision = np.where(
        score >= policy.link_disavow, s.Decision.DISAVOW,
        np.where(score >= policy.link_review, s.Decision.REVIEW, s.Decision.KEEP),
    ).astype(object)
    why = np.full(len(links), Why.SCORE, dtype=object)

    on_disavowed = (domain_decision == s.Decision.DISAVOW)[link_domains]
    decision[on_disavowed] = s.Decision.DISAVOW
    why[on_disavowed] = Why.DOMAIN
    hard_keep = pd.Series(domain_why).isin([Why.OWN_SITE, Why.ALLOWLIST]).to_numpy()[link_domains]
    decision[hard_keep] = s.Decision.KEEP
    why[hard_keep] = domain_why[link_domains[hard_keep]]
    on_review = (domain_decision == s.Decision.REVIEW)[link_domains] & (
        decision == s.Decision.KEEP)
    decision[on_review] = s.Decision.REVIEW
    why[on_review] = Why.DOMAIN_REVIEW  # its own score would keep it

    rest = np.flatnonzero(~hard_keep)
    if len(rest):
        # allow.covers_url(url, host) or is_own(host), else deny.covers_url(url, host),
        # with each distinct host looked up once.
        urls = links[s.SOURCE_URL].fillna("").astype(str).to_numpy()[rest]
        hosts = links[s.SOURCE_HOST].fillna("").astype(str).to_numpy()[rest]
        host_codes, distinct_hosts = pd.factorize(hosts)
        allowed_host = np.array(
            [policy.allow.covers_host(h) or policy.is_own(h) for h in distinct_hosts], dtype=bool)
        denied_host = np.array([policy.deny.covers_host(h) for h in distinct_hosts], dtype=bool)
        allowed = _listed(urls, policy.allow.urls) | allowed_host[host_codes]
        denied = ~allowed & (_listed(urls, policy.deny.urls) | denied_host[host_codes])
        decision[rest[allowed]], why[rest[allowed]] = s.Decision.KEEP, Why.ALLOWLIST
        decision[rest[denied]], why[rest[denied]] = s.Decision.DISAVOW, Why.DENYLIST
    if policy.level == "domain":
        # Only domain: lines are wanted, so a toxic link on a kept domain is
        # left for a person to look at instead of becoming a URL line.
        single = (decision == s.Decision.DISAVOW) & ~on_disavowed & (why != Why.DENYLIST)
        decision[single] = s.Decision.REVIEW
        why[single] = Why.LEVEL
    out = links.copy(deep=False)  # copy-on-write: the new columns do not touch ``links``
    out[s.DECISION] = decision
    out["why"] = why
    return out


def _listed(urls: np.ndarray, entries: frozenset[str]) -> np.ndarray:
    """``url in entries`` for each URL."""
    if not entries:
        return np.zeros(len(urls), dtype=bool)
    return pd.Series(urls, dtype=object).isin(list(entries)).to_numpy()


def promote_domains(
    domains: pd.DataFrame, links: pd.DataFrame, policy: Policy, *, share: float = 0.5,
    link_domains: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disavow a doubtful domain when most of its links are toxic on their own.

    A domain: line is what Google recommends when a site's links are toxic as a
    whole, and it also covers links the exports missed. Protected platforms,
    the user's own site and allow-listed domains are never promoted.
    ``link_domains``: :func:`domain_rows` of ``links`` in ``domains``, if known.
    """
    if policy.level == "url" or not policy.promote or links.empty:
        return domains, links
    if link_domains is None:
        link_domains = domain_rows(links, domains)
    toxic = (links[s.DECISION] == s.Decision.DISAVOW) & (links["why"] == Why.SCORE)
    per_row = toxic.groupby(link_domains).agg(["mean", "size"])  # -1: on no listed domain
    candidates = per_row.index[(per_row["mean"] >= share) & (per_row["size"] >= 2)]
    # Only domains the domain model already doubts (review): a real forum
    # whose few known links are spam profiles keeps URL lines, not a domain: line.
    eligible = np.isin(np.arange(len(domains)), candidates) & (
        domains["why"] == Why.SCORE).to_numpy() & (
        domains[s.DECISION] == s.Decision.REVIEW).to_numpy()
    if not eligible.any():
        return domains, links
    domains = domains.copy()
    domains.loc[eligible, s.DECISION] = s.Decision.DISAVOW
    domains.loc[eligible, "why"] = Why.MOST_LINKS
    on_promoted = np.append(eligible, False)[link_domains] & (
        links["why"].isin([Why.SCORE, Why.DOMAIN_REVIEW]))
    links = links.copy(deep=False)  # copy-on-write: only the changed columns are copied
    links.loc[on_promoted, s.DECISION] = s.Decision.DISAVOW
    links.loc[on_promoted, "why"] = Why.DOMAIN
    return domains, links


# A domain's own entry (or a parent's) on a list decides the domain as a whole; the
# counts below are for entries that name only some of its hosts or pages.
_WHOLE_DOMAIN_WHY = frozenset({Why.OWN_SITE, Why.ALLOWLIST, Why.DENYLIST})


def follow_list_entries(
    domains: pd.DataFrame, links: pd.DataFrame, policy: Policy, *,
    link_domains: np.ndarray | None = None,
) -> pd.DataFrame:
    """Make each domain's row say what ``--allow`` / ``--deny`` entries below it do.

    An entry naming a host or page below a referring domain (``www.x.com``, a URL)
    decides only the links it covers (:func:`decide_links`), and a deny entry is
    written as it is (``domain:www.x.com``). The domain's row follows where the
    entries cover every link of it in the exports: all allowed makes it keep
    (:attr:`Why.ALLOWED_LINKS`), all denied makes it disavow (:attr:`Why.DENIED_LINKS`:
    disavow.txt holds the entries, no ``domain:`` line for the whole domain). Where they
    cover only some of its links, the row keeps its own decision, as for a toxic page
    on a kept domain. Either way the row gets ``allowed_links`` / ``denied_links`` (how
    many of its links the entries decided) and ``allowed_by`` / ``denied_by`` (the
    entries under it), which its reasons quote first.
    ``link_domains``: :func:`domain_rows` of ``links`` in ``domains``, if known.
    """
    lists = (("allowed", Why.ALLOWLIST, policy.allow), ("denied", Why.DENYLIST, policy.deny))
    if not any(entries.domains or entries.urls for _, _, entries in lists) or links.empty:
        return domains
    if link_domains is None:
        link_domains = domain_rows(links, domains)
    out = domains.copy()
    n_links = np.bincount(link_domains[link_domains >= 0], minlength=len(out))
    whole = out["why"].isin(_WHOLE_DOMAIN_WHY).to_numpy()
    names = out.index.astype(str)
    covered = {}
    for name, why, entries in lists:
        on_list = (links["why"] == why).to_numpy() & (link_domains >= 0)
        count = np.bincount(link_domains[on_list], minlength=len(out))
        count[whole] = 0
        covered[name] = count
        out[f"{name}_links"] = count
        under = _entries_by_domain(entries)
        out[f"{name}_by"] = pd.Series([tuple(under[d]) if c else None
                                       for d, c in zip(names, count, strict=True)],
                                      index=out.index, dtype=object)
    every = n_links > 0
    all_allowed = every & (covered["allowed"] == n_links)
    all_denied = every & (covered["denied"] == n_links) & (
        out[s.DECISION] != s.Decision.DISAVOW).to_numpy()
    out.loc[all_allowed, s.DECISION] = s.Decision.KEEP
    out.loc[all_allowed, "why"] = Why.ALLOWED_LINKS
    out.loc[all_denied, s.DECISION] = s.Decision.DISAVOW
    out.loc[all_denied, "why"] = Why.DENIED_LINKS
    return out


def _entries_by_domain(entries: EntryList) -> dict[str, list[str]]:
    """Each referring domain's entries of a list that name hosts or pages below it."""
    under: dict[str, list[str]] = {}
    hosts = [(host, host) for host in entries.domains]
    hosts += [(parse_url(url).host or "", url) for url in entries.urls]
    for host, entry in sorted(hosts, key=lambda pair: pair[1]):
        domain = host_info(host).domain if host else ""
        if domain and domain != entry:
            under.setdefault(domain, []).append(entry)
    return defaultdict(list, under)


@dataclass
class DisavowPlan:
    """The entries the policy wants in the disavow file."""

    domains: list[str]
    urls: list[str]
    skipped: list[tuple[str, str]]  # (value, why it could not be listed)
    denied_not_listed: list[tuple[str, str]] = field(default_factory=list)  # of ``skipped``
    notes: list[str] = field(default_factory=list)  # what the user should know of the plan
    # Sites whose URL lines may become one domain: line if the file outgrows Google's
    # limits: only those disavowed as a whole would be, never a site the policy keeps.
    may_collapse: frozenset[str] = frozenset()


def plan_entries(
    domains: pd.DataFrame, links: pd.DataFrame, policy: Policy
) -> DisavowPlan:
    """``domain:`` lines for disavowed domains, URL lines for toxic single pages.

    No entry may cover what the policy keeps whatever the score: the audited site
    and anything on ``--allow``. A disavowed domain holding an allowed host or URL
    is listed URL by URL instead of with a ``domain:`` line. A domain disavowed only
    for its denied hosts and pages (:func:`follow_list_entries`) gets no line of its
    own, and a page under a denied host is not listed again.
    """
    entry_domains: set[str] = set()
    entry_urls: set[str] = set()
    skipped: list[tuple[str, str]] = []
    holds_allowed = _holding_allowed(policy.allow)
    # A domain disavowed for its denied hosts and pages has those entries in the file,
    # no domain: line of its own: the user named only them.
    disavowed = domains.index[((domains[s.DECISION] == s.Decision.DISAVOW)
                               & (domains["why"] != Why.DENIED_LINKS)).to_numpy()].astype(str)
    url_level_domains = set()
    may_collapse = set()  # could be one domain: line, whatever --level says
    for domain in disavowed:
        # An established platform gets here only from --deny: its links go one by one.
        if (host_info(domain).domain_line_allowed and not _is_protected(domain)
                and domain not in holds_allowed):
            may_collapse.add(domain)
        if policy.level == "url" or domain not in may_collapse:
            url_level_domains.add(domain)
        else:
            entry_domains.add(domain)
    denied_not_listed = []
    for entry in sorted(policy.deny.domains):  # sorted: the same warnings on every run
        why = _deny_entry_refusal(entry, policy, holds_allowed)
        if why is None:
            entry_domains.add(entry)  # the user asked for it: even with --level url
        else:
            denied_not_listed.append((entry, why))
    for url in sorted(policy.deny.urls):
        host = parse_url(url).host or ""
        if url in policy.allow.urls or policy.allow.covers_host(host) or policy.is_own(host):
            denied_not_listed.append((url, "--allow or --site covers it too, and they win"))
        else:
            entry_urls.add(url)
    skipped.extend(denied_not_listed)
    # Only the two columns read, as lists: a table of the toxic links, iterated
    # cell by cell, cost more than the rest of the plan.
    is_toxic = links[s.DECISION] == s.Decision.DISAVOW
    toxic = links.loc[is_toxic, [s.SOURCE_URL, s.DOMAIN]]
    # Deny entries for hosts below a domain (domain:www.x.com) cover pages too.
    host_entries = {d for d in entry_domains if host_info(d).domain != d}
    hosts = (links.loc[is_toxic, s.SOURCE_HOST].fillna("").astype(str).tolist()
             if host_entries and s.SOURCE_HOST in links else [""] * len(toxic))
    listed_by_url: set[str] = set()
    for url, domain, host in zip(toxic[s.SOURCE_URL].fillna("").astype(str).tolist(),
                                 toxic[s.DOMAIN].astype(str).tolist(), hosts,
                                 strict=True):
        if domain in entry_domains:
            continue
        if host and _under_any(host, host_entries):
            listed_by_url.add(domain)  # by the line for its host
            continue
        if url:
            entry_urls.add(url)
            listed_by_url.add(domain)
    for domain in sorted(url_level_domains - entry_domains - listed_by_url):
        # Known by name only (a Search Console "Top linking sites" row, say), or
        # every known link was allowed: nothing can stand for it in the file.
        skipped.append((domain, "scored Disavow, but it cannot be a domain: line here and no "
                                "linking URL of it is known to list instead"))
    notes = [f"{domain} scored Disavow but is listed URL by URL, not with a domain: line, "
             "because --allow lists a host or URL on it."
             for domain in sorted(url_level_domains & holds_allowed)]
    return DisavowPlan(sorted(entry_domains), sorted(entry_urls), skipped, denied_not_listed,
                       notes, frozenset(may_collapse))


def _under_any(host: str, hosts: set[str]) -> bool:
    """Whether ``host`` is one of ``hosts`` or under one of them."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in hosts for i in range(len(parts)))


def _holding_allowed(allow: EntryList) -> set[str]:
    """Every host that holds an allowed host or URL: a ``domain:`` line for it would
    disavow what the user wants kept."""
    hosts = set(allow.domains) | {parse_url(url).host or "" for url in allow.urls}
    holding = set()
    for host in hosts - {""}:
        parts = host.split(".")
        holding.update(".".join(parts[i:]) for i in range(len(parts)))
    return holding


def kept_entry_conflicts(entries: Iterable[tuple[int, str, str]], policy: Policy
                         ) -> list[tuple[int, str]]:
    """Lines of an existing disavow file that disavow what the policy keeps.

    ``entries`` are ``(line, kind, value)`` with kind ``"domain"`` (a host) or
    ``"url"`` (a normalised URL). A merge keeps such lines byte for byte (they
    are the user's), so the user must hear that they disavow the audited site,
    an ``--allow`` entry or a whole established platform (public blocklists,
    pasted into disavow files, carry youtube.com): ``(line, why)`` for each.
    """
    holds_allowed = _holding_allowed(policy.allow)
    conflicts = []
    for line, kind, value in entries:
        host = value if kind == "domain" else (parse_url(value).host or "")
        holds_site = kind == "domain" and bool(policy.site) and policy.site.endswith("." + host)
        if policy.is_own(host) or holds_site:
            conflicts.append((line, "the audited site (--site)"))
        elif (policy.allow.covers_url(value, host) if kind == "url"
              else policy.allow.covers_host(host)):
            conflicts.append((line, "on --allow"))
        elif kind == "domain" and host in holds_allowed:
            conflicts.append((line, "holds a host or URL on --allow"))
        elif kind == "domain" and (platform := protected_platform(host)):
            conflicts.append((line, f"a domain: line on {platform}, an established platform: "
                                    "list its spam pages as URL lines instead"))
    return conflicts


def protected_platform(host: str) -> str | None:
    """The established platform a ``domain:`` line on ``host`` would disavow whole, or None.

    A user's own site there (x.blogspot.com, x.github.io) is its own domain and no
    platform; a host of the platform itself (www.youtube.com) is the platform.
    """
    if _is_protected(host):
        return host
    domain = host_info(host).domain
    return domain if _is_protected(domain) else None


def _deny_entry_refusal(entry: str, policy: Policy, holds_allowed: set[str]) -> str | None:
    """Why a ``--deny`` domain entry is not written as a ``domain:`` line, or None."""
    info = host_info(entry)
    if info.is_suffix:
        return (f"a public suffix or shared platform: each site under it is a site of its own "
                f"and is not covered; list the ones you mean (domain:name.{entry})")
    if not info.domain_line_allowed:
        return ("an IP address cannot be a domain: line; its links in the exports are listed "
                "one by one")
    if policy.is_own(entry) or (policy.site and policy.site.endswith("." + entry)):
        return "it is, or holds, the audited site (--site), which is never disavowed"
    if policy.allow.covers_host(entry):
        return "--allow covers it too, and --allow wins"
    if entry in holds_allowed:
        return ("--allow lists a host or URL on it; its links in the exports are listed one "
                "by one, but for those")
    if _is_protected(entry) or _is_protected(info.domain):
        return ("an established platform is never disavowed as a whole; its links in the "
                "exports are listed one by one")
    return None
