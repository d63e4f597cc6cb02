"""report.html without a browser: content, escaping, offline-ness, odd inputs, speed."""

from __future__ import annotations

import io
import json
import re
import time
from html.parser import HTMLParser
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from browser_helpers import HOSTILE, HOSTILE_URLS, fake_inputs

from disavow.report import CSP, STATIC_ROWS, Report, _script_json, build_report

# --------------------------------------------------------------------------- #
# A tiny DOM summary of a page, from the standard library's parser
# --------------------------------------------------------------------------- #
URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data",
                  "xlink:href", "background", "cite", "manifest", "ping", "longdesc"}


class Page(HTMLParser):
    """Every element with its attributes, the text, and each script's body."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._open: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in ("script", "style"):
            self._open = tag
            if tag == "script":
                self.scripts.append((attributes, ""))
            else:
                self.styles.append("")

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open == "script":
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        elif self._open == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def full():
    summary, domains, links = fake_inputs(300, hostile=True)
    report = build_report(summary, domains, links)
    html = report.to_html()
    return summary, domains, links, report, html, Page(html)


# --------------------------------------------------------------------------- #
# It builds and says what a site owner needs
# --------------------------------------------------------------------------- #
def test_full_report_has_the_summary_a_site_owner_needs(full):
    summary, domains, _links, report, html, page = full
    text = " ".join(page.all_text.split())
    assert html.startswith("<!DOCTYPE html>")
    assert page.tags("title") and "Backlink review for example.com" in html
    assert "Created 25 November 2026, 03:10 UTC" in text
    assert "backlink-gb-v1" in text
    counts = summary["counts"]
    for n in (counts["links"], counts["domains"], *counts["domain_decisions"].values()):
        assert f"{n:,}" in text
    assert "Upload disavow.txt in Search Console" in text
    assert "replaces the list Google already has" in text
    assert f"Check the {counts['domain_decisions']['review']} domains marked Review first" in text
    assert "A score of 0.80 or more means Disavow" in text
    assert "0.50 or more means Review" in text
    assert "ROC AUC 0.930" in text
    assert "3 rows in ahrefs.csv had no URL and were skipped." in text
    assert "ahrefs_backlinks" in text
    assert report.n_table_rows == len(domains)


def test_merge_section_lists_what_changed(full):
    summary, *_rest, page = full
    text = " ".join(page.all_text.split())
    assert "What the merge changed" in text
    assert "Every line of your old file (current_disavow.txt) was kept." in text
    assert "This file already contains every line of your previous list" in text
    for line in summary["merge"]["added"] + summary["merge"]["already_present"]:
        assert line in text
    assert "domain:a.com/x" in text and "path after domain:" in text
    assert "Added (4)" in text and "Already present (1)" in text
    assert "Covered by a domain: line (1)" in text and "Old lines with problems (2)" in text


def test_extra_pipeline_keys_are_shown(full):
    *_rest, page = full
    text = " ".join(page.all_text.split())
    assert "1 decision not written to disavow.txt" in text
    assert "a shared platform: it would disavow every blog" in text
    assert "Old lines now under a new domain: line (1)" in text
    assert "byte-order mark at the start of the old file was removed" in text
    assert "Single links" in text and "disavow at score ≥ 0.85, review at ≥ 0.55" in text
    assert "2 allow-list entries, 0 deny-list entries" in text


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ([], "Every line of your old file (old.txt) was kept."),
        (["domain:gone.com"], "1 line of your old file was removed."),
        (None, "The tool merged your old file (old.txt) into the new one."),
    ],
)
def test_merge_statement_only_claims_what_the_summary_says(removed, expected):
    merge = {"existing": "old.txt", "added": ["domain:x.shop"]}
    if removed is not None:
        merge["removed"] = removed
    text = " ".join(Page(build_report({"merge": merge}, None, None).to_html()).all_text.split())
    assert expected in text
    if removed:
        assert "Every line of your old file" not in text
        assert "domain:gone.com" in text


def test_without_merge_the_page_warns_that_the_upload_replaces_the_old_list():
    summary, domains, links = fake_inputs(40, hostile=False, merge=False)
    text = " ".join(Page(build_report(summary, domains, links).to_html()).all_text.split())
    assert "It was not merged with an existing disavow file" in text
    assert "What the merge changed" not in text


def _next_steps(summary) -> str:
    html = build_report(summary, None, None).to_html()
    section = html[html.index('id="next"'):html.index('id="glance"')]
    return " ".join(Page(section).all_text.split())


def test_an_empty_disavow_file_is_never_to_be_uploaded():
    # The step list said "Upload disavow.txt" right under "disavow.txt is empty ... Do not
    # upload it": an upload replaces Google's whole list.
    steps = _next_steps({"disavow_file": {"path": "disavow.txt", "lines": 0, "empty": True}})
    assert "Do not upload disavow.txt: it holds no entry" in steps
    assert "Upload disavow.txt in" not in steps


def test_a_file_whose_old_lines_need_edits_is_not_uploadable_as_it_is():
    summary = {"merge": {"existing": "old.txt", "added": ["domain:x.shop"]},
               "disavow_file": {"path": "disavow.txt", "lines": 3, "empty": False,
                                "edit_before_upload": ["delete the 1 old line that disavows "
                                                       "what this run keeps"]}}
    steps = _next_steps(summary)
    assert ("Edit disavow.txt first: delete the 1 old line that disavows what this run keeps"
            in steps)
    assert "as it is" not in steps and "Upload disavow.txt in" in steps
    summary["disavow_file"]["edit_before_upload"] = []
    assert "so you can upload it as it is" in _next_steps(summary)


def test_the_stated_thresholds_mention_domains_disavowed_below_them():
    policy = {"disavow_threshold": 0.89, "review_threshold": 0.33}
    def text(promote):
        summary = {"policy": {**policy, "promote_doubtful_domains": promote}}
        return " ".join(Page(build_report(summary, None, None).to_html()).all_text.split())
    assert "disavowed as a whole too, below that score" in text(True)
    assert "below that score" not in text(False)


def test_table_is_disavow_first_then_by_score(full):
    _summary, domains, *_rest, report, _html, page = full
    data = json.loads(next(b for attrs, b in page.scripts if attrs.get("id") == "domain-data"))
    rows = data["rows"]
    assert len(rows) == len(domains)
    ranks = [row[1] for row in rows]
    assert ranks == sorted(ranks)
    for rank in (0, 1, 2):
        scores = [row[2] for row in rows if row[1] == rank]
        assert scores == sorted(scores, reverse=True)
    top = domains[domains["decision"] == "disavow"].sort_values("score", ascending=False)
    assert rows[0][0] == top["domain"].iloc[0] or rows[0][2] == top["score"].iloc[0]
    # The reasons are a lookup list; each row's reasons come back whole.
    by_domain = dict(zip(domains["domain"], domains["reasons"], strict=True))
    for row in rows[:50]:
        assert " | ".join(data["reasons"][i] for i in row[4]) == by_domain[row[0]].strip()
    # The first rows are also in the HTML itself, for printing and for no-JS readers.
    body_rows = [a for a in page.tags("tr") if (a.get("class") or "").startswith("row-")]
    assert len(body_rows) == len(report.static_rows) == min(STATIC_ROWS, len(domains))


def test_charts_are_inline_svg_with_text_fallbacks(full):
    *_rest, report, _html, page = full
    assert len(page.tags("svg")) == 4
    assert len(page.tags("figcaption")) == 4
    scores, tlds, anchors, months = report.charts
    n_scored = sum(int(c) for row in scores.table_rows for c in row[1:])
    assert n_scored == report.n_table_rows
    assert tlds.table_rows and tlds.table_rows[0][0].startswith(".")
    assert "links by anchor type" in anchors.caption
    assert "busiest month" in months.caption
    for chart in report.charts:
        assert chart.svg.startswith('<svg class="chart"') and chart.caption


# --------------------------------------------------------------------------- #
# Hostile values stay text; nothing is loaded from anywhere
# --------------------------------------------------------------------------- #
def _assert_no_injected_markup(page: Page, *, expect_table: bool = True) -> None:
    scripts = [attrs for attrs, _ in page.scripts]
    if expect_table:
        assert scripts == [{"type": "application/json", "id": "domain-data"}, {}]
    else:
        assert scripts == []
    for tag in ("img", "iframe", "object", "embed", "frame", "base", "form", "video", "audio"):
        assert not page.tags(tag), tag
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in URL_ATTRIBUTES and value is not None:
                assert value.startswith(("#", "data:")), (tag, name, value)
            assert "javascript:" not in (value or "").lower() or name == "content", (tag, name)
    assert all(a.get("class") == "chart" for a in page.tags("svg"))


def test_hostile_values_produce_no_markup(full):
    *_rest, html, page = full
    _assert_no_injected_markup(page)
    # They are all there, as text.
    text = page.all_text
    for value in (*HOSTILE[:5], *HOSTILE_URLS[:2]):
        assert value in text or value in json.dumps(json.loads(page.scripts[0][1]))
    assert "{{ 7*7 }} {% raw %} ${7*7}" in text  # data is never template source
    # The JSON for the script cannot end the <script> element or open a comment.
    data = page.scripts[0][1]
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\u2028" not in data and "\u2029" not in data
    assert HOSTILE[0] in {row[0] for row in json.loads(data)["rows"]}
    assert html.count("<script") == 2 and html.count("</script>") == 2


def test_hostile_summary_values_are_escaped():
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    summary = {
        "site": evil,
        "created": evil,
        "tool": {"name": evil, "version": evil},
        "model": {"name": evil, "sha256": evil, "metrics": {evil: evil}},
        "policy": {"disavow_threshold": evil, "review_threshold": 0.5, "level": evil},
        "inputs": [{"path": evil, "format": evil, "rows_read": evil}],
        "counts": {"links": evil, "domains": 3, "domain_decisions": {"disavow": evil}},
        "disavow_file": {"path": evil, "lines": 4},
        "merge": {"existing": evil, "added": [evil], "already_present": [evil],
                  "covered_by_domain": [evil], "removed": [evil],
                  "old_invalid": [{"line": evil, "text": evil, "problem": evil}, evil]},
        "warnings": [evil, None, 3],
    }
    domains = pd.DataFrame({"domain": [evil], "decision": [evil], "score": [evil],
                            "tld": [evil], "reasons": [evil], "sample_links": [evil]})
    links = pd.DataFrame({"anchor_type": [evil], "decision": [evil], "anchor": [evil]})
    html = build_report(summary, domains, links).to_html()
    page = Page(html)
    _assert_no_injected_markup(page)
    assert evil in page.all_text
    assert page.tags("title")[0] == {}
    assert "<title>Backlink review for &lt;script&gt;" in html


def test_no_remote_resources_and_a_strict_csp(full):
    *_rest, html, page = full
    metas = [m for m in page.tags("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    csp = metas[0]["content"]
    assert csp == CSP
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert "http" not in csp and "*" not in csp
    # The CSP comes before anything that could load.
    assert html.index("Content-Security-Policy") < html.index("<style")
    for _tag, attrs in page.elements:
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES and value:
                assert not re.match(r"\s*(https?:)?//", value), (name, value)
    style = "".join(page.styles)
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert page.tags("link") == [{"rel": "icon", "href": "data:,"}]


def test_sample_links_are_never_clickable(full):
    *_rest, page = full
    hrefs = [a.get("href") for a in page.tags("a")]
    assert hrefs and all(h.startswith("#") for h in hrefs)


# --------------------------------------------------------------------------- #
# Minimal, empty and odd inputs
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("empty", [None, pd.DataFrame()])
def test_empty_inputs_still_make_a_page(empty):
    report = build_report({}, empty, empty)
    page = Page(report.to_html())
    _assert_no_injected_markup(page, expect_table=False)
    text = " ".join(page.all_text.split())
    assert "Backlink review" in text
    assert "No referring domains to list." in text
    assert "No domain has a score" in text and "No links to show." in text
    assert "Upload disavow.txt" in text
    assert not page.tags("svg")
    assert report.n_table_rows == 0


def test_summary_with_nulls_and_wrong_types():
    summary = {"tool": None, "created": "not a date", "site": None, "model": "x",
               "policy": {"disavow_threshold": 7, "review_threshold": None},
               "inputs": "ahrefs.csv", "counts": {"links": None, "domain_decisions": None},
               "disavow_file": None, "merge": None, "warnings": "one"}
    report = build_report(summary, pd.DataFrame({"domain": ["a.com"]}), pd.DataFrame())
    text = " ".join(Page(report.to_html()).all_text.split())
    assert "Created not a date" in text
    assert report.disavow_threshold is None and report.review_threshold is None
    assert report.n_domains == 1 and report.inputs == () and report.warnings == ()


def test_search_console_like_frames_without_anchors_or_dates():
    domains = pd.DataFrame({
        "domain": ["spam.xyz", "good.org", "meh.info"],
        "decision": ["disavow", "keep", "review"],
        "score": [0.91, 0.05, 0.6],
    })
    links = pd.DataFrame({
        "source_url": ["https://spam.xyz/a", "https://good.org/b", "https://meh.info/c"],
        "domain": ["spam.xyz", "good.org", "meh.info"],
        "target_url": ["https://example.com/"] * 3,
        "decision": ["disavow", "keep", "review"],
    })
    report = build_report({"site": "example.com"}, domains, links)
    text = " ".join(Page(report.to_html()).all_text.split())
    assert "Search Console exports never do" in text
    assert "no first-seen dates" in text
    scores, tlds, anchors, months = report.charts
    assert scores.svg and tlds.svg and not anchors.svg and not months.svg
    assert {row[0] for row in tlds.table_rows} == {".xyz", ".org", ".info"}
    assert report.link_decisions == {"disavow": 1, "review": 1, "keep": 1}
    assert report.n_links == 3
    assert [row.domain for row in report.static_rows] == ["spam.xyz", "meh.info", "good.org"]
    assert report.static_rows[0].n_links == "—" and report.static_rows[0].reasons == ()


def test_odd_values_in_the_domain_frame():
    domains = pd.DataFrame({
        "domain": ["a.xyz", "b.com", None, "d.net", "\udcff-bad-bytes.ru"],
        "decision": pd.Categorical(["DISAVOW", " keep ", "maybe", None, "review"]),
        "score": ["0.9", None, "oops", 1.7, 0.55],
        "n_links": [3, None, 2.0, "x", 1],
        "reasons": ["  x  |  | y ", None, 3, "", "z"],
        "sample_links": [None, "javascript:alert(1)", "a | b | c | d | e", "", "u"],
        "first_seen": pd.to_datetime(["2025-01-02T10:00:00+02:00", None, "2024-12-31",
                                      "2025-01-01", None], utc=True, format="ISO8601"),
        "is_free_host": pd.array([True, None, False, None, True], dtype="boolean"),
    })
    report = build_report({}, domains, pd.DataFrame({"anchor_type": [None, "branded"]}))
    rows = {row.domain: row for row in report.static_rows}
    assert rows["a.xyz"].decision == "disavow" and rows["a.xyz"].reasons == ("x", "y")
    assert rows["b.com"].decision == "keep" and rows["b.com"].score == "—"
    assert rows[""].decision == "unknown" and rows[""].samples == ("a", "b", "c")
    assert rows["d.net"].score_pct == 100.0 and rows["d.net"].n_links == "—"
    assert rows["a.xyz"].is_free_host and not rows["b.com"].is_free_host
    assert rows["a.xyz"].first_seen == "2025-01-02"
    html = report.to_html()
    html.encode("utf-8")  # the lone surrogate did not survive
    assert "\ufffd-bad-bytes.ru" in html
    assert report.charts[2].table_rows[0][0] in ("Branded", "Not given")


def test_anchor_types_are_read_loosely_and_unknown_ones_count_as_other():
    links = pd.DataFrame({"anchor_type": [" Branded ", "weird", None],
                          "decision": ["keep", "review", "keep"]})
    report = build_report({}, pd.DataFrame({"domain": ["a.com"], "decision": ["keep"]}), links)
    rows = {row[0]: row for row in report.charts[2].table_rows}
    assert report.charts[2].svg and set(rows) == {"Branded", "Other", "Not given"}
    report.to_html()


def test_first_seen_as_text_and_months_spanning_years():
    n = 100
    domains = pd.DataFrame({
        "domain": [f"s{i}.xyz" for i in range(n)],
        "decision": ["disavow"] * n,
        "score": np.linspace(0.8, 1, n),
        "first_seen": [f"{2000 + i // 10}-0{1 + i % 9}-15" for i in range(n)],
    })
    months = build_report({}, domains, None).charts[3]
    assert months.table_head == ("Year", "New toxic domains")
    assert months.table_rows[0] == ("2000", "10")


def test_long_lists_are_capped_but_counted():
    merge = {"added": [f"domain:s{i}.xyz" for i in range(2500)], "removed": []}
    report = build_report({"merge": merge}, None, None)
    assert report.merge.n_added == 2500 and len(report.merge.added) == 2000
    assert "Showing the first 2,000." in Page(report.to_html()).all_text


# --------------------------------------------------------------------------- #
# API, packaging and helpers
# --------------------------------------------------------------------------- #
def test_write_html_to_a_path_or_a_file(tmp_path, full):
    *_rest, report, html, _page = full
    target = tmp_path / "report.html"
    report.write_html(target)
    assert target.read_text(encoding="utf-8") == html
    buffer = io.StringIO()
    report.write_html(buffer)
    assert buffer.getvalue() == html
    assert isinstance(report, Report)


def test_report_is_computed_once_and_rendered_the_same():
    summary, domains, links = fake_inputs(30, hostile=False)
    before = domains.copy(deep=True)
    report = build_report(summary, domains, links)
    pd.testing.assert_frame_equal(domains, before)  # inputs are not modified
    assert report.to_html() == report.to_html()
    with pytest.raises(AttributeError):
        report.site = "x"  # type: ignore[misc]


def test_templates_are_package_data():
    folder = resources.files("disavow").joinpath("templates")
    for name in ("report.html.j2", "report.css", "report.js"):
        assert folder.joinpath(name).is_file()
    for name in ("report.css", "report.js"):
        source = folder.joinpath(name).read_text(encoding="utf-8")
        # Included verbatim: no template syntax, nothing that closes the element early.
        assert not re.search(r"\{[{%#]", source), name
        assert "</" not in source, name
        assert not re.search(r"https?://", source), name
    script = folder.joinpath("report.js").read_text(encoding="utf-8")
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script, unsafe


def test_script_json_is_safe_and_round_trips():
    value = {"a": "</script><!-- & \u2028\u2029 <b>", "n": [1, None, 0.5]}
    text = _script_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def _big_inputs(n_domains: int, links_per_domain: int = 6):
    rng = np.random.default_rng(1)
    score = rng.random(n_domains)
    decision = np.where(score >= 0.8, "disavow", np.where(score >= 0.5, "review", "keep"))
    names = [f"site-{i}.{('com', 'xyz', 'top', 'org')[i % 4]}" for i in range(n_domains)]
    domains = pd.DataFrame({
        "domain": names,
        "decision": decision,
        "score": score,
        "n_links": rng.integers(1, 40, n_domains),
        "reasons": [f"Reason {i % 7} about {i % 13} things. | Another {i % 5} reason."
                    for i in range(n_domains)],
        "sample_links": [f"https://{d}/a/{i} | https://{d}/b | https://{d}/c"
                         for i, d in enumerate(names)],
        "tld": [d.rsplit(".", 1)[1] for d in names],
        "first_seen": pd.Timestamp("2020-01-01")
        + pd.to_timedelta(rng.integers(0, 2000, n_domains), unit="D"),
        "last_seen": pd.Timestamp("2026-01-01"),
        "is_free_host": rng.random(n_domains) < 0.05,
    })
    n_links = n_domains * links_per_domain
    links = pd.DataFrame({
        "domain": np.repeat(np.array(names, dtype=object), links_per_domain),
        "decision": np.repeat(decision, links_per_domain),
        "anchor_type": rng.choice(
            np.array(["branded", "exact_match", "generic", "naked_url", None], dtype=object),
            n_links,
        ),
    })
    return {"site": "example.com"}, domains, links


def test_fifty_thousand_domains_render_fast():
    summary, domains, links = _big_inputs(50_000)
    start = time.perf_counter()
    report = build_report(summary, domains, links)
    html = report.to_html()
    elapsed = time.perf_counter() - start
    assert report.n_table_rows == 50_000
    assert len(report.static_rows) == STATIC_ROWS
    assert len(html) < 15_000_000
    # The target is under 2 s (about 1 s on the 2-core dev machine); the margin
    # keeps a busy CI runner from failing for nothing.
    assert elapsed < 4.0, f"building and rendering 50,000 domains took {elapsed:.2f} s"


def test_bidi_controls_in_values_are_shown_as_code_points():
    reversed_title = "Online casino \u202eesuoh nwo ruoy\u202c bonus"
    summary = {"warnings": ["odd file \u2066x\u2069.csv"],
               "merge": {"existing": "old.txt", "added": ["https://a.example/\u202e"]}}
    domains = pd.DataFrame({"domain": ["a.example"], "decision": ["disavow"], "score": [0.95],
                            "reasons": [reversed_title], "sample_links": ["https://a.example/\u200f"]})
    links = pd.DataFrame({"anchor_type": ["other"], "decision": ["disavow"],
                          "anchor": [reversed_title]})
    html = build_report(summary, domains, links).to_html()
    assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", html)
    assert "Online casino [U+202E]esuoh nwo ruoy[U+202C] bonus" in html
    assert "odd file [U+2066]x[U+2069].csv" in html and "https://a.example/[U+200F]" in html


def test_the_disavow_file_card_gives_the_whole_file_and_what_the_run_added():
    summary = {"disavow_file": {"path": "disavow.txt", "lines": 53, "bytes": 2359,
                                "domain_lines": 23, "url_lines": 14, "new_domain_lines": 17,
                                "new_url_lines": 1}}
    domains = pd.DataFrame({"domain": ["a.example"], "decision": ["keep"], "score": [0.1]})
    html = build_report(summary, domains, pd.DataFrame()).to_html()
    assert "lines: 23 domains, 14 URLs, 2.4 KB; this run added 17 domains, 1 URL<" in html


def test_thresholds_of_name_only_domains_are_stated():
    summary = {"policy": {"disavow_threshold": 0.89, "review_threshold": 0.33,
                          "domain_only_disavow_threshold": 0.931,
                          "domain_only_review_threshold": 0.791}}
    domains = pd.DataFrame({"domain": ["a.example", "b.example"], "decision": ["keep", "review"],
                            "score": [0.1, 0.8], "domain_only": [False, True]})
    report = build_report(summary, domains, pd.DataFrame())
    text = re.sub(r"\s+", " ", Page(report.to_html()).all_text)
    assert ("Domains known by name only (from a domain-level export such as Search Console's "
            "Top linking sites) are judged on the name alone, with thresholds of their own: "
            "0.93 or more means Disavow; 0.79 or more means Review.") in text
    assert "Domains known by name onlydisavow at score ≥ 0.93, review at ≥ 0.79" in text
    assert "Domains with links: disavow atscore ≥ 0.89" in text
    assert "domains known by name only are disavowed at 0.93 and reviewed at 0.79." in (
        report.charts[0].caption)


def test_counts_of_one_are_singular():
    summary = {"counts": {"links": 3, "rows_skipped": 1}}
    domains = pd.DataFrame({"domain": ["a.example", "b.example"], "decision": "disavow",
                            "score": [0.95, 0.97], "first_seen": ["2024-03-01", None]})
    report = build_report(summary, domains, pd.DataFrame())
    assert "1 row skipped<" in report.to_html()
    assert report.charts[3].caption.endswith(" 1 disavowed domain has no date and is not drawn.")
