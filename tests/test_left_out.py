"""When the new entries cannot all fit Google's limits, the audit still writes every
report, keeps every old line, lists the highest-scoring new entries and says loudly
what was left out (injected small limits stand in for Google's 2 MB / 100,000 lines)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disavow import disavow_file
from disavow.cli import app
from disavow.disavow_file import Limits, parse_disavow
from disavow.errors import OutputError
from disavow.pipeline import LEFT_OUT_REASON, OUTPUT_FILES, audit

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
INPUTS = sorted(EXAMPLES.glob("*.csv"))
EXISTING = EXAMPLES / "current_disavow.txt"
SITE = (EXAMPLES / "SITE").read_text().strip()
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
SMALL = Limits(max_lines=40, max_bytes=100_000)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("left-out")
    full = audit(INPUTS, site=SITE, out_dir=base / "full", existing=EXISTING, now=NOW)
    small = audit(INPUTS, site=SITE, out_dir=base / "small", existing=EXISTING, now=NOW,
                  limits=SMALL)
    return full, small


def _domains_csv(result) -> dict[str, dict[str, str]]:
    with open(result.out_dir / "domains.csv", encoding="utf-8", newline="") as handle:
        return {row["domain"]: row for row in csv.DictReader(handle)}


def test_every_output_is_written_and_the_file_fits(runs):
    full, small = runs
    assert sorted(p.name for p in small.out_dir.iterdir()) == sorted(OUTPUT_FILES)
    written = (small.out_dir / "disavow.txt").read_bytes()
    assert written.startswith(EXISTING.read_bytes())  # every old line, byte for byte
    parsed = parse_disavow(written)
    assert parsed.n_lines <= SMALL.max_lines and len(written) <= SMALL.max_bytes
    assert not disavow_file.validate(parsed, limits=SMALL) or all(
        i.severity == "warning" for i in disavow_file.validate(parsed, limits=SMALL))
    entries = small.summary["disavow_file"]["left_out"]["entries"]
    lines = written.decode().splitlines()
    count = next(i for i, line in enumerate(lines) if line.startswith("# Entries from this run:"))
    assert lines[count + 1].startswith(f"# INCOMPLETE: {entries:,} of these entries scored Disavow")
    # Nothing is left out when the limits allow it (Google's, for the example).
    assert "left_out" not in full.summary["disavow_file"]
    assert b"INCOMPLETE" not in (full.out_dir / "disavow.txt").read_bytes()


def test_the_highest_scoring_entries_are_kept(runs):
    _, small = runs
    domains = _domains_csv(small)
    left = {d for d, row in domains.items() if row["reasons"].startswith(LEFT_OUT_REASON)}
    assert left
    listed = {e.value for e in parse_disavow((small.out_dir / "disavow.txt").read_bytes())
              .entries if e.kind == "domain"}
    kept_new = {d for d, row in domains.items() if row["decision"] == "disavow"
                and d in listed and d not in left}
    assert all(domains[d]["decision"] == "disavow" for d in left)
    assert not left & listed
    if kept_new:
        assert max(float(domains[d]["score"]) for d in left) <= min(
            float(domains[d]["score"]) for d in kept_new)


def test_summary_report_and_reasons_say_what_was_left_out(runs):
    full, small = runs
    summary = json.loads((small.out_dir / "summary.json").read_text("utf-8"))
    info = summary["disavow_file"]["left_out"]
    assert info["entries"] == info["domain_lines"] + info["url_lines"] > 0
    assert info["domains"] == sum(
        row["reasons"].startswith(LEFT_OUT_REASON) for row in _domains_csv(small).values())
    assert summary["warnings"][0].startswith("disavow.txt is incomplete")
    assert "--level domain" in summary["warnings"][0]
    not_listed = [item for item in summary["disavow_file"]["not_listed"]
                  if "size limit" in item["why"]]
    assert len(not_listed) == info["entries"]
    report = (small.out_dir / "report.html").read_text("utf-8")
    assert "is incomplete" in report and 'id="left-out"' in report
    assert "is incomplete" not in (full.out_dir / "report.html").read_text("utf-8")
    # The rest of the review material is what a run within the limits writes.
    assert (small.out_dir / "links.csv").read_bytes() == (full.out_dir / "links.csv").read_bytes()
    full_domains = _domains_csv(full)
    for domain, row in _domains_csv(small).items():
        if row["reasons"].startswith(LEFT_OUT_REASON):
            assert row["reasons"].endswith(full_domains[domain]["reasons"])
        else:
            assert row == full_domains[domain]


def test_old_lines_alone_over_the_limit_is_still_an_error(tmp_path):
    n_old = len(EXISTING.read_text("utf-8").splitlines())
    with pytest.raises(OutputError, match="come from the existing file"):
        audit(INPUTS, site=SITE, out_dir=tmp_path / "a", existing=EXISTING, now=NOW,
              limits=Limits(max_lines=n_old - 1, max_bytes=100_000))
    assert not (tmp_path / "a" / "disavow.txt").exists()


def test_the_command_line_warns_even_when_quiet(tmp_path, monkeypatch):
    monkeypatch.setattr(disavow_file, "GOOGLE_LIMITS", SMALL)
    result = CliRunner().invoke(app, ["audit", *map(str, INPUTS), "--site", SITE, "--existing",
                                      str(EXISTING), "--out", str(tmp_path / "a"), "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Warning:" in result.stderr and "incomplete" in result.stderr
    assert "--threshold" in result.stderr and "--level domain" in result.stderr


def test_a_tight_budget_never_writes_a_domain_line_for_a_site_the_policy_keeps(tmp_path):
    deny = tmp_path / "deny.txt"
    deny.write_text("".join(f"https://www.facebook.com/spam.page.{i}\n" for i in range(30))
                    + "".join(f"https://sites.google.com/view/spam{i}\n" for i in range(25)))
    result = audit(INPUTS, site=SITE, out_dir=tmp_path / "out", existing=EXISTING, now=NOW,
                   deny=deny, limits=Limits(max_lines=80, max_bytes=100_000))
    lines = (result.out_dir / "disavow.txt").read_text().splitlines()
    kept = {d for d, row in _domains_csv(result).items() if row["decision"] != "disavow"}
    new_block = lines[next(i for i, line in enumerate(lines) if line.startswith("# Added by")):]
    written = {line[7:] for line in new_block if line.startswith("domain:")}
    assert not written & (kept | {"facebook.com", "google.com"})
    assert result.summary["disavow_file"]["left_out"]["entries"] > 0
