"""The command line: help, exit codes, messages on stderr, data on stdout."""

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disavow.cli import app

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).resolve().parent / "data" / "exports"
runner = CliRunner()
COMMANDS = ["inspect", "normalize", "score", "audit", "train", "evaluate", "validate", "diff"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("disavow ")


def test_missing_file_is_a_message_not_a_traceback(tmp_path):
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "Error:" in result.stderr and "Traceback" not in result.output


def test_unrecognised_file(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("colour,size\nred,3\n", "utf-8")
    result = runner.invoke(app, ["normalize", str(odd), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "odd.csv" in result.stderr


def test_inspect_every_fixture():
    paths = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".csv", ".tsv", ".txt", ".zip"}
                   and "bad" not in p.name and "disavow" not in p.name)
    for path in paths:
        result = runner.invoke(app, ["inspect", str(path)])
        assert result.exit_code in (0, 1), path
        assert "Traceback" not in result.output


def test_inspect_counts_the_rows_the_other_commands_skip(tmp_path):
    # inspect said "0 skipped" for rows that audit then skipped (no valid host name).
    export = tmp_path / "mixed.csv"
    export.write_text("URL,Anchor\nhttps://www.good-news.co.uk/a,x\nnot a url,y\n,z\n", "utf-8")
    result = runner.invoke(app, ["inspect", str(export)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "rows       3 read, 2 skipped" in result.stderr
    assert "no valid host name in URL" in result.stderr and "empty URL" in result.stderr


def test_inspect_names_the_row_a_spreadsheet_shows(tmp_path):
    # "skipped row 3" was the third row after the header: the row above the bad one.
    export = tmp_path / "r.csv"
    export.write_text("Source url,Target url,Anchor\nhttps://a1.com/,https://example.com/,x\n"
                      "https://a2.com/,https://example.com/,x\n"
                      "https://BAD.com/,https://example.com/,x,EXTRA\n", "utf-8")
    result = runner.invoke(app, ["inspect", str(export)], catch_exceptions=False)
    assert "skipped spreadsheet row 4: malformed row: expected 3 fields, saw 4" in result.stderr


def test_normalize_writes_the_canonical_table(tmp_path):
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["normalize", *map(str, sorted(EXAMPLES.glob("*.csv"))),
                                 "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("row_kind,source_url")
    again = runner.invoke(app, ["normalize", str(next(EXAMPLES.glob("*.csv"))), "--out", str(out)])
    assert again.exit_code == 1 and "exists" in again.stderr


def test_normalize_says_each_inputs_warnings_even_when_quiet(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("URL,Anchor\nhttp://a.com/1,x\nhttp://b.com/2,y,EXTRA,MORE\n", "utf-8")
    result = runner.invoke(app, ["normalize", str(export), "--out", str(tmp_path / "links.csv"),
                                 "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Warning: {export}: 1 malformed row(s)" in result.stderr
    assert "spreadsheet row 3" in result.stderr and not result.stdout  # the header is row 1


def test_normalize_neutralises_every_formula_start(tmp_path):
    # disavow normalize writes through the same CSV writer as the audit's tables.
    export = tmp_path / "export.csv"
    export.write_text("URL,Anchor,Title\n"
                      'http://a.example.com/1,"  =cmd()",\uff1dSUM(1)\n'
                      "http://b.example.com/2,\u3000+1,plain\n", "utf-8")
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["normalize", str(export), "--out", str(out)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert [(r["anchor"], r["source_title"]) for r in rows] == [
        ("'  =cmd()", "'\uff1dSUM(1)"), ("'\u3000+1", "plain")]


def test_audit_quiet_prints_nothing(tmp_path):
    site = (EXAMPLES / "SITE").read_text().strip()
    result = runner.invoke(app, ["audit", *map(str, sorted(EXAMPLES.glob("*.csv"))), "--site",
                                 site, "--out", str(tmp_path / "a"), "--quiet"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and result.stdout == ""
    validated = runner.invoke(app, ["validate", str(tmp_path / "a" / "disavow.txt")])
    assert validated.exit_code == 0, validated.stderr


def test_audit_warns_even_when_quiet_that_an_empty_disavow_file_must_not_be_uploaded(tmp_path):
    clean = tmp_path / "links.txt"  # a plain list of links from two ordinary sites
    clean.write_text("https://www.bbc.co.uk/news/articles/c1\nhttps://en.wikipedia.org/wiki/X\n",
                     "utf-8")
    result = runner.invoke(app, ["audit", str(clean), "--site", "example.com", "--out",
                                 str(tmp_path / "a"), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "disavow.txt").read_bytes() == b""
    assert "disavow.txt is empty" in result.stderr and "Do not upload" in result.stderr
    assert result.stdout == ""


def _export_with_a_malformed_row(tmp_path, *, row_after: bool = False):
    """A small export whose row 3 (as a spreadsheet numbers it, the header being row 1) has
    two fields too many (and a good row 4 if ``row_after``)."""
    export = tmp_path / "export.csv"
    export.write_text("Source URL,Target URL,Anchor\n"
                      "https://a-blog.example/p1,https://example.com/,Example\n"
                      "https://b-blog.example/p2,https://example.com/,x,extra,fields\n"
                      + ("https://c-blog.example/p3,https://example.com/,Example\n"
                         if row_after else ""), "utf-8")
    return export


@pytest.mark.parametrize("command", ["audit", "score"])
def test_audit_says_which_input_was_only_partly_read_even_when_quiet(tmp_path, command):
    export = _export_with_a_malformed_row(tmp_path, row_after=True)
    result = runner.invoke(app, [command, str(export), "--site", "example.com", "--out",
                                 str(tmp_path / "a"), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Warning: {export}: 1 malformed row(s)" in result.stderr
    assert "spreadsheet row 3" in result.stderr


def test_audit_validate_and_diff_agree_on_an_old_file_with_bare_cr_endings(tmp_path):
    site = (EXAMPLES / "SITE").read_text().strip()
    existing = tmp_path / "current.txt"
    existing.write_bytes(b"# my old list\rdomain:spam-one.com\rhttp://forum.example.org/p/x\r")
    result = runner.invoke(app, ["audit", *map(str, sorted(EXAMPLES.glob("*.csv"))), "--site",
                                 site, "--existing", str(existing), "--out",
                                 str(tmp_path / "a"), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # Said even with --quiet, and in summary.json and the report.
    warning = " ".join(result.stderr.split())
    assert warning.startswith(f"Warning: {existing} ends lines with a bare CR")
    assert "the 2 entries on lines 2, 3 are read as part of another line" in warning
    summary = json.loads((tmp_path / "a" / "summary.json").read_text("utf-8"))
    assert summary["merge"]["old_lines_joined_by_cr"] == [1, 2, 3]
    assert any("ends lines with a bare CR" in w for w in summary["warnings"])
    assert "ends lines with a bare CR" in (tmp_path / "a" / "report.html").read_text("utf-8")
    # Old bytes first; every new line ends in an LF, the first one completing a CRLF.
    data = (tmp_path / "a" / "disavow.txt").read_bytes()
    assert data.startswith(existing.read_bytes() + b"\n\n# Added by disavow")
    assert b"\r" not in data[len(existing.read_bytes()):]
    validated = runner.invoke(app, ["validate", str(tmp_path / "a" / "disavow.txt")])
    assert validated.exit_code == 0
    assert "the 2 entries on lines 2, 3 are read as part of another line" in " ".join(
        validated.stderr.split())
    diffed = runner.invoke(app, ["diff", str(existing), str(tmp_path / "a" / "disavow.txt")])
    assert diffed.exit_code == 0 and json.loads(diffed.stdout)["removed"] == []
    assert "the 2 entries on lines 2, 3" in " ".join(diffed.stderr.split())


def test_validate_reports_line_numbers(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("# mine\ndomain:example.com/path\nhttp://ok.com/x\n", "utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "line 2" in result.stderr
    assert result.stderr.rstrip().endswith("bad.txt: 1 error, 0 warnings")


def test_validate_quiet_still_says_what_is_wrong(tmp_path):
    # A CI job running 'validate -q' failed with exit 1 and no reason.
    bad = tmp_path / "bad.txt"
    bad.write_text("# mine\ndomain:example.com/path\nhttp://ok.com/x\n", "utf-8")
    result = runner.invoke(app, ["validate", "-q", str(bad)])
    assert result.exit_code == 1
    assert "bad.txt:line 2: error:" in result.stderr
    assert "0 warnings" not in result.stderr


def test_diff_reports_removals(tmp_path):
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("domain:a.com\ndomain:b.com\n", "utf-8")
    new.write_text("domain:a.com\nhttp://c.com/x\n", "utf-8")
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 0
    assert '"removed"' in result.stdout and "b.com" in result.stdout
    assert "un-disavow 1" in result.stderr


def test_diff_agrees_with_audit_on_old_entries_google_may_not_read(tmp_path):
    gsc = tmp_path / "gsc.csv"
    gsc.write_text("Linking page,Last crawled\nhttp://best-seo-links-02.xyz/page/9/,2026-11-10\n"
                   "http://buy-backlinks-9921.top/p/1/,2026-11-11\n", "utf-8")
    old = tmp_path / "old.txt"
    old.write_text("DOMAIN:best-seo-links-02.xyz\n  domain:buy-backlinks-9921.top\n", "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(gsc), "--site", "brightpaws-vet.co.uk",
                                 "--existing", str(old), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    added = json.loads((out / "summary.json").read_text("utf-8"))["merge"]["added"]
    diffed = runner.invoke(app, ["diff", str(old), str(out / "disavow.txt")])
    payload = json.loads(diffed.stdout)
    assert payload["added"] == added == ["domain:best-seo-links-02.xyz",
                                         "domain:buy-backlinks-9921.top"]
    assert [item["line"] for item in payload["not_counted"]] == [1, 2]
    assert "2 entries that Google may not read as written" in diffed.stderr
    clean, doubtful = tmp_path / "a.txt", tmp_path / "b.txt"
    clean.write_text("domain:best-seo-links-02.xyz\n", "utf-8")
    doubtful.write_text("DOMAIN:best-seo-links-02.xyz.\n", "utf-8")
    diffed = runner.invoke(app, ["diff", str(clean), str(doubtful)])
    assert json.loads(diffed.stdout)["removed"] == ["domain:best-seo-links-02.xyz"]
    warning = " ".join(diffed.stderr.split())
    assert "would un-disavow 1 entries" in warning
    assert "only in a form Google may not read (the first is line 1:" in warning


def test_untrusted_model_is_refused(tmp_path):
    import shutil

    from disavow.model import default_model_dir

    copy = tmp_path / "model"
    shutil.copytree(default_model_dir(), copy)
    (copy / "model.joblib").write_bytes((copy / "model.joblib").read_bytes() + b"x")
    result = runner.invoke(app, ["score", str(next(EXAMPLES.glob("gsc-top*.csv"))), "--out",
                                 str(tmp_path / "o"), "--model", str(copy)])
    assert result.exit_code == 1 and "sha256" in result.stderr


def test_control_characters_from_an_export_never_reach_the_terminal(tmp_path):
    # Found with a hostile export header in the fuzz campaign: 'inspect' printed a column name
    # holding ESC sequences as it was, so an export could clear or retitle the terminal.
    export = tmp_path / "links.csv"
    export.write_text("URL,\x1b]0;pwned\x07Anchor\x1b[2J\x9b1m\n"
                      "http://spam.example/a,x\n", "utf-8")
    result = runner.invoke(app, ["inspect", str(export)])
    assert result.exit_code == 0
    assert "\\x1b]0;pwned\\x07Anchor\\x1b[2J\\x9b1m" in result.stderr
    assert not any(ch in result.output for ch in "\x1b\x07\x9b")
    missing = tmp_path / "nope\x1b[31m[/]x.csv"
    result = runner.invoke(app, ["inspect", str(missing)])
    assert result.exit_code == 1 and "\x1b" not in result.output
    assert "nope\\x1b[31m[/]x.csv" in result.stderr


def test_names_from_an_input_cannot_forge_a_line_or_reorder_the_terminal(tmp_path):
    export = tmp_path / "links.csv"
    export.write_text('Source url,Anchor,"x\u202eevil\n  rows       999 read, 0 skipped"\n'
                      "http://s1.example.com/p,a,1\n", "utf-8")
    result = runner.invoke(app, ["inspect", str(export)])
    assert result.exit_code == 0
    assert ("  ignored    x[U+202E]evil\\n  rows       999 read, 0 skipped\n"
            in result.stderr)
    assert [line for line in result.stderr.splitlines() if "999" in line] == [
        "  ignored    x[U+202E]evil\\n  rows       999 read, 0 skipped"]
    archive = tmp_path / "names.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil\nWarning: all good, upload now\u202e.csv", "Foo,Bar\n1,2\n")
    result = runner.invoke(app, ["audit", str(archive), "--site", "example.com", "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {archive}:evil\\nWarning: all good, upload now[U+202E].csv: no column")
    assert "\u202e" not in result.output and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["audit", "score", "train"])
@pytest.mark.parametrize("under", [False, True])  # --out is the file, or a folder under it
def test_a_file_in_the_way_of_out_is_a_message_before_any_work(command, under, tmp_path,
                                                                monkeypatch):
    import disavow.normalize as normalize

    blocker = tmp_path / "results"
    blocker.write_text("not a folder\n", "utf-8")
    out = blocker / "new" if under else blocker
    monkeypatch.setattr(normalize, "read_exports", lambda *a, **k: pytest.fail("read"))
    export = REPO / "tests" / "data" / "exports" / "generic_labelled.csv"
    args = [command, str(export), "--out", str(out)]
    if command != "train":
        args += ["--site", "example.com"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"the output folder {out}" in " ".join(result.stderr.split())
    assert blocker.read_text("utf-8") == "not a folder\n"


def _strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_evaluate_prints_strict_json_when_a_metric_is_undefined():
    # Two domains, none flagged at the default threshold: precision there is undefined.
    export = REPO / "tests" / "data" / "exports" / "generic_labelled.csv"
    result = runner.invoke(app, ["evaluate", str(export)])
    assert result.exit_code == 0, result.output
    metrics = _strict_json(result.stdout)
    assert metrics["domain"]["at_threshold"]["precision"] is None


def test_strict_json_writes_missing_numbers_as_null():
    import numpy as np

    from disavow.strict_json import dumps

    data = {"a": float("nan"), "b": [np.float64("inf"), np.int64(3), np.bool_(True)],
            "c": (1.5, -float("inf")), "d": "NaN"}
    assert _strict_json(dumps(data)) == {"a": None, "b": [None, 3, True], "c": [1.5, None],
                                         "d": "NaN"}


@pytest.mark.parametrize(("command", "shown"), [
    ("audit", "EXPORT"), ("score", "EXPORT"), ("inspect", "EXPORT"), ("normalize", "EXPORT"),
    ("train", "LABELLED"), ("evaluate", "LABELLED"), ("validate", "FILE"), ("diff", "OLD")])
def test_usage_names_what_each_argument_is(command, shown):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120"})
    usage = next(line for line in result.stdout.splitlines() if "Usage:" in line)
    assert shown in usage and "inputs" not in usage


@pytest.mark.parametrize("export", ["semrush_backlinks.csv", "ahrefs_backlinks.csv",
                                    "gsc_top_linking_sites.csv", "gsc_latest_links.csv"])
def test_an_export_passed_as_existing_is_refused(export, tmp_path):
    path = REPO / "tests" / "data" / "exports" / export
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(path), "--site", "example.com", "--out", str(out),
                                 "--existing", str(path)])
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())
    assert f"--existing {path} is a" in message and "export, not a disavow file" in message
    assert not out.exists()


def test_invalid_lines_of_the_existing_file_are_a_warning(tmp_path):
    existing = tmp_path / "current.txt"
    existing.write_text("# mine\ndomain:spam.xyz\nhttp//bad.example/x\n", "utf-8")
    export = REPO / "tests" / "data" / "exports" / "semrush_backlinks.csv"
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--out",
                                 str(tmp_path / "out"), "--existing", str(existing), "--quiet"])
    assert result.exit_code == 0, result.output
    message = " ".join(result.stderr.split())
    assert f"{existing} has 1 line(s) that are no valid disavow line (the first: line 3" in message
    merged = (tmp_path / "out" / "disavow.txt").read_bytes()
    assert merged.startswith(existing.read_bytes())
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert any("no valid disavow line" in w for w in summary["warnings"])


def test_normalize_onto_an_existing_file_says_force(tmp_path):
    export = REPO / "tests" / "data" / "exports" / "semrush_backlinks.csv"
    out = tmp_path / "links.csv"
    out.write_text("mine\n", "utf-8")
    result = runner.invoke(app, ["normalize", str(export), "--out", str(out)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "pass --force" in message and "overwrite=True" not in message
    assert out.read_text("utf-8") == "mine\n"
    forced = runner.invoke(app, ["normalize", str(export), "--out", str(out), "--force"])
    assert forced.exit_code == 0 and "source_url" in out.read_text("utf-8")


def test_a_disavow_file_with_a_stray_export_header_is_merged_with_a_warning(tmp_path):
    from disavow.read import export_layout

    export = REPO / "tests" / "data" / "exports" / "semrush_backlinks.csv"
    header = export.read_text("utf-8-sig").splitlines()[0]
    existing = tmp_path / "current.txt"
    existing.write_text(f"{header}\ndomain:spam.xyz\nhttps://forum.example.org/member/9\n",
                        "utf-8")
    assert export_layout(existing) == "Semrush Backlinks"  # by its first line alone
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--out",
                                 str(tmp_path / "out"), "--existing", str(existing), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "no valid disavow line (the first: line 1" in " ".join(result.stderr.split())
    assert (tmp_path / "out" / "disavow.txt").read_bytes().startswith(existing.read_bytes())


def test_an_existing_file_read_as_windows_1252_is_said_once_and_recorded(tmp_path):
    existing = tmp_path / "current.txt"
    existing.write_bytes(b"# caf\xe9 notes\r\ndomain:spam.xyz\r\n")
    export = REPO / "tests" / "data" / "exports" / "semrush_backlinks.csv"
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--out",
                                 str(tmp_path / "out"), "--existing", str(existing), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("as Windows-1252") == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert summary["merge"]["transcoded_from"] == "cp1252"
    assert any("Windows-1252" in w for w in summary["warnings"])


def test_audit_says_what_the_disavow_file_holds_and_what_the_run_added(tmp_path):
    from test_pipeline import _denied_run_inputs

    export, deny, old = _denied_run_inputs(tmp_path)
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--deny",
                                 str(deny), "--existing", str(old), "--out", str(tmp_path / "a")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("disavow.txt: 2 domain: lines, 1 URL line in all; this run added 1 domain: line, "
            "0 URL lines\n") in result.stderr


def test_audit_without_review_domains_does_not_ask_to_review_them(tmp_path):
    clean = tmp_path / "links.txt"  # nothing to disavow, nothing to review
    clean.write_text("https://www.bbc.co.uk/news/articles/c1\nhttps://en.wikipedia.org/wiki/X\n",
                     "utf-8")
    result = runner.invoke(app, ["audit", str(clean), "--site", "example.com", "--out",
                                 str(tmp_path / "a")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Do not upload" in result.stderr and "Review the" not in result.stderr


def test_an_unknown_level_is_wrong_usage(tmp_path):
    result = runner.invoke(app, ["audit", str(FIXTURES / "semrush_backlinks.csv"), "--site",
                                 "example.com", "--out", str(tmp_path / "a"), "--level", "bogus"])
    assert result.exit_code == 2
    assert "Invalid value for '--level'" in result.stderr and "'bogus'" in result.stderr


def test_audit_summary_names_the_keywords_file_and_each_warning_its_file(tmp_path):
    export = _export_with_a_malformed_row(tmp_path)
    keywords = tmp_path / "keywords.txt"
    keywords.write_text("# mine\nboiler repair\nemergency plumber\n", "utf-8")
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--keywords",
                                 str(keywords), "--out", str(tmp_path / "a")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "(1 input row skipped)" in result.stderr
    summary = json.loads((tmp_path / "a" / "summary.json").read_text("utf-8"))
    assert summary["keywords"] == {"path": str(keywords), "count": 2}
    assert [w for w in summary["warnings"] if "malformed" in w][0].startswith(f"{export}: ")
    assert result.stderr.count("malformed") == 1
    with open(tmp_path / "a" / "domains.csv", encoding="utf-8", newline="") as handle:
        assert {row["n_links"] for row in csv.DictReader(handle)} == {"1"}


def test_a_keywords_file_inside_out_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    keywords = out / "summary.json"  # an odd name, but the user's own file
    keywords.write_text("boiler repair\n", "utf-8")
    result = runner.invoke(app, ["audit", str(FIXTURES / "semrush_backlinks.csv"), "--site",
                                 "example.com", "--keywords", str(keywords), "--out", str(out),
                                 "--force"])
    assert result.exit_code == 1
    assert "is one of the inputs" in " ".join(result.stderr.split())
    assert keywords.read_text("utf-8") == "boiler repair\n"


@pytest.mark.parametrize("command", ["validate", "diff"])
def test_validate_and_diff_say_how_a_file_that_is_not_utf8_was_read(tmp_path, command):
    path = tmp_path / "current.txt"
    path.write_bytes(b"# caf\xe9 notes\ndomain:spam.xyz\n")
    args = [str(path)] * (2 if command == "diff" else 1)
    result = runner.invoke(app, [command, *args])
    assert " ".join(result.stderr.split()).count("read those as Windows-1252") == 1


def test_audit_says_which_kept_domains_the_existing_file_disavows(tmp_path):
    existing = tmp_path / "current.txt"
    existing.write_text("domain:bbc.co.uk\nDOMAIN:cheap-links.top\n", "utf-8")
    export = tmp_path / "links.csv"
    export.write_text("URL,Anchor,Target\n"
                      "https://www.bbc.co.uk/news/article-1,Example,https://example.com/\n"
                      "https://cheap-links.top/p/1,buy seo links,https://example.com/\n")
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--out",
                                 str(tmp_path / "out"), "--existing", str(existing)])
    assert result.exit_code == 0, result.output
    message = " ".join(result.stderr.split())
    assert ("it already disavows 1 domain scored keep (see in_existing_file in domains.csv)"
            in message)
    assert (f"{existing} has 1 entry that Google may not read as written (the first: line 2, "
            "'domain:' is not in lower case)") in message


def test_an_export_whose_file_name_is_not_utf8_is_read_and_shown(tmp_path):
    name = os.fsdecode(b"gsc-m\xfcnchen.csv")  # a Latin-1 name, as an old system writes it
    export = tmp_path / name
    try:
        export.write_text("Linking page,Last crawled\nhttps://a.example.com/x,2026-09-28\n")
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system refuses a name that is not UTF-8")
    result = runner.invoke(app, ["audit", str(export), "--site", "example.com", "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    links = (tmp_path / "out" / "links.csv").read_text("utf-8")
    assert "gsc-münchen.csv" in links


def test_score_with_force_never_overwrites_an_input_named_like_its_output(tmp_path):
    # 'normalize ... --out links.csv' then 'score links.csv --out . --force' replaced the export.
    export = tmp_path / "links.csv"
    export.write_text("Source url,Target url,Anchor\n"
                      "https://spam-casino-one.xyz/a,https://example.com/,online casino\n", "utf-8")
    before = export.read_bytes()
    result = runner.invoke(app, ["score", str(export), "--site", "example.com",
                                 "--out", str(tmp_path), "--force"])
    assert result.exit_code == 1
    assert "is one of the inputs; it is never overwritten" in result.stderr
    assert export.read_bytes() == before and not (tmp_path / "domains.csv").exists()
