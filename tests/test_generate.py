"""Tests for training_data/generate.py: the labelled training exports and the demo.

The generator must be byte-for-byte deterministic for a seed, write the exact vendor
layouts of formats.md section 3, label every row 0/1 with a known pattern, and keep the
committed data in training_data/generated/ and examples/ reproducible from its manifest.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "training_data" / "generate.py"
COMMITTED = REPO / "training_data" / "generated"
EXAMPLES = REPO / "examples"


def _load_generator():
    spec = importlib.util.spec_from_file_location("disavow_training_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def cols(text: str, sep: str = ",") -> list[str]:
    return text.split(sep)


# The vendor headers, typed from formats.md section 3 (not imported from the generator,
# so a typo there fails here).
AHREFS = cols(
    "Referring page title|Referring page URL|Language|Platform|Referring page HTTP code|"
    "Domain rating|UR|Domain traffic|Referring domains|Linked domains|External links|"
    "Page traffic|Keywords|Target URL|Left context|Anchor|Right context|Redirect Chain URLs|"
    "Redirect Chain status codes|Type|Is spam|Content|Nofollow|UGC|Sponsored|Rendered|Raw|"
    "Lost status|Drop reason|Discovered status|First seen|Last seen|Lost|Author|Page type|"
    "Page category|Links in group", "|")
SEMRUSH = cols(
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,"
    "Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,"
    "Lost link")
AUDIT = cols("Source title,Source url,Target url,Anchor,Toxicity Score,Toxic markers,"
             "First seen,Last seen,Nofollow")
MAJESTIC = cols(
    "Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,"
    "FlagImageLink,FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,"
    "SourceCitationFlow,SourceTrustFlow,TargetCitationFlow,TargetTrustFlow,"
    "SourceTopicalTrustFlow_Topic_0,SourceTopicalTrustFlow_Value_0,"
    "RefDomainTopicalTrustFlow_Topic_0,RefDomainTopicalTrustFlow_Value_0")
MOZ = cols("No,Source Page Title,Source URL,Target URL,Domain Authority,Page Authority,"
           "Spam Score,Anchor Text,First Seen,Last Seen")
HEADERS = {
    "ahrefs_backlinks": AHREFS,
    "semrush_backlinks": SEMRUSH,
    "semrush_backlink_audit": AUDIT,
    "semrush_referring_domains": ["Domain ascore", "Domain", "Backlinks", "IP Address",
                                  "Country", "First seen", "Last seen"],
    "majestic_backlinks": MAJESTIC,
    "moz_link_explorer": MOZ,
    "gsc_latest_links": ["Linking page", "Last crawled"],
    "gsc_top_linking_sites": ["Site", "Linking pages", "Target pages"],
}
LABELS = ["label", "label_reason"]


def decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    return data.decode("utf-8-sig")


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = decode(path.read_bytes())
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Six sites: one of each primary format, two with SEMrush referring domains."""
    out = tmp_path_factory.mktemp("small")
    assert gen.main(["--seed", "3", "--sites", "6", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def small_manifest(small) -> dict:
    return json.loads((small / "manifest.json").read_text(encoding="utf-8"))


def committed_manifest() -> dict:
    path = COMMITTED / "manifest.json"
    if not path.is_file():
        pytest.skip("training_data/generated/ has not been generated")
    return json.loads(path.read_text(encoding="utf-8"))


def test_same_seed_gives_the_same_bytes(small, tmp_path):
    assert gen.main(["--seed", "3", "--sites", "6", "--out", str(tmp_path)]) == 0
    assert tree_bytes(tmp_path) == tree_bytes(small)


def test_different_seeds_differ(small_manifest, tmp_path):
    assert gen.main(["--seed", "4", "--sites", "2", "--out", str(tmp_path)]) == 0
    other = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    mine = small_manifest["sites"][:2]
    assert [s["site"] for s in other["sites"]] != [s["site"] for s in mine]
    assert {e["sha256"] for s in other["sites"] for e in s["exports"]}.isdisjoint(
        {e["sha256"] for s in mine for e in s["exports"]})


def test_every_primary_format_and_ip_export_is_written(small_manifest):
    formats = {e["format"] for site in small_manifest["sites"] for e in site["exports"]}
    assert formats == set(HEADERS)


def test_exports_have_the_exact_vendor_layout(small, small_manifest):
    for site in small_manifest["sites"]:
        for entry in site["exports"]:
            path = small / entry["path"]
            data = path.read_bytes()
            fmt = entry["format"]
            header, rows = read_table(path)
            assert header == HEADERS[fmt] + LABELS, path.name
            assert len(rows) == entry["rows"] > 0
            if fmt == "ahrefs_backlinks":
                assert data[:2] == b"\xff\xfe" and entry["encoding"] == "utf-16"
                first = data[2:].decode("utf-16-le").split("\n", 1)[0]
                cells = first.split("\t")
                assert len(cells) == len(AHREFS) + 2
                assert all(c.startswith('"') and c.endswith('"') for c in cells)
                assert {r["Nofollow"] for r in rows} <= {"true", "false"}
                assert all(len(r["First seen"]) == 19 and r["First seen"][10] == " "
                           for r in rows)
            else:
                assert not data.startswith(b"\xff\xfe")
                data.decode("utf-8")
            if fmt == "moz_link_explorer":
                assert data.count(b"\r\n") >= len(rows) + 1
                assert all(r["Spam Score"] == "null" or r["Spam Score"].isdigit() for r in rows)
            if fmt == "semrush_backlink_audit":
                assert {r["Nofollow"] for r in rows} <= {"TRUE", "FALSE"}
                assert all(0 <= int(r["Toxicity Score"]) <= 100 for r in rows)
            if fmt == "majestic_backlinks":
                for flag in [c for c in MAJESTIC if c.startswith("Flag")]:
                    assert {r[flag] for r in rows} <= {"", "+"}
            if fmt == "semrush_referring_domains":
                assert all(r["IP Address"].count(".") == 3 for r in rows)
            if fmt == "gsc_top_linking_sites":
                assert all(r["Linking pages"].replace(",", "").isdigit() for r in rows)
                assert not any("/" in r["Site"] for r in rows)


def test_labels_are_binary_and_match_their_pattern(small, small_manifest):
    for site in small_manifest["sites"]:
        _, domains = read_table(small / site["domain_labels"])
        flipped = {d["domain"] for d in domains if d["noise"] == "flipped"}
        for d in domains:
            expected = gen.PATTERNS[d["pattern"]][0]
            assert int(d["label"]) == (1 - expected if d["domain"] in flipped else expected)
        for entry in site["exports"]:
            _, rows = read_table(small / entry["path"])
            for r in rows:
                assert r["label"] in {"0", "1"}
                reason = r["label_reason"]
                assert reason in gen.PATTERNS
                if int(r["label"]) == gen.PATTERNS[reason][0]:
                    continue
                # Only expert-label flips disagree with the pattern, domain by domain.
                key = r.get("Domain") or r.get("Site") or next(
                    v for k, v in r.items() if k.lower() in ("referring page url", "source url",
                                                             "url", "linking page"))
                host = key.split("://", 1)[-1].split("/", 1)[0]
                assert any(host == f or host.endswith("." + f) for f in flipped), (reason, key)


def test_link_level_spam_sits_on_ok_domains(small, small_manifest):
    seen = 0
    for site in small_manifest["sites"]:
        _, domains = read_table(small / site["domain_labels"])
        # The host is an OK kind of site (a forum or blog), whatever an expert said of it.
        ok = {d["domain"] for d in domains if gen.PATTERNS[d["pattern"]][0] == 0}
        for entry in site["exports"]:
            if entry["level"] != "link":
                continue
            _, rows = read_table(small / entry["path"])
            for r in rows:
                if r["label_reason"] in ("profile_spam", "comment_spam"):
                    url = r.get("Referring page URL") or r.get("Source url") or \
                        r.get("Source URL") or r["Linking page"]
                    host = url.split("://", 1)[1].split("/", 1)[0]
                    assert r["label"] == "1"
                    assert any(host == d or host.endswith("." + d) for d in ok)
                    seen += 1
    assert seen > 0


def test_stats_prints_tables(small, capsys):
    assert gen.main(["--stats", str(small)]) == 0
    out = capsys.readouterr().out
    assert "| pattern | label |" in out and "| format | files |" in out


def test_committed_manifest_matches_the_files():
    manifest = committed_manifest()
    listed = {"manifest.json"}
    for site in manifest["sites"]:
        assert site["files"] == [e["path"] for e in site["exports"]]
        listed.add(site["domain_labels"])
        for entry in site["exports"]:
            path = COMMITTED / entry["path"]
            data = path.read_bytes()
            listed.add(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["bytes"]
            assert len(read_table(path)[1]) == entry["rows"]
        _, domains = read_table(COMMITTED / site["domain_labels"])
        counts = site["counts"]
        assert len(domains) == counts["referring_domains"]
        assert sum(int(d["label"]) for d in domains) == counts["toxic_domains"]
        assert sum(d["noise"] == "flipped" for d in domains) == counts["label_flips"]
    on_disk = {p.relative_to(COMMITTED).as_posix() for p in COMMITTED.rglob("*") if p.is_file()}
    assert on_disk == listed
    totals = manifest["totals"]
    assert totals["sites"] == len(manifest["sites"])
    assert totals["links"] == sum(s["counts"]["links"] for s in manifest["sites"])


def test_committed_data_has_every_pattern_and_target_size():
    manifest = committed_manifest()
    reasons: set[str] = set()
    link_rows = 0
    for site in manifest["sites"]:
        for entry in site["exports"]:
            _, rows = read_table(COMMITTED / entry["path"])
            reasons.update(r["label_reason"] for r in rows)
            link_rows += len(rows) if entry["level"] == "link" else 0
    assert reasons == set(gen.PATTERNS)
    assert 30 <= len(manifest["sites"]) <= 40
    assert 40_000 <= manifest["totals"]["links"] <= 60_000
    size = sum(p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file())
    assert size < 25_000_000


def test_committed_data_is_reproducible_from_its_seed(tmp_path):
    manifest = committed_manifest()
    assert gen.main(["--seed", str(manifest["seed"]), "--sites", "2", "--out",
                     str(tmp_path)]) == 0
    fresh = tree_bytes(tmp_path)
    for site in manifest["sites"][:2]:
        committed = tree_bytes(COMMITTED / site["dir"])
        assert {f"{site['dir']}/{k}": v for k, v in committed.items()} == \
            {k: v for k, v in fresh.items() if k.startswith(site["dir"] + "/")}


def test_nofollow_is_not_a_toxic_tell():
    """signals.md: nofollow must lower risk; the data must not teach the opposite."""
    manifest = committed_manifest()
    counts = {"0": [0, 0], "1": [0, 0]}
    for site in manifest["sites"]:
        for entry in site["exports"]:
            if entry["format"] in ("ahrefs_backlinks", "semrush_backlinks"):
                for r in read_table(COMMITTED / entry["path"])[1]:
                    counts[r["label"]][0] += r["Nofollow"] == "true"
                    counts[r["label"]][1] += 1
    ok_share = counts["0"][0] / counts["0"][1]
    toxic_share = counts["1"][0] / counts["1"][1]
    assert ok_share > toxic_share


def test_demo_is_reproducible_and_unlabelled(tmp_path):
    if not (EXAMPLES / "current_disavow.txt").is_file():
        pytest.skip("examples/ has not been generated")
    assert gen.main(["--demo", "--out", str(tmp_path)]) == 0
    fresh = tree_bytes(tmp_path)
    assert fresh == {k: (EXAMPLES / k).read_bytes() for k in fresh}
    exports = sorted(p for p in tmp_path.glob("*.csv"))
    assert len(exports) == 4
    for path in exports:
        header, rows = read_table(path)
        assert "label" not in header and "label_reason" not in header
        assert rows
    ahrefs = [p for p in exports if p.read_bytes()[:2] == b"\xff\xfe"]
    assert len(ahrefs) == 1 and ahrefs[0].name.endswith(".csv")
    disavow = (tmp_path / "current_disavow.txt").read_bytes()
    lines = disavow.split(b"\r\n")
    assert b"\n" not in disavow.replace(b"\r\n", b"")
    assert any(line.startswith(b"#") for line in lines)
    assert any(line.startswith(b"domain:") for line in lines)
    assert any(line.startswith(b"http") and line != line.lower() for line in lines)


DATASHEET = REPO / "training_data" / "DATASHEET.md"


def test_the_datasheet_counts_are_the_stats_output(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert gen.main(["--stats", "training_data/generated"]) == 0
    command = "$ python training_data/generate.py --stats training_data/generated\n"
    sheet = DATASHEET.read_text("utf-8")
    start = sheet.index(command) + len(command)
    assert sheet[start:sheet.index("```", start)] == capsys.readouterr().out


def test_the_datasheet_prose_agrees_with_the_committed_data():
    import re

    manifest = committed_manifest()
    sheet = " ".join(DATASHEET.read_text("utf-8").split())
    sites = sheet[sheet.index("**The sites.**"):sheet.index("Each site has a brand")]
    drawn = sites.split("; the generator can also draw")[0]
    assert set(re.findall(r"`\.([a-z.]+)`", drawn)) == {
        site["site"].split(".", 1)[1] for site in manifest["sites"]}
    totals = manifest["totals"]
    assert (f"{totals['label_flips']} of the {totals['referring_domains']:,} site-domain pairs "
            f"({totals['label_flips'] / totals['referring_domains']:.1%}".replace("%", " %")
            in sheet)
    for fmt, claim in (("semrush_backlinks", "UTF-8 with BOM (every committed file has one)"),
                       ("moz_link_explorer", "UTF-8 without BOM (no committed file has one)")):
        row = next(line for line in DATASHEET.read_text("utf-8").splitlines()
                   if line.startswith(f"| `{fmt}` |"))
        assert claim in row
        heads = {(COMMITTED / e["path"]).read_bytes()[:3] == b"\xef\xbb\xbf"
                 for site in manifest["sites"] for e in site["exports"] if e["format"] == fmt}
        assert heads == {"with BOM" in claim and "without" not in claim}
