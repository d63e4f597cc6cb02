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
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.lexicons import (
    COMMERCIAL_WORDS,
    GENERIC_ANCHORS,
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
_VOWELS = set("aeiouy")
_GOV_EDU = re.compile(r"(^|\.)(gov|edu|mil|ac|gouv|gob|govt|edu\.[a-z]{2}|gov\.[a-z]{2})$")

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
    "name_topic_gambling": "the domain name looks like gambling sites' names",
    "name_topic_adult": "the domain name looks like adult or dating sites' names",
    "name_topic_drugs": "the domain name looks like drug sites' names",
    "name_topic_warez": "the domain name looks like piracy or hacking sites' names",
    "name_topic_ads": "the domain name looks like ad-server names",
    "name_family_size": "other referring domains built from the same name pattern",
    "tld": "top-level domain",
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


def _topic_scores(name: str) -> dict[str, float]:
    letters = re.sub(r"[^a-z]", "", name)
    grams = {letters[i:i + n] for n in (4, 5, 6) for i in range(len(letters) - n + 1)}
    out = {}
    for category in TOPIC_CATEGORIES:
        table = topic_ngrams().get(category, {})
        out[f"name_topic_{category}"] = max((table[g] for g in grams if g in table), default=0.0)
    return out


def _entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _longest_consonant_run(text: str) -> int:
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
    rows = []
    for domain in unique:
        info = host_info(domain) if domain else None
        labels = domain.split(".")
        name = labels[0] if labels else ""
        if info is not None and info.is_ip:
            tld, name = "ip", ""
        else:
            tld = labels[-1] if len(labels) > 1 else ""
        letters = [c for c in name if c.isalpha()]
        rows.append(
            {
                "name_length": len(name),
                "name_digits": sum(c.isdigit() for c in name),
                "name_hyphens": name.count("-"),
                "name_entropy": _entropy(name),
                "name_vowel_ratio": (sum(c in _VOWELS for c in letters) / len(letters))
                if letters else np.nan,
                "name_consonant_run": _longest_consonant_run(name),
                "name_labels": len(labels),
                "name_is_punycode": float(name.startswith("xn--")),
                "name_link_selling": float(len(_NAME_LINK_SELLING.findall(name))),
                "name_risky_topics": float(
                    sum(bool(p.search(name)) for p in _NAME_TOPIC_PATTERNS.values())
                ),
                "name_is_ip": float(bool(info and info.is_ip)),
                "name_is_free_host": float(bool(info and info.is_free_host)),
                "name_is_gov_edu": float(bool(_GOV_EDU.search(domain))),
                "tld": tld,
            }
            | _topic_scores(name)
        )
    table = pd.DataFrame(rows, index=unique)
    return table.reindex(domains.astype(str).to_numpy()).set_index(domains.index)


def family_sizes(domains: pd.Series) -> pd.Series:
    """How many other domains of the profile share this one's name stem.

    The stem drops digits and a trailing two-letter country part, so the
    numbered families seen in real disavow files (bhs-links-fr.xyz,
    bhs-links-gb.xyz ...) collapse to one stem.
    """
    unique = pd.Series(pd.unique(domains.astype(str)))
    names = unique.str.split(".").str[0]
    tlds = unique.str.rsplit(".", n=1).str[-1]
    stems = names.str.replace(r"\d+", "", regex=True).str.replace(
        r"-[a-z]{2}$", "", regex=True
    ).str.strip("-")
    key = stems + "." + tlds
    key = key.where(stems.str.len() >= 4)
    sizes = key.map(key.value_counts()).fillna(1) - 1
    by_domain = pd.Series(sizes.to_numpy(dtype=float), index=unique.to_numpy())
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
    if anchor is None or (isinstance(anchor, float) and math.isnan(anchor)) or anchor is pd.NA:
        return None
    raw = str(anchor).strip()
    text = _norm_text(raw)
    if not text or raw.lower() in {"[image]", "image", "img", "[img]", "noimage"}:
        return "empty"
    compact = text.replace(" ", "")
    if re.match(r"^(https?://|www\.)", raw.lower()) or re.match(
        r"^[a-z0-9-]+(\.[a-z0-9-]+)+/?\S*$", raw.lower()
    ):
        return "naked_url"
    if any(b in compact for b in profile.brand_tokens if len(b) >= 4):
        return "branded"
    if text in profile.money_keywords:
        return "exact_match"
    if text in GENERIC_ANCHORS:
        return "generic"
    words = set(text.split())
    for keyword in profile.money_keywords:
        kw = set(keyword.split())
        if kw and len(words & kw) / len(kw) >= 0.5 and len(words & kw) >= 1:
            return "partial_match"
    return "other"


def _words_in(text: pd.Series, vocab: frozenset[str]) -> pd.Series:
    """Count vocabulary words in each text, computed once per distinct text."""
    values = text.fillna("").astype(str)
    unique = pd.unique(values)
    counts = {u: sum(w in vocab for w in _WORD.findall(u.lower())) for u in unique}
    return values.map(counts).astype(float)


def _topics_in(text: pd.Series) -> pd.Series:
    values = text.fillna("").astype(str)
    unique = pd.unique(values)
    counts = {}
    for u in unique:
        words = set(_WORD.findall(u.lower()))
        counts[u] = sum(bool(words & vocab) for vocab in _WORD_TOPIC_SETS.values())
    return values.map(counts).astype(float)


def _url_parts(urls: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Lower-cased path+query and the path alone of each URL."""
    rest = urls.fillna("").astype(str).str.replace(r"^[a-zA-Z]+://[^/?#]*", "", regex=True)
    lower = rest.str.lower()
    path = lower.str.split("?", n=1).str[0]
    return lower, path


def link_features(links: pd.DataFrame, profile: SiteProfile) -> pd.DataFrame:
    """One feature row per row of the canonical table, in the same order."""
    out = pd.DataFrame(index=links.index)
    anchors = _text(links, s.ANCHOR)
    unique_anchors = pd.unique(anchors.astype("object"))
    types = {a: classify_anchor(a, profile) for a in unique_anchors if a is not pd.NA}
    anchor_type = anchors.astype("object").map(lambda a: types.get(a) if a is not pd.NA else None)
    out["anchor_type"] = anchor_type
    has_anchor = anchor_type.notna()
    norm_anchor = anchors.fillna("").astype(str).str.lower().str.strip()
    out["anchor_words"] = norm_anchor.str.split().str.len().astype(float).where(has_anchor)
    out["anchor_commercial"] = _words_in(anchors, COMMERCIAL_WORDS).where(has_anchor)
    out["anchor_risky_topics"] = _topics_in(anchors).where(has_anchor)

    titles = _text(links, s.SOURCE_TITLE)
    has_title = titles.fillna("").astype(str).str.strip() != ""
    out["title_risky_topics"] = _topics_in(titles).where(has_title)
    out["title_link_selling"] = _words_in(titles, _LINK_SELLING_WORDS).where(has_title)

    urls = _text(links, s.SOURCE_URL)
    has_url = urls.fillna("").astype(str) != ""
    lower, path = _url_parts(urls)
    for name, patterns in URL_PATTERNS.items():
        hit = pd.Series(False, index=links.index)
        for pattern in patterns:
            hit |= lower.str.contains(pattern, regex=False)
        out[f"url_{name}"] = hit.astype(float).where(has_url)
    out["url_depth"] = path.str.count("/").astype(float).where(has_url)
    out["url_length"] = urls.fillna("").astype(str).str.len().astype(float).where(has_url)

    page_words = (
        titles.fillna("").astype(str) + " " + path.str.replace(r"[/_\-.]+", " ", regex=True)
    )
    out["topic_overlap"] = _overlap(page_words, profile.topic_tokens).where(
        has_title | has_url
    )

    out["nofollow"] = _bool_feature(links, s.NOFOLLOW)
    ugc = _bool_feature(links, s.UGC)
    sponsored = _bool_feature(links, s.SPONSORED)
    out["ugc_or_sponsored"] = np.fmax(ugc, sponsored)
    out["sitewide"] = _bool_feature(links, s.SITEWIDE)
    link_type = _text(links, s.LINK_TYPE).fillna("").astype(str).str.lower()
    has_type = link_type != ""
    out["image_link"] = link_type.str.contains("image").astype(float).where(has_type)
    out["redirect_link"] = link_type.str.contains("redirect|301|302").astype(float).where(
        has_type
    )
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


def _overlap(texts: pd.Series, vocab: frozenset[str]) -> pd.Series:
    if not vocab:
        return pd.Series(np.nan, index=texts.index)
    values = texts.astype(str)
    unique = pd.unique(values)
    scores = {}
    for u in unique:
        words = {w for w in _WORD.findall(u.lower()) if len(w) >= 3 and not w.isdigit()}
        scores[u] = len(words & vocab) / len(words) if words else np.nan
    return values.map(scores).astype(float)


# --- profile-level patterns ------------------------------------------------------------
def profile_patterns(links: pd.DataFrame, feats: pd.DataFrame) -> pd.DataFrame:
    """Patterns visible only across the whole profile: repeats, bursts, networks."""
    out = pd.DataFrame(index=links.index)
    domains = links[s.DOMAIN].astype(str)

    money = feats["anchor_type"].isin(["exact_match", "partial_match"])
    anchors = links[s.ANCHOR].fillna("").astype(str).str.lower().str.strip() if s.ANCHOR in links \
        else pd.Series("", index=links.index)
    per_anchor = pd.DataFrame({"a": anchors, "d": domains})[money & (anchors != "")]
    anchor_domains = per_anchor.groupby("a")["d"].nunique()
    out["anchor_domains"] = anchors.map(anchor_domains).where(money, 0.0).where(
        feats["anchor_type"].notna()
    ).astype(float)

    if s.SOURCE_TITLE in links:
        titles = links[s.SOURCE_TITLE].fillna("").astype(str).str.lower()
        template = titles.str.replace(r"\d+", "#", regex=True).str.replace(
            r"\s+", " ", regex=True
        ).str.strip()
        usable = template.str.len() >= 12
        per_title = pd.DataFrame({"t": template, "d": domains})[usable]
        counts = per_title.groupby("t")["d"].nunique()
        out["title_template_domains"] = template.map(counts).where(usable).astype(float)
    else:
        out["title_template_domains"] = np.nan

    out["first_seen_burst"] = _burst(links, domains)
    out["ip_block_domains"] = _ip_blocks(links, domains)
    out["name_family_size"] = family_sizes(domains)
    exact = feats["anchor_type"].eq("exact_match")
    known = feats["anchor_type"].notna()
    share = float(exact[known].mean()) if known.any() else np.nan
    out["profile_exact_anchor_share"] = share
    return out


def _burst(links: pd.DataFrame, domains: pd.Series) -> pd.Series:
    if s.FIRST_SEEN not in links:
        return pd.Series(np.nan, index=links.index)
    first = pd.to_datetime(links[s.FIRST_SEEN], errors="coerce")
    per_domain = pd.DataFrame({"d": domains, "f": first}).dropna().groupby("d")["f"].min()
    if per_domain.empty:
        return pd.Series(np.nan, index=links.index)
    weeks = per_domain.dt.to_period("W")
    per_week = weeks.value_counts()
    normal = max(float(per_week.median()), 1.0)
    ratio = weeks.map(per_week).astype(float) / normal
    return domains.map(ratio).astype(float)


def _ip_blocks(links: pd.DataFrame, domains: pd.Series) -> pd.Series:
    if s.IP not in links:
        return pd.Series(np.nan, index=links.index)
    ips = links[s.IP].fillna("").astype(str).str.strip()
    block = ips.str.extract(r"^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$", expand=False)
    frame = pd.DataFrame({"b": block, "d": domains}).dropna()
    if frame.empty:
        return pd.Series(np.nan, index=links.index)
    counts = frame.groupby("b")["d"].nunique()
    return block.map(counts).astype(float)


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
    "name_topic_warez", "name_topic_ads",
)
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


@dataclass
class ProfileFeatures:
    """All features of one backlink profile, computed once."""

    links: pd.DataFrame  # LINK_MODEL_FEATURES, one row per usable canonical row
    domains: pd.DataFrame  # DOMAIN_FEATURES, indexed by domain


def build_features(table: pd.DataFrame, profile: SiteProfile) -> ProfileFeatures:
    """Compute link and domain features for one profile's usable rows."""
    usable = table
    if s.STATUS in table:
        usable = table[table[s.STATUS].fillna("ok").eq(s.RowStatus.OK)]
    usable = usable[usable[s.DOMAIN].fillna("").astype(str) != ""]
    feats = link_features(usable, profile)
    patterns = profile_patterns(usable, feats)
    feats = pd.concat([feats, patterns], axis=1)
    names = name_features(usable[s.DOMAIN])
    domain_table = _roll_up(usable, feats, names)
    context = domain_table.drop(columns=[c for c in domain_table if c in feats])
    context = context.reindex(usable[s.DOMAIN].astype(str).to_numpy())
    context.index = feats.index
    link_frame = pd.concat([feats, context], axis=1).reindex(columns=LINK_MODEL_FEATURES)
    return ProfileFeatures(links=link_frame, domains=domain_table)


def _roll_up(usable: pd.DataFrame, feats: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    domain = usable[s.DOMAIN].astype(str)
    is_link = (
        usable[s.ROW_KIND].fillna(s.RowKind.LINK).eq(s.RowKind.LINK)
        if s.ROW_KIND in usable else pd.Series(True, index=usable.index)
    )
    work = feats.copy()
    work["__domain"] = domain
    work["__is_link"] = is_link
    work["__page"] = usable.get(s.SOURCE_URL, "")
    work["__target"] = usable.get(s.TARGET_URL, "")
    anchors = usable[s.ANCHOR].fillna("").astype(str).str.lower().str.strip() \
        if s.ANCHOR in usable else pd.Series("", index=usable.index)
    work["__anchor"] = anchors.where(feats["anchor_type"].notna())
    at = feats["anchor_type"]
    known = at.notna()
    work["__money"] = at.isin(["exact_match", "partial_match"]).astype(float).where(known)
    work["__exact"] = at.eq("exact_match").astype(float).where(known)
    work["__brand"] = at.isin(["branded", "naked_url"]).astype(float).where(known)
    work["__ugc_page"] = np.fmax(np.fmax(feats["url_profile"], feats["url_comment"]),
                                 feats["url_bookmark"])

    links_only = work[work["__is_link"]]
    grouped = links_only.groupby("__domain", sort=False)
    agg = pd.DataFrame(index=pd.Index(pd.unique(domain), name=s.DOMAIN))
    agg["n_links"] = grouped.size()
    agg["n_pages"] = grouped["__page"].nunique()
    agg["n_targets"] = grouped["__target"].nunique()
    mean_cols = {
        "share_nofollow": "nofollow", "share_qualified": "ugc_or_sponsored",
        "share_money_anchor": "__money", "share_exact_anchor": "__exact",
        "share_branded_anchor": "__brand", "share_sitewide": "sitewide",
        "share_ugc_pages": "__ugc_page", "mean_topic_overlap": "topic_overlap",
        "share_directory": "url_directory", "share_image": "image_link", "share_lost": "lost",
    }
    for name, col in mean_cols.items():
        agg[name] = grouped[col].mean()
    max_cols = {
        "max_anchor_domains": "anchor_domains",
        "max_title_template_domains": "title_template_domains",
        "max_anchor_risky_topics": "anchor_risky_topics",
        "max_title_risky_topics": "title_risky_topics",
        "max_title_link_selling": "title_link_selling",
        "max_external_links": "external_links", "max_linked_domains": "linked_domains",
    }
    for name, col in max_cols.items():
        agg[name] = grouped[col].max()
    anchor_counts = links_only.dropna(subset=["__anchor"]).groupby(["__domain", "__anchor"]).size()
    if len(anchor_counts):
        per_domain = anchor_counts.groupby(level=0)
        agg["n_anchors"] = per_domain.size()
        agg["top_anchor_share"] = per_domain.max() / per_domain.sum()
    else:
        agg["n_anchors"] = np.nan
        agg["top_anchor_share"] = np.nan
    # Vendor metrics and profile patterns describe the domain; domain-level
    # export rows (Search Console, referring-domain exports) contribute here too.
    all_rows = work.groupby("__domain", sort=False)
    for col in VENDOR_FEATURES + PROFILE_FEATURES + ("name_family_size",):
        agg[col] = all_rows[col].max()
    agg["link_count"] = all_rows["link_count"].max()
    agg["profile_exact_anchor_share"] = all_rows["profile_exact_anchor_share"].first()
    no_links = agg["n_links"].isna()
    agg.loc[no_links, "n_links"] = agg.loc[no_links, "link_count"]
    name_table = names.groupby(domain.to_numpy(), sort=False).first()
    agg = agg.join(name_table.drop(columns=["name_family_size"], errors="ignore"))
    return agg.reindex(columns=DOMAIN_FEATURES)
