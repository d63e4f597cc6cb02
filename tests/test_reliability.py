"""Reliability: interrupted runs, reproducible outputs, refused models.

* **Interrupted runs.** ``pipeline.audit`` writes domains.csv, links.csv, report.html,
  summary.json and disavow.txt as one ``atomic.OutputFiles`` set: each to a temp file
  beside its target (fsync), and only when all are written and disavow.txt has passed
  its read-back check are they renamed into place, disavow.txt last. Promised: a run
  that fails or is interrupted before that writes nothing and leaves an earlier run's
  results whole; no temp file outlives a failure; even a rename failing part-way never
  leaves a disavow.txt beside reports that do not explain it. Failures are injected at
  every output (disk full mid-write, a failing rename, Ctrl-C) and in the report stage.
* **Reproducibility.** Two runs on the same input with the same ``now=`` write
  byte-identical files, in one process and across processes with different hash seeds.
* **Models.** A tampered, truncated, incomplete or foreign model folder is refused by
  ``load_model`` with a ``ModelError`` that says what to do, and by the CLI with exit 1,
  ``Error:`` on stderr and no traceback.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import TEST_DATA
from typer.testing import CliRunner

from disavow import atomic, pipeline
from disavow.cli import app
from disavow.disavow_file import read_disavow_file, validate
from disavow.errors import DisavowError, ModelError, OutputError
from disavow.model import (
    METADATA_FILE,
    MODEL_FILE,
    default_model_dir,
    load_model,
    remember_trusted,
    sha256_file,
)
from disavow.pipeline import OUTPUT_FILES, audit

REPO = Path(__file__).resolve().parent.parent
EXPORTS = TEST_DATA / "exports"
INPUTS = [EXPORTS / name for name in (
    "ahrefs_backlinks.csv", "semrush_backlinks.csv", "majestic_backlinks.csv",
    "gsc_latest_links.csv", "gsc_top_linking_sites.csv", "generic_hostile.csv",
)]
OTHER_INPUTS = [EXPORTS / name for name in ("moz_link_explorer_a.csv", "semrush_backlink_audit.csv",
                                            "list_urls_and_domains.txt")]
EXISTING = TEST_DATA / "disavow" / "crlf_bom.txt"
SITE = "example.com"
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
WRITE_ORDER = ("domains.csv", "links.csv", "report.html", "summary.json", "disavow.txt")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _empty_trust_store(tmp_path, monkeypatch):
    """No test sees (or writes to) the real ~/.config/disavow/trusted-models.txt."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture(scope="module")
def model():
    return load_model()


def leftovers(folder: Path) -> list[str]:
    """Temporary files a writer left behind (none when the folder is gone too)."""
    return sorted(p.name for p in (folder.iterdir() if folder.exists() else ())
                  if p.name.endswith(".tmp") or p.name.startswith("."))


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES if (folder / name).exists()}


# --------------------------------------------------------------------------------------
# Interrupted runs
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory, model):
    """One complete run: the bytes every interrupted run is compared with."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = audit(INPUTS, site=SITE, out_dir=out, existing=EXISTING, model=model, now=NOW)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    return result, outputs(out)


@pytest.fixture
def cached_scoring(monkeypatch, reference):
    """Skip the (slow, already tested) scoring stage: audit gets the reference profile."""
    scored = reference[0].scored
    monkeypatch.setattr(pipeline, "score_exports", lambda *a, **k: scored)


def run_audit(out: Path, **options):
    return audit(INPUTS, site=SITE, out_dir=out, existing=EXISTING, now=NOW, **options)


def fail_while_writing(monkeypatch, target: str, how: str) -> None:
    """Make write_atomic fail for the output file named ``target``.

    ``how``: "disk-full" (half the bytes reach the temp file, then ENOSPC), "ctrl-c"
    (half the bytes, then KeyboardInterrupt), "rename" (the final link/replace fails).
    """
    real_create, real_write = atomic._create_temp, os.write
    real_link, real_replace = os.link, os.replace
    current: dict[str, str] = {}

    def create(dest):
        current["name"] = dest.name
        return real_create(dest)

    def write(fd, data):
        if current.get("name") == target and how in ("disk-full", "ctrl-c"):
            real_write(fd, bytes(data[: len(data) // 2]))
            if how == "ctrl-c":
                raise KeyboardInterrupt
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    def rename(real):
        def move(src, dst, *args, **kwargs):
            if Path(dst).name == target and how == "rename":
                raise OSError(errno.EIO, "Input/output error")
            return real(src, dst, *args, **kwargs)
        return move

    monkeypatch.setattr(atomic, "_create_temp", create)
    monkeypatch.setattr(atomic.os, "write", write)
    monkeypatch.setattr(atomic.os, "link", rename(real_link))
    monkeypatch.setattr(atomic.os, "replace", rename(real_replace))


def expect_failure(how: str):
    return pytest.raises(KeyboardInterrupt) if how == "ctrl-c" else pytest.raises(
        OutputError, match="Nothing was written")


@pytest.mark.usefixtures("cached_scoring")
@pytest.mark.parametrize("how", ["disk-full", "ctrl-c", "rename"])
@pytest.mark.parametrize("target", WRITE_ORDER)
def test_a_failure_at_any_output_writes_nothing(tmp_path, monkeypatch, target, how):
    out = tmp_path / "out"
    fail_while_writing(monkeypatch, target, how)
    with expect_failure(how):
        run_audit(out)
    monkeypatch.undo()
    assert outputs(out) == {}, "part of a failed run is in place"
    assert leftovers(out) == [], "a temporary file outlived the failure"


@pytest.mark.usefixtures("cached_scoring")
@pytest.mark.parametrize("signal", [KeyboardInterrupt, MemoryError, OSError])
def test_an_interrupt_in_the_report_stage_writes_nothing(tmp_path, monkeypatch, signal):
    import disavow.report

    def boom(*args, **kwargs):
        raise signal("interrupted while building the report")

    monkeypatch.setattr(disavow.report, "build_report", boom)
    out = tmp_path / "out"
    with pytest.raises(signal):
        run_audit(out)
    assert outputs(out) == {}
    assert leftovers(out) == []
    assert not out.exists(), "the run made the folder: it leaves no empty one behind"


@pytest.mark.usefixtures("cached_scoring")
def test_an_interrupted_run_leaves_nothing_in_the_way_of_a_rerun(tmp_path, monkeypatch,
                                                                 reference):
    out = tmp_path / "out"
    fail_while_writing(monkeypatch, "summary.json", "disk-full")
    with pytest.raises(OutputError):
        run_audit(out)
    monkeypatch.undo()
    monkeypatch.setattr(pipeline, "score_exports", lambda *a, **k: reference[0].scored)
    run_audit(out)  # no --force needed: nothing of the failed run is there
    assert outputs(out) == reference[1]
    assert leftovers(out) == []


RERUN_INPUTS = INPUTS[1:] + OTHER_INPUTS  # every output differs from the first run's
RERUN_NOW = datetime(2026, 5, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, model):
    """The outputs of two different audits: the earlier results, and a forced rerun's."""
    folder = tmp_path_factory.mktemp("two-runs")
    audit(INPUTS, site=SITE, out_dir=folder / "first", model=model, now=NOW)
    audit(RERUN_INPUTS, site=SITE, out_dir=folder / "second", model=model, now=RERUN_NOW)
    first, second = outputs(folder / "first"), outputs(folder / "second")
    assert all(first[name] != second[name] and second[name] for name in OUTPUT_FILES)
    return folder / "first", first, second


@pytest.mark.parametrize("how", ["disk-full", "ctrl-c", "rename"])
@pytest.mark.parametrize("target", WRITE_ORDER)
def test_a_failed_forced_rerun_keeps_the_earlier_results(tmp_path, monkeypatch, model, two_runs,
                                                         target, how):
    earlier, first, second = two_runs
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    fail_while_writing(monkeypatch, target, how)
    with pytest.raises(KeyboardInterrupt if how == "ctrl-c" else OutputError) as failure:
        audit(RERUN_INPUTS, site=SITE, out_dir=out, model=model, now=RERUN_NOW, overwrite=True)
    monkeypatch.undo()
    left = outputs(out)
    if how == "rename":  # the message must not let the user think disavow.txt is still there
        assert "earlier disavow.txt was removed" in str(failure.value)
    assert leftovers(out) == []
    if how != "rename":
        assert left == first, "the earlier results were touched by a run that failed"
        return
    # A rename refused part-way: the files before it are the new run's, the rest the
    # earlier run's, and disavow.txt (taken away before the first rename) is in neither.
    replaced = WRITE_ORDER[:WRITE_ORDER.index(target)]
    assert "disavow.txt" not in left
    assert {name: left[name] for name in replaced} == {name: second[name] for name in replaced}
    assert all(left[name] == first[name] for name in left if name not in replaced)


def test_a_run_that_fails_before_writing_creates_no_output_folder(tmp_path, model):
    bad = tmp_path / "export.csv"
    bad.write_bytes(b"colour,size\nred,3\n")
    with pytest.raises(DisavowError, match="export.csv"):
        audit([bad], site=SITE, out_dir=tmp_path / "out", model=model, now=NOW)
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("cached_scoring")
def test_a_disavow_file_that_fails_its_read_back_check_is_not_left_behind(tmp_path, monkeypatch):
    import disavow.disavow_file as df

    real_read = df._read_bytes

    out = tmp_path / "out"

    def corrupted_read_back(path):  # as if the disk returned other bytes than were written
        written = real_read(path)
        if Path(path).parent != out:
            return written  # the --existing file is read normally
        return written + b"domain:injected.example\n"

    monkeypatch.setattr(df, "_read_bytes", corrupted_read_back)
    with pytest.raises(OutputError, match="do not upload it"):
        run_audit(out)
    assert not (out / "disavow.txt").exists()


# --------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------


def test_two_runs_write_byte_identical_files(tmp_path, model):
    first = audit(INPUTS, site=SITE, out_dir=tmp_path / "a", existing=EXISTING, model=model,
                  now=NOW)
    audit(INPUTS, site=SITE, out_dir=tmp_path / "b", existing=EXISTING, model=model, now=NOW)
    a, b = outputs(tmp_path / "a"), outputs(tmp_path / "b")
    assert sorted(a) == sorted(OUTPUT_FILES)
    differ = [name for name in OUTPUT_FILES if a[name] != b[name]]
    assert differ == [], f"differ between identical runs: {differ}"
    issues = validate(read_disavow_file(tmp_path / "a" / "disavow.txt"))
    assert [i for i in issues if i.severity == "error" and (i.line or 0) > 3] == []
    assert first.summary["created"] == "2026-03-04T05:06:07Z"


def test_the_order_of_the_inputs_does_not_change_the_result(tmp_path, model):
    """Inputs named in another order give the same disavow.txt, decisions and scores."""
    import pandas as pd

    audit(INPUTS, site=SITE, out_dir=tmp_path / "a", model=model, now=NOW)
    audit(list(reversed(INPUTS)), site=SITE, out_dir=tmp_path / "b", model=model, now=NOW)
    assert (tmp_path / "a" / "disavow.txt").read_bytes() == (
        tmp_path / "b" / "disavow.txt").read_bytes()
    da = pd.read_csv(tmp_path / "a" / "domains.csv").set_index("domain").sort_index()
    db = pd.read_csv(tmp_path / "b" / "domains.csv").set_index("domain").sort_index()
    assert da["decision"].equals(db["decision"])
    pd.testing.assert_series_equal(da["score"], db["score"], rtol=1e-9)


def test_the_order_of_overlapping_exports_changes_no_value(tmp_path, model):
    """The bundled Ahrefs and Semrush exports share 324 links whose dates and anchors
    differ: merged, they give the same values whichever file is named first."""
    import pandas as pd

    examples = Path(__file__).resolve().parent.parent / "examples"
    site = (examples / "SITE").read_text().strip()
    inputs = sorted(examples.glob("alderfinchplumbing.co.uk-backlinks*.csv"))
    assert len(inputs) == 2
    for out, order in (("a", inputs), ("b", inputs[::-1])):
        audit(order, site=site, out_dir=tmp_path / out, model=model, now=NOW)
    for name, key in (("domains.csv", ["domain"]), ("links.csv", ["source_url", "target_url"])):
        a, b = (pd.read_csv(tmp_path / out / name, dtype=str, keep_default_na=False)
                .sort_values(key, kind="stable").reset_index(drop=True) for out in "ab")
        pd.testing.assert_frame_equal(a, b)


_TERMINATED_CHILD = """
import os, signal, sys
import disavow.tables as tables
tables._CHUNK_ROWS = 2  # several chunks from a small export
real = tables.csv_chunks
def chunks(frame):
    for i, chunk in enumerate(real(frame)):
        if i == 1:  # half-way through the first CSV: as a timeout or 'docker stop' would
            os.kill(os.getpid(), signal.SIGTERM)
        yield chunk
tables.csv_chunks = chunks
from disavow.cli import app
app(sys.argv[1:], prog_name="disavow")
"""


@pytest.mark.parametrize("command", ["audit", "score"])
def test_sigterm_while_writing_leaves_no_temporary_file_and_no_folder(tmp_path, command):
    out = tmp_path / "out"
    export = TEST_DATA / "exports" / "ahrefs_backlinks.csv"
    done = subprocess.run(
        [sys.executable, "-c", _TERMINATED_CHILD, command, str(export), "--site", SITE,
         "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists(), sorted(p.name for p in out.iterdir())


_CHILD = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from disavow.pipeline import audit
inputs = [Path(p) for p in sys.argv[4:]]
audit(inputs, site="example.com", out_dir=Path(sys.argv[1]), existing=Path(sys.argv[2]),
      deny=Path(sys.argv[3]), now=datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc))
"""
# Entries that are not written as domain: lines, each with a warning.
_DENY = ("domain:google.com\ndomain:medium.com\nwordpress.com\ndomain:co.uk\n"
         "domain:github.com\ndomain:bad-one.xyz\nhttps://x.example/1\n")


@pytest.mark.slow
def test_runs_in_processes_with_different_hash_seeds_are_identical(tmp_path):
    """Set and dict order of strings changes with PYTHONHASHSEED; outputs must not."""
    results = {}
    deny = tmp_path / "deny.txt"
    deny.write_text(_DENY, "utf-8")
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(out), str(EXISTING), str(deny),
             *map(str, INPUTS)],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        results[seed] = outputs(out)
    differ = [name for name in OUTPUT_FILES if results["1"][name] != results["2"][name]]
    assert differ == [], f"differ between hash seeds: {differ}"
    assert results["1"]["summary.json"].count(b"--deny lists ") == 5


# --------------------------------------------------------------------------------------
# Tampered, broken and foreign models
# --------------------------------------------------------------------------------------


def copy_model(tmp_path: Path, name: str = "model") -> Path:
    folder = tmp_path / name
    shutil.copytree(default_model_dir(), folder)
    return folder


def rehash(folder: Path) -> str:
    """Make metadata.json agree with model.joblib again (what an attacker would do)."""
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    meta["model_sha256"] = sha256_file(folder / MODEL_FILE)
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    return meta["model_sha256"]


def flip_byte(folder: Path) -> None:
    data = bytearray((folder / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / MODEL_FILE).write_bytes(bytes(data))


def truncate(folder: Path) -> None:
    data = (folder / MODEL_FILE).read_bytes()
    (folder / MODEL_FILE).write_bytes(data[: len(data) // 3])


def edit_recorded_hash(folder: Path) -> None:
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    meta["model_sha256"] = "0" * 64
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")


def delete(name: str):
    def remove(folder: Path) -> None:
        (folder / name).unlink()
    return remove


def write_metadata(text: str):
    def rewrite(folder: Path) -> None:
        (folder / METADATA_FILE).write_text(text, "utf-8")
    return rewrite


def drop_key(key: str):
    def rewrite(folder: Path) -> None:
        meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
        del meta[key]
        (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    return rewrite


TAMPERING = {
    # name: (change, pattern the message must contain)
    "flipped-byte": (flip_byte, r"does not match the sha256 .* retrain it or restore"),
    "truncated": (truncate, r"does not match the sha256"),
    "emptied": (lambda f: (f / MODEL_FILE).write_bytes(b""), r"does not match the sha256"),
    "edited-hash": (edit_recorded_hash, r"does not match the sha256"),
    "no-model-file": (delete(MODEL_FILE), r"has no model\.joblib"),
    "no-metadata": (delete(METADATA_FILE), r"has no metadata\.json"),
    "metadata-not-json": (write_metadata("{not json"), r"not a valid model metadata file"),
    "metadata-without-hash": (drop_key("model_sha256"), r"not a valid model metadata file"),
    "model-is-a-folder": (lambda f: (delete(MODEL_FILE)(f), (f / MODEL_FILE).mkdir()),
                          r"has no model\.joblib"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampered_model_is_refused_with_a_clear_message(tmp_path, case):
    change, message = TAMPERING[case]
    folder = copy_model(tmp_path)
    change(folder)
    with pytest.raises(ModelError, match=message) as info:
        load_model(folder)
    assert str(folder) in str(info.value)
    with pytest.raises(ModelError, match=message):
        load_model(folder, trust=True)  # trust never overrides a hash mismatch


def test_a_model_file_swapped_after_its_hash_is_checked_is_never_loaded(tmp_path, monkeypatch):
    """The bytes that pass the sha256 check are the bytes that are unpickled."""
    import hashlib

    from disavow import model as model_module

    folder = copy_model(tmp_path)
    path = folder / MODEL_FILE
    real_sha256 = hashlib.sha256

    def sha256_then_swap(data=b""):
        digest = real_sha256(data)
        path.write_bytes(b"not a pickle: swapped in after the check")
        return digest

    monkeypatch.setattr(model_module.hashlib, "sha256", sha256_then_swap)
    loaded = load_model(folder)
    assert path.read_bytes().startswith(b"not a pickle")
    assert {"domain", "domain_only", "link"} <= set(loaded.estimators)


@pytest.mark.parametrize("case", ["flipped-byte", "truncated", "no-model-file",
                                  "metadata-not-json"])
def test_cli_refuses_a_tampered_model_without_a_traceback(tmp_path, case):
    change, message = TAMPERING[case]
    folder = copy_model(tmp_path)
    change(folder)
    out = tmp_path / "scores"
    result = runner.invoke(app, ["score", str(EXPORTS / "gsc_latest_links.csv"), "--site", SITE,
                                 "--out", str(out), "--model", str(folder), "--quiet"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("Error:"), result.stderr
    assert "Traceback" not in result.output
    assert str(folder) in result.stderr, "the message does not name the model folder"
    assert not out.exists() or list(out.iterdir()) == []


@pytest.fixture(scope="module")
def foreign_model(tmp_path_factory, model):
    """An intact model folder whose hash matches its metadata, but that was neither
    shipped with disavow nor trained on this machine."""
    import joblib

    folder = copy_model(tmp_path_factory.mktemp("foreign"))
    joblib.dump(model.estimators, folder / MODEL_FILE, compress=1)
    digest = rehash(folder)
    assert digest != model.sha256
    return folder


def test_a_foreign_model_is_refused_without_trust(foreign_model):
    with pytest.raises(ModelError, match="--trust-model") as info:
        load_model(foreign_model)
    assert "not a model shipped with disavow or trained on this machine" in str(info.value)
    assert load_model(foreign_model, trust=True).sha256 == sha256_file(foreign_model / MODEL_FILE)


def test_a_model_trained_here_is_trusted_through_the_local_store(foreign_model):
    remember_trusted(sha256_file(foreign_model / MODEL_FILE))  # what `disavow train` does
    assert load_model(foreign_model).directory == foreign_model


def test_cli_refuses_a_foreign_model_unless_trusted(tmp_path, foreign_model):
    args = ["score", str(EXPORTS / "gsc_latest_links.csv"), "--site", SITE, "--model",
            str(foreign_model), "--quiet"]
    refused = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert refused.exit_code == 1 and refused.stderr.startswith("Error:")
    assert "--trust-model" in refused.stderr and "Traceback" not in refused.output
    trusted = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--trust-model"])
    assert trusted.exit_code == 0, trusted.output
    assert (tmp_path / "b" / "domains.csv").exists()


def _pickle_that_is_not_a_model(folder: Path) -> None:
    import joblib

    joblib.dump({"domain": None}, folder / MODEL_FILE)


def _wrong_sklearn(folder: Path) -> None:
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    meta["versions"]["scikit-learn"] = "0.1.0"
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")


@pytest.mark.parametrize("change, message", [
    (truncate, r"could not be loaded"),
    (flip_byte, r"could not be loaded|does not hold"),
    (_pickle_that_is_not_a_model, r"does not hold a disavow model"),
    (_wrong_sklearn, r"trained with scikit-learn 0\.1\.0"),
], ids=["truncated", "flipped-byte", "not-a-model", "other-sklearn"])
def test_even_a_trusted_model_must_be_loadable(tmp_path, change, message):
    """With matching hashes and --trust-model, a broken file is still a ModelError."""
    folder = copy_model(tmp_path)
    change(folder)
    rehash(folder)
    with pytest.raises(ModelError, match=message):
        load_model(folder, trust=True)


@pytest.mark.parametrize("text", ["[]", '{"model_sha256": 5}', '{"model_sha256": null}'])
def test_malformed_metadata_is_a_model_error(tmp_path, text):
    folder = copy_model(tmp_path)
    write_metadata(text)(folder)
    with pytest.raises(ModelError, match="metadata"):
        load_model(folder)


def test_a_damaged_trust_store_is_not_a_crash(tmp_path, foreign_model):
    store = tmp_path / "xdg-config" / "disavow" / "trusted-models.txt"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"caf\xe9\n")
    with pytest.raises(ModelError, match="--trust-model"):
        load_model(foreign_model)
