"""report.html in a real headless Chromium: it renders, the table works, nothing leaves.

Needs Debian's ``chromium`` package and Playwright from PyPI (its bundled
driver only; ``playwright install`` is never run). Without either, the whole
module is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser_helpers import find_chromium, has_playwright, open_chromium

from disavow.report import MAX_SAMPLES, build_report

pytestmark = pytest.mark.browser

if not has_playwright():
    pytest.skip("Playwright is not installed (pip install playwright)", allow_module_level=True)
if find_chromium() is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)

from browser_helpers import fake_inputs  # noqa: E402

STATUS = "#table-status"
ROWS = "#domain-rows tr"


@dataclass
class Report:
    path: Path
    url: str
    summary: dict[str, Any]
    domains: pd.DataFrame

    def haystack(self) -> pd.Series:
        """What the search box searches, per domain, as the page builds it."""
        samples = self.domains["sample_links"].map(
            lambda s: "\n".join([p.strip() for p in s.split(" | ") if p.strip()][:MAX_SAMPLES])
        )
        reasons = self.domains["reasons"].map(
            lambda s: "\n".join(p.strip() for p in s.split(" | ") if p.strip())
        )
        return (self.domains["domain"] + "\n" + reasons + "\n" + samples).str.lower()


@dataclass
class Opened:
    page: Any
    errors: list[str] = field(default_factory=list)

    def status(self) -> str:
        return self.page.text_content(STATUS)

    def column(self, css: str) -> list[str]:
        return self.page.locator(f"{ROWS} {css}").all_text_contents()

    def wait_status(self, contains: str) -> None:
        self.page.wait_for_function(
            "(text) => document.querySelector('#table-status').textContent.includes(text)",
            arg=contains,
        )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    summary, domains, links = fake_inputs(300, hostile=True)
    path = tmp_path_factory.mktemp("report") / "report.html"
    build_report(summary, domains, links).write_html(path)
    return Report(path, path.resolve().as_uri(), summary, domains)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with open_chromium(tmp_path_factory.mktemp("chromium-profile")) as running:
        yield running


@pytest.fixture
def opened(browser, report) -> Iterator[Opened]:
    page = browser.context.new_page()
    result = Opened(page)
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.errors.append(f"uncaught: {e}"))
    page.goto(report.url)
    result.wait_status("Showing 1–")
    yield result
    page.close()
    assert result.errors == [], "the page logged errors"
    assert browser.blocked == [], "the page tried to reach the network"


def test_page_renders_the_summary(opened, report):
    page = opened.page
    assert page.title() == "Backlink review for example.com"
    assert page.text_content("h1").strip() == "Backlinks of example.com"
    glance = " ".join(page.text_content("#glance").split())
    counts = report.summary["counts"]
    assert f"Links read {counts['links']:,}" in glance
    assert f"Referring domains {counts['domains']:,}" in glance
    for decision, n in counts["domain_decisions"].items():
        assert f"{decision.capitalize()} {n:,} domains" in glance
    assert page.locator("svg.chart").count() == 4
    assert page.is_visible("#controls")
    assert "Every line of your old file" in page.text_content("#merge")


def test_table_holds_the_expected_rows(opened, report):
    domains = report.domains
    assert opened.status() == f"Showing 1–100 of {len(domains):,} domains."
    assert opened.page.locator(ROWS).count() == 100
    assert opened.page.text_content("#page-info") == "Page 1 of 4"
    disavow = domains[domains["decision"] == "disavow"]
    assert opened.column(".domain .name")[0] == disavow.sort_values(
        ["score", "domain"], ascending=[False, True]
    )["domain"].iloc[0]
    badges = opened.column("td:nth-child(2) .badge")
    order = {"Disavow": 0, "Review": 1, "Keep": 2}
    assert [order[b] for b in badges] == sorted(order[b] for b in badges)
    options = opened.page.locator("#filter-decision option").all_text_contents()
    n = report.summary["counts"]["domain_decisions"]
    assert options == [f"All ({len(domains)})", f"Disavow ({n['disavow']})",
                       f"Review ({n['review']})", f"Keep ({n['keep']})"]
    opened.page.click("#page-next")
    assert opened.status().startswith("Showing 101–200 of")
    opened.page.select_option("#page-size", "500")
    assert opened.page.locator(ROWS).count() == len(domains)
    assert opened.page.is_hidden("#pager")


def test_text_and_decision_filters_narrow_the_rows(opened, report):
    page, domains = opened.page, report.domains
    haystack = report.haystack()

    page.fill("#filter-text", "Casino")
    expected = int(haystack.str.contains("casino", regex=False).sum())
    assert 0 < expected < len(domains)
    opened.wait_status(f"of {expected:,} matching domains")
    names = opened.column(".domain .name")
    assert len(names) == min(expected, 100)

    page.select_option("#filter-decision", "review")
    both = haystack.str.contains("casino", regex=False) & (domains["decision"] == "review")
    opened.wait_status(f"of {int(both.sum()):,} matching domains")
    assert set(opened.column(".domain .name")) == set(domains.loc[both, "domain"])
    assert set(opened.column("td:nth-child(2) .badge")) == {"Review"}

    page.fill("#filter-text", "")
    n_review = int((domains["decision"] == "review").sum())
    opened.wait_status(f"of {n_review:,} matching domains")
    assert set(opened.column("td:nth-child(2) .badge")) == {"Review"}

    page.select_option("#filter-decision", "keep")
    n_keep = int((domains["decision"] == "keep").sum())
    opened.wait_status(f"of {n_keep:,} matching domains")
    assert set(opened.column("td:nth-child(2) .badge")) == {"Keep"}

    page.fill("#filter-text", "no-such-domain-anywhere")
    opened.wait_status("No domain matches.")
    assert page.locator(ROWS).count() == 0

    page.fill("#filter-text", "")
    page.select_option("#filter-decision", "all")
    opened.wait_status(f"Showing 1–100 of {len(domains):,} domains.")


def test_sorting_by_score_and_domain(opened, report):
    page, domains = opened.page, report.domains
    page.select_option("#page-size", "500")

    page.click("th[data-key=score] button")
    assert page.get_attribute("th[data-key=score]", "aria-sort") == "descending"
    scores = [float(s) for s in opened.column(".score")]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == round(domains["score"].max(), 2)
    assert len(scores) == len(domains)

    page.click("th[data-key=score] button")
    assert page.get_attribute("th[data-key=score]", "aria-sort") == "ascending"
    scores = [float(s) for s in opened.column(".score")]
    assert scores == sorted(scores)
    assert page.get_attribute("th[data-key=decision]", "aria-sort") is None

    page.click("th[data-key=domain] button")
    assert opened.column(".domain .name") == sorted(domains["domain"])

    page.click("th[data-key=links] button")
    links = [int(s.replace(",", "")) for s in opened.column("td:nth-child(4)")]
    assert links == sorted(links, reverse=True)


def test_hostile_values_stay_text(opened, report):
    page = opened.page
    page.select_option("#page-size", "500")
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.scripts.length") == 2
    assert page.locator("img, iframe, object, embed").count() == 0
    on_attributes = page.evaluate(
        """() => Array.from(document.querySelectorAll('*')).flatMap(
            (el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on'))
                .map((a) => el.tagName + ' ' + a.name))"""
    )
    assert on_attributes == []
    assert page.locator("a[href^=javascript], a[href^=http]").count() == 0
    names = opened.column(".domain .name")
    assert "</script><script>window.__pwned=1</script>" in names
    assert '<img src=x onerror="window.__pwned=2">' in names
    page.fill("#filter-text", "__pwned")
    opened.wait_status("matching domains")
    assert page.evaluate("() => window.__pwned") is None


def test_print_hides_the_controls(opened):
    opened.page.emulate_media(media="print")
    assert opened.page.is_hidden("#controls")
    assert opened.page.is_hidden(".toc")
    opened.page.emulate_media(media="screen")
    assert opened.page.is_visible("#controls")


def test_nothing_but_the_file_is_requested(browser, report, tmp_path):
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start = len(browser.requests)
    page.goto(report.url)
    page.wait_for_selector(ROWS)
    page.fill("#filter-text", "seo")
    page.click("th[data-key=score] button")
    page.click("text=Show the numbers >> nth=0")
    page.click("text=Added (4)")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    page.close()
    assert errors == []
    assert browser.requests[start:] == [report.url]
    assert browser.blocked == []
    assert (tmp_path / "report.png").stat().st_size > 20_000
