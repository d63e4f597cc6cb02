"""Derive topical n-gram lexicons for domain names from category lists.

Reads the category lists in ../shared/data/topics/ (from the Université
Toulouse Capitole blacklists, CC BY-SA 4.0) and writes, per risky category,
the character n-grams that are much more frequent in that category's domain
names than in the other categories' names. Only these aggregate figures
(n-gram, log-odds) are committed, in disavow/data/topic_ngrams.json, with
the source named; no list is copied.

Usage: python training_data/build_lexicons.py [--topics ../shared/data/topics]
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Category -> list files. Others serve as the contrast (background).
CATEGORIES = {
    "gambling": ["gambling"],
    "adult": ["dating", "mixed_adult"],
    "drugs": ["drogue"],
    "warez": ["warez", "hacking"],
    "ads": ["publicite", "marketingware"],
}
BACKGROUND_ONLY = ["blog", "fakenews", "financial", "shortener", "dangerous_material"]
SIZES = (4, 5, 6)
MIN_SHARE = 0.004  # an n-gram must appear in at least 0.4% of the category's names
MIN_LOG_ODDS = 1.5
KEEP = 150


def names(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        host = line.strip().lower()
        if not host or host.startswith("#"):
            continue
        label = host.split(".")[0] if host.count(".") <= 1 else host.split(".")[-2]
        label = re.sub(r"[^a-z]", "", label)
        if len(label) >= 4:
            out.append(label)
    return out


def grams(label: str) -> set[str]:
    return {label[i:i + n] for n in SIZES for i in range(len(label) - n + 1)}


def document_frequency(labels: list[str]) -> Counter:
    counts: Counter = Counter()
    for label in labels:
        counts.update(grams(label))
    return counts


def build(topics: Path) -> dict:
    lists = {p.stem: names(p) for p in sorted(topics.glob("*.domains"))}
    result = {}
    for category, files in CATEGORIES.items():
        inside = [n for f in files for n in lists.get(f, [])]
        outside = [n for f, ns in lists.items() if f not in files for n in ns]
        if not inside or not outside:
            continue
        df_in, df_out = document_frequency(inside), document_frequency(outside)
        scored = {}
        for gram, count in df_in.items():
            share_in = count / len(inside)
            if share_in < MIN_SHARE:
                continue
            share_out = (df_out.get(gram, 0) + 1) / (len(outside) + 2)
            log_odds = math.log(share_in / share_out)
            if log_odds >= MIN_LOG_ODDS:
                scored[gram] = round(log_odds, 3)
        top = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:KEEP]
        result[category] = dict(sorted(top))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=Path, default=REPO.parent / "shared" / "data" / "topics")
    parser.add_argument("--out", type=Path, default=REPO / "disavow" / "data" / "topic_ngrams.json")
    args = parser.parse_args()
    lexicons = build(args.topics)
    payload = {
        "source": "Université Toulouse Capitole blacklists (category lists), CC BY-SA 4.0, via "
                  "../shared/data/topics; only derived n-gram log-odds are stored here",
        "method": "character 4-6-grams of domain labels: log of the share of the category's "
                  f"names containing the n-gram over the share among other categories' names; "
                  f"kept when share >= {MIN_SHARE} and log-odds >= {MIN_LOG_ODDS}, top {KEEP}",
        "categories": lexicons,
    }
    args.out.write_text(json.dumps(payload, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    for category, table in lexicons.items():
        print(f"{category:10s} {len(table):4d} n-grams, e.g. {', '.join(list(table)[:8])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
