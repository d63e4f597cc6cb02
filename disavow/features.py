"""Signals: per-link features, and their roll-up per referring domain.

Pure and deterministic, no I/O. Input is the canonical link table of one
backlink profile (one audited site); output rows keep the input order. Missing
inputs stay NaN: a Search Console export has domain names only, and the model
handles missing values natively, so an unknown value never looks like a zero.

Every feature has a plain-words description in ``DESCRIPTIONS`` that reports
can show.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.lexicons import (
    COMMERCIAL_WORDS,
    GENERIC_ANCHORS,
    INSTITUTION_WORDS,
    LINK_SELLING_TOKENS,
    RISKY_TOPICS,
    URL_PATTERNS,
)
from disavow.urls import host_info, parse_host

ANCHOR_TYPES = (
    "branded", "exact_match", "partial_match", "naked_url", "generic", "empty", "other",
)
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_COUNTRY_END = re.compile(r"-[a-z]{2}$")
_VOWELS = set("aeiouy")
_GOV_EDU = re.compile(r"(^|\.)(gov|edu|mil|ac|gouv|gob|govt|edu\.[a-z]{2}|gov\.[a-z]{2})$")
_GOV_EDU_WORDS = ("gov", "edu", "mil", "ac", "gouv", "gob")  # one is in every _GOV_EDU match

# --- descriptions ----------------------------------------------------------------
DESCRIPTIONS: dict[str, str] = {
    "name_length": "length of the domain name (without its suffix)",
    "name_digits": "digits in the domain name",
    "name_hyphens": "hyphens in the domain name",
    "name_entropy": "character entropy of the domain name (random-looking names score high)",
    "name_vowel_ratio": "share of vowels in the domain name",
    "name_consonant_run": "longest run of consonants in the domain name",
    "name_labels": "number of labels in the domain",
    "name_is_punycode": "internationalised (punycode) domain name",
    "name_link_selling": "link-selling words in the domain name (seo, links, rank...)",
    "name_risky_topics": "risky-topic words in the domain name (casino, pills, loans...)",
    "name_is_ip": "the linking host is a bare IP address",
    "name_is_free_host": "a subdomain on a free hosting or blogging platform",
    "name_is_gov_edu": "a government, military or academic domain",
    "name_institution": "words that name institutions or media (bank, news, forum...)",
    "name_topic_gambling": "the domain name looks like gambling sites' names",
    "name_topic_adult": "the domain name looks like adult or dating sites' names",
    "name_topic_drugs": "the domain name looks like drug sites' names",
    "name_topic_warez": "the domain name looks like piracy or hacking sites' names",
    "name_topic_ads": "the domain name looks like ad-server names",
    "name_family_size": "other referring domains built from the same name pattern",
    "tld": "top-level domain (country-code TLDs grouped, except those known for abuse)",
    "name_is_cctld": "a country-code top-level domain",
    "name_ngram_score": "how much the domain name's letter patterns resemble known spam names",
    "anchor_type": "anchor text type (branded, exact-match, generic...)",
    "anchor_words": "words in the anchor text",
    "anchor_commercial": "commercial words in the anchor text (buy, cheap, best...)",
    "anchor_risky_topics": "risky-topic words in the anchor text",
    "anchor_domains": "referring domains using this exact money anchor",
    "title_risky_topics": "risky-topic words in the linking page title",
    "title_link_selling": "link-selling words in the linking page title",
    "title_template_domains": "referring domains whose page title follows the same template",
    "topic_overlap": "share of the linking page's words that match the audited site's topic",
    "url_profile": "the link sits on a user-profile page",
    "url_comment": "the link sits in a comment",
    "url_directory": "the link sits on a directory or submission page",
    "url_bookmark": "the link sits on a social-bookmark page",
    "url_forum": "the link sits on a forum page",
    "url_guest_post": "the link sits on a guest-post or press-release page",
    "url_depth": "path depth of the linking page",
    "url_length": "length of the linking page URL",
    "nofollow": "rel=nofollow (passes nothing: lowers risk)",
    "ugc_or_sponsored": "rel=ugc or rel=sponsored (properly qualified link)",
    "sitewide": "sitewide link (footer, sidebar, blogroll)",
    "image_link": "image link",
    "redirect_link": "link through a redirect",
    "lost": "the vendor reports the link as lost",
    "external_links": "outbound links on the linking page",
    "linked_domains": "domains the linking page links to",
    "http_status": "HTTP status of the linking page",
    "ahrefs_dr": "Ahrefs Domain Rating",
    "ahrefs_ur": "Ahrefs URL Rating",
    "ahrefs_log_traffic": "Ahrefs organic traffic of the linking domain (log10)",
    "ahrefs_log_page_traffic": "Ahrefs organic traffic of the linking page (log10)",
    "ahrefs_is_spam": "Ahrefs marks the domain as spam",
    "authority_without_traffic": "Ahrefs DR of a domain with (almost) no organic traffic",
    "semrush_page_ascore": "Semrush page Authority Score",
    "semrush_domain_ascore": "Semrush domain Authority Score",
    "semrush_toxicity": "Semrush Backlink Audit Toxicity Score",
    "moz_da": "Moz Domain Authority",
    "moz_pa": "Moz Page Authority",
    "moz_spam_score": "Moz Spam Score (%)",
    "moz_spam_flags": "Moz spam flags (0-17, old scale)",
    "majestic_tf": "Majestic Trust Flow",
    "majestic_cf": "Majestic Citation Flow",
    "majestic_tf_cf_ratio": "Majestic Trust Flow / Citation Flow",
    "first_seen_burst": "referring domains first seen in the same week, against a normal week",
    "ip_block_domains": "referring domains hosted in the same /24 IP block",
    "link_count": "links from this domain reported by a domain-level export",
    "n_links": "links from this domain",
    "n_pages": "distinct linking pages on this domain",
    "n_targets": "distinct pages of the audited site it links to",
    "share_nofollow": "share of this domain's links that are nofollow",
    "share_qualified": "share of this domain's links marked ugc or sponsored",
    "share_money_anchor": "share of this domain's links with exact- or partial-match anchors",
    "share_exact_anchor": "share of this domain's links with exact-match anchors",
    "share_branded_anchor": "share of this domain's links with branded or URL anchors",
    "top_anchor_share": "share of this domain's links using its most common anchor",
    "n_anchors": "distinct anchors used by this domain",
    "share_sitewide": "share of this domain's links that are sitewide",
    "share_ugc_pages": "share of this domain's links on profile, comment or bookmark pages",
    "profile_exact_anchor_share": "share of the whole profile's links with exact-match anchors",
}


# --- the audited site ------------------------------------------------------------
@dataclass(frozen=True)
class SiteProfile:
    """What the audited site is about: its name, brand and money keywords.

    Brand and money keywords come from the ``--site`` domain, the target URLs,
    anchors that name the brand and optional ``--keywords``.
    """

    site: str | None
    brand_tokens: frozenset[str] = field(default_factory=frozenset)
    money_keywords: frozenset[str] = field(default_factory=frozenset)
    topic_tokens: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def infer(
        cls, links: pd.DataFrame, site: str | None = None, keywords: tuple[str, ...] = ()
    ) -> SiteProfile:
        """Build the profile from ``--site`` (or the most linked target host)."""
        targets = links.get(s.TARGET_URL)
        target_paths: list[str] = []
        if targets is not None:
            target_values = targets.dropna().astype(str)
            target_values = target_values[target_values != ""]
            if site is None and len(target_values):
                hosts = target_values.str.extract(r"^[a-zA-Z]+://([^/:?#]+)", expand=False)
                top = hosts.dropna().str.lower().value_counts()
                site = host_info(top.index[0]).domain if len(top) else None
            unique_targets = pd.unique(target_values)[:5000]
            target_paths = [
                re.sub(r"^[a-zA-Z]+://[^/]+", "", t).split("?")[0] for t in unique_targets
            ]
        host = parse_host(site) if site else None
        brand: set[str] = set()
        if host:
            name = host_info(host).domain.split(".")[0]
            brand.add(name.replace("-", ""))
            brand.update(w for w in name.split("-") if len(w) >= 4)
        money = {_norm_text(k) for k in keywords if _norm_text(k)}
        for path in target_paths:
            slug = path.rstrip("/").rsplit("/", 1)[-1]
            slug = re.sub(r"\.[a-z0-9]{2,5}$", "", slug.lower())
            words = [w for w in re.split(r"[-_+ ]+", slug) if w]
            if 2 <= len(words) <= 6 and not any(w.isdigit() for w in words):
                money.add(" ".join(words))
        topic = set(brand)
        for phrase in money:
            topic.update(w for w in phrase.split() if len(w) >= 3)
        return cls(site=host, brand_tokens=frozenset(brand), money_keywords=frozenset(money),
                   topic_tokens=frozenset(topic))


def _norm_text(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return " ".join(_WORD.findall(text.lower()))


# --- domain names ------------------------------------------------------------------
# Short tokens that are unambiguous even at the end of a name (primeseo.xyz);
# others ("bet", "sex") end too many ordinary words (alphabet, essex).
_SHORT_TOKENS_OK_AT_END = frozenset({"seo", "xxx", "btc", "pbn", "nft", "apk", "mp3", "cbd"})


def _short_token_pattern(tokens: tuple[str, ...]) -> re.Pattern[str]:
    long = sorted({t for t in tokens if len(t) >= 4}, key=len, reverse=True)
    short = sorted({t for t in tokens if len(t) < 4}, key=len, reverse=True)
    parts = []
    if long:
        parts.append("(?:" + "|".join(map(re.escape, long)) + ")")
    if short:
        # Short tokens only count at the start of the name or after a hyphen or
        # digit, so "bet" does not fire inside "alphabet".
        parts.append(rf"(?:(?:^|[-\d])(?:{'|'.join(map(re.escape, short))}))")
        at_end = [t for t in short if t in _SHORT_TOKENS_OK_AT_END]
        if at_end:
            parts.append(rf"(?:(?:{'|'.join(map(re.escape, at_end))})$)")
    return re.compile("|".join(parts))


_NAME_TOPIC_PATTERNS = {cat: _short_token_pattern(words) for cat, words in RISKY_TOPICS.items()}
_NAME_LINK_SELLING = _short_token_pattern(LINK_SELLING_TOKENS)
_NAME_INSTITUTION = re.compile("|".join(sorted(set(INSTITUTION_WORDS), key=len, reverse=True)))
_WORD_TOPIC_SETS = {cat: frozenset(words) for cat, words in RISKY_TOPICS.items()}
_LINK_SELLING_WORDS = frozenset(LINK_SELLING_TOKENS) | {"backlinks", "guest", "post", "posts"}


@lru_cache(maxsize=1)
def topic_ngrams() -> dict[str, dict[str, float]]:
    """Per risky category, n-gram log-odds derived from category domain lists.

    Built by training_data/build_lexicons.py; see the file for the source.
    """
    text = resources.files("disavow").joinpath("data/topic_ngrams.json").read_text("utf-8")
    return json.loads(text)["categories"]


TOPIC_CATEGORIES = ("gambling", "adult", "drugs", "warez", "ads")
_LETTERS_ONLY = re.compile(r"[a-z]+")


def _topic_scores(names: list[str]) -> dict[str, np.ndarray]:
    """Per risky category, the highest log-odds among each name's 4- to 6-letter runs.

    Runs are looked up as numbers: each letter a digit (a=1 ... z=26) in base 27,
    so that all runs of all names are compared with the tables at once.
    """
    joined = "\n".join(names)
    if joined.isascii() and joined.count("\n") == len(names) - 1:
        letters = joined.encode("ascii").translate(None, _NOT_LETTER_OR_NEWLINE).split(b"\n")
    else:
        letters = [re.sub(r"[^a-z]", "", name).encode("ascii") for name in names]
    ends = np.cumsum([len(text) + 1 for text in letters])
    # Names are joined by 0, a digit no letter has: runs that cross one are no runs.
    digits = np.frombuffer(b"\n".join(letters), dtype=np.uint8).astype(np.int64)
    digits = np.where(digits == ord("\n"), 0, digits - ord("a") + 1)
    tables = [topic_ngrams().get(category, {}) for category in TOPIC_CATEGORIES]
    best = np.full((len(TOPIC_CATEGORIES), len(names)), -np.inf)
    for n in (4, 5, 6):
        grams = sorted({g for table in tables for g in table
                        if len(g) == n and _LETTERS_ONLY.fullmatch(g)}, key=_run_number)
        if not grams:
            continue
        gram_codes = np.array([_run_number(g) for g in grams], dtype=np.int64)
        scores = np.array([[table.get(g, -np.inf) for g in grams] for table in tables])
        starts, codes = _run_codes(digits, n)
        at = np.minimum(np.searchsorted(gram_codes, codes), len(grams) - 1)
        hit = gram_codes[at] == codes
        owners = np.searchsorted(ends, starts[hit], side="right")
        for row, category_scores in zip(best, scores, strict=True):
            # max() over a name's scores, in any order: the log-odds are finite numbers.
            np.maximum.at(row, owners, category_scores[at[hit]])
    return {f"name_topic_{category}": np.where(row > -np.inf, row, 0.0)
            for category, row in zip(TOPIC_CATEGORIES, best, strict=True)}


_NOT_LETTER_OR_NEWLINE = bytes(c for c in range(256) if not (97 <= c <= 122 or c == 10))


def _run_number(run: str) -> int:
    """The number of a run of letters, as :func:`_run_codes` has it."""
    number = 0
    for letter in run:
        number = number * 27 + ord(letter) - ord("a") + 1
    return number


def _run_codes(digits: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of ``n`` non-zero base-27 digits starts, and its number."""
    count = len(digits) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.zeros(count, dtype=np.int64)
    whole = np.ones(count, dtype=bool)
    for k in range(n):
        codes = codes * 27 + digits[k:k + count]
        whole &= digits[k:k + count] > 0
    return np.flatnonzero(whole), codes[whole]


def _entropy(text: str) -> float:
    # The counts in order of first appearance, as Counter(text).values() has them.
    return _entropy_of_counts(tuple(map(text.count, dict.fromkeys(text)))) if text else 0.0


@lru_cache(maxsize=4096)
def _entropy_of_counts(counts: tuple[int, ...]) -> float:
    """The entropy of a text with these character counts (many names share them)."""
    n = sum(counts)
    return -sum(c / n * math.log2(c / n) for c in counts)


# For ASCII names: letters that are not vowels.
_ASCII_CONSONANT_RUN = re.compile(r"[A-Zb-df-hj-np-tv-xz]+")


def _longest_consonant_run(text: str) -> int:
    if text.isascii():
        return max(map(len, _ASCII_CONSONANT_RUN.findall(text)), default=0)
    best = run = 0
    for ch in text:
        if ch.isalpha() and ch not in _VOWELS:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def name_features(domains: pd.Series) -> pd.DataFrame:
    """Features of domain names alone, one row per value of ``domains``."""
    unique = pd.unique(domains.astype(str))
    table = _name_table(unique)
    return table.reindex(domains.astype(str).to_numpy()).set_index(domains.index)


def _name_table(unique: object) -> pd.DataFrame:
    """Features of each of the distinct domain names ``unique``, indexed by name."""
    domains = list(unique)
    if not domains:
        return pd.DataFrame([], index=unique)
    infos = [host_info(domain) if domain else None for domain in domains]
    labels = [domain.split(".") for domain in domains]
    is_ip = [bool(info and info.is_ip) for info in infos]
    names = ["" if ip else parts[0] for ip, parts in zip(is_ip, labels, strict=True)]
    tlds = ["ip" if ip else parts[-1] if len(parts) > 1 else ""
            for ip, parts in zip(is_ip, labels, strict=True)]
    letters = ["".join(filter(str.isalpha, name)) for name in names]
    # Every match of a name pattern holds one of its words: patterns only run on the
    # names that contain one, all found by one str.find() per word.
    pattern_words = {"link_selling": (_NAME_LINK_SELLING, LINK_SELLING_TOKENS),
                     "institution": (_NAME_INSTITUTION, INSTITUTION_WORDS)} | {
        topic: (pattern, RISKY_TOPICS[topic]) for topic, pattern in _NAME_TOPIC_PATTERNS.items()}
    holding = _containing(names, {key: words for key, (_, words) in pattern_words.items()})
    matches = {key: _match_counts(pattern, names, holding[key])
               for key, (pattern, _) in pattern_words.items()}
    gov_edu = _match_counts(_GOV_EDU, domains,
                            _containing(domains, {"gov_edu": _GOV_EDU_WORDS})["gov_edu"])
    table = {
        "name_length": [len(name) for name in names],
        "name_digits": [sum(map(str.isdigit, name)) for name in names],
        "name_hyphens": [name.count("-") for name in names],
        "name_entropy": [_entropy(name) for name in names],
        "name_vowel_ratio": [sum(map(_VOWELS.__contains__, chars)) / len(chars) if chars
                             else np.nan for chars in letters],
        "name_consonant_run": [_longest_consonant_run(name) for name in names],
        "name_labels": [len(parts) for parts in labels],
        "name_is_punycode": [float(name.startswith("xn--")) for name in names],
        "name_link_selling": matches["link_selling"],
        "name_risky_topics": sum((matches[topic] > 0).astype(float)
                                 for topic in _NAME_TOPIC_PATTERNS),
        "name_is_ip": [float(ip) for ip in is_ip],
        "name_is_free_host": [float(bool(info and info.is_free_host)) for info in infos],
        "name_is_gov_edu": (gov_edu > 0).astype(float),
        "name_institution": matches["institution"],
        "tld": [tld_group(tld) for tld in tlds],
        "name_is_cctld": [float(len(tld) == 2 or tld.startswith("xn--")) if tld != "ip" else 0.0
                          for tld in tlds],
    } | _topic_scores(names)
    return pd.DataFrame(table, index=unique)


def _match_counts(pattern: re.Pattern[str], texts: list[str], candidates: np.ndarray
                  ) -> np.ndarray:
    """``len(pattern.findall(text))`` of each text, as floats; 0 where not a candidate."""
    counts = np.zeros(len(texts))
    at = np.flatnonzero(candidates)
    counts[at] = [len(pattern.findall(texts[i])) for i in at]
    return counts


# Country-code TLDs notorious for free or near-free registrations that spam
# networks favour. Every other country code is grouped as "cc": how often a
# blocklist contains .fr or .ru reflects which languages its makers watch, not
# the risk in a given site's profile, so the model must not learn it per country.
ABUSED_CCTLDS = frozenset({"tk", "ml", "ga", "cf", "gq", "pw", "cc", "ws", "su", "to", "ly",
                           "io", "co", "me", "tv", "ai", "cx", "nu", "vu", "la"})


def tld_group(tld: str) -> str:
    """The TLD as the model sees it.

    >>> tld_group("shop"), tld_group("fr"), tld_group("tk")
    ('shop', 'cctld', 'tk')
    """
    if tld == "ip":
        return tld
    if (len(tld) == 2 or tld.startswith("xn--")) and tld not in ABUSED_CCTLDS:
        return "cctld"
    return tld


def name_label(domain: str) -> str:
    """The registrable name without its suffix: bbc.co.uk -> bbc, x.blogspot.com -> x."""
    return domain.split(".", 1)[0]


def family_sizes(domains: pd.Series) -> pd.Series:
    """How many other domains of the profile share this one's name stem.

    The stem drops digits and a trailing two-letter country part, so the
    numbered families seen in real disavow files (bhs-links-fr.xyz,
    bhs-links-gb.xyz ...) collapse to one stem.
    """
    unique = pd.unique(domains.astype(str))
    keys = []
    for domain in unique:
        stem = _COUNTRY_END.sub("", _DIGITS.sub("", domain.split(".")[0])).strip("-")
        keys.append(f"{stem}.{domain.rsplit('.', 1)[-1]}" if len(stem) >= 4 else None)
    counts = Counter(keys)
    sizes = [counts[key] - 1.0 if key is not None else 0.0 for key in keys]
    by_domain = pd.Series(sizes, index=np.asarray(unique, dtype=object), dtype=float)
    return domains.astype(str).map(by_domain).clip(upper=50)


# --- links -------------------------------------------------------------------------
def _bool_feature(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    return frame[column].astype("Float64").astype(float)


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="object")
    return frame[column]


def classify_anchor(anchor: object, profile: SiteProfile) -> str | None:
    """The anchor type; None when the export carries no anchor at all."""
    return _AnchorTypes(profile)(anchor)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's position in the distinct values of ``values``, and those values.

    A missing value, if any, is the last distinct value. Text signals are worked
    out once per distinct value and spread back with :func:`_spread`: a million
    links carry far fewer distinct anchors, titles and URLs, and pandas' string
    methods run Python code for every element.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=values.dtype)
    missing = codes < 0
    if missing.any():
        first_missing = values.iloc[int(np.argmax(missing)):][:1].reset_index(drop=True)
        distinct = pd.concat([distinct, first_missing], ignore_index=True)
        codes = np.where(missing, len(uniques), codes)
    return codes, distinct


# While build_features runs, the distinct values of each text column are worked
# out once and shared by the functions that need them (keyed by frame and column).
_SHARED: ContextVar[dict | None] = ContextVar("disavow_features_shared", default=None)


def _shared(frame: pd.DataFrame, key: object, compute):
    """``compute()``, worked out once per frame and key while build_features runs."""
    shared = _SHARED.get()
    full_key = (id(frame), key)
    if shared is not None and full_key in shared and shared[full_key][0] is frame:
        return shared[full_key][1]
    result = compute()
    if shared is not None:
        shared[full_key] = (frame, result)
    return result


def _column_distinct(frame: pd.DataFrame, column: str, *, as_str: bool = False
                     ) -> tuple[np.ndarray, pd.Series]:
    """``_distinct(_text(frame, column))`` (of its ``astype(str)`` with ``as_str``)."""

    def compute() -> tuple[np.ndarray, pd.Series]:
        values = _text(frame, column)
        return _distinct(values.astype(str) if as_str else values)

    return _shared(frame, (column, as_str), compute)


def _spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct ``values`` back to one value per row."""
    return values.take(codes).set_axis(index)


# --- text, a column at a time -------------------------------------------------------
# The distinct texts of a column are joined with _SEP, so that one call (lower(), a
# regular expression, bytes.split(), str.find()) goes over the whole column instead of
# one Python call per text. A text that holds _SEP itself takes the plain path.
_SEP = "\x00"
_TOKEN_BATCH = 100_000  # texts tokenised at once (bounds the memory of the word lists)
# Bytes that can be part of a word (a-z, 0-9) stay and the separator becomes "|"
# (numpy drops trailing NULs); every other byte becomes a space, so that split()
# finds exactly _WORD's matches.
_WORD_BYTES = bytes(
    c if 48 <= c <= 57 or 97 <= c <= 122 else ord("|") if c == 0 else 32 for c in range(256)
)


def _joined(texts: list[str]) -> str | None:
    """The texts joined by _SEP; None when one of them holds it."""
    joined = _SEP.join(texts)
    return joined if joined.count(_SEP) == max(len(texts) - 1, 0) else None


def _batch_words(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words of ``texts``: each one's text, its code, and the distinct words."""
    joined = _joined(texts)
    if joined is None:
        found = [_WORD.findall(t.lower()) for t in texts]
        counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        codes, words = pd.factorize(np.array(list(chain.from_iterable(found)), dtype=object))
        return np.repeat(np.arange(len(texts)), counts), codes, words
    # lower() comes first: it turns a few non-ASCII letters into ASCII ones (the
    # Kelvin sign into k); "replace" keeps every other non-ASCII character out of words.
    data = joined.lower().encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii")
    # Each text's end becomes a word of its own, found again by its code.
    found = np.array(data.replace("|", " | ").split(), dtype=object)
    codes, words = pd.factorize(found)
    is_end = np.isin(codes, np.flatnonzero(words == "|"))
    return np.cumsum(is_end)[~is_end], codes[~is_end], words


@dataclass(frozen=True)
class _Words:
    """The words (``_WORD.findall(text.lower())``) of each of ``n`` texts, as codes.

    Word ``i`` belongs to text ``owner[i]`` and is ``words[codes[i]]``; the words of a
    text follow each other, texts in order.
    """

    n: int
    owner: np.ndarray
    codes: np.ndarray
    words: list[str]

    @classmethod
    def of(cls, texts: list[str]) -> _Words:
        owners, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        index: dict[str, int] = {}
        for start in range(0, len(texts), _TOKEN_BATCH):
            owner, batch_codes, batch_words = _batch_words(texts[start:start + _TOKEN_BATCH])
            to_index = np.array([index.setdefault(w, len(index)) for w in batch_words],
                                dtype=np.int64)
            owners.append(owner + start)
            codes.append(to_index[batch_codes])
        return cls(len(texts), np.concatenate(owners), np.concatenate(codes), list(index))

    def count_in(self, vocab: frozenset[str]) -> np.ndarray:
        """How many of each text's words are in ``vocab`` (repeats count), as floats."""
        known = np.fromiter((w in vocab for w in self.words), dtype=float, count=len(self.words))
        return np.bincount(self.owner, weights=known[self.codes], minlength=self.n)

    def topics(self) -> np.ndarray:
        """How many risky topics each text touches, as floats."""
        total = np.zeros(self.n)
        for vocab in _WORD_TOPIC_SETS.values():
            total += self.count_in(vocab) > 0
        return total


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: numpy's sort is many times quicker than hashing."""
    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return ordered[first]


def _pair_overlap(first: _Words, second: _Words, first_of: np.ndarray, second_of: np.ndarray,
                  vocab: frozenset[str]) -> np.ndarray:
    """Share of each text pair's distinct words (3+ letters, not numbers) found in ``vocab``.

    Pair ``i`` is text ``first_of[i]`` of ``first`` followed by text ``second_of[i]`` of
    ``second``, with a space between: its words are the two texts' words. Counting
    their union from the texts' own words spares tokenising every pair.
    """
    if not vocab:
        return np.full(len(first_of), np.nan)
    ids, words = pd.factorize(np.array(first.words + second.words, dtype=object))
    kept = np.fromiter((len(w) >= 3 and not w.isdigit() for w in words), dtype=bool,
                       count=len(words))
    known = np.fromiter((w in vocab for w in words), dtype=bool, count=len(words))
    n_ids = max(len(words), 1)

    def kept_words(text_words: _Words, word_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each text's distinct kept words (text, word id), texts in order."""
        word = word_ids[text_words.codes]
        keep = kept[word]
        keys = _sorted_unique(text_words.owner[keep] * n_ids + word[keep])
        return keys // n_ids, keys % n_ids

    first_text, first_word = kept_words(first, ids[:len(first.words)])
    second_text, second_word = kept_words(second, ids[len(first.words):])
    first_count = np.bincount(first_text, minlength=first.n)
    first_known = np.bincount(first_text, weights=known[first_word], minlength=first.n)
    second_count = np.bincount(second_text, minlength=second.n)
    second_known = np.bincount(second_text, weights=known[second_word], minlength=second.n)

    # Words in both texts of a pair count once: look the second text's words up among
    # the first text's (those that no first text has aside).
    in_first = np.zeros(n_ids, dtype=bool)
    in_first[first_word] = True
    shared = in_first[second_word]
    shared_text, shared_word = second_text[shared], second_word[shared]
    shared_count = np.bincount(shared_text, minlength=second.n)
    repeats = shared_count[second_of]
    pair = np.repeat(np.arange(len(second_of)), repeats)
    position = (np.arange(len(pair)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
                + np.repeat((np.cumsum(shared_count) - shared_count)[second_of], repeats))
    word = shared_word[position]
    query = first_of[pair] * n_ids + word
    first_keys = first_text * n_ids + first_word  # sorted
    if len(first_keys):
        found = np.minimum(np.searchsorted(first_keys, query), len(first_keys) - 1)
        both = first_keys[found] == query
    else:
        both = np.zeros(len(query), dtype=bool)
    common = np.bincount(pair, weights=both, minlength=len(second_of))
    common_known = np.bincount(pair, weights=both & known[word], minlength=len(second_of))
    n_words = first_count[first_of] + second_count[second_of] - common
    n_known = first_known[first_of] + second_known[second_of] - common_known
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_words > 0, n_known / n_words, np.nan)


_SCHEME_HOST = re.compile(r"^[a-zA-Z]+://[^/?#]*")
_JOINED_SCHEME_HOST = re.compile(r"\x00[a-zA-Z]+://[^/?#\x00]*")


def _url_rests(urls: list[str]) -> list[str]:
    """Each URL's path and query (without scheme and host), lower-cased."""
    joined = _joined(urls)
    if joined is None or not urls:
        return [_SCHEME_HOST.sub("", u).lower() for u in urls]
    return _JOINED_SCHEME_HOST.sub(_SEP, _SEP + joined)[1:].lower().split(_SEP)


def _containing(texts: list[str], needle_sets: dict[str, tuple[str, ...]]
                ) -> dict[str, np.ndarray]:
    """For each set of needles, whether each text contains one of them (as a substring)."""
    joined = _joined(texts)
    if joined is None:
        return {name: np.array([any(n in t for n in needles) for t in texts], dtype=bool)
                for name, needles in needle_sets.items()}
    ends = np.cumsum([len(t) + 1 for t in texts])
    starts = _occurrences(joined, {n for needles in needle_sets.values() for n in needles})
    found = {}
    for name, needles in needle_sets.items():
        hit = np.zeros(len(texts), dtype=bool)
        for needle in needles:
            hit[np.searchsorted(ends, starts[needle], side="right")] = True
        found[name] = hit
    return found


def _occurrences(text: str, needles: set[str]) -> dict[str, np.ndarray]:
    """Where each occurrence of each needle starts in ``text``."""
    if text.isascii():
        return _ascii_occurrences(text, needles)
    return {needle: _find_all(text, needle) for needle in needles}


def _find_all(text: str, needle: str) -> np.ndarray:
    """Where each occurrence of ``needle`` starts in ``text``.

    str.find() is many times quicker than a regular expression of alternatives.
    """
    positions = []
    at = text.find(needle)
    while at >= 0:
        positions.append(at)
        at = text.find(needle, at + 1)
    return np.array(positions, dtype=np.int64)


def _ascii_occurrences(text: str, needles: set[str]) -> dict[str, np.ndarray]:
    """:func:`_occurrences` in an ASCII text, by comparing its bytes with numpy.

    One pass over the text's pairs of characters finds every place where a needle
    may start (str.find() would go over the text once per needle); each needle's
    further characters are compared at the places that begin with its first two.
    """
    width = max(map(len, needles), default=0)
    # The zeros after the text let a needle be compared past its end; such
    # occurrences are dropped at the end.
    data = np.frombuffer(text.encode("ascii") + bytes(width), dtype=np.uint8)
    # The pair of characters at each place of the text where a pair starts.
    last = max(len(text) - 1, 0)
    pairs = (data[:last].astype(np.uint16) << 8) | data[1:last + 1]
    searched = {n: ord(n[0]) << 8 | ord(n[1]) for n in needles if len(n) >= 2 and n.isascii()}
    heads = np.array(sorted(set(searched.values())), dtype=np.uint16)
    wanted = np.zeros(1 << 16, dtype=bool)
    wanted[heads] = True
    places = np.flatnonzero(wanted[pairs])
    # The places grouped by their pair, each group in text order.
    place_pairs = pairs[places]
    order = np.argsort(place_pairs, kind="stable")
    places, place_pairs = places[order], place_pairs[order]
    firsts = np.searchsorted(place_pairs, heads)
    lasts = np.searchsorted(place_pairs, heads, side="right")
    starting = {int(head): places[first:last]
                for head, first, last in zip(heads, firsts, lasts, strict=True)}
    found = {}
    for needle in needles:
        if needle not in searched:
            found[needle] = _find_all(text, needle)
            continue
        at = starting[searched[needle]]
        for offset in range(2, len(needle)):
            at = at[data[at + offset] == ord(needle[offset])]
        found[needle] = at[at <= len(text) - len(needle)]
    return found


def _where(values, condition: np.ndarray) -> np.ndarray:
    """``values`` as floats where ``condition`` holds, NaN elsewhere."""
    return np.where(condition, np.asarray(values, dtype=float), np.nan)


def _texts(distinct: pd.Series) -> list[str]:
    """The distinct values of a text column as plain strings, missing ones empty."""
    return distinct.fillna("").astype(str).tolist()


class _AnchorTypes:
    """:func:`classify_anchor` for one profile, with the profile's parts worked out once."""

    _IMAGE = frozenset({"[image]", "image", "img", "[img]", "noimage"})
    _URL_LIKE = re.compile(r"^(?:https?://|www\.)|^[a-z0-9-]+(?:\.[a-z0-9-]+)+/?\S*$")

    def __init__(self, profile: SiteProfile):
        self.brands = tuple(b for b in profile.brand_tokens if len(b) >= 4)
        self.money = profile.money_keywords
        # A partial match needs a word in common, so only keywords sharing one are tried.
        self.keywords_with: dict[str, list[frozenset[str]]] = {}
        for keyword in profile.money_keywords:
            words = frozenset(keyword.split())
            for word in words:
                self.keywords_with.setdefault(word, []).append(words)

    def __call__(self, anchor: object) -> str | None:
        if type(anchor) is not str:
            if (anchor is None or (isinstance(anchor, float) and math.isnan(anchor))
                    or anchor is pd.NA):
                return None
            anchor = str(anchor)
        raw = anchor.strip().lower()
        text = " ".join(_WORD.findall(raw))
        if not text or raw in self._IMAGE:
            return "empty"
        if self._URL_LIKE.match(raw):
            return "naked_url"
        compact = text.replace(" ", "")
        for brand in self.brands:
            if brand in compact:
                return "branded"
        if text in self.money:
            return "exact_match"
        if text in GENERIC_ANCHORS:
            return "generic"
        words = set(text.split())
        for word in words:
            for keyword in self.keywords_with.get(word, ()):
                if len(words & keyword) / len(keyword) >= 0.5:
                    return "partial_match"
        return "other"


def _anchor_signals(anchors: pd.Series, profile: SiteProfile) -> pd.DataFrame:
    """Signals of each anchor text (one row per element of ``anchors``)."""
    classify = _AnchorTypes(profile)
    types = pd.Series([classify(a) for a in anchors.tolist()], index=anchors.index)
    has_anchor = types.notna().to_numpy()
    texts = _texts(anchors)
    words = _Words.of(texts)
    return pd.DataFrame({
        "anchor_type": types,
        "anchor_words": _where([len(t.lower().split()) for t in texts], has_anchor),
        "anchor_commercial": _where(words.count_in(COMMERCIAL_WORDS), has_anchor),
        "anchor_risky_topics": _where(words.topics(), has_anchor),
    }, index=anchors.index)


def _url_signals(urls: list[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """Signals of each URL, and each one's lower-cased path."""
    has_url = np.array([u != "" for u in urls], dtype=bool)
    rests = _url_rests(urls)
    paths = [r.partition("?")[0] for r in rests]
    kinds = _containing(rests, URL_PATTERNS)
    out = {f"url_{name}": _where(hit, has_url) for name, hit in kinds.items()}
    out["url_depth"] = _where([p.count("/") for p in paths], has_url)
    out["url_length"] = _where([len(u) for u in urls], has_url)
    return out, paths


def link_features(links: pd.DataFrame, profile: SiteProfile) -> pd.DataFrame:
    """One feature row per row of the canonical table, in the same order."""
    out = pd.DataFrame(index=links.index)
    index = links.index
    anchor_codes, anchors = _column_distinct(links, s.ANCHOR)
    for name, values in _anchor_signals(anchors, profile).items():
        out[name] = _spread(values, anchor_codes, index)

    title_codes, distinct_titles = _column_distinct(links, s.SOURCE_TITLE)
    titles = _texts(distinct_titles)
    has_title = np.array([t.strip() != "" for t in titles], dtype=bool)
    title_words = _Words.of(titles)
    out["title_risky_topics"] = _where(title_words.topics(), has_title)[title_codes]
    out["title_link_selling"] = _where(
        title_words.count_in(_LINK_SELLING_WORDS), has_title)[title_codes]

    url_codes, distinct_urls = _column_distinct(links, s.SOURCE_URL)
    urls = _texts(distinct_urls)
    url_signals, paths = _url_signals(urls)
    for name, values in url_signals.items():
        out[name] = values[url_codes]

    # Topic overlap reads the title and the URL path: once per distinct pair (page).
    # Its text, title + " " + path with [/_-.] as spaces, has the title's words and
    # the path's words.
    pair_codes, pairs = pd.factorize(title_codes.astype(np.int64) * len(urls) + url_codes)
    pair_title, pair_url = pairs // len(urls), pairs % len(urls)
    has_text = has_title[pair_title] | np.array([u != "" for u in urls], dtype=bool)[pair_url]
    overlap = (_pair_overlap(title_words, _Words.of(paths), pair_title, pair_url,
                             profile.topic_tokens)
               if profile.topic_tokens else np.full(len(pairs), np.nan))
    out["topic_overlap"] = _where(overlap, has_text)[pair_codes]

    out["nofollow"] = _bool_feature(links, s.NOFOLLOW)
    ugc = _bool_feature(links, s.UGC)
    sponsored = _bool_feature(links, s.SPONSORED)
    out["ugc_or_sponsored"] = np.fmax(ugc, sponsored)
    out["sitewide"] = _bool_feature(links, s.SITEWIDE)
    type_codes, types = _distinct(_text(links, s.LINK_TYPE))
    link_type = types.fillna("").astype(str).str.lower()
    has_type = link_type != ""
    out["image_link"] = _spread(
        link_type.str.contains("image").astype(float).where(has_type), type_codes, index)
    out["redirect_link"] = _spread(
        link_type.str.contains("redirect|301|302").astype(float).where(has_type), type_codes,
        index)
    out["lost"] = _bool_feature(links, s.LOST)
    out["external_links"] = _num(links, s.EXTERNAL_LINKS)
    out["linked_domains"] = _num(links, s.LINKED_DOMAINS)
    out["http_status"] = _num(links, s.HTTP_STATUS)

    dr = _num(links, s.AHREFS_DOMAIN_RATING)
    traffic = _num(links, s.AHREFS_DOMAIN_TRAFFIC)
    out["ahrefs_dr"] = dr
    out["ahrefs_ur"] = _num(links, s.AHREFS_URL_RATING)
    out["ahrefs_log_traffic"] = np.log10(traffic.clip(lower=0) + 1)
    out["ahrefs_log_page_traffic"] = np.log10(_num(links, s.AHREFS_PAGE_TRAFFIC).clip(lower=0) + 1)
    out["ahrefs_is_spam"] = _bool_feature(links, s.AHREFS_IS_SPAM)
    out["authority_without_traffic"] = dr.where(traffic <= 10, 0.0).where(
        dr.notna() & traffic.notna()
    )
    out["semrush_page_ascore"] = _num(links, s.SEMRUSH_PAGE_ASCORE)
    out["semrush_domain_ascore"] = _num(links, s.SEMRUSH_DOMAIN_ASCORE)
    out["semrush_toxicity"] = _num(links, s.SEMRUSH_TOXICITY)
    out["moz_da"] = _num(links, s.MOZ_DOMAIN_AUTHORITY)
    out["moz_pa"] = _num(links, s.MOZ_PAGE_AUTHORITY)
    out["moz_spam_score"] = _num(links, s.MOZ_SPAM_SCORE)
    out["moz_spam_flags"] = _num(links, s.MOZ_SPAM_FLAGS)
    tf = _num(links, s.MAJESTIC_TRUST_FLOW)
    cf = _num(links, s.MAJESTIC_CITATION_FLOW)
    out["majestic_tf"] = tf
    out["majestic_cf"] = cf
    out["majestic_tf_cf_ratio"] = tf / cf.where(cf > 0)
    out["link_count"] = _num(links, s.LINK_COUNT)
    return out


# --- profile-level patterns ------------------------------------------------------------
def _codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of ``values`` as floats, NaN where a value is missing."""
    codes = np.asarray(values)
    return np.where(codes < 0, np.nan, codes.astype(float))


def profile_patterns(links: pd.DataFrame, feats: pd.DataFrame) -> pd.DataFrame:
    """Patterns visible only across the whole profile: repeats, bursts, networks.

    Anchors, titles and domains are grouped through integer codes of their
    distinct values: the same groups as the strings, without hashing a million
    strings in every group-by.
    """
    out = pd.DataFrame(index=links.index)
    index = links.index
    domain_codes, domains = _column_distinct(links, s.DOMAIN, as_str=True)
    domain_key = _codes(np.where(domains.isna().to_numpy()[domain_codes], -1, domain_codes))

    types = _anchor_type_flags(feats["anchor_type"], {
        "money": ("exact_match", "partial_match"), "exact": ("exact_match",)})
    known = ~np.isnan(types["money"])
    money = types["money"] == 1.0
    if s.ANCHOR in links:
        anchor_key, has_text = _anchor_keys(links)
    else:
        anchor_key = np.zeros(len(links), dtype=np.int64)
        has_text = np.zeros(len(links), dtype=bool)
    chosen = money & has_text
    anchor_domains = _distinct_counts(anchor_key[chosen], domain_key[chosen])
    out["anchor_domains"] = _where(np.where(money, _lookup(anchor_domains, anchor_key), 0.0),
                                   known)

    if s.SOURCE_TITLE in links:
        title_codes, titles = _column_distinct(links, s.SOURCE_TITLE)
        templates = _title_templates(_texts(titles))
        template_key = pd.factorize(np.array(templates, dtype=object))[0][title_codes]
        usable = np.array([len(t) >= 12 for t in templates], dtype=bool)[title_codes]
        counts = _distinct_counts(template_key[usable], domain_key[usable])
        out["title_template_domains"] = _where(_lookup(counts, template_key), usable)
    else:
        out["title_template_domains"] = np.nan

    out["first_seen_burst"] = _burst(links, domain_key)
    out["ip_block_domains"] = _ip_blocks(links, domain_key)
    out["name_family_size"] = _spread(family_sizes(domains), domain_codes, index)
    share = (float(np.sum(types["exact"] == 1.0)) / float(np.sum(known)) if known.any()
             else np.nan)
    out["profile_exact_anchor_share"] = share
    return out


def _anchor_type_flags(types: pd.Series, groups: dict[str, tuple[str, ...]]
                       ) -> dict[str, np.ndarray]:
    """Per group of anchor types, per row: 1.0 if its type is in the group, else 0.0, NaN if none.

    Worked out once per distinct type (there are seven) rather than by comparing a
    million strings per group.
    """
    codes, kinds = pd.factorize(types, use_na_sentinel=True)
    kinds = np.asarray(kinds, dtype=object)
    # The code -1 of a row without a type picks the NaN at the end.
    return {name: np.append(np.isin(kinds, group).astype(float), np.nan)[codes]
            for name, group in groups.items()}


def _anchor_keys(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a code of the anchor lower-cased and stripped, and whether it has text."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        anchor_codes, anchors = _column_distinct(frame, s.ANCHOR)
        normal = np.array([a.lower().strip() for a in _texts(anchors)], dtype=object)
        return pd.factorize(normal)[0][anchor_codes], (normal != "")[anchor_codes]

    return _shared(frame, "anchor keys", compute)


# ASCII digits and whitespace other than the space (str.isspace() counts \x1c-\x1f).
_DIGIT_OR_ODD_SPACE = np.zeros(256, dtype=bool)
_DIGIT_OR_ODD_SPACE[[*range(48, 58), *b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"]] = True


def _title_templates(titles: list[str]) -> list[str]:
    r"""Each title lower-cased, runs of digits as "#", runs of whitespace as one space, stripped.

    ``" ".join(text.split())`` is ``re.sub(r"\s+", " ", text).strip()``: both use
    str.isspace()'s whitespace.
    """
    joined = _joined(titles)
    if joined is None or not titles:
        return [_title_template(t.lower()) for t in titles]
    lower = joined.lower()
    if not lower.isascii():
        return [_title_template(t) for t in lower.split(_SEP)]
    # Most ASCII titles are already their template: only those with a digit or with
    # whitespace other than single spaces between words change.
    data = np.frombuffer(lower.encode("ascii"), dtype=np.uint8)
    space = data == ord(" ")
    end = data == 0
    changes = _DIGIT_OR_ODD_SPACE[data]
    changes[1:] |= space[1:] & (space[:-1] | end[:-1])
    changes[:-1] |= space[:-1] & end[1:]
    templates = lower.split(_SEP)
    ends = np.cumsum([len(t) + 1 for t in templates])
    changed = np.searchsorted(ends, np.flatnonzero(changes), side="right")
    for i in {0, len(templates) - 1, *changed.tolist()}:
        templates[i] = _title_template(templates[i])
    return templates


def _title_template(lower: str) -> str:
    return " ".join(_DIGITS.sub("#", lower).split())


def _distinct_counts(groups: np.ndarray, values: np.ndarray, n_groups: int | None = None
                     ) -> np.ndarray:
    """How many distinct values (NaN aside) each group has, NaN for a group without rows.

    ``groups`` are codes (0, 1, ... n_groups - 1) and ``values`` codes as floats; the
    result is ``groupby(groups)[values].nunique()`` spread over all codes, by sorting integer
    pairs, which is many times quicker than pandas' hashing group-by.
    """
    if n_groups is None:
        n_groups = int(groups.max()) + 1 if len(groups) else 0
    present = ~np.isnan(values)
    span = int(values[present].max()) + 1 if present.any() else 1
    pairs = _sorted_unique(groups[present].astype(np.int64) * span
                           + values[present].astype(np.int64))
    counts = np.bincount(pairs // span, minlength=n_groups).astype(float)
    counts[np.bincount(groups, minlength=n_groups) == 0] = np.nan
    return counts


def _lookup(per_group: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``per_group[groups]``, NaN for groups beyond it."""
    values = np.full(len(groups), np.nan)
    known = groups < len(per_group)
    values[known] = per_group[groups[known]]
    return values


def _burst(links: pd.DataFrame, domain_key: np.ndarray) -> pd.Series:
    if s.FIRST_SEEN not in links:
        return pd.Series(np.nan, index=links.index)
    first = pd.to_datetime(links[s.FIRST_SEEN], errors="coerce")
    per_domain = pd.DataFrame({"d": domain_key, "f": first.to_numpy()}).dropna().groupby(
        "d")["f"].min()
    if per_domain.empty:
        return pd.Series(np.nan, index=links.index)
    weeks = per_domain.dt.to_period("W")
    per_week = weeks.value_counts()
    normal = max(float(per_week.median()), 1.0)
    ratio = weeks.map(per_week).astype(float) / normal
    return pd.Series(domain_key, index=links.index).map(ratio).astype(float)


def _ip_blocks(links: pd.DataFrame, domain_key: np.ndarray) -> pd.Series:
    if s.IP not in links:
        return pd.Series(np.nan, index=links.index)
    ip_codes, ips = _distinct(links[s.IP])
    block = ips.fillna("").astype(str).str.strip().str.extract(
        r"^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$", expand=False)
    block_key = _codes(pd.factorize(block, use_na_sentinel=True)[0][ip_codes])
    frame = pd.DataFrame({"b": block_key, "d": domain_key}).dropna()
    if frame.empty:
        return pd.Series(np.nan, index=links.index)
    counts = frame.groupby("b")["d"].nunique()
    return pd.Series(block_key, index=links.index).map(counts).astype(float)


# --- roll-up per referring domain --------------------------------------------------------
LINK_FEATURES: tuple[str, ...] = (
    "anchor_type", "anchor_words", "anchor_commercial", "anchor_risky_topics", "anchor_domains",
    "title_risky_topics", "title_link_selling", "title_template_domains", "topic_overlap",
    "url_profile", "url_comment", "url_directory", "url_bookmark", "url_forum", "url_guest_post",
    "url_depth", "url_length", "nofollow", "ugc_or_sponsored", "sitewide", "image_link",
    "redirect_link", "lost", "external_links", "linked_domains", "http_status",
)
VENDOR_FEATURES: tuple[str, ...] = (
    "ahrefs_dr", "ahrefs_ur", "ahrefs_log_traffic", "ahrefs_log_page_traffic", "ahrefs_is_spam",
    "authority_without_traffic", "semrush_page_ascore", "semrush_domain_ascore",
    "semrush_toxicity", "moz_da", "moz_pa", "moz_spam_score", "moz_spam_flags", "majestic_tf",
    "majestic_cf", "majestic_tf_cf_ratio",
)
NAME_FEATURES: tuple[str, ...] = (
    "tld", "name_length", "name_digits", "name_hyphens", "name_entropy", "name_vowel_ratio",
    "name_consonant_run", "name_labels", "name_is_punycode", "name_link_selling",
    "name_risky_topics", "name_is_ip", "name_is_free_host", "name_is_gov_edu",
    "name_family_size", "name_topic_gambling", "name_topic_adult", "name_topic_drugs",
    "name_topic_warez", "name_topic_ads", "name_is_cctld", "name_ngram_score",
    "name_institution",
)
# Filled by the model itself (a character n-gram model of domain names that
# ships inside the model file), not by this pure module.
MODEL_FILLED_FEATURES: tuple[str, ...] = ("name_ngram_score",)
PROFILE_FEATURES: tuple[str, ...] = ("first_seen_burst", "ip_block_domains")
DOMAIN_AGGREGATES: tuple[str, ...] = (
    "n_links", "n_pages", "n_targets", "link_count", "share_nofollow", "share_qualified",
    "share_money_anchor", "share_exact_anchor", "share_branded_anchor", "top_anchor_share",
    "n_anchors", "share_sitewide", "share_ugc_pages", "max_anchor_domains",
    "max_title_template_domains", "max_anchor_risky_topics", "max_title_risky_topics",
    "max_title_link_selling", "mean_topic_overlap", "share_directory", "max_external_links",
    "max_linked_domains", "share_image", "share_lost", "profile_exact_anchor_share",
)
# The domain model's inputs: what is known about a referring domain as a whole.
DOMAIN_FEATURES: tuple[str, ...] = (
    NAME_FEATURES + PROFILE_FEATURES + DOMAIN_AGGREGATES + VENDOR_FEATURES
)
# The link model's inputs: the link itself plus its domain's context.
LINK_MODEL_FEATURES: tuple[str, ...] = tuple(
    dict.fromkeys(LINK_FEATURES + NAME_FEATURES + PROFILE_FEATURES + DOMAIN_AGGREGATES
                  + VENDOR_FEATURES)
)
CATEGORICAL_FEATURES: tuple[str, ...] = ("tld", "anchor_type")

DESCRIPTIONS.update(
    {
        "max_anchor_domains": DESCRIPTIONS["anchor_domains"],
        "max_title_template_domains": DESCRIPTIONS["title_template_domains"],
        "max_anchor_risky_topics": DESCRIPTIONS["anchor_risky_topics"],
        "max_title_risky_topics": DESCRIPTIONS["title_risky_topics"],
        "max_title_link_selling": DESCRIPTIONS["title_link_selling"],
        "mean_topic_overlap": DESCRIPTIONS["topic_overlap"],
        "share_directory": "share of this domain's links on directory pages",
        "max_external_links": DESCRIPTIONS["external_links"],
        "max_linked_domains": DESCRIPTIONS["linked_domains"],
        "share_image": "share of this domain's links that are image links",
        "share_lost": "share of this domain's links that are lost",
    }
)


@dataclass(frozen=True)
class LinkFeatures:
    """The link model's input, with each referring domain's columns held once.

    ``own`` holds the columns that describe each row itself (one row per usable
    canonical row); ``context`` the columns of LINK_MODEL_FEATURES that describe
    the row's referring domain, one row per domain; row ``i`` has the context of
    domain row ``domain_row[i]``. A million links come from a few tens of
    thousands of domains: repeating 45 domain columns on every link row would hold
    some 400 MB for values that are each known once.
    """

    own: pd.DataFrame
    context: pd.DataFrame
    domain_row: np.ndarray

    def __len__(self) -> int:
        return len(self.own)

    def __contains__(self, column: object) -> bool:
        return column in self.own or column in self.context

    @property
    def index(self) -> pd.Index:
        return self.own.index

    def column(self, name: str) -> pd.Series:
        """One column with a value per row (a domain's value repeated on its rows)."""
        if name in self.own:
            return self.own[name]
        spread = self.context[name].take(self.domain_row)
        return spread.set_axis(self.own.index)

    def rows(self, positions: np.ndarray) -> LinkFeatures:
        """The rows at ``positions`` (integer positions, or a boolean mask)."""
        positions = np.asarray(positions)
        if positions.dtype == bool:
            positions = np.flatnonzero(positions)
        return LinkFeatures(self.own.iloc[positions], self.context,
                            self.domain_row[positions])

    def frame(self) -> pd.DataFrame:
        """Every column of LINK_MODEL_FEATURES, one row per row (the domain's repeated)."""
        context = self.context.take(self.domain_row)
        context.index = self.own.index
        return pd.concat([self.own, context], axis=1).reindex(columns=LINK_MODEL_FEATURES)


@dataclass
class ProfileFeatures:
    """All features of one backlink profile, computed once."""

    link_features: LinkFeatures  # the link model's input, per usable canonical row
    domains: pd.DataFrame  # DOMAIN_FEATURES, indexed by domain

    @property
    def links(self) -> pd.DataFrame:
        """LINK_MODEL_FEATURES as one frame, one row per usable canonical row."""
        return self.link_features.frame()


def build_features(table: pd.DataFrame, profile: SiteProfile) -> ProfileFeatures:
    """Compute link and domain features for one profile's usable rows."""
    token = _SHARED.set({})
    try:
        return _build_features(table, profile)
    finally:
        _SHARED.reset(token)


def _build_features(table: pd.DataFrame, profile: SiteProfile) -> ProfileFeatures:
    usable = table
    if s.STATUS in table:
        usable = _rows(usable, table[s.STATUS].fillna("ok").eq(s.RowStatus.OK))
    usable = _rows(usable, usable[s.DOMAIN].fillna("").astype(str) != "")
    feats = link_features(usable, profile)
    patterns = profile_patterns(usable, feats)
    feats = pd.concat([feats, patterns], axis=1)
    domain_codes, domains = _column_distinct(usable, s.DOMAIN, as_str=True)
    names = _name_table(domains.array)  # no domain is missing here: the order of pd.unique
    domain_table = _roll_up(usable, feats, names, domain_codes, domains)
    own = feats[[c for c in LINK_MODEL_FEATURES if c in feats]]
    context = domain_table[[c for c in LINK_MODEL_FEATURES if c in domain_table and c not in feats]]
    # Rows of the domain table are in the order of pd.unique: row i is domain code i.
    links = LinkFeatures(own, context, np.asarray(domain_codes, dtype=np.intp))
    return ProfileFeatures(link_features=links, domains=domain_table)


def _rows(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """``frame[keep]``, without copying a million rows when every row is kept."""
    return frame if bool(keep.all()) else frame[keep]


def _roll_up(
    usable: pd.DataFrame, feats: pd.DataFrame, names: pd.DataFrame,
    domain_codes: np.ndarray, domains: pd.Series,
) -> pd.DataFrame:
    """One row per referring domain (in order of first appearance).

    Rows are grouped by integer codes of the domain (and of pages, targets and
    anchors): the same groups, in the same row order, as grouping the strings.
    """
    is_link = (
        usable[s.ROW_KIND].fillna(s.RowKind.LINK).eq(s.RowKind.LINK)
        if s.ROW_KIND in usable else pd.Series(True, index=usable.index)
    )
    work = feats.copy(deep=False)
    work["__domain"] = domain_codes
    work["__page"] = _text_key(usable, s.SOURCE_URL)
    work["__target"] = _text_key(usable, s.TARGET_URL)
    if s.ANCHOR in usable:
        anchor_key = _anchor_keys(usable)[0].astype(float)
    else:
        anchor_key = np.zeros(len(usable))
    types = _anchor_type_flags(feats["anchor_type"], {
        "money": ("exact_match", "partial_match"), "exact": ("exact_match",),
        "brand": ("branded", "naked_url")})
    work["__anchor"] = np.where(np.isnan(types["money"]), np.nan, anchor_key)
    work["__money"] = types["money"]
    work["__exact"] = types["exact"]
    work["__brand"] = types["brand"]
    work["__ugc_page"] = np.fmax(np.fmax(feats["url_profile"], feats["url_comment"]),
                                 feats["url_bookmark"])

    links_only = _rows(work, is_link)
    grouped = links_only.groupby("__domain", sort=False)
    labels = np.asarray(domains, dtype=object)

    def by_domain(values: pd.Series) -> pd.Series:
        return values.set_axis(labels[values.index.to_numpy(dtype=np.int64)])

    agg = pd.DataFrame(index=pd.Index(domains.array, name=s.DOMAIN))
    agg["n_links"] = by_domain(grouped.size())
    link_domains = links_only["__domain"].to_numpy()

    def distinct_per_domain(column: str) -> pd.Series:
        """``grouped[column].nunique()``, by sorting codes instead of hashing."""
        counts = _distinct_counts(link_domains, links_only[column].to_numpy(), len(labels))
        present = ~np.isnan(counts)
        return pd.Series(counts[present].astype(np.int64), index=labels[present])

    agg["n_pages"] = distinct_per_domain("__page")
    agg["n_targets"] = distinct_per_domain("__target")
    mean_cols = {
        "share_nofollow": "nofollow", "share_qualified": "ugc_or_sponsored",
        "share_money_anchor": "__money", "share_exact_anchor": "__exact",
        "share_branded_anchor": "__brand", "share_sitewide": "sitewide",
        "share_ugc_pages": "__ugc_page", "mean_topic_overlap": "topic_overlap",
        "share_directory": "url_directory", "share_image": "image_link", "share_lost": "lost",
    }
    means = grouped[list(mean_cols.values())].mean()
    for name, col in mean_cols.items():
        agg[name] = by_domain(means[col])
    max_cols = {
        "max_anchor_domains": "anchor_domains",
        "max_title_template_domains": "title_template_domains",
        "max_anchor_risky_topics": "anchor_risky_topics",
        "max_title_risky_topics": "title_risky_topics",
        "max_title_link_selling": "title_link_selling",
        "max_external_links": "external_links", "max_linked_domains": "linked_domains",
    }
    maxima = grouped[list(max_cols.values())].max()
    for name, col in max_cols.items():
        agg[name] = by_domain(maxima[col])
    anchors = links_only["__anchor"].to_numpy()
    named = ~np.isnan(anchors)
    if named.any():
        # Rows per (domain, anchor): runs of equal sorted pairs, grouped by domain.
        span = int(anchors[named].max()) + 1
        pairs = np.sort(link_domains[named].astype(np.int64) * span
                        + anchors[named].astype(np.int64))
        starts = np.flatnonzero(np.concatenate([[True], pairs[1:] != pairs[:-1]]))
        uses = np.diff(np.append(starts, len(pairs)))
        pair_domain = pairs[starts] // span
        n_anchors = np.bincount(pair_domain, minlength=len(labels))
        present = n_anchors > 0
        first = np.cumsum(n_anchors) - n_anchors
        most = np.maximum.reduceat(uses, first[present])
        total = np.add.reduceat(uses, first[present])
        agg["n_anchors"] = pd.Series(n_anchors[present], index=labels[present])
        agg["top_anchor_share"] = pd.Series(most / total, index=labels[present])
    else:
        agg["n_anchors"] = np.nan
        agg["top_anchor_share"] = np.nan
    # Vendor metrics and profile patterns describe the domain; domain-level
    # export rows (Search Console, referring-domain exports) contribute here too.
    all_rows = work.groupby("__domain", sort=False)
    domain_cols = [*VENDOR_FEATURES, *PROFILE_FEATURES, "name_family_size", "link_count"]
    maxima = all_rows[domain_cols].max()
    for col in domain_cols:
        agg[col] = by_domain(maxima[col])
    agg["profile_exact_anchor_share"] = by_domain(all_rows["profile_exact_anchor_share"].first())
    no_links = agg["n_links"].isna()
    agg.loc[no_links, "n_links"] = agg.loc[no_links, "link_count"]
    agg = agg.join(names.drop(columns=["name_family_size"], errors="ignore"))
    return agg.reindex(columns=DOMAIN_FEATURES)


def _text_key(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Integer codes (as floats, NaN when missing) standing for a text column's values."""
    if column not in frame:
        return np.zeros(len(frame))  # the same (empty) text on every row
    codes, distinct = _column_distinct(frame, column)
    return _codes(np.where(distinct.isna().to_numpy()[codes], -1, codes))
