"""Benchmark: ``read_exports`` against a bare ``pandas.read_csv`` on a large Ahrefs export.

Generates (once, seeded) a 1,000,000-row Ahrefs "Backlinks" export in the real
dialect: UTF-16 LE with BOM, tab-separated, every field double-quoted, newlines
inside some titles, 24 columns. About 50,000 referring
domains with a Zipf-like number of links per domain, several links per page.

Run::

    .venv/bin/python bench/bench_read.py            # 1,000,000 rows
    .venv/bin/python bench/bench_read.py --rows 200000

The file (about 700 MB) is cached in ``$TMPDIR/disavow-bench/`` (``--out`` to
change; delete it to regenerate). The two reads alternate ``--repeat`` times and
the best time of each is compared; the URL caches are cleared before every run.
The requirement is ``read_exports`` <= 2x the bare read.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from disavow.normalize import read_exports  # noqa: E402
from disavow.urls import host_info, parse_url  # noqa: E402

HEADER = [
    "Referring page title", "Referring page URL", "Language", "Platform",
    "Referring page HTTP code", "Domain rating", "UR", "Domain traffic",
    "Referring domains", "Linked domains", "External links", "Page traffic", "Keywords",
    "Target URL", "Left context", "Anchor", "Right context", "Type", "Nofollow", "UGC",
    "Sponsored", "First seen", "Last seen", "Lost",
]
WORDS = [
    "best", "cheap", "seo", "backlinks", "casino", "loans", "guide", "review", "top", "free",
    "online", "news", "blog", "how", "to", "make", "money", "crypto", "health", "tips", "buy",
    "shop", "local", "service", "directory", "article", "post", "world",
]
TLDS = np.array(["com", "net", "org", "info", "xyz", "ru", "de", "co.uk", "shop", "site", "io"])


def _words(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    vocab = np.array(WORDS)
    picks = vocab[rng.integers(0, len(vocab), size=(n, k))]
    return np.array([" ".join(row) for row in picks], dtype=object)


def generate(path: Path, rows: int, n_domains: int = 50_000, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    # Zipf-like links per referring domain: a few domains carry most links.
    weights = 1.0 / np.arange(1, n_domains + 1) ** 1.1
    weights /= weights.sum()
    dom_idx = rng.choice(n_domains, size=rows, p=weights)
    tld = TLDS[rng.integers(0, len(TLDS), size=n_domains)]
    names = np.array(
        [f"{WORDS[i % len(WORDS)]}-{WORDS[i * 7 % len(WORDS)]}{i}.{t}" for i, t in enumerate(tld)],
        dtype=object,
    )
    www = rng.random(n_domains) < 0.5
    hosts = np.where(www, "www." + names, names)
    # Several links per page: a domain with k links has about k pages.
    links_per_domain = np.bincount(dom_idx, minlength=n_domains)
    page = rng.integers(0, np.maximum(1, links_per_domain[dom_idx]))
    urls = [
        f"https://{hosts[d]}/{WORDS[p % len(WORDS)]}/post-{p}.html"
        for d, p in zip(dom_idx, page, strict=True)
    ]
    titles = _words(rng, rows, 6)
    nl = rng.random(rows) < 0.02
    titles[nl] = titles[nl] + "\n\t" + "continued title"
    dr = rng.integers(0, 95, size=rows)
    ur = rng.integers(0, 60, size=rows)
    traffic = (rng.pareto(1.2, size=rows) * 50).astype(int)
    anchors = _words(rng, rows, 3)
    left = _words(rng, rows, 5)
    right = _words(rng, rows, 5)
    nofollow = np.where(rng.random(rows) < 0.3, "true", "false")
    ugc = np.where(rng.random(rows) < 0.05, "true", "false")
    spons = np.where(rng.random(rows) < 0.02, "true", "false")
    base = np.datetime64("2021-01-01T00:00:00")
    first = base + rng.integers(0, 3 * 365 * 86400, size=rows).astype("timedelta64[s]")
    last = first + rng.integers(0, 365 * 86400, size=rows).astype("timedelta64[s]")
    first_s = np.datetime_as_string(first).astype(object)
    last_s = np.datetime_as_string(last).astype(object)
    lost = np.where(rng.random(rows) < 0.1, last_s, "")
    langs = np.array(["en", "de", "ru", "fr", ""])[rng.integers(0, 5, size=rows)]
    platforms = np.array(["wordpress", "blogs", "", "forums"])[rng.integers(0, 4, size=rows)]
    types = np.array(["text", "text, content", "image", "redirect"])[rng.integers(0, 4, size=rows)]
    targets = np.array([f"https://www.example.com/page-{i}" for i in range(50)])[
        rng.integers(0, 50, size=rows)
    ]
    cols = [
        titles, urls, langs, platforms, np.full(rows, "200"), dr, ur, traffic,
        rng.integers(0, 500, size=rows), rng.integers(1, 300, size=rows),
        rng.integers(1, 400, size=rows), traffic // 10, rng.integers(0, 900, size=rows),
        targets, left, anchors, right, types, nofollow, ugc, spons,
        [s.replace("T", " ") for s in first_s], [s.replace("T", " ") for s in last_s],
        [s.replace("T", " ") for s in lost],
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-16", newline="") as out:
        out.write("\t".join(f'"{h}"' for h in HEADER) + "\r\n")
        chunk = 50_000
        for start in range(0, rows, chunk):
            stop = min(rows, start + chunk)
            lines = [
                "\t".join(f'"{col[i]}"' for col in cols) + "\r\n" for i in range(start, stop)
            ]
            out.write("".join(lines))
    tmp.replace(path)


def timed(fn) -> tuple[float, object]:
    parse_url.cache_clear()  # every run of ours starts cold: no help from an earlier run
    host_info.cache_clear()
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "disavow-bench",
                        help="where the generated export is cached (default: a temp folder)")
    args = parser.parse_args()
    path = args.out / f"ahrefs_backlinks_{args.rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - start:.1f}s")
    bare_times, ours_times = [], []
    n_bare = n_ours = 0
    for _ in range(args.repeat):  # alternate, so a noisy neighbour hits both alike
        seconds, bare = timed(lambda: pd.read_csv(path, encoding="utf-16", sep="\t"))
        bare_times.append(seconds)
        n_bare = len(bare)
        del bare
        seconds, result = timed(lambda: read_exports([path]))
        ours_times.append(seconds)
        n_ours = len(result.links)
        del result
    bare_s, ours_s = min(bare_times), min(ours_times)
    print("runs (bare / ours): " + ", ".join(
        f"{b:.2f}/{o:.2f}" for b, o in zip(bare_times, ours_times, strict=True)))
    print(f"rows: bare={n_bare:,} ours={n_ours:,}")
    print(f"bare pandas.read_csv: {bare_s:.2f}s")
    print(f"read_exports:         {ours_s:.2f}s")
    print(f"ratio:                {ours_s / bare_s:.2f}x (requirement: <= 2.00x)")


if __name__ == "__main__":
    main()
