"""Benchmark: ``disavow audit`` end to end against a bare ``pandas.read_csv``, and training.

For each size (default 100,000, 1,000,000 and 5,000,000 links) a realistic
Ahrefs "Backlinks" export is generated once (seeded) in the current layout
(docs/formats.md section 3.1): UTF-16 LE with BOM, tab-separated, every field
double-quoted, all 37 columns, newlines and quotes inside some titles. About one
referring domain per 20 links (50,000 for 1M links) with a Zipf-like number of
links per domain, several links per page, a mix of legit kinds (news, niche
blogs, forums, directories, free-host blogs, small sites) and spam kinds (link
farms, PBNs, SEO-service domains, risky-topic sites, random cheap-TLD names),
with anchors, titles, URLs, dates and vendor metrics to match.

Each measurement runs in its own subprocess, so its wall time and peak memory
(``ru_maxrss`` from ``wait4``) are the child's alone:

* bare read: ``pandas.read_csv(path, encoding="utf-16", sep="\\t")``
* audit:     ``disavow audit FILE --site SITE --out TMPDIR --quiet``

Both times include starting Python and importing pandas. Sizes up to 1M are run
three times, alternating, and the best time of each counts (``--repeat`` to change).
Then ``disavow train``
is timed on about 200,000 labelled links made by ``training_data/generate.py``.

Run::

    .venv/bin/python bench/bench_audit.py                 # 100k, 1M, 5M + training
    .venv/bin/python bench/bench_audit.py --sizes 100k,1M --no-train
    .venv/bin/python bench/bench_audit.py --sizes 100k --train-links 20000

Generated files are cached in ``$TMPDIR/disavow-bench/`` (``--cache`` to change;
delete a file to regenerate it). Targets: audit <= 3x the bare read and peak
memory < 2 GB at 1M links, time growing about linearly with rows, training on
200k links < 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "training_data"))
# Ahrefs Site Explorer > Backlinks > Export, current layout (formats.md 3.1): the
# generator of the training data writes the same layout.
from generate import AHREFS_COLUMNS as HEADER  # noqa: E402

GENERATOR_VERSION = 3  # bump when the generated data changes: cached files are renamed
SITE = "fernbrookplumbing.co.uk"
BRAND = "Fernbrook Plumbing"
KEYWORDS = (
    "emergency plumber leeds", "boiler repair leeds", "boiler installation leeds",
    "blocked drains leeds", "plumber near me", "bathroom fitters leeds",
    "central heating repair", "leak detection leeds",
)
TARGETS_PER_SITE = 80
# The site's blog posts, as a plumber's blog names them: how-to slugs of four to six
# words. Short slugs made of the linking pages' own vocabulary would make almost
# every topical anchor a partial match of some target (the audit reads target slugs
# as the site's keywords), which no real profile shows.
_JOBS = ("bleed", "fix", "unblock", "insulate", "descale", "replace", "service", "drain")
_THINGS = ("a-radiator", "your-boiler", "a-kitchen-sink", "frozen-pipes", "a-dripping-tap",
           "an-outside-tap", "a-shower-pump", "the-hot-water-cylinder", "a-toilet-cistern")
BLOG_SLUGS = tuple(f"how-to-{job}-{thing}" for thing in _THINGS for job in _JOBS)


# --- vocabularies --------------------------------------------------------------------
CONTENT = (
    "home", "garden", "kitchen", "water", "heating", "energy", "boiler", "winter", "guide",
    "tips", "local", "family", "house", "renovation", "budget", "design", "ideas", "repair",
    "cost", "saving", "bills", "bathroom", "shower", "pipes", "leak", "damp", "roof",
    "insulation", "radiator", "plumbing", "council", "news", "community", "business",
    "review", "weekend", "market", "event", "school", "park", "street", "city", "county",
    "north", "yorkshire", "leeds", "festival", "charity", "history", "recipe", "travel",
    "season", "weather", "property", "landlord", "tenant", "advice", "checklist", "safety",
    "gas", "engineer", "trades", "builder", "project", "diy", "tools", "paint", "floor",
)
LEGIT_STEMS = (
    "garden", "homely", "daily", "local", "urban", "county", "weekly", "herald", "gazette",
    "journal", "living", "family", "kitchen", "craft", "green", "north", "river", "oak",
    "maple", "bright", "trades", "builder", "energy", "property", "makers", "harbour",
    "meadow", "stone", "cedar", "willow", "castle", "bridge", "lantern", "compass", "thistle",
    "heron", "copper", "amber", "linden", "birch",
)
SPAM_STEMS = (
    "seo", "links", "rank", "traffic", "backlink", "guestpost", "pbn", "boost", "authority",
    "index", "dofollow", "serp", "outrank", "linkpro", "webdir", "submit", "topsites",
    "bestlist", "freedir", "sitelist",
)
RISKY = (
    "casino", "slots", "poker", "betting", "pills", "pharmacy", "loans", "payday", "crypto",
    "forex", "essay", "replica", "escort", "cbd", "torrent", "apk",
)
SYLLABLES = tuple(c + v for c in "bcdfghklmnprstvwz" for v in "aeiou")  # 85 syllables
GENERIC = (
    "click here", "here", "website", "read more", "this site", "learn more", "source",
    "more info", "visit website", "homepage", "this article", "check it out",
)
LEGIT_TLDS = ("com", "co.uk", "org.uk", "org", "net", "uk", "co", "info", "blog", "io")
SPAM_TLDS = ("xyz", "top", "shop", "site", "online", "icu", "buzz", "click", "info", "ru",
             "tk", "pw", "space", "website", "com", "net")
FREE_HOSTS = ("blogspot.com", "wordpress.com", "weebly.com", "tumblr.com", "wixsite.com")
CATEGORIES = ("/Home & Garden", "/Business & Industrial", "/News", "/Arts & Entertainment",
              "/Online Communities", "/Reference", "/Games/Gambling", "/Health", "/Finance", "")
AUTHORS = ("", "", "", "admin", "Sarah Jones", "Tom Wright", "editor", "guest author",
           "J. Patel", "Megan Clarke")
ANCHOR_KINDS = ("branded", "naked", "generic", "exact", "partial", "topical", "risky", "image")


@dataclass(frozen=True)
class Kind:
    name: str
    share: float  # of referring domains
    spam: bool
    dr: tuple[int, int]
    log_traffic: tuple[float, float]  # log10 of monthly organic traffic
    tlds: tuple[str, ...]
    sections: tuple[str, ...]  # first path segments of its linking pages
    anchors: tuple[float, ...]  # weights over ANCHOR_KINDS
    nofollow: float
    is_spam: float  # Ahrefs "Is spam" rate
    link_weight: float  # multiplies the Zipf weight of links per domain
    external: tuple[int, int]  # outbound links per page
    platform: str
    page_type: str


KINDS = (
    Kind("news", 0.05, False, (45, 90), (3.5, 6.5), LEGIT_TLDS, ("news", "local", "business"),
         (0.45, 0.15, 0.05, 0.02, 0.03, 0.3, 0.0, 0.0), 0.35, 0.0, 0.5, (20, 90), "", "article"),
    Kind("niche_blog", 0.22, False, (10, 55), (1.5, 4.5), LEGIT_TLDS,
         ("blog", "2024", "2025", "guides", "tips"),
         (0.3, 0.1, 0.1, 0.05, 0.1, 0.35, 0.0, 0.0), 0.15, 0.0, 1.0, (5, 60), "wordpress",
         "article"),
    Kind("forum", 0.07, False, (15, 60), (2.0, 5.0), LEGIT_TLDS,
         ("forum", "forums/topic", "showthread.php", "community/t"),
         (0.2, 0.35, 0.1, 0.0, 0.05, 0.3, 0.0, 0.0), 0.6, 0.0, 2.0, (10, 120), "forums",
         "forum"),
    Kind("directory", 0.07, False, (5, 40), (0.5, 3.0), LEGIT_TLDS,
         ("directory", "listing", "business/category"),
         (0.6, 0.3, 0.05, 0.0, 0.0, 0.05, 0.0, 0.0), 0.2, 0.02, 0.5, (40, 200), "",
         "directory"),
    Kind("small_site", 0.16, False, (0, 30), (0.0, 2.5), LEGIT_TLDS, ("about", "links", "blog"),
         (0.4, 0.2, 0.15, 0.0, 0.05, 0.2, 0.0, 0.0), 0.1, 0.0, 0.7, (3, 40), "", "article"),
    Kind("free_host_blog", 0.04, False, (0, 20), (0.0, 2.0), FREE_HOSTS, ("2023", "2024", "p"),
         (0.3, 0.2, 0.1, 0.0, 0.1, 0.3, 0.0, 0.0), 0.3, 0.01, 0.6, (3, 30), "blogs", "article"),
    Kind("link_farm", 0.1, True, (0, 25), (0.0, 1.0), SPAM_TLDS,
         ("links", "links.html", "web-directory", "submit", "category"),
         (0.05, 0.05, 0.05, 0.45, 0.25, 0.05, 0.1, 0.0), 0.02, 0.4, 3.0, (150, 900), "",
         "directory"),
    Kind("pbn", 0.07, True, (25, 60), (0.0, 1.2), LEGIT_TLDS + ("xyz", "site"),
         ("2019", "2020", "blog", "guides"),
         (0.05, 0.0, 0.05, 0.55, 0.3, 0.05, 0.0, 0.0), 0.0, 0.2, 1.0, (10, 60), "wordpress",
         "article"),
    Kind("seo_service", 0.06, True, (0, 35), (0.0, 1.5), SPAM_TLDS,
         ("seo-stats", "site", "domain", "website", "whois"),
         (0.1, 0.6, 0.0, 0.1, 0.1, 0.0, 0.1, 0.0), 0.05, 0.5, 1.5, (100, 500), "", "other"),
    Kind("risky_topic", 0.07, True, (0, 40), (0.0, 3.0), SPAM_TLDS + ("com",),
         ("blog", "news", "review", "bonus"),
         (0.05, 0.05, 0.05, 0.2, 0.2, 0.1, 0.35, 0.0), 0.05, 0.45, 1.5, (50, 400), "",
         "article"),
    Kind("gibberish", 0.09, True, (0, 15), (0.0, 0.7), SPAM_TLDS,
         ("p", "index.php", "go", "out", "page"),
         (0.05, 0.1, 0.05, 0.35, 0.2, 0.05, 0.2, 0.0), 0.05, 0.6, 1.2, (100, 1000), "",
         "other"),
    Kind("image_sitewide", 0.02, False, (10, 50), (1.0, 4.0), LEGIT_TLDS, ("",),
         (0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9), 0.1, 0.0, 2.5, (10, 60), "wordpress",
         "homepage"),
)


def _syllable_name(index: np.ndarray, n_syllables: int) -> np.ndarray:
    """A pronounceable, distinct token per index: no digits, so no fake name families."""
    out = np.full(len(index), "", dtype=object)
    rest = index.astype(np.int64)
    syl = np.array(SYLLABLES, dtype=object)
    for _ in range(n_syllables):
        out = out + syl[rest % len(SYLLABLES)]
        rest = rest // len(SYLLABLES)
    return out


def _pick(rng: np.random.Generator, vocab: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(vocab, dtype=object)[rng.integers(0, len(vocab), size=n)]


def _words(rng: np.random.Generator, n: int, k: int, vocab: tuple[str, ...] = CONTENT,
           sep: str = " ") -> np.ndarray:
    out = _pick(rng, vocab, n)
    for _ in range(k - 1):
        out = out + sep + _pick(rng, vocab, n)
    return out


def _hash_pick(key: np.ndarray, salt: int, vocab: tuple[str, ...]) -> np.ndarray:
    """A word chosen deterministically from ``key`` (so a page keeps its title)."""
    index = (_hash_unit(key, salt) * len(vocab)).astype(np.int64)
    return np.array(vocab, dtype=object)[index]


def _hash_unit(key: np.ndarray, salt: int) -> np.ndarray:
    """A number in [0, 1) fixed by ``key`` (so a page keeps its metrics)."""
    x = key.astype(np.uint64) + np.uint64(salt * 0x9E3779B97F4A7C15 % (1 << 64))  # splitmix64
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((x ^ (x >> np.uint64(31))) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _hash_int(key: np.ndarray, salt: int, lo: int, hi: int) -> np.ndarray:
    """An integer in [lo, hi) fixed by ``key``."""
    return lo + (_hash_unit(key, salt) * (hi - lo)).astype(np.int64)


def _text(values: np.ndarray) -> np.ndarray:
    return values.astype(str).astype(object)


@dataclass
class Domains:
    kind: np.ndarray  # index into KINDS
    host: np.ndarray
    dr: np.ndarray
    traffic: np.ndarray
    is_spam: np.ndarray
    language: np.ndarray
    first_day: np.ndarray  # days after 2019-01-01
    n_links: np.ndarray
    n_pages: np.ndarray


def make_domains(rng: np.random.Generator, n_domains: int, rows: int) -> tuple[Domains, np.ndarray]:
    shares = np.array([k.share for k in KINDS])
    kind = rng.choice(len(KINDS), size=n_domains, p=shares / shares.sum())
    idx = np.arange(n_domains)
    n_syl = max(2, int(np.ceil(np.log(n_domains + 1) / np.log(len(SYLLABLES)))) + 1)
    # 7919 is coprime with 85 ** n_syl: a bijection, so every token is distinct.
    token = _syllable_name((idx * 7919 + 13) % len(SYLLABLES) ** n_syl, n_syl)
    host = np.empty(n_domains, dtype=object)
    for k, spec in enumerate(KINDS):
        sel = np.flatnonzero(kind == k)
        if not len(sel):
            continue
        n = len(sel)
        tld = _pick(rng, spec.tlds, n)
        if spec.name == "free_host_blog":
            host[sel] = _pick(rng, LEGIT_STEMS, n) + token[sel] + "." + tld
        elif spec.name in ("link_farm", "seo_service"):
            host[sel] = _pick(rng, SPAM_STEMS, n) + np.where(rng.random(n) < 0.5, "-", "") \
                + token[sel] + "." + tld
        elif spec.name == "risky_topic":
            host[sel] = _pick(rng, RISKY, n) + _pick(rng, ("", "-", "online", "best"), n) \
                + token[sel] + "." + tld
        elif spec.name == "gibberish":
            letters = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"), dtype=object)
            junk = letters[rng.integers(0, len(letters), size=n)]
            for _ in range(5):
                junk = junk + letters[rng.integers(0, len(letters), size=n)]
            host[sel] = junk + token[sel] + "." + tld
        else:
            host[sel] = _pick(rng, LEGIT_STEMS, n) + np.where(rng.random(n) < 0.3, "-", "") \
                + token[sel] + "." + tld
    # Some numbered spam families, as real profiles have (bhs-links-1.xyz, bhs-links-2.xyz...).
    spam = np.array([KINDS[k].spam for k in kind])
    family = spam & (rng.random(n_domains) < 0.05)
    fam_ids = rng.integers(0, max(1, n_domains // 400), size=n_domains)
    host[family] = ("net" + _syllable_name(fam_ids[family], 2) + "-links-"
                    + _text(idx[family]) + ".xyz")
    www = (rng.random(n_domains) < 0.45) & ~np.isin(kind, [5])
    host = np.where(www, "www." + host, host)

    lo = np.array([KINDS[k].dr[0] for k in kind])
    hi = np.array([KINDS[k].dr[1] for k in kind])
    dr = rng.integers(lo, hi + 1)
    tlo = np.array([KINDS[k].log_traffic[0] for k in kind])
    thi = np.array([KINDS[k].log_traffic[1] for k in kind])
    traffic = np.floor(10 ** rng.uniform(tlo, thi) - 1).astype(np.int64)
    is_spam = rng.random(n_domains) < np.array([KINDS[k].is_spam for k in kind])
    language = np.where(spam & (rng.random(n_domains) < 0.3),
                        _pick(rng, ("ru", "de", "fr", "id", "pt"), n_domains),
                        np.where(rng.random(n_domains) < 0.05, "", "en"))
    first_day = rng.integers(0, 7 * 365 - 120, size=n_domains)
    burst = spam & (rng.random(n_domains) < 0.25)  # a negative-SEO burst
    first_day[burst] = 6 * 365 + rng.integers(0, 14, size=int(burst.sum()))

    # Zipf-like links per domain, heavier for sitewide kinds.
    weights = 1.0 / (rng.permutation(n_domains) + 1.0) ** 1.05
    weights *= np.array([KINDS[k].link_weight for k in kind])
    weights /= weights.sum()
    dom_idx = rng.choice(n_domains, size=rows, p=weights)
    n_links = np.bincount(dom_idx, minlength=n_domains)
    n_pages = np.maximum(1, np.ceil(n_links * rng.uniform(0.3, 0.9, size=n_domains))).astype(int)
    return Domains(kind, host, dr, traffic, is_spam, language, first_day, n_links,
                   n_pages), dom_idx


def make_rows(rng: np.random.Generator, dom: Domains, d: np.ndarray) -> list[np.ndarray]:
    """The 37 columns (object arrays of text) for the links whose domains are ``d``."""
    n = len(d)
    kind = dom.kind[d]
    page = rng.integers(0, dom.n_pages[d])
    page_key = d.astype(np.int64) * 100_003 + page
    host = dom.host[d]
    section = np.empty(n, dtype=object)
    for k, spec in enumerate(KINDS):
        sel = kind == k
        if sel.any():
            section[sel] = _hash_pick(page_key[sel], 9, spec.sections)  # per page
    slug = _hash_pick(page_key, 1, CONTENT) + "-" + _hash_pick(page_key, 2, CONTENT) + "-" \
        + _hash_pick(page_key, 3, CONTENT)
    url = "https://" + host + "/" + section + "/" + slug + "-" + _text(page) + "/"
    url = np.where(section == "", "https://" + host + "/", url)
    member = rng.random(n) < 0.04
    url[member] = "https://" + host[member] + "/members/" + _hash_pick(page_key[member], 4,
                                                                          CONTENT) \
        + _text(page[member]) + "/"
    comment = rng.random(n) < 0.03
    url[comment] = url[comment] + "?replytocom=" + _text(rng.integers(100, 99999,
                                                                      int(comment.sum())))
    title = (_hash_pick(page_key, 5, CONTENT) + " " + _hash_pick(page_key, 6, CONTENT) + " "
             + _hash_pick(page_key, 7, CONTENT) + " | " + host)
    title = np.where(np.isin(kind, [9]), _hash_pick(page_key, 8, RISKY) + " " + title, title)
    title = title.astype(object)
    odd = rng.random(n)
    title[odd < 0.01] = title[odd < 0.01] + "\n" + "continued title"
    quote = (odd >= 0.01) & (odd < 0.02)
    title[quote] = 'Review: ""' + title[quote] + '""'

    # Anchors by kind.
    anchor = np.empty(n, dtype=object)
    akind = np.empty(n, dtype=np.int64)
    for k, spec in enumerate(KINDS):
        sel = np.flatnonzero(kind == k)
        if len(sel):
            p = np.array(spec.anchors) / sum(spec.anchors)
            akind[sel] = rng.choice(len(ANCHOR_KINDS), size=len(sel), p=p)
    branded = (BRAND, BRAND.lower(), SITE, "Fernbrook", f"{BRAND} Leeds", f"www.{SITE}")
    fill = {
        "branded": lambda m: _pick(rng, branded, m),
        "naked": lambda m: _pick(rng, (f"https://www.{SITE}/", f"https://{SITE}",
                                       f"{SITE}/boiler-repair-leeds/"), m),
        "generic": lambda m: _pick(rng, GENERIC, m),
        "exact": lambda m: _pick(rng, KEYWORDS, m),
        "partial": lambda m: _pick(rng, ("best", "cheap", "local", "24 hour", "affordable"), m)
        + " " + _pick(rng, KEYWORDS, m),
        "topical": lambda m: _words(rng, m, 4),
        "risky": lambda m: _pick(rng, ("buy", "online", "best", "free", "cheap"), m) + " "
        + _pick(rng, RISKY, m) + " " + _pick(rng, ("bonus", "deals", "uk", "now", "sites"), m),
        "image": lambda m: np.full(m, "", dtype=object),
    }
    for a, name in enumerate(ANCHOR_KINDS):
        sel = akind == a
        if sel.any():
            anchor[sel] = fill[name](int(sel.sum()))
    image = akind == ANCHOR_KINDS.index("image")

    targets = np.array(
        [f"https://www.{SITE}/"] + [f"https://www.{SITE}/{k.replace(' ', '-')}/" for k in KEYWORDS]
        + [f"https://www.{SITE}/blog/{slug}/"
           for slug in BLOG_SLUGS[:TARGETS_PER_SITE - len(KEYWORDS) - 1]], dtype=object)
    target = targets[np.minimum(rng.zipf(1.6, size=n) - 1, len(targets) - 1)]

    nofollow = _hash_unit(page_key, 21) < np.array([k.nofollow for k in KINDS])[kind]
    ugc = (~nofollow) & (_hash_unit(page_key, 22) < 0.03)
    sponsored = (~nofollow) & (_hash_unit(page_key, 23) < 0.02)
    content = rng.random(n) < 0.6
    redirect = rng.random(n) < 0.02
    link_type = np.where(image, "image", np.where(content, "text, content", "text")).astype(object)
    link_type[redirect] = "redirect"
    chain = np.where(redirect, "https://" + host + "/go/" + _text(page), "").astype(object)
    chain_codes = np.where(redirect, "301", "")

    start = np.datetime64("2019-01-01T00:00:00")
    first = start + (dom.first_day[d] * 86400 + rng.integers(0, 120 * 86400, size=n)).astype(
        "timedelta64[s]")
    last = first + rng.integers(86400, 300 * 86400, size=n).astype("timedelta64[s]")
    lost = rng.random(n) < 0.1
    first_s = np.char.replace(np.datetime_as_string(first), "T", " ").astype(object)
    last_s = np.char.replace(np.datetime_as_string(last), "T", " ").astype(object)
    lost_s = np.where(lost, last_s, "").astype(object)
    lost_status = np.where(lost, "lost", "")
    drop = np.where(lost, _pick(rng, ("link removed", "page removed", "noindex",
                                      "redirected"), n), "")
    discovered = np.where(rng.random(n) < 0.05, "new", "")

    # Page metrics belong to the linking page: every link on a page repeats them.
    ur = np.clip(dom.dr[d] // 3 + _hash_int(page_key, 10, -5, 15), 0, 100)
    template = _hash_int(d.astype(np.int64), 11, 0, 1 << 20)  # the site's page template
    lo = np.array([k.external[0] for k in KINDS])[kind]
    hi = np.array([k.external[1] for k in KINDS])[kind]
    external = lo + template % (hi - lo + 1) + _hash_int(page_key, 12, 0, 6)
    linked = np.maximum(1, external // (1 + template % 3))
    page_traffic = (dom.traffic[d] * _hash_unit(page_key, 13) ** 4 * 0.05).astype(np.int64)
    keywords = (page_traffic // (2 + template % 20)).astype(np.int64)
    page_rd = _hash_int(page_key, 14, 0, 40) * (_hash_unit(page_key, 15) < 0.3)
    odd_status = _hash_pick(page_key, 17, ("404", "301", "500"))
    http = np.where(_hash_unit(page_key, 16) < 0.02, odd_status, "200")
    platform = np.array([KINDS[k].platform for k in kind], dtype=object)
    page_type = np.array([KINDS[k].page_type for k in kind], dtype=object)
    page_type[member] = "profile"
    left = _words(rng, n, 5)
    right = _words(rng, n, 5)
    tf = np.array(["false", "true"], dtype=object)
    return [
        title, url, dom.language[d], platform, http, _text(dom.dr[d]), _text(ur),
        _text(dom.traffic[d]), _text(page_rd), _text(linked),
        _text(external), _text(page_traffic), _text(keywords), target, left, anchor, right,
        chain, chain_codes, link_type, tf[dom.is_spam[d].astype(int)], tf[content.astype(int)],
        tf[nofollow.astype(int)], tf[ugc.astype(int)], tf[sponsored.astype(int)],
        np.full(n, "true", dtype=object), tf[(rng.random(n) < 0.9).astype(int)], lost_status,
        drop, discovered, first_s, last_s, lost_s, _hash_pick(page_key, 18, AUTHORS), page_type,
        _hash_pick(d.astype(np.int64), 19, CATEGORIES), _text(_hash_int(page_key, 20, 1, 40)),
    ]


def generate(path: Path, rows: int, seed: int = 11, chunk: int = 100_000) -> None:
    """Write a ``rows``-link Ahrefs export to ``path`` (atomically, in chunks)."""
    rng = np.random.default_rng([seed, rows])
    n_domains = max(200, rows // 20)
    dom, dom_idx = make_domains(rng, n_domains, rows)
    # Ahrefs sorts by domain rating; a stable sort keeps the file realistic.
    dom_idx = dom_idx[np.argsort(-dom.dr[dom_idx], kind="stable")]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-16-le", newline="") as out:
        out.write("\ufeff" + "\t".join(f'"{h}"' for h in HEADER) + "\r\n")
        for number, begin in enumerate(range(0, rows, chunk)):
            part = dom_idx[begin:begin + chunk]
            cols = make_rows(np.random.default_rng([seed, rows, number]), dom, part)
            lines = ['"' + '"\t"'.join(fields) + '"\r\n' for fields in zip(*cols, strict=True)]
            out.write("".join(lines))
    tmp.replace(path)


# --- measuring -----------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def measure(cmd: list[str], timeout: float, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` as a child; wall time and that child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd,
                                env=None if env is None else {**os.environ, **env})
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                status = -9
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = 0  # reaped by wait4 above; stop Popen from waiting again
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status) if status != -9 else -9
        return Run(seconds, usage.ru_maxrss / 1024, code,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


BARE_READ = (
    "import sys, pandas as pd\n"
    "frame = pd.read_csv(sys.argv[1], encoding='utf-16', sep='\\t')\n"
    "print(len(frame))\n"
)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    return int(float(text) * factor)


def human(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return f"{n:,}"


def machine() -> dict[str, str]:
    import pandas
    import sklearn

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 ** 2:.0f} GB"
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu, "cores": str(cores), "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "pandas": pandas.__version__,
        "numpy": np.__version__, "scikit-learn": sklearn.__version__,
    }


def bench_size(rows: int, cache: Path, work: Path, repeat: int, timeout: float) -> dict:
    path = cache / f"ahrefs_backlinks_v{GENERATOR_VERSION}_{rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        print(f"generating {path.name} ...", flush=True)
        generate(path, rows)
        print(f"  {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - start:.0f} s",
              flush=True)
    bare_runs, audit_runs = [], []
    summary: dict = {}
    for attempt in range(repeat):  # alternate, so a noisy neighbour hits both alike
        bare = measure([sys.executable, "-c", BARE_READ, str(path)], timeout)
        if bare.returncode != 0:
            print(f"  bare read failed ({bare.returncode}): {bare.stderr[-500:]}")
        bare_runs.append(bare)
        out_dir = work / f"audit-{rows}-{attempt}"
        audit = measure([sys.executable, "-m", "disavow", "audit", str(path), "--site", SITE,
                         "--out", str(out_dir), "--quiet"], timeout, cwd=REPO)
        if audit.returncode not in (0,):
            print(f"  audit failed ({audit.returncode}): {audit.stderr[-2000:]}")
        elif (out_dir / "summary.json").exists():
            summary = json.loads((out_dir / "summary.json").read_text())
        audit_runs.append(audit)
        shutil.rmtree(out_dir, ignore_errors=True)
        print(f"  {human(rows)} run {attempt + 1}: bare {bare.seconds:.1f} s "
              f"({bare.max_rss_mb:,.0f} MB), audit {audit.seconds:.1f} s "
              f"({audit.max_rss_mb:,.0f} MB)", flush=True)
    bare = min(bare_runs, key=lambda r: r.seconds)
    audit = min(audit_runs, key=lambda r: r.seconds)
    counts = summary.get("counts", {})
    return {
        "rows": rows, "file_mb": path.stat().st_size / 1e6, "bare_s": bare.seconds,
        "bare_rss_mb": bare.max_rss_mb, "audit_s": audit.seconds,
        "audit_rss_mb": max(r.max_rss_mb for r in audit_runs),
        "ok": all(r.returncode == 0 for r in audit_runs + bare_runs),
        "domains": counts.get("domains"), "links": counts.get("links"),
        "disavow_lines": summary.get("disavow_file", {}).get("lines"),
    }


def bench_train(target_links: int, cache: Path, work: Path, timeout: float) -> dict:
    """``disavow train`` on about ``target_links`` labelled links (one file per site)."""
    per_site = 1100  # a little less than generate.py makes per site (about 1,160 links)
    n_sites = max(1, -(-target_links // per_site))
    folder = cache / f"train-sites{n_sites}-seed99"
    manifest = folder / "manifest.json"
    if not manifest.exists():
        print(f"generating {n_sites} labelled sites ...", flush=True)
        subprocess.run([sys.executable, str(REPO / "training_data" / "generate.py"), "--sites",
                        str(n_sites), "--seed", "99", "--out", str(folder)], check=True,
                       stdout=subprocess.DEVNULL)
    meta = json.loads(manifest.read_text())
    files, links = [], 0
    for site in meta["sites"]:  # one link export per site (one profile per file)
        if links >= target_links:
            break
        for export in site["exports"]:
            if export["level"] == "link":
                files.append(str(folder / export["path"]))
                links += int(export["rows"])
    out_dir = work / "train-model"
    run = measure([sys.executable, "-m", "disavow", "train", *files, "--out", str(out_dir),
                   "--quiet", "--force"], timeout, cwd=REPO,
                  # disavow train records the new model as trusted: not in the user's store
                  env={"XDG_CONFIG_HOME": str(work / "config")})
    if run.returncode != 0:
        print(f"  train failed ({run.returncode}): {run.stderr[-2000:]}")
    shutil.rmtree(out_dir, ignore_errors=True)
    return {"links": links, "files": len(files), "seconds": run.seconds,
            "rss_mb": run.max_rss_mb, "ok": run.returncode == 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M,5M",
                        help="comma-separated link counts (default 100k,1M,5M)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per size; the best counts (default 3 up to 1M links, "
                             "then 1: the bare read alone varies by a third between runs)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds before one run is stopped (default 3600)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "disavow-bench",
                        help="where generated exports are cached (default $TMPDIR/disavow-bench)")
    parser.add_argument("--train-links", type=int, default=200_000,
                        help="labelled links for the training benchmark (default 200000)")
    parser.add_argument("--no-train", action="store_true", help="skip the training benchmark")
    parser.add_argument("--generate-only", action="store_true",
                        help="only generate (and cache) the exports")
    args = parser.parse_args()
    sizes = [parse_size(x) for x in args.sizes.split(",") if x.strip()]
    args.cache.mkdir(parents=True, exist_ok=True)

    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    if args.generate_only:
        for rows in sizes:
            path = args.cache / f"ahrefs_backlinks_v{GENERATOR_VERSION}_{rows}.csv"
            if not path.exists():
                generate(path, rows)
            print(f"{path} ({path.stat().st_size / 1e6:,.0f} MB)")
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="disavow-bench-") as tmp:
        work = Path(tmp)
        for rows in sizes:
            repeat = args.repeat or (3 if rows <= 1_000_000 else 1)
            results.append(bench_size(rows, args.cache, work, repeat, args.timeout))
        train = None if args.no_train else bench_train(args.train_links, args.cache, work,
                                                       args.timeout)

    print()
    print("| links | file | domains | bare read_csv | audit | ratio | audit peak RSS "
          "| read_csv peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        flag = "" if r["ok"] else " (failed)"
        print(f"| {human(r['rows'])} | {r['file_mb']:,.0f} MB | {r['domains'] or 0:,} "
              f"| {r['bare_s']:.1f} s | {r['audit_s']:.1f} s{flag} "
              f"| {r['audit_s'] / r['bare_s']:.2f}x | {r['audit_rss_mb'] / 1024:.2f} GB "
              f"| {r['bare_rss_mb'] / 1024:.2f} GB |")
    if len(results) > 1:
        print()
        for a, b in zip(results, results[1:], strict=False):
            rows_x = b["rows"] / a["rows"]
            print(f"growth {human(a['rows'])} -> {human(b['rows'])} (x{rows_x:.0f} rows): "
                  f"audit time x{b['audit_s'] / a['audit_s']:.1f}, "
                  f"bare read x{b['bare_s'] / a['bare_s']:.1f}, "
                  f"audit peak RSS x{b['audit_rss_mb'] / a['audit_rss_mb']:.1f}")
    if train is not None:
        print()
        flag = "" if train["ok"] else " (failed)"
        print(f"training: disavow train on {train['links']:,} labelled links "
              f"({train['files']} sites): {train['seconds']:.0f} s{flag}, "
              f"peak RSS {train['rss_mb'] / 1024:.2f} GB (target < 120 s)")
    one_m = next((r for r in results if r["rows"] == 1_000_000), None)
    if one_m is not None:
        print(f"targets at 1M: ratio {one_m['audit_s'] / one_m['bare_s']:.2f}x (<= 3x), "
              f"peak RSS {one_m['audit_rss_mb'] / 1024:.2f} GB (< 2 GB)")


if __name__ == "__main__":
    main()
