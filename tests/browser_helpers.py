"""Test data and headless-Chromium helpers for the report tests.

``fake_inputs`` builds a realistic ``summary`` dict and ``domains``/``links``
frames (a few hundred domains, some with hostile strings) so the report tests
never depend on the rest of the pipeline. ``open_chromium`` starts Debian's
Chromium through Playwright with every outbound route closed.

Run it as a script to write a demo page and a screenshot of it::

    .venv/bin/python tests/browser_helpers.py /tmp/report.html /tmp/report.png
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Strings an attacker controls (anchors, page titles, URLs, even domains in a
#: hand-edited export). Each tries to become markup or script; ``__pwned`` is
#: what the browser test looks for.
HOSTILE = (
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload="window.__pwned=3">',
    "<iframe src=\"https://evil.example/\"></iframe>",
    "javascript:window.__pwned=4",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "line\u2028separator\u2029paragraph <!-- comment",
)
HOSTILE_URLS = (
    "javascript:window.__pwned=5",
    "http://evil.example/<script>window.__pwned=6</script>",
    "data:text/html,<script>window.__pwned=7</script>",
    "https://evil.example/a?x=\"><img src=x onerror=window.__pwned=8>",
)

SPAM_WORDS = ("casino", "seo-links", "cheap-pills", "loans", "bet", "crypto", "backlinks", "porn")
GOOD_WORDS = ("news", "blog", "travel", "garden", "city", "tech", "food", "school")
SPAM_TLDS = ("xyz", "top", "ru", "info", "click", "shop", "site")
GOOD_TLDS = ("com", "org", "co.uk", "de", "net", "edu")
FREE_HOSTS = ("blogspot.com", "wordpress.com", "weebly.com")

TOXIC_REASONS = (
    "The linking page has {n} outbound links, typical of link farms.",
    "Exact-match anchor text: \u201cbuy cheap {w}\u201d.",
    "The domain uses .{tld}, a TLD with much spam.",
    "The site gets almost no search traffic.",
    "Sitewide link in a footer or sidebar.",
    "The page's language does not match your site.",
    "Many links from this domain appeared in the same week.",
)
GOOD_REASONS = (
    "The site has real search traffic.",
    "Links come from editorial articles.",
    "Branded anchor text.",
    "The domain is many years old.",
)


def fake_inputs(
    n_domains: int = 300, *, seed: int = 7, hostile: bool = True, merge: bool = True
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """A realistic ``(summary, domains, links)`` triple, like the pipeline's.

    Args:
        n_domains: How many referring domains to invent.
        seed: Random seed; the same seed gives the same data.
        hostile: Put hostile strings into a few rows and the summary.
        merge: Include a ``merge`` block in the summary.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_domains):
        toxic = rng.random() < 0.3
        if toxic:
            name = f"{rng.choice(SPAM_WORDS)}-{i}"
            tld = str(rng.choice(SPAM_TLDS))
            score = float(np.clip(rng.beta(6, 2), 0, 1))
        else:
            name = f"{rng.choice(GOOD_WORDS)}{i}"
            tld = str(rng.choice(GOOD_TLDS))
            score = float(np.clip(rng.beta(1.5, 6), 0, 1))
        is_free = rng.random() < 0.06
        domain = f"{name}.{rng.choice(FREE_HOSTS)}" if is_free else f"{name}.{tld}"
        if is_free:
            tld = "com"
        decision = "disavow" if score >= 0.8 else "review" if score >= 0.5 else "keep"
        n_links = int(rng.integers(1, 25) if toxic else rng.integers(1, 6))
        pool = TOXIC_REASONS if score >= 0.5 else GOOD_REASONS
        picks = rng.choice(len(pool), size=int(rng.integers(1, 4)), replace=False)
        reasons = " | ".join(
            pool[k].format(n=int(rng.integers(200, 900)), w=name.split("-")[0], tld=tld)
            for k in sorted(picks)
        )
        samples = " | ".join(
            f"https://{domain}/{'page' if k else 'post'}-{int(rng.integers(1, 999))}.html"
            for k in range(min(3, n_links))
        )
        if toxic:
            start = pd.Timestamp("2025-05-01") if rng.random() < 0.4 else pd.Timestamp("2023-01-01")
            days = int(rng.integers(0, 60 if start.year == 2025 else 1300))
        else:
            start, days = pd.Timestamp("2019-01-01"), int(rng.integers(0, 2800))
        first_seen = start + pd.Timedelta(days=days) if rng.random() > 0.05 else pd.NaT
        rows.append(
            {
                "domain": domain,
                "decision": decision,
                "score": round(score, 4),
                "n_links": n_links,
                "reasons": reasons,
                "sample_links": samples,
                "tld": tld,
                "first_seen": first_seen,
                "last_seen": pd.Timestamp("2026-11-01"),
                "is_free_host": is_free,
            }
        )
    if hostile:
        for k, text in enumerate(HOSTILE):
            rows.append(
                {
                    "domain": text,
                    "decision": ("disavow", "review", "keep")[k % 3],
                    "score": (0.97, 0.6, 0.2)[k % 3],
                    "n_links": 1,
                    "reasons": f"{text} | {HOSTILE[(k + 1) % len(HOSTILE)]}",
                    "sample_links": " | ".join(HOSTILE_URLS[: 1 + k % 3]),
                    "tld": text if k == 1 else "xyz",
                    "first_seen": pd.Timestamp("2025-06-15"),
                    "last_seen": pd.NaT,
                    "is_free_host": False,
                }
            )
    domains = pd.DataFrame(rows)
    domains["first_seen"] = pd.to_datetime(domains["first_seen"])
    domains["last_seen"] = pd.to_datetime(domains["last_seen"])
    domains["is_free_host"] = domains["is_free_host"].astype(bool)

    link_rows = []
    anchor_kinds_toxic = ["exact_match", "partial_match", "generic", "other", "naked_url"]
    anchor_kinds_good = ["branded", "naked_url", "generic", "partial_match", "empty", None]
    for row in rows:
        for k in range(row["n_links"]):
            toxic = row["decision"] != "keep"
            kinds = anchor_kinds_toxic if toxic else anchor_kinds_good
            anchor_type = kinds[int(rng.integers(0, len(kinds)))]
            link_rows.append(
                {
                    "source_url": f"https://{row['domain']}/p{k}.html",
                    "domain": row["domain"],
                    "target_url": "https://example.com/",
                    "anchor": (
                        HOSTILE[k % len(HOSTILE)]
                        if row["domain"] in HOSTILE
                        else f"anchor {k}"
                    ),
                    "anchor_type": anchor_type,
                    "score": row["score"],
                    "decision": row["decision"],
                    "reasons": row["reasons"],
                    "nofollow": [True, False, None][k % 3],
                    "first_seen": row["first_seen"],
                }
            )
    links = pd.DataFrame(link_rows)
    links["nofollow"] = links["nofollow"].astype("boolean")
    if hostile:
        links.loc[0, "anchor_type"] = "<script>window.__pwned=9</script>"

    decisions = ("disavow", "review", "keep")
    domain_counts = domains["decision"].value_counts()
    link_counts = links["decision"].value_counts()
    n_disavow = int(domain_counts.get("disavow", 0))
    summary: dict[str, Any] = {
        "tool": {"name": "disavow", "version": "0.1.0"},
        "created": "2026-11-25T03:10:00Z",
        "site": "example.com",
        "model": {
            "name": "backlink-gb-v1",
            "sha256": "3f1c0a9be2d64d0d8a7e1f6b6c0d2e4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
            "metrics": {"roc_auc": 0.93, "pr_auc": 0.9},
        },
        "policy": {"disavow_threshold": 0.8, "review_threshold": 0.5, "level": "auto",
                   "link_disavow_threshold": 0.85, "link_review_threshold": 0.55,
                   "allow_entries": 2, "deny_entries": 0},
        "inputs": [
            {"path": "ahrefs.csv", "format": "ahrefs_backlinks", "rows_read": len(links),
             "rows_skipped": 3},
        ],
        "counts": {
            "links": len(links),
            "domains": len(domains),
            "links_skipped": 3,
            "domain_decisions": {d: int(domain_counts.get(d, 0)) for d in decisions},
            "link_decisions": {d: int(link_counts.get(d, 0)) for d in decisions},
        },
        "disavow_file": {"path": "disavow.txt", "domain_lines": n_disavow, "url_lines": 5,
                         "lines": n_disavow + 14, "bytes": 1800,
                         "not_listed": [{"value": "blogspot.com",
                                         "why": "a shared platform: it would disavow every blog"}]},
        "merge": None,
        "warnings": ["3 rows in ahrefs.csv had no URL and were skipped."],
    }
    if merge:
        summary["merge"] = {
            "existing": "current_disavow.txt",
            "added": ["domain:casino-1.xyz", "domain:loans-7.top", "http://bet-9.ru/p"],
            "already_present": ["domain:cheap-pills-2.info"],
            "covered_by_domain": ["http://casino-1.xyz/a"],
            "old_invalid": [{"line": 7, "text": "domain:a.com/x", "problem": "path after domain:"}],
            "old_covered_by_new_domain": ["http://loans-7.top/old-page"],
            "removed": [],
            "bom_removed": True,
        }
    if hostile:
        summary["site"] = "example.com"  # the site is checked separately below
        summary["warnings"].append(HOSTILE[0])
        summary["inputs"].append(
            {"path": HOSTILE[1], "format": HOSTILE[2], "rows_read": 1, "rows_skipped": 0}
        )
        if merge:
            summary["merge"]["added"].append(HOSTILE_URLS[0])
            summary["merge"]["old_invalid"].append(
                {"line": 9, "text": HOSTILE[0], "problem": HOSTILE[1]}
            )
    return summary, domains, links


# --------------------------------------------------------------------------- #
# Headless Chromium
# --------------------------------------------------------------------------- #
#: Flags for a quiet, offline Chromium. The host-resolver rule makes every name
#: lookup fail, so even a request that slipped past the page's CSP could not
#: leave the machine.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def find_chromium() -> str | None:
    """Debian's Chromium (or ``$DISAVOW_CHROMIUM``), or None when not installed."""
    candidates = [os.environ.get("DISAVOW_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    for path in candidates:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


def has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Browser:
    """A Chromium context plus everything it asked the network for."""

    context: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@contextmanager
def open_chromium(user_data_dir: Path) -> Iterator[Browser]:
    """Start Chromium with a fresh profile; record (and refuse) every request.

    Only ``file://`` loads are allowed through; anything else is recorded in
    ``blocked`` and aborted.
    """
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": 1366, "height": 900},
            offline=True,
            service_workers="block",
        )
        browser = Browser(context)
        context.on("request", lambda request: browser.requests.append(request.url))

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith("file://"):
                route.continue_()
            else:
                browser.blocked.append(url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield browser
        finally:
            context.close()


def screenshot(html_path: Path, png_path: Path, *, full_page: bool = True) -> None:
    """Open ``html_path`` in headless Chromium and save a screenshot."""
    import tempfile

    with tempfile.TemporaryDirectory() as profile, open_chromium(Path(profile)) as browser:
        page = browser.context.new_page()
        page.goto(html_path.resolve().as_uri())
        page.wait_for_selector("#domain-rows tr")
        page.screenshot(path=str(png_path), full_page=full_page)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from disavow.report import build_report

    paths = [a for a in argv if not a.startswith("--")]
    html_path = Path(paths[0] if paths else "/tmp/report.html")
    png_path = Path(paths[1] if len(paths) > 1 else "/tmp/report.png")
    summary, domains, links = fake_inputs(hostile="--hostile" in argv)
    build_report(summary, domains, links).write_html(html_path)
    screenshot(html_path, png_path)
    print(f"wrote {html_path} and {png_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
