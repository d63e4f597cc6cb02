"""Plain-words reasons for every score: the evidence a person can check in seconds.

Each reason names the column, value or pattern behind it ("38 links, all with
the exact-match anchor 'emergency plumber'"). Reasons describe the evidence the
model saw; the model weighs it. They are rules over its inputs, in a fixed order
of kinds, not a ranking of the model's weights. Evidence for the decision comes
first (risk for domains disavowed or reviewed, reassurance for kept ones), then
at most one piece against it, marked "outweighed". Evidence resting on a signal
no tree of the scoring model splits on is not given: it cannot have moved the
score (the pipeline passes those features as ``unweighed``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.decide import Why
from disavow.features import _NAME_LINK_SELLING, _NAME_TOPIC_PATTERNS, _short_token_pattern
from disavow.lexicons import CHEAP_TLDS, NAME_TOPIC_REASON_WORDS
from disavow.text import show_bidi_controls

MAX_REASONS = 4
SEPARATOR = " | "

_WHY_TEXT = {
    Why.OWN_SITE: "this is the audited site itself: never disavowed",
    Why.ALLOWLIST: "on your allow list: never disavowed",
    Why.DENYLIST: "on your deny list: always disavowed",
    Why.PROTECTED: (
        "an established platform with user content: never disavowed as a whole "
        "(spam pages on it are judged one by one)"
    ),
    Why.LEVEL: "toxic on its own, but --level domain writes only domain: lines: please review",
    Why.DOMAIN_REVIEW: "its referring domain is under review",
    Why.MOST_LINKS: "most of its links are toxic on their own, so the whole domain is listed",
}


_WHITESPACE_RUN = re.compile(r"\s+")
def _quote(text: object, limit: int = 60) -> str:
    value = str(text)
    # Printable ASCII has no whitespace but the space: without two in a row, the
    # substitution would change nothing (it runs for every distinct anchor).
    if not (value.isascii() and value.isprintable() and "  " not in value):
        value = _WHITESPACE_RUN.sub(" ", value)
    value = value.strip()
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"'{show_bidi_controls(value)}'"


def _num(row: dict[str, Any], key: str) -> float:
    if type(row) is _Row:  # a domain's few dozen numbers, read for every domain
        return row._columns.numbers(key)[row._at]
    return _as_number(row.get(key))


def _as_number(value: object) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _ok(x: float) -> bool:
    return not math.isnan(x)


def _plural(n: float, word: str) -> str:
    n_int = int(n)
    return f"{n_int} {word}" if n_int == 1 else f"{n_int} {word}s"


_ANCHOR_KNOWN = "with a known anchor"


def _share_of_links(share: float, n_links: float, n_known: float, known: str, verb: str,
                    rest: str) -> str:
    """``"60% of its links use ..."``, or, where the share is of only the ``n_known``
    links whose anchor (or other property) the exports give, of those: ``"100% of the
    1 link with a known anchor uses ..."``. ``n_known`` NaN: every link's is known."""
    if not _ok(n_known) or not _ok(n_links) or n_known >= n_links:
        return f"{share:.0%} of its links {verb} {rest}"
    if n_known == 1:
        return f"{share:.0%} of the 1 link {known} {verb}s {rest}"
    return f"{share:.0%} of the {int(n_known)} links {known} {verb} {rest}"


def _nofollow_reason(n_links: float, n_known: float) -> str:
    """All the links whose follow state is known are nofollow (``n_known`` NaN: all are known)."""
    if not _ok(n_known) or n_known >= n_links:
        return ("nofollow: "
                f"{'its only link passes' if n_links == 1 else 'all its links pass'} nothing")
    if n_known == 1:
        return "nofollow: the 1 link whose follow state is known passes nothing"
    return f"nofollow: all {int(n_known)} of its links whose follow state is known pass nothing"


def _one_anchor_reason(share: float, n_links: float, n_known: float, anchor: object) -> str:
    """A weak signal: (nearly) every link with a known anchor uses the same one."""
    if share != 1:
        return _share_of_links(share, n_links, n_known, _ANCHOR_KNOWN, "use",
                               f"the anchor {_quote(anchor)}")
    if not _ok(n_known) or n_known >= n_links:
        return f"all {int(n_links)} links use the anchor {_quote(anchor)}"
    if n_known == 1:
        return f"the 1 link {_ANCHOR_KNOWN} uses the anchor {_quote(anchor)}"
    return f"all {int(n_known)} links {_ANCHOR_KNOWN} use the anchor {_quote(anchor)}"


def domain_reasons(row: dict[str, Any], tld_share: dict[str, list[float]],
                   unweighed: Collection[str] = ()) -> list[str]:
    """Reasons for one referring domain: the policy's first, then the evidence that
    argues for its decision, then at most what argues against it, marked as outweighed.

    Evidence comes in a fixed order of kinds, not ranked by the model's weights.
    ``unweighed`` names features no tree of the model splits on
    (:meth:`disavow.model.ScoringModel.weighed_features`): evidence resting on them
    cannot have moved the score and is not given (the caller blanks their values,
    and the name rules that read the name itself skip them).

    ``row`` holds the domain's features plus ``domain``, ``decision``, ``why``,
    ``top_exact_anchor`` (its most common exact-match anchor), ``top_exact_anchor_links``,
    ``top_title`` and ``first_seen_week``.
    """
    why = row.get("why")
    override = _WHY_TEXT.get(why) if why not in (None, Why.SCORE, Why.DOMAIN) else None
    if why == Why.MOST_LINKS and _ok(_num(row, "n_links")):
        override = (f"{_num(row, 'toxic_links'):.0f} of its {_plural(_num(row, 'n_links'), 'link')}"
                    " are toxic on their own, so the whole domain is listed")
    listed = _list_reasons(why, _num(row, "n_links"), _num(row, "allowed_links"),
                           _num(row, "denied_links"), row.get("allowed_by"), row.get("denied_by"))
    risks = _risk_evidence(row, tld_share, unweighed)
    comfort = _reassuring_evidence(row)
    decision = row.get(s.DECISION)
    if not risks and not override and why not in _BY_LIST and decision in _FLAGGED:
        risks = [_weak_evidence(row, tld_share)]
    ordered = _for_and_against(risks, comfort, decision)
    if not ordered:
        ordered = ["no strong evidence either way"]
    if row.get("domain_only"):
        ordered.append("known from a domain-level export only: judged on the domain name alone")
    reasons = ([override] if override else []) + listed + ordered
    return reasons[:MAX_REASONS]


OUTWEIGHED = "outweighed: "


def _for_and_against(risks: list[str], comfort: list[str], decision: object) -> list[str]:
    """The evidence for the decision, then at most one piece against it, marked as
    outweighed: a kept domain's risk reason must not read as a case for disavowing."""
    keep = decision == s.Decision.KEEP
    for_it, against = (comfort, risks) if keep else (risks, comfort)
    return for_it + [OUTWEIGHED + against[0]] if against else list(for_it)


# Decisions the list entries below a domain made (decide.follow_list_entries): their
# reason is the list's, not a score's.
_BY_LIST = (Why.ALLOWED_LINKS, Why.DENIED_LINKS)
_MAX_ENTRIES_SHOWN = 2


def _list_reasons(why: object, n_links: float, allowed: float, denied: float,
                  allowed_by: object, denied_by: object) -> list[str]:
    """What ``--deny`` and ``--allow`` entries naming hosts or pages below a domain did
    to its links, first the deny list's (see :func:`disavow.decide.follow_list_entries`)."""
    out = []
    for count, entries, name, verdict in (
            (denied, denied_by, "deny", "disavowed, but not as a whole domain"
             if why == Why.DENIED_LINKS else "disavowed"),
            (allowed, allowed_by, "allow", "never disavowed"
             if why == Why.ALLOWED_LINKS else "kept")):
        if not (_ok(count) and count >= 1 and _ok(n_links)):
            continue
        k, n = int(count), int(n_links)
        if k >= n:
            subject = "its only link is" if n == 1 else f"all {n} of its links are"
        else:
            subject = f"{k} of its {n} links {'is' if k == 1 else 'are'}"
        named = list(entries) if isinstance(entries, (list, tuple)) else []
        shown = ", ".join(e if len(e) <= 60 else e[:59] + "…"
                          for e in named[:_MAX_ENTRIES_SHOWN])
        if len(named) > _MAX_ENTRIES_SHOWN:
            shown += f" and {len(named) - _MAX_ENTRIES_SHOWN} more"
        out.append(f"{subject} on your {name} list{f' ({shown})' if shown else ''}: {verdict}")
    return out


def _risk_evidence(row: dict[str, Any], tld_share: dict[str, list[float]],
                   unweighed: Collection[str] = ()) -> list[str]:
    out: list[str] = []
    domain = str(row.get(s.DOMAIN, ""))
    name = domain.split(".")[0]
    n_links = _num(row, "n_links")
    exact = _num(row, "share_exact_anchor")
    money = _num(row, "share_money_anchor")
    anchored = _num(row, "anchor_links")
    top_anchor = row.get("top_exact_anchor")
    top_count = _num(row, "top_exact_anchor_links")
    if _ok(exact) and exact >= 0.5 and isinstance(top_anchor, str) and top_anchor:
        if _ok(n_links) and top_count == n_links and n_links > 1:
            out.append(
                f"{_plural(n_links, 'link')}, all with the exact-match anchor {_quote(top_anchor)}"
            )
        else:
            out.append(_share_of_links(exact, n_links, anchored, _ANCHOR_KNOWN, "use",
                                       f"exact-match anchors, most often {_quote(top_anchor)}"))
    elif _ok(money) and money >= 0.5:
        out.append(_share_of_links(money, n_links, anchored, _ANCHOR_KNOWN, "use",
                                   "money (exact- or partial-match) anchors"))
    model_tld = str(row["model_tld"]) if "model_tld" in row else None
    out.extend(_name_evidence(name, str(row.get("tld", "")), model_tld, tld_share, unweighed))
    family = _num(row, "name_family_size")
    if _ok(family) and family >= 2:
        out.append(f"one of {int(family) + 1} referring domains built from the same name pattern")
    title_topics = _num(row, "max_title_risky_topics")
    if _ok(title_topics) and title_topics >= 1 and isinstance(row.get("top_title"), str):
        out.append(f"linking page title on a risky topic: {_quote(row['top_title'])}")
    template = _num(row, "max_title_template_domains")
    if _ok(template) and template >= 5:
        out.append(f"the same page-title template appears on {int(template)} referring domains")
    anchor_domains = _num(row, "max_anchor_domains")
    if _ok(anchor_domains) and anchor_domains >= 5:
        out.append(_repeated_anchor_reason(row.get("repeated_anchor"), anchor_domains))
    awt = _num(row, "authority_without_traffic")
    if _ok(awt) and awt >= 30:
        out.append(f"Ahrefs DR {awt:.0f} with almost no organic traffic (a PBN signature)")
    external = _num(row, "max_external_links")
    if _ok(external) and external >= 150:
        out.append(f"the linking page has {external:.0f} outbound links")
    burst = _num(row, "first_seen_burst")
    if _ok(burst) and burst >= 3 and row.get("first_seen_week"):
        out.append(
            f"first seen in a burst of new referring domains in the week of "
            f"{row['first_seen_week']} ({burst:.0f}x a normal week)"
        )
    block = _num(row, "ip_block_domains")
    if _ok(block) and block >= 3:
        out.append(f"hosted in the same /24 IP block as {int(block) - 1} other referring domains")
    ugc_pages = _num(row, "share_ugc_pages")
    if _ok(ugc_pages) and ugc_pages >= 0.5:
        out.append(f"{ugc_pages:.0%} of its links sit on profile, comment or bookmark pages")
    directory = _num(row, "share_directory")
    if _ok(directory) and directory >= 0.5:
        out.append(f"{directory:.0%} of its links sit on directory or submission pages")
    sitewide = _num(row, "share_sitewide")
    if _ok(sitewide) and sitewide >= 0.5 and _ok(n_links) and n_links >= 3:
        out.append(_sitewide_reason(_num(row, "sitewide_links"), n_links))
    if _num(row, "ahrefs_is_spam") == 1:
        out.append("Ahrefs labels this domain as spam")
    moz = _num(row, "moz_spam_score")
    if _ok(moz) and moz >= 60:
        out.append(f"Moz Spam Score {moz:.0f}%")
    tox = _num(row, "semrush_toxicity")
    if _ok(tox) and tox >= 60:
        out.append(f"Semrush Toxicity Score {tox:.0f}")
    if _num(row, "name_is_ip") == 1:
        out.append("the links come from a bare IP address, not a named site")
    entropy = _num(row, "name_entropy")
    if _ok(entropy) and entropy >= 3.3 and _num(row, "name_consonant_run") >= 4:
        out.append(f"random-looking domain name {_quote(name)}")
    elif _num(row, "name_digits") >= 4:
        out.append(f"the domain name is full of digits {_quote(name)}")
    return out


def _visits(log_traffic: float) -> float:
    """The Ahrefs traffic behind ``ahrefs_log_traffic``, which is log10(traffic + 1)."""
    return 10 ** log_traffic - 1


# The overlap counts the site's brand words with its keywords: a stats or valuation
# page about the site names it without being on its topic, so the reason says only
# what was matched.
TOPIC_OVERLAP_REASON = ("the linking pages' titles or addresses use words of the site's name "
                        "or keywords")


def _reassuring_evidence(row: dict[str, Any]) -> list[str]:
    out: list[str] = []
    n_links = _num(row, "n_links")
    nofollow = _num(row, "share_nofollow")
    if _ok(nofollow) and nofollow >= 0.99 and _ok(n_links):
        out.append(_nofollow_reason(n_links, _num(row, "follow_links")))
    qualified = _num(row, "share_qualified")
    if _ok(qualified) and qualified >= 0.99:
        out.append("links marked ugc or sponsored: properly qualified")
    traffic = _num(row, "ahrefs_log_traffic")
    if _ok(traffic) and traffic >= 3:
        out.append(f"real audience: about {_visits(traffic):,.0f} organic visits a month (Ahrefs)")
    if _num(row, "name_is_gov_edu") == 1:
        out.append("a government or academic domain")
    brand = _num(row, "share_branded_anchor")
    if _ok(brand) and brand >= 0.5:
        out.append(_share_of_links(brand, n_links, _num(row, "anchor_links"), _ANCHOR_KNOWN,
                                   "use", "the brand name or the URL as anchor"))
    overlap = _num(row, "mean_topic_overlap")
    if _ok(overlap) and overlap >= 0.2:
        out.append(TOPIC_OVERLAP_REASON)
    if _num(row, "name_is_free_host") == 1:
        out.append("a site on a shared platform: only this subdomain is judged")
    return out


def link_reasons(row: dict[str, Any]) -> list[str]:
    """Reasons for one link: what is special about the link itself."""
    why = row.get("why")
    out: list[str] = []
    if why == Why.DOMAIN:
        out.append("its referring domain is disavowed")
    elif why in _WHY_TEXT:
        out.append(_WHY_TEXT[why])
    anchor_type = row.get("anchor_type")
    anchor = row.get(s.ANCHOR)
    if anchor_type == "exact_match":
        out.append(f"exact-match anchor {_quote(anchor)}")
    elif anchor_type == "partial_match":
        out.append(f"partial-match anchor {_quote(anchor)}")
    for key, text in (
        ("url_profile", "placed on a user-profile page"),
        ("url_comment", "placed in a comment"),
        ("url_directory", "placed on a directory or submission page"),
        ("url_bookmark", "placed on a social-bookmark page"),
    ):
        if _num(row, key) == 1:
            out.append(text)
    if _num(row, "anchor_risky_topics") >= 1:
        out.append(f"anchor on a risky topic {_quote(anchor)}")
    if _num(row, "title_risky_topics") >= 1 and isinstance(row.get(s.SOURCE_TITLE), str):
        out.append(f"page title on a risky topic {_quote(row[s.SOURCE_TITLE])}")
    external = _num(row, "external_links")
    if _ok(external) and external >= 150:
        out.append(f"the page has {external:.0f} outbound links")
    if _num(row, "nofollow") == 1:
        out.append("nofollow: passes nothing")
    if _num(row, "sitewide") == 1:
        out.append("sitewide link")
    if not out:
        out.append("no strong evidence on the link itself")
    return out[:MAX_REASONS]


def join_reasons(reasons: list[str]) -> str:
    return SEPARATOR.join(r.replace(SEPARATOR, " / ") for r in reasons)


def reasons_column(frame: pd.DataFrame, fn, *args, **kwargs) -> pd.Series:
    """Apply a reasons function to each row of ``frame``."""
    if fn is link_reasons and not args and not kwargs:
        return link_reasons_column(frame)
    if fn is domain_reasons and len(args) == 1 and frame.columns.is_unique:
        return domain_reasons_column(frame, args[0], **kwargs)
    records = _lazy_records(frame)
    return pd.Series([join_reasons(fn(r, *args, **kwargs)) for r in records], index=frame.index,
                     dtype=object)


# The model's domain-name topics, with the words a reason may name them on.
_REASON_TOPIC_PATTERNS = _NAME_TOPIC_PATTERNS | {
    cat: _short_token_pattern(words) for cat, words in NAME_TOPIC_REASON_WORDS.items()}

# Model TLD groups that are no TLD a person would recognise: country codes grouped
# together, and IP addresses (which have their own reason).
_NO_TLD_SHARE = frozenset({"cctld", "ip"})


def _name_evidence(name: str, tld: str, model_tld: str | None,
                   tld_share: dict[str, list[float]],
                   unweighed: Collection[str] = ()) -> list[str]:
    """What the domain name and its TLD say (``model_tld``: the model's TLD group, if known).

    A topic word the model counts that does not mean the topic to a person
    ('wholesale', 'outlet' for replica goods) is named as the model's, not as what
    the site is about: it moves the score, so it must be shown.
    """
    out = []
    selling = sorted(set(_NAME_LINK_SELLING.findall(name)))
    if selling and "name_link_selling" not in unweighed:
        words = ", ".join(_quote(w.strip("-0123456789")) for w in selling)
        out.append(f"the domain name advertises link selling ({words})")
    topics, counted = [], []
    if "name_risky_topics" not in unweighed:
        for cat, pattern in _NAME_TOPIC_PATTERNS.items():
            found = pattern.search(name) if cat != "seo_services" else None
            if found is None:
                continue
            if _REASON_TOPIC_PATTERNS[cat].search(name):
                topics.append(cat)
            else:
                counted.append((found.group().strip("-0123456789"), cat))
    if topics:
        out.append(f"the domain name is about {', '.join(t.replace('_', ' ') for t in topics)}")
    for word, cat in counted:
        out.append(f"the domain name contains {_quote(word)}, a word the model counts towards "
                   f"the {cat.replace('_', ' ')} topic")
    share = (None if model_tld in _NO_TLD_SHARE
             else tld_share.get(tld if model_tld is None else model_tld))
    if share and share[0] >= 0.6 and share[1] >= 20:
        in_ten = round(share[0] * 10)
        out.append(f"TLD .{tld}: {in_ten} in 10 training domains with it were spam")
    elif tld in CHEAP_TLDS and tld != "cctld":
        out.append(f"TLD .{tld} is a cheap TLD common in link networks")
    return out


_FLAGGED = (s.Decision.DISAVOW, s.Decision.REVIEW)
MAX_WEAK_SIGNALS = 3


def _weak_evidence(row: Mapping[str, Any], tld_share: dict[str, list[float]]) -> str:
    """The reason for a domain scored Disavow or Review that has no strong evidence.

    The model adds up signals each too weak for a reason of its own; this names the
    first few of them found, so that the reasons never leave the score unexplained.
    """
    weak: list[str] = []
    n_links = _num(row, "n_links")
    one_anchor = _num(row, "top_anchor_share")
    anchor = row.get("top_anchor")
    if _ok(one_anchor) and one_anchor >= 0.8 and _ok(n_links) and n_links >= 3 and (
            isinstance(anchor, str) and anchor):
        weak.append(_one_anchor_reason(one_anchor, n_links, _num(row, "anchor_links"), anchor))
    money = _num(row, "share_money_anchor")
    if _ok(money) and 0.2 <= money < 0.5:
        weak.append(_share_of_links(money, n_links, _num(row, "anchor_links"), _ANCHOR_KNOWN,
                                    "use", "money anchors"))
    for key, label in (("semrush_page_ascore", "Semrush page Authority Score"),
                       ("semrush_domain_ascore", "Semrush Authority Score"),
                       ("ahrefs_dr", "Ahrefs DR"), ("moz_da", "Moz Domain Authority")):
        value = _num(row, key)
        if _ok(value) and value <= 10:
            weak.append(f"a low {label} ({value:.0f})")
            break
    for key, label, unit in (("moz_spam_score", "Moz Spam Score", "%"),
                             ("semrush_toxicity", "Semrush Toxicity Score", "")):
        value = _num(row, key)
        if _ok(value) and 30 <= value < 60:
            weak.append(f"{label} {value:.0f}{unit}")
    model_tld = row.get("model_tld") if "model_tld" in row else None
    tld = row.get("tld")
    tld = tld if isinstance(tld, str) else ""
    share = (None if model_tld in _NO_TLD_SHARE
             else tld_share.get(tld if model_tld is None else str(model_tld)))
    if share and 0.4 <= share[0] < 0.6 and share[1] >= 20:
        weak.append(f"TLD .{tld}: {round(share[0] * 10)} in 10 training domains with it "
                    "were spam")
    if _num(row, "name_hyphens") >= 1:
        weak.append("a hyphen in the domain name")
    if _num(row, "name_digits") >= 1:
        weak.append("digits in the domain name")
    text = "no single strong signal: the score adds up many weak ones"
    if weak:
        text += ", among them " + "; ".join(weak[:MAX_WEAK_SIGNALS])
    return text


def _sitewide_reason(flagged: float, n_links: float) -> str:
    """``share_sitewide`` is a share of the links whose export says: the others are not
    counted as sitewide."""
    if not _ok(flagged):
        return "sitewide links (from footers or sidebars)"
    return (f"sitewide links: {int(flagged)} of its {_plural(n_links, 'link')} are flagged "
            "sitewide (footers or sidebars)")


def _repeated_anchor_reason(anchor: object, n_domains: float) -> str:
    if isinstance(anchor, str) and anchor:
        return (f"its money anchor {_quote(anchor)} is repeated across {int(n_domains)} "
                "referring domains")
    return f"its money anchor is repeated across {int(n_domains)} referring domains"


def domain_reasons_column(frame: pd.DataFrame, tld_share: dict[str, list[float]],
                          unweighed: Collection[str] = ()) -> pd.Series:
    """``join_reasons(domain_reasons(row, tld_share))`` for every row, built column-wise.

    Each piece of evidence is tested on whole columns, and its text written only
    for the domains that have it, in ``domain_reasons``' order; the columns must
    have unique names. Fifty thousand domains otherwise cost thirty-odd look-ups
    and tests each.
    """
    columns = _LazyColumns(frame)
    n = len(frame)
    risks: list[list[str]] = [[] for _ in range(n)]
    comfort: list[list[str]] = [[] for _ in range(n)]

    def values(key: str, default: Any = None) -> list[Any]:
        """Each row's ``row.get(key, default)``."""
        return columns.cells(key) if key in columns.names else [default] * n

    def number(key: str) -> tuple[list[float], np.ndarray]:
        found = columns.numbers(key)
        return found, np.asarray(found, dtype=float)

    def add(out: list[list[str]], mask: np.ndarray, text) -> None:
        for i in np.flatnonzero(mask).tolist():
            out[i].append(text(i))

    # --- risk evidence, as _risk_evidence gives it (NaN fails every comparison)
    n_links, n_links_array = number("n_links")
    exact, exact_array = number("share_exact_anchor")
    money, money_array = number("share_money_anchor")
    anchored = columns.numbers("anchor_links")
    top_anchor = values("top_exact_anchor")
    _, top_count = number("top_exact_anchor_links")
    named_anchor = np.array([isinstance(a, str) and bool(a) for a in top_anchor], dtype=bool)
    exact_case = (exact_array >= 0.5) & named_anchor
    all_one_anchor = (top_count == n_links_array) & (n_links_array > 1)
    for i in np.flatnonzero(exact_case).tolist():
        if all_one_anchor[i]:
            risks[i].append(f"{_plural(n_links[i], 'link')}, all with the exact-match anchor "
                            f"{_quote(top_anchor[i])}")
        else:
            risks[i].append(_share_of_links(
                exact[i], n_links[i], anchored[i], _ANCHOR_KNOWN, "use",
                f"exact-match anchors, most often {_quote(top_anchor[i])}"))
    add(risks, ~exact_case & (money_array >= 0.5),
        lambda i: _share_of_links(money[i], n_links[i], anchored[i], _ANCHOR_KNOWN, "use",
                                  "money (exact- or partial-match) anchors"))
    names = [str(d).split(".")[0] for d in values(s.DOMAIN, "")]
    tlds = [str(t) for t in values("tld", "")]
    model_tlds = ([str(m) for m in values("model_tld")] if "model_tld" in columns.names
                  else [None] * n)
    for i, name in enumerate(names):
        risks[i].extend(_name_evidence(name, tlds[i], model_tlds[i], tld_share, unweighed))
    family, family_array = number("name_family_size")
    add(risks, family_array >= 2, lambda i: f"one of {int(family[i]) + 1} referring domains "
        "built from the same name pattern")
    _, title_topics = number("max_title_risky_topics")
    top_title = values("top_title")
    titled = np.array([isinstance(t, str) for t in top_title], dtype=bool)
    add(risks, (title_topics >= 1) & titled,
        lambda i: f"linking page title on a risky topic: {_quote(top_title[i])}")
    template, template_array = number("max_title_template_domains")
    add(risks, template_array >= 5, lambda i: f"the same page-title template appears on "
        f"{int(template[i])} referring domains")
    anchor_domains, anchor_domains_array = number("max_anchor_domains")
    repeated = values("repeated_anchor")
    add(risks, anchor_domains_array >= 5,
        lambda i: _repeated_anchor_reason(repeated[i], anchor_domains[i]))
    awt, awt_array = number("authority_without_traffic")
    add(risks, awt_array >= 30,
        lambda i: f"Ahrefs DR {awt[i]:.0f} with almost no organic traffic (a PBN signature)")
    external, external_array = number("max_external_links")
    add(risks, external_array >= 150,
        lambda i: f"the linking page has {external[i]:.0f} outbound links")
    burst, burst_array = number("first_seen_burst")
    week = values("first_seen_week")
    for i in np.flatnonzero(burst_array >= 3).tolist():
        if week[i]:
            risks[i].append(f"first seen in a burst of new referring domains in the week of "
                            f"{week[i]} ({burst[i]:.0f}x a normal week)")
    block, block_array = number("ip_block_domains")
    add(risks, block_array >= 3, lambda i: f"hosted in the same /24 IP block as "
        f"{int(block[i]) - 1} other referring domains")
    ugc, ugc_array = number("share_ugc_pages")
    add(risks, ugc_array >= 0.5,
        lambda i: f"{ugc[i]:.0%} of its links sit on profile, comment or bookmark pages")
    directory, directory_array = number("share_directory")
    add(risks, directory_array >= 0.5,
        lambda i: f"{directory[i]:.0%} of its links sit on directory or submission pages")
    _, sitewide = number("share_sitewide")
    sitewide_links = columns.numbers("sitewide_links")
    add(risks, (sitewide >= 0.5) & (n_links_array >= 3),
        lambda i: _sitewide_reason(sitewide_links[i], n_links[i]))
    add(risks, number("ahrefs_is_spam")[1] == 1, lambda i: "Ahrefs labels this domain as spam")
    moz, moz_array = number("moz_spam_score")
    add(risks, moz_array >= 60, lambda i: f"Moz Spam Score {moz[i]:.0f}%")
    tox, tox_array = number("semrush_toxicity")
    add(risks, tox_array >= 60, lambda i: f"Semrush Toxicity Score {tox[i]:.0f}")
    add(risks, number("name_is_ip")[1] == 1,
        lambda i: "the links come from a bare IP address, not a named site")
    random_name = (number("name_entropy")[1] >= 3.3) & (number("name_consonant_run")[1] >= 4)
    add(risks, random_name, lambda i: f"random-looking domain name {_quote(names[i])}")
    add(risks, ~random_name & (number("name_digits")[1] >= 4),
        lambda i: f"the domain name is full of digits {_quote(names[i])}")

    # --- reassuring evidence, as _reassuring_evidence gives it
    follow_known = columns.numbers("follow_links")
    add(comfort, (number("share_nofollow")[1] >= 0.99) & ~np.isnan(n_links_array),
        lambda i: _nofollow_reason(n_links[i], follow_known[i]))
    add(comfort, number("share_qualified")[1] >= 0.99,
        lambda i: "links marked ugc or sponsored: properly qualified")
    traffic, traffic_array = number("ahrefs_log_traffic")
    add(comfort, traffic_array >= 3, lambda i: f"real audience: about {_visits(traffic[i]):,.0f} "
        "organic visits a month (Ahrefs)")
    add(comfort, number("name_is_gov_edu")[1] == 1, lambda i: "a government or academic domain")
    brand, brand_array = number("share_branded_anchor")
    add(comfort, brand_array >= 0.5,
        lambda i: _share_of_links(brand[i], n_links[i], anchored[i], _ANCHOR_KNOWN, "use",
                                  "the brand name or the URL as anchor"))
    add(comfort, number("mean_topic_overlap")[1] >= 0.2,
        lambda i: TOPIC_OVERLAP_REASON)
    add(comfort, number("name_is_free_host")[1] == 1,
        lambda i: "a site on a shared platform: only this subdomain is judged")

    # --- put together as domain_reasons does
    toxic_links = columns.numbers("toxic_links")
    allowed, allowed_array = number("allowed_links")
    denied, denied_array = number("denied_links")
    allowed_by, denied_by = values("allowed_by"), values("denied_by")
    on_list = (allowed_array >= 1) | (denied_array >= 1)
    texts = []
    for i, (why, decision, domain_only) in enumerate(zip(
            values("why"), values(s.DECISION), values("domain_only"), strict=True)):
        override = _WHY_TEXT.get(why) if why not in (None, Why.SCORE, Why.DOMAIN) else None
        if why == Why.MOST_LINKS and _ok(n_links[i]):
            override = (f"{toxic_links[i]:.0f} of its {_plural(n_links[i], 'link')}"
                        " are toxic on their own, so the whole domain is listed")
        listed = (_list_reasons(why, n_links[i], allowed[i], denied[i], allowed_by[i],
                                denied_by[i]) if on_list[i] else [])
        if not risks[i] and not override and why not in _BY_LIST and decision in _FLAGGED:
            risks[i] = [_weak_evidence(_Row(columns, i), tld_share)]
        ordered = _for_and_against(risks[i], comfort[i], decision)
        if not ordered:
            ordered = ["no strong evidence either way"]
        if domain_only:
            ordered.append("known from a domain-level export only: judged on the domain name alone")
        reasons = ([override] if override else []) + listed + ordered
        texts.append(join_reasons(reasons[:MAX_REASONS]))
    return pd.Series(texts, index=frame.index, dtype=object)


class _Row(Mapping):
    """One row of a table as ``to_dict("records")`` gives it, read only where asked.

    A reasons function looks at a few dozen of a domain's hundred-odd columns:
    the others are never converted to Python values.
    """

    __slots__ = ("_columns", "_at")

    def __init__(self, columns: _LazyColumns, at: int):
        self._columns, self._at = columns, at

    def __getitem__(self, key: str) -> Any:
        return self._columns.cells(key)[self._at]

    def get(self, key: str, default: Any = None) -> Any:
        cells = self._columns.done.get(key)
        if cells is None:
            cells = self._columns.cells(key, None)
        return default if cells is None else cells[self._at]

    def __contains__(self, key: object) -> bool:
        return key in self._columns.names

    def __iter__(self):
        return iter(self._columns.names)

    def __len__(self) -> int:
        return len(self._columns.names)


class _LazyColumns:
    """Each column's cells as :func:`_records` boxes them, converted on first use."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.names = dict.fromkeys(frame.columns.tolist())
        self.done: dict[str, list[Any]] = {}
        self.floats: dict[str, list[float]] = {}

    def cells(self, key: str, *default: Any) -> Any:
        cells = self.done.get(key)
        if cells is None:
            if key not in self.names:
                if default:
                    return default[0]
                raise KeyError(key)
            cells = self.done[key] = _records(self.frame[[key]], values_only=True)[0]
        return cells

    def numbers(self, key: str) -> list[float]:
        """Each cell of a column as ``_num`` reads it: float(cell), NaN where that fails."""
        numbers = self.floats.get(key)
        if numbers is None:
            dtype = self.frame[key].dtype if key in self.names else None
            if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
                # What float() gives each boxed cell (a Python bool, int or float).
                numbers = self.frame[key].to_numpy(dtype=float).tolist()
            elif dtype is None:
                numbers = [math.nan] * len(self.frame)
            else:
                numbers = [_as_number(v) for v in self.cells(key)]
            self.floats[key] = numbers
        return numbers


def _lazy_records(frame: pd.DataFrame) -> list[Mapping[str, Any]]:
    """``_records(frame)`` as read-on-demand rows (a plain list of dicts when the
    column names are not unique, as ``to_dict`` then is)."""
    if not frame.columns.is_unique:
        return _records(frame)
    columns = _LazyColumns(frame)
    return [_Row(columns, i) for i in range(len(frame))]


def _records(frame: pd.DataFrame, *, values_only: bool = False) -> list[Any]:
    """``frame.to_dict("records")``, built column by column (the same values, faster).

    With ``values_only``, each column's list of boxed cells instead.
    """
    if not frame.columns.is_unique and not values_only:
        return frame.to_dict("records")
    from pandas.api.extensions import ExtensionDtype
    from pandas.core.dtypes.cast import maybe_box_native

    values = []
    for column, dtype in zip(frame.columns, frame.dtypes, strict=True):
        cells = frame[column].tolist()
        # As to_dict boxes them; cells of a text column with NaN for missing (str or
        # float NaN) come out of boxing as they went in.
        nan_text = isinstance(dtype, pd.StringDtype) and isinstance(dtype.na_value, float)
        if dtype == np.dtype(object) or (isinstance(dtype, ExtensionDtype) and not nan_text):
            cells = [maybe_box_native(v) for v in cells]
        values.append(cells)
    if values_only:
        return values
    columns = frame.columns.tolist()
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


# The values link_reasons reads, and the only thing it reads of each.
_LINK_FLAGS = ("url_profile", "url_comment", "url_directory", "url_bookmark", "nofollow",
               "sitewide")  # only "== 1" matters
# What link_reasons reads besides the link table's own columns and "why".
LINK_REASON_FEATURES = ("anchor_type", "anchor_risky_topics", "title_risky_topics",
                        "external_links", *_LINK_FLAGS)


def link_reasons_column(links: pd.DataFrame, features: pd.DataFrame | None = None,
                        unweighed: Collection[str] = ()) -> pd.Series:
    """``join_reasons(link_reasons(row))`` for every row, built column-wise.

    Each reason ``link_reasons`` can give is worked out once per distinct value
    it quotes (an anchor, a title, a count of outbound links), for the rows that
    have it, then the first ``MAX_REASONS`` reasons of each row are joined in
    ``link_reasons``' order. Each column is taken from ``links``, else from
    ``features`` (the link's signals), as if the two were joined; one named in
    ``unweighed`` (no tree of the link model splits on it) gives no reason.
    """

    def column(key: str) -> pd.Series:
        if key in unweighed:  # a signal the model does not weigh is no reason
            return pd.Series(np.nan, index=links.index, dtype=float)
        for frame in (links, features):
            if frame is not None and key in frame:
                return frame[key]
        return pd.Series(np.nan, index=links.index, dtype=float)

    n_rows = len(links)
    anchor_type = column("anchor_type").to_numpy(dtype=object)
    anchor = column(s.ANCHOR).to_numpy(dtype=object)
    title = column(s.SOURCE_TITLE).to_numpy(dtype=object)
    external = _as_float(column("external_links"))
    # (rows that have the reason, its text on each of them) in link_reasons' order
    # (rows that have the reason, its text on each, a code per text: equal codes,
    # equal texts) in link_reasons' order
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def same_text(rows: np.ndarray, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return rows, np.full(len(rows), text, dtype=object), np.zeros(len(rows), dtype=np.intp)

    why, why_codes = _coded_per_value(column("why").to_numpy(dtype=object), _why_reason)
    rows = np.flatnonzero(why != "")
    parts.append((rows, why[rows], why_codes[rows]))
    for kind, words in (("exact_match", "exact-match"), ("partial_match", "partial-match")):
        rows = np.flatnonzero(anchor_type == kind)
        parts.append((rows, *_coded_per_value(anchor[rows],
                                              lambda a, w=words: f"{w} anchor {_quote(a)}")))
    for key, text in _URL_REASONS:
        parts.append(same_text(np.flatnonzero(_as_float(column(key)) == 1), text))
    rows = np.flatnonzero(_as_float(column("anchor_risky_topics")) >= 1)
    parts.append((rows, *_coded_per_value(anchor[rows],
                                          lambda a: f"anchor on a risky topic {_quote(a)}")))
    rows = np.flatnonzero(_as_float(column("title_risky_topics")) >= 1)
    titled, title_codes = _coded_per_value(
        title[rows], lambda t: f"page title on a risky topic {_quote(t)}"
        if isinstance(t, str) else "")
    parts.append((rows[titled != ""], titled[titled != ""], title_codes[titled != ""]))
    rows = np.flatnonzero(external >= 150)
    parts.append((rows, *_coded_per_value(external[rows].astype(object),
                                          lambda x: f"the page has {x:.0f} outbound links")))
    for key, text in (("nofollow", "nofollow: passes nothing"), ("sitewide", "sitewide link")):
        parts.append(same_text(np.flatnonzero(_as_float(column(key)) == 1), text))

    # Rows with the same reasons get one text (not a million copies of a few):
    # grouped by the reasons each row has, and each text is built once per group.
    group, first = _reason_groups([(rows, codes) for rows, _, codes in parts], n_rows)
    at = np.full(n_rows, -1, dtype=np.int64)
    at[first] = np.arange(len(first))
    parts = [(at[rows][at[rows] >= 0], reasons[at[rows] >= 0]) for rows, reasons, _ in parts]
    texts = np.full(len(first), "no strong evidence on the link itself", dtype=object)
    count = np.zeros(len(first), dtype=np.int64)
    for rows, reasons in parts:
        taken = count[rows] < MAX_REASONS
        rows, reasons = rows[taken], reasons[taken]
        reasons = np.array([r.replace(SEPARATOR, " / ") for r in reasons], dtype=object) \
            if len(reasons) and any(SEPARATOR in r for r in set(reasons)) else reasons
        first = count[rows] == 0
        texts[rows[first]] = reasons[first]
        later = rows[~first]
        if len(later):
            texts[later] = [f"{text}{SEPARATOR}{reason}" for text, reason in zip(
                texts[later].tolist(), reasons[~first].tolist(), strict=True)]
        count[rows] += 1
    return pd.Series(texts[group], index=links.index, dtype=object)


def _reason_groups(parts: list[tuple[np.ndarray, np.ndarray]], n_rows: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(group of each row, first row of each group): rows with the same codes of
    reason texts (see :func:`_coded_per_value`), hence with the same texts."""
    key = np.zeros(n_rows, dtype=np.int64)
    size = 1
    for rows, codes in parts:
        levels = int(codes.max()) + 2 if len(codes) else 1
        if size * levels >= 1 << 62:
            key, kept = pd.factorize(key)
            size = len(kept)
        code = np.zeros(n_rows, dtype=np.int64)
        code[rows] = codes + 1
        key = key * levels + code
        size *= levels
    group, uniques = pd.factorize(key)
    first = np.full(len(uniques), n_rows, dtype=np.int64)
    np.minimum.at(first, group, np.arange(n_rows))
    return group, first


_URL_REASONS = (
    ("url_profile", "placed on a user-profile page"),
    ("url_comment", "placed in a comment"),
    ("url_directory", "placed on a directory or submission page"),
    ("url_bookmark", "placed on a social-bookmark page"),
)


def _why_reason(why: object) -> str:
    """The policy's reason that opens ``link_reasons``, "" when there is none."""
    if why == Why.DOMAIN:
        return "its referring domain is disavowed"
    if why in _WHY_TEXT:
        return _WHY_TEXT[why]
    return ""


def _per_value(values: np.ndarray, fn) -> np.ndarray:
    """``fn(value)`` for each element of ``values``, called once per distinct value."""
    return _coded_per_value(values, fn)[0]


def _coded_per_value(values: np.ndarray, fn) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_per_value`, and a code per element: equal codes, equal texts."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    done = np.empty(len(uniques) + 1, dtype=object)
    done[:-1] = [fn(u) for u in np.asarray(uniques, dtype=object)]
    out = done[codes]
    missing = np.flatnonzero(codes < 0)
    if len(missing):  # None, NaN and NA are one missing value to factorize, not to fn
        out[missing] = [fn(v) for v in values[missing]]
        codes = codes.copy()
        codes[missing] = len(uniques) + pd.factorize(out[missing])[0]
    return out, codes


def _as_float(values: pd.Series) -> np.ndarray:
    """float(value) for each value, NaN where that fails (as ``_num`` reads it)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
