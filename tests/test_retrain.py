"""Retraining on a user's labels: two commands, honest metrics, and it really learns."""

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from disavow import schema as s
from disavow.cli import app
from disavow.errors import ModelError
from disavow.features import SiteProfile, build_features
from disavow.model import load_model
from disavow.normalize import read_exports
from disavow.retrain import train_from_exports

GENERATED = Path(__file__).resolve().parent.parent / "training_data" / "generated"
runner = CliRunner()


def ahrefs_export(index: int) -> Path:
    manifest = json.loads((GENERATED / "manifest.json").read_text("utf-8"))
    for site in manifest["sites"]:
        for export in site["exports"]:
            if export["format"].startswith("ahrefs_backlinks"):
                index -= 1
                if index < 0:
                    return GENERATED / export["path"]
    raise LookupError("not enough Ahrefs exports in the generated data")


@pytest.fixture(autouse=True)
def _own_trust_store(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def read_ahrefs(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-16", sep="\t", dtype=str, keep_default_na=False)


def write_ahrefs(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, sep="\t", encoding="utf-16", index=False, quoting=csv.QUOTE_ALL)


def test_train_and_evaluate_in_two_commands(tmp_path):
    model_dir = tmp_path / "models" / "mine"
    trained = runner.invoke(app, ["train", str(ahrefs_export(0)), "--out", str(model_dir),
                                  "--quiet"], catch_exceptions=False)
    assert trained.exit_code == 0, trained.output
    cv = json.loads(trained.stdout)["cross_validation"]
    assert cv["domain"]["roc_auc"] > 0.8
    for name in ("model.joblib", "metadata.json", "MODEL_CARD.md"):
        assert (model_dir / name).exists()
    evaluated = runner.invoke(app, ["evaluate", str(ahrefs_export(1)), "--model", str(model_dir)],
                              catch_exceptions=False)
    assert evaluated.exit_code == 0, evaluated.output
    result = json.loads(evaluated.stdout)
    assert result["domain"]["roc_auc"] > 0.75
    assert 0 <= result["domain"]["policy"]["disavowed_share_of_clean"] <= 1


def test_retraining_moves_scores_in_the_labelled_direction(tmp_path):
    source = ahrefs_export(2)
    frame = read_ahrefs(source)
    hosts = frame["Referring page URL"].str.extract(r"//(?:www\.)?([^/]+)")[0]
    ok_hosts = hosts[frame["label"] == "0"].value_counts()
    flipped = set(ok_hosts.index[:15])
    relabelled = frame.copy()
    relabelled.loc[hosts.isin(flipped), "label"] = "1"
    original_path = tmp_path / "original.csv"
    relabelled_path = tmp_path / "relabelled.csv"
    write_ahrefs(frame, original_path)
    write_ahrefs(relabelled, relabelled_path)

    before = train_from_exports([original_path], tmp_path / "before")
    after = train_from_exports([relabelled_path], tmp_path / "after")
    assert before["model_sha256"] != after["model_sha256"]

    table = read_exports([original_path]).links
    feats = build_features(table, SiteProfile.infer(table))
    domains = [d for d in feats.domains.index if any(d in h for h in flipped)]
    assert domains
    old = load_model(tmp_path / "before").score(feats.domains.loc[domains], "domain")
    new = load_model(tmp_path / "after").score(feats.domains.loc[domains], "domain")
    assert np.mean(new) > np.mean(old) + 0.2


def test_labels_from_an_old_disavow_file(tmp_path):
    source = ahrefs_export(0)
    frame = read_ahrefs(source).drop(columns=["label", "label_reason"])
    export = tmp_path / "export.csv"
    write_ahrefs(frame, export)
    table = read_exports([source]).links
    toxic = sorted(set(table.loc[table[s.LABEL] == 1, s.DOMAIN]))
    old = tmp_path / "old_disavow.txt"
    old.write_text("# uploaded last year\n" + "".join(f"domain:{d}\n" for d in toxic), "ascii")
    whitelist = tmp_path / "partners.txt"
    whitelist.write_text(f"{toxic[0]}\n", "ascii")
    result = runner.invoke(app, ["train", str(export), "--labels-from", str(old), "--whitelist",
                                 str(whitelist), "--out", str(tmp_path / "m"), "--quiet"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["cross_validation"]["domain"]["roc_auc"] > 0.8


def test_unlabelled_input_is_a_clear_error(tmp_path):
    export = tmp_path / "export.csv"
    write_ahrefs(read_ahrefs(ahrefs_export(0)).drop(columns=["label", "label_reason"]), export)
    result = runner.invoke(app, ["train", str(export), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and "label" in result.stderr


def test_a_model_from_another_machine_needs_trust(tmp_path, monkeypatch):
    train_from_exports([ahrefs_export(0)], tmp_path / "m")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    with pytest.raises(ModelError, match="--trust-model"):
        load_model(tmp_path / "m")
    assert load_model(tmp_path / "m", trust=True).name == "m"


def test_an_interrupted_retrain_leaves_the_model_folder_as_it_was(tmp_path, monkeypatch):
    import disavow.train as train_module

    folder = tmp_path / "mine"
    train_from_exports([ahrefs_export(0)], folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(before) == {"model.joblib", "metadata.json", "MODEL_CARD.md"}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(train_module, "_card", interrupted)  # after model and metadata
    with pytest.raises(KeyboardInterrupt):
        train_from_exports([ahrefs_export(1)], folder, overwrite=True)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary files
    load_model(folder)  # still the whole, trusted model


def test_an_export_passed_as_labels_from_is_refused(tmp_path):
    export = Path(__file__).resolve().parent / "data" / "exports" / "semrush_backlinks.csv"
    result = runner.invoke(app, ["train", str(ahrefs_export(0)), "--out", str(tmp_path / "m"),
                                 "--labels-from", str(export)])
    assert result.exit_code == 1
    assert "is a Semrush Backlinks export, not a disavow file" in " ".join(result.stderr.split())
    assert not (tmp_path / "m").exists()


LOOPORA = GENERATED / "site-06-loopora.io"


def name_only_labels(tmp_path: Path, per_class: int, skip: int = 0) -> Path:
    """A labelled Search Console 'Top linking sites' export: domains known by name only
    (``per_class`` of each class, after the first ``skip``)."""
    rows = pd.read_csv(LOOPORA / "Top linking sites.csv", dtype=str, keep_default_na=False)
    part = pd.concat([rows[rows["label"] == "1"].iloc[skip:skip + per_class],
                      rows[rows["label"] == "0"].iloc[skip:skip + per_class]])
    path = tmp_path / f"top_linking_sites_{skip}_{per_class}.csv"
    part.to_csv(path, index=False)
    return path


def test_name_only_labels_train_the_domain_only_model(tmp_path):
    from disavow.train import MIN_DOMAINS_PER_CLASS

    labelled = name_only_labels(tmp_path, MIN_DOMAINS_PER_CLASS)
    result = runner.invoke(app, ["train", str(labelled), "--out", str(tmp_path / "m"),
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["cross_validation"]) == {"domain_only"}
    metadata = json.loads((tmp_path / "m" / "metadata.json").read_text("utf-8"))
    assert metadata["fitted_on"] == dict.fromkeys(("domain", "domain_only", "link"),
                                                  "domain_only")
    assert "stand-in" in result.stderr
    assert "stand-in" in (tmp_path / "m" / "MODEL_CARD.md").read_text("utf-8")
    load_model(tmp_path / "m")


def test_too_few_labels_are_refused_naming_the_minimum(tmp_path):
    from disavow.train import MIN_DOMAINS_PER_CLASS

    labelled = name_only_labels(tmp_path, MIN_DOMAINS_PER_CLASS - 1)
    result = runner.invoke(app, ["train", str(labelled), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert f"at least {MIN_DOMAINS_PER_CLASS} referring domains labelled toxic" in message
    assert "Traceback" not in result.output and not (tmp_path / "m").exists()


@pytest.mark.parametrize("n", [4, 8, 12, 16, 20, 30])
def test_small_link_label_sets_train_or_are_refused_cleanly(tmp_path, n):
    source = GENERATED / "site-02-victoriainn.ca" / "victoriainn.ca-backlinks.csv"
    rows = pd.read_csv(source, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    part = pd.concat([rows[rows["label"] == "1"].head(n // 2),
                      rows[rows["label"] == "0"].head(n // 2)])
    labelled = tmp_path / "small.csv"
    part.to_csv(labelled, index=False)
    result = runner.invoke(app, ["train", str(labelled), "--out", str(tmp_path / "m"),
                                 "--quiet"])
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "Too few labels to train" in result.stderr
    else:  # fewer than the minimum of sites per class: trained, but said
        from disavow.train import MIN_DOMAINS_PER_CLASS
        from disavow.urls import host_info, parse_url

        domains = part.assign(site=part["Source url"].map(
            lambda u: host_info(parse_url(u).host).domain))
        per_class = domains.groupby("label")["site"].nunique()
        said = "was cross-validated on only" in " ".join(result.stderr.split())
        assert said == (per_class.min() < MIN_DOMAINS_PER_CLASS), per_class.to_dict()


def test_a_domain_in_two_files_is_in_one_fold_and_a_file_given_twice_is_read_once(
        tmp_path, monkeypatch):
    import disavow.train as train_module

    source = GENERATED / "site-02-victoriainn.ca" / "victoriainn.ca-backlinks.csv"
    rows = pd.read_csv(source, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    part = pd.concat([rows[rows["label"] == "1"].head(40), rows[rows["label"] == "0"].head(40)])
    first, copy = tmp_path / "a.csv", tmp_path / "a_copy.csv"
    part.to_csv(first, index=False)
    part.to_csv(copy, index=False)
    seen = []
    real = train_module.cross_validate
    monkeypatch.setattr(train_module, "cross_validate",
                        lambda training, *a, **k: seen.append(training) or real(training, *a, **k))
    train_from_exports([first, copy], tmp_path / "both")
    training = seen[-1]
    # Folds are grouped: one group per referring domain, whichever file it is in.
    for groups, names in ((training.domain_groups, training.domain_names),
                          (training.link_groups, training.link_domains)):
        assert pd.Series(groups).groupby(pd.Series(names)).nunique().max() == 1
    assert len(set(training.domain_names)) < len(training.domain_names)  # in both files

    alone = train_from_exports([first], tmp_path / "alone")
    twice = train_from_exports([first, first], tmp_path / "twice")
    assert twice["rows"] == alone["rows"]
    assert [src["path"] for src in twice["training_data"]] == ["a.csv"]
    assert any("given again" in w for w in twice["warnings"])


def test_evaluate_warns_on_training_files_and_on_few_domains(tmp_path):
    from disavow.retrain import MIN_EVALUATION_DOMAINS

    seen = name_only_labels(tmp_path, 8)
    train_from_exports([seen], tmp_path / "m")
    result = runner.invoke(app, ["evaluate", str(seen), "--model", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert any("trained on" in w and "not honest" in w for w in warnings)
    assert any(f"fewer than {MIN_EVALUATION_DOMAINS} of each class" in w for w in warnings)
    assert "not honest" in " ".join(result.stderr.split())

    unseen = name_only_labels(tmp_path, MIN_EVALUATION_DOMAINS, skip=8)
    result = runner.invoke(app, ["evaluate", str(unseen), "--model", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []


def test_evaluate_recognises_training_data_by_content_not_by_bytes(tmp_path):
    from disavow.retrain import evaluate_exports

    source = GENERATED / "site-02-victoriainn.ca" / "victoriainn.ca-backlinks.csv"
    rows = pd.read_csv(source, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    site = rows["Source url"].str.extract(r"//([^/]+)", expand=False)
    hosts = pd.unique(site)
    trained, later = hosts[:120], hosts[90:]  # a later export: 30 of its domains were trained on
    labelled = tmp_path / "labelled.csv"
    rows[site.isin(trained)].to_csv(labelled, index=False)
    train_from_exports([labelled], tmp_path / "m")

    resaved = tmp_path / "resaved.csv"  # the same rows, as a Windows editor saves them
    resaved.write_bytes(labelled.read_bytes().replace(b"\n", b"\r\n"))
    copy = evaluate_exports([resaved], model_dir=tmp_path / "m")
    assert any("trained on" in w and "not honest" in w for w in copy["warnings"])
    assert copy["training_overlap"]["share"] == 1.0

    later_export = tmp_path / "later.csv"
    rows[site.isin(later)].to_csv(later_export, index=False)
    result = evaluate_exports([later_export], model_dir=tmp_path / "m")
    overlap = result["training_overlap"]
    assert overlap["seen_in_training"] == 30 and overlap["referring_domains"] == len(later)
    from disavow.retrain import SEEN_SHARE_WARNING

    assert overlap["share"] >= SEEN_SHARE_WARNING
    assert any(f"30 of its {len(later)} referring domains" in w for w in result["warnings"])
    unseen = result["unseen_only"]["domain"]
    assert unseen["n"] == len(later) - 30 < result["domain"]["n"]

    # Another site shares spam networks with this one, as real sites do; the model
    # never saw their labels for that site, so that is no leak.
    other_site = GENERATED / "site-04-copperleaf.co.uk" / "inbound-links-copperleaf.co.uk.csv"
    labels = pd.read_csv(GENERATED / "site-04-copperleaf.co.uk" / "domain_labels.csv")
    assert labels["domain"].isin(site.str.removeprefix("www.")[site.isin(trained)]).any()
    other = evaluate_exports([other_site], model_dir=tmp_path / "m")
    assert other["training_overlap"]["seen_in_training"] == 0 and other["warnings"] == []


def test_evaluate_finds_training_domains_when_only_training_was_told_the_site(tmp_path):
    from disavow.retrain import evaluate_exports

    # Search Console's "Latest links" holds no target URL: only --site names the site.
    resaved = tmp_path / "Latest links.csv"
    resaved.write_bytes((LOOPORA / "Latest links.csv").read_bytes().replace(b"\n", b"\r\n"))
    train_from_exports([LOOPORA / "Latest links.csv"], tmp_path / "m", site="loopora.io")
    result = evaluate_exports([resaved], model_dir=tmp_path / "m")
    assert result["training_overlap"]["share"] == 1.0
    assert any("trained on" in w and "not honest" in w for w in result["warnings"])


def test_invalid_lines_of_labels_from_are_reported_and_a_file_without_any_is_refused(
        tmp_path):
    labelled = pd.read_csv(name_only_labels(tmp_path, 20), dtype=str, keep_default_na=False)
    export = tmp_path / "sites.csv"
    labelled.drop(columns=["label", "label_reason"]).to_csv(export, index=False)
    toxic = labelled.loc[labelled["label"] == "1", "Site"].tolist()
    half_broken = tmp_path / "old.txt"
    half_broken.write_text("".join(f"domain:{d}\n" if i % 2 else f"{d}\n"
                                   for i, d in enumerate(toxic)), "ascii")
    result = runner.invoke(app, ["train", str(export), "--labels-from", str(half_broken),
                                 "--out", str(tmp_path / "m"), "--quiet"])
    assert result.exit_code == 0, result.output
    message = " ".join(result.stderr.split())
    assert f"{len(toxic) // 2} of its lines are not valid disavow lines" in message
    assert f"line 1 '{toxic[0]}'" in message

    as_csv = tmp_path / "labels.csv"
    labelled[["Site", "label"]].to_csv(as_csv, index=False)
    result = runner.invoke(app, ["train", str(export), "--labels-from", str(as_csv),
                                 "--out", str(tmp_path / "m2")])
    assert result.exit_code == 1
    assert "holds no valid disavow line" in " ".join(result.stderr.split())
    assert not (tmp_path / "m2").exists()


@pytest.mark.parametrize(("toxic", "ok"), [("toxic", "not_toxic"), ("1.00", "0.00"),
                                          ("WAHR", "FALSCH"), ("Disavowed", "Kept")])
def test_label_synonyms_are_read_and_unusable_labels_are_counted(tmp_path, toxic, ok):
    from disavow.retrain import labelled_tables

    rows = pd.read_csv(name_only_labels(tmp_path, 10), dtype=str, keep_default_na=False)
    rows["label"] = rows["label"].map({"1": toxic, "0": ok})
    rows.loc[0, "label"] = ""
    rows.loc[[1, 2], "label"] = "maybe"
    labelled = tmp_path / "labelled.csv"
    rows.to_csv(labelled, index=False)
    notes: list[str] = []
    [(_, table)] = labelled_tables([labelled], labels_from=None, whitelist=None, notes=notes)
    assert table[s.LABEL].value_counts().to_dict() == {0.0: 10, 1.0: 7}
    assert any("1 rows have no label" in n for n in notes)
    assert any("2 rows have a label that is neither toxic nor ok" in n and "'maybe' (2)" in n
               for n in notes)


def test_links_labelled_both_ways_are_left_out_and_said(tmp_path):
    rows = pd.read_csv(name_only_labels(tmp_path, 10), dtype=str, keep_default_na=False)
    flipped = rows.assign(label=rows["label"].map({"1": "0", "0": "1"}))
    labelled = tmp_path / "conflicting.csv"
    pd.concat([rows, flipped]).to_csv(labelled, index=False)
    result = runner.invoke(app, ["train", str(labelled), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "20 links are labelled both toxic and ok" in " ".join(result.stderr.split())


@pytest.mark.parametrize("name", ["model.joblib", "metadata.json", "MODEL_CARD.md"])
def test_train_never_replaces_a_file_of_out_without_force(tmp_path, name):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / name).write_text("important\n", "utf-8")
    result = runner.invoke(app, ["train", str(name_only_labels(tmp_path, 8)), "--out",
                                 str(folder)])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert (folder / name).read_text("utf-8") == "important\n"


def test_evaluate_reads_name_only_domains_against_their_own_threshold():
    from disavow.retrain import evaluate_exports

    path = GENERATED / "site-06-loopora.io" / "Top linking sites.csv"
    result = evaluate_exports([path])
    at, policy = result["domain"]["at_threshold"], result["domain"]["policy"]
    assert at["name_only_threshold"] == result["thresholds"]["domain_only_disavow"]
    assert at["recall"] == pytest.approx(policy["disavowed_share_of_toxic"])
    assert at["flagged_share_of_clean"] == pytest.approx(policy["disavowed_share_of_clean"])


def test_a_trust_list_that_cannot_be_written_says_to_pass_trust_model(tmp_path, monkeypatch):
    blocked = tmp_path / "config-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    model_dir = tmp_path / "mine"
    trained = runner.invoke(app, ["train", str(ahrefs_export(0)), "--out", str(model_dir)])
    assert trained.exit_code == 0, trained.output
    said = " ".join(trained.stderr.split())
    assert "UserWarning" not in said and "Traceback" not in said
    assert "could not record the model as trained on this machine" in said
    assert f"Use it with --model {model_dir} --trust-model." in said


def test_the_order_of_the_labelled_files_does_not_change_the_model(tmp_path):
    source = GENERATED / "site-02-victoriainn.ca" / "victoriainn.ca-backlinks.csv"
    rows = pd.read_csv(source, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    toxic, ok = rows[rows["label"] == "1"], rows[rows["label"] == "0"]
    files = []
    for name, half in (("b.csv", slice(0, 40)), ("a.csv", slice(40, 80))):
        files.append(tmp_path / name)
        pd.concat([toxic.iloc[half], ok.iloc[half]]).to_csv(files[-1], index=False)
    first = train_from_exports(files, tmp_path / "ab")
    second = train_from_exports(files[::-1], tmp_path / "ba")
    assert (tmp_path / "ab" / "model.joblib").read_bytes() == (
        tmp_path / "ba" / "model.joblib").read_bytes()
    assert first["thresholds"] == second["thresholds"]


def test_evaluate_reads_the_keywords_train_and_audit_take(tmp_path, monkeypatch):
    # A model trained with --keywords was measured without them: on other signals.
    import disavow.retrain as retrain

    seen = []
    infer = retrain.SiteProfile.infer

    def recording(table, site=None, keywords=()):
        seen.append(tuple(keywords))
        return infer(table, site, keywords)

    monkeypatch.setattr(retrain.SiteProfile, "infer", recording)
    keywords = tmp_path / "keywords.txt"
    keywords.write_text("# money words\nboiler repair\nemergency plumber\n", "utf-8")
    result = runner.invoke(app, ["evaluate", str(ahrefs_export(1)), "--keywords", str(keywords)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen == [("boiler repair", "emergency plumber")]
