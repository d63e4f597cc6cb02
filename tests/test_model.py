"""The shipped model folder: verified, consistent with its card, and sane."""

import json

import numpy as np
import pandas as pd
import pytest

from disavow.features import DOMAIN_FEATURES, LINK_MODEL_FEATURES, SiteProfile, build_features
from disavow.model import default_model_dir, load_model, sha256_file
from disavow.model_card import render_model_card
from disavow.train import LEVELS


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_shipped_model_is_verified_and_complete(model):
    folder = default_model_dir()
    assert sha256_file(folder / "model.joblib") == model.metadata["model_sha256"]
    shipped = json.loads((folder.parent.parent / "disavow" / "shipped_models.json").read_text())
    assert model.sha256 in shipped.values()
    assert set(model.metadata["features"]) == set(LEVELS)
    assert model.metadata["features"]["domain"] == list(DOMAIN_FEATURES)
    assert model.metadata["features"]["link"] == list(LINK_MODEL_FEATURES)


def test_card_is_generated_from_metadata(model):
    card = (default_model_dir() / "MODEL_CARD.md").read_text("utf-8")
    assert card == render_model_card(model.metadata)
    assert f"{model.metadata['metrics']['cross_validation']['domain']['roc_auc']:.3f}" in card


def test_thresholds_are_probabilities_and_ordered(model):
    t = model.thresholds
    for kind in ("domain", "domain_only", "link"):
        assert 0 < t[f"{kind}_review"] <= t[f"{kind}_disavow"] < 1


def test_metrics_come_from_unseen_data(model):
    metrics = model.metadata["metrics"]
    assert metrics["cross_validation"]["domain"]["folds"] >= 2
    assert "heldout_generated" in metrics


def names_only(domains):
    table = pd.DataFrame({"row_kind": "domain", "source_url": None, "domain": domains,
                          "status": "ok"})
    return build_features(table, SiteProfile(None)).domains


def test_obvious_cases_from_names_alone(model):
    feats = names_only(["seo-backlinks-cheap.shop", "best-casino-bonus24.xyz",
                        "bbc.co.uk", "harvard.edu"])
    scores = model.score(feats, "domain")
    assert scores.shape == (4,)
    assert np.all((scores >= 0) & (scores <= 1))
    assert min(scores[:2]) > max(scores[2:])


def test_each_name_is_scored_once_per_run_and_the_cache_changes_nothing(monkeypatch):
    from disavow import train

    fresh = load_model()
    names = ["seo-backlinks-cheap.shop", "bbc.co.uk", "harvard.edu", "bbc.co.uk"]
    feats = names_only(names)
    seen: list[str] = []
    plain = train.name_scores

    def counting(scorer, domains):
        seen.extend(domains)
        return plain(scorer, domains)

    monkeypatch.setattr(train, "name_scores", counting)
    first = fresh.score(feats, "domain")
    again = fresh.score(feats, "domain")
    assert sorted(seen) == sorted(set(names))  # distinct names, and only on the first call
    assert np.array_equal(first, again)
    assert np.array_equal(first, load_model().score(feats, "domain"))


# --- the model's input, gathered block by block ----------------------------------------


def link_frame(model, n=240, seed=0):
    """Link features as the model reads them, with every value prepare_matrix must handle."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({column: rng.normal(size=n).round(1)
                          for column in model.feature_columns("link")})
    frame = frame.mask(rng.random(frame.shape) < 0.1)
    frame["n_links"] = rng.integers(0, 9, n)  # int64, as build_features makes it
    frame["tld"] = pd.Series(rng.choice(["com", "xyz", "other", "zzz-unseen", "ai", "?"], n),
                             dtype="str").mask(rng.random(n) < 0.1)
    # "empty" is a category of the metadata the encoder never saw; None is missing.
    frame["anchor_type"] = pd.Series(
        rng.choice(["branded", "generic", "empty", "zzz-unseen", None], n), dtype=object)
    return frame


def with_junk_numbers(frame):
    junk = frame["ahrefs_dr"].astype(object)
    junk.iloc[::7] = "n/a"
    junk.iloc[3::7] = "12.5"
    junk.iloc[5::7] = None
    return frame.assign(ahrefs_dr=junk)


def with_nullable_and_bool(frame):
    ints = pd.array(frame["n_links"], dtype="Int64")
    ints[::4] = pd.NA
    return frame.assign(n_links=ints, n_pages=frame["n_pages"] > 0)


def without_columns(frame):
    return frame.drop(columns=["tld", "ahrefs_dr", "n_links"])


def with_missing_categories(frame):
    return frame.assign(anchor_type=None, tld=pd.Series(np.nan, index=frame.index, dtype="str"))


VARIANTS = [lambda f: f, with_junk_numbers, with_nullable_and_bool, without_columns,
            with_missing_categories]


def reference_input(model, parts, frame):
    """What scikit-learn's own preprocessing makes of prepare_matrix, per booster."""
    from disavow.model import _preprocessed, prepare_matrix

    return _preprocessed(parts, prepare_matrix(frame, model.feature_columns("link"),
                                               model.metadata["categories"]))


def same_bits(got, want):
    got, want = np.ascontiguousarray(got), np.ascontiguousarray(want)
    return got.shape == want.shape and np.array_equal(got.view(np.uint64), want.view(np.uint64))


def gatherer_for(model, frame, first):
    from disavow.model import _BlockGatherer, _calibrated_boosters

    columns = model.feature_columns("link")
    parts = _calibrated_boosters(model.estimators["link"], columns)
    gatherer = _BlockGatherer.build(parts, frame, columns, model.metadata["categories"], first)
    assert gatherer is not None
    return gatherer, parts


@pytest.mark.parametrize("variant", VARIANTS)
def test_gathered_input_is_scikit_learns_bit_for_bit(model, variant):
    frame = variant(link_frame(model))
    first = np.arange(0, len(frame), 2)  # every other row stands for its group
    gatherer, parts = gatherer_for(model, frame, first)
    for positions, slot in ((np.arange(len(first)), None), (np.arange(30, 90), 0),
                            (np.arange(5), 0), (np.arange(50, 120), 1)):
        got = gatherer.gather(positions, slot)
        want = reference_input(model, parts, frame.iloc[first[positions]])
        assert all(same_bits(g, w) for g, w in zip(got, want, strict=True))


def test_gathered_input_covers_unseen_and_missing_categories(model):
    frame = link_frame(model)
    gatherer, parts = gatherer_for(model, frame, np.arange(len(frame)))
    matrix = gatherer.gather(np.arange(len(frame)))[0]
    tld = matrix[:, list(parts[0][0].feature_names_in_[parts[0][0].is_categorical_]).index("tld")]
    # "ai" and "other" are levels of prepare_matrix the link model never saw in training.
    seen = frame["tld"].isin(["com", "xyz"]).to_numpy()
    assert not seen.all() and np.isnan(tld[~seen]).all()
    assert not np.isnan(tld[seen]).any()


def score_links(model, frame):
    """The model's scores of ``frame`` as links, and predict_proba's."""
    from disavow.train import name_scores

    domains = pd.Series([f"site{i % 37}.com" for i in range(len(frame))])
    got = model.score(frame, "link", domains=domains)
    plain = frame.assign(name_ngram_score=name_scores(model.estimators["names"], domains))
    want = model.estimators["link"].predict_proba(model.prepare(plain, "link"))[:, 1]
    return got, want


def count_pandas_preparation(monkeypatch):
    """The sizes of the frames prepared with pandas and scikit-learn from now on."""
    from disavow import model as model_module

    sizes = []
    plain = model_module._preprocessed
    monkeypatch.setattr(model_module, "_preprocessed",
                        lambda parts, frame: sizes.append(len(frame)) or plain(parts, frame))
    return sizes


@pytest.mark.parametrize("variant", VARIANTS)
def test_scores_come_from_gathered_blocks_and_equal_predict_proba(model, variant, monkeypatch):
    from disavow import model as model_module

    monkeypatch.setattr(model_module, "_BLOCK_ROWS", 64)
    monkeypatch.setattr(model_module, "_n_threads", lambda: 2)
    prepared_with_pandas = count_pandas_preparation(monkeypatch)
    got, want = score_links(model, variant(link_frame(model)))
    assert np.array_equal(got, want)
    assert len(prepared_with_pandas) == 1  # the check's rows only: every block was gathered


def test_a_wrong_gather_is_caught_before_scoring(model, monkeypatch):
    from disavow import model as model_module

    monkeypatch.setattr(model_module, "_BLOCK_ROWS", 64)
    prepared_with_pandas = count_pandas_preparation(monkeypatch)
    plain = model_module._Column.gather

    def off_by_a_little(self, rows, out):
        plain(self, rows, out)
        out[rows % 5 == 0] += 1e-9  # wrong only on some rows, and barely

    monkeypatch.setattr(model_module._Column, "gather", off_by_a_little)
    frame = link_frame(model)
    got, want = score_links(model, frame)
    assert np.array_equal(got, want)
    assert len(prepared_with_pandas) > 1  # the blocks too were made the reference way


def test_wrong_scores_fall_back_to_predict_proba(model, monkeypatch):
    from disavow import model as model_module

    monkeypatch.setattr(model_module, "_BLOCK_ROWS", 64)
    # A gather wrong where the input check does not look: only the scores can tell.
    monkeypatch.setattr(model_module._BlockGatherer, "agrees", lambda self, *args: True)
    plain = model_module._Column.gather
    monkeypatch.setattr(model_module._Column, "gather",
                        lambda self, rows, out: plain(self, rows[::-1], out))
    got, want = score_links(model, link_frame(model))
    assert np.array_equal(got, want)


def test_the_check_reads_every_categorical_value(model, monkeypatch):
    from disavow import model as model_module

    monkeypatch.setattr(model_module, "_CHECK_ROWS", 4)  # few rows spread over the frame
    frame = link_frame(model)
    frame.loc[101, "anchor_type"] = "exact_match"  # on one row only
    first = np.arange(len(frame))
    gatherer, _ = gatherer_for(model, frame, first)
    checked = frame.iloc[first[model_module._check_positions(len(first), gatherer)]]
    for column in ("tld", "anchor_type"):
        assert set(checked[column].dropna()) == set(frame[column].dropna())
        assert checked[column].isna().any() and frame[column].isna().any()


def _copy_model(tmp_path, edit, *, rehash=False):
    """A copy of the shipped model with ``edit`` made to its metadata; with ``rehash``,
    its scoring_sha256 made to agree again (so the checks behind the hash are reached)."""
    import shutil

    from disavow.model import scoring_sha256

    folder = tmp_path / "copy"
    shutil.copytree(default_model_dir(), folder)
    meta = json.loads((folder / "metadata.json").read_text("utf-8"))
    edit(meta)
    if rehash:
        meta["scoring_sha256"] = scoring_sha256(meta)
    (folder / "metadata.json").write_text(json.dumps(meta), "utf-8")
    return folder


@pytest.mark.parametrize("edit", [
    lambda m: m.pop("features"),
    lambda m: m.pop("thresholds"),
    lambda m: m.pop("categories"),
    lambda m: m["thresholds"].update(domain_disavow="high"),
    lambda m: m["thresholds"].update(link_review=1.5),
    lambda m: m["features"]["domain"].__setitem__(0, "renamed_feature"),
], ids=["no features", "no thresholds", "no categories", "threshold text",
        "threshold above 1", "unknown feature"])
def test_edited_metadata_is_refused_with_one_message(tmp_path, edit):
    from disavow.errors import ModelError

    with pytest.raises(ModelError, match="not a valid model metadata file"):
        load_model(_copy_model(tmp_path, edit), trust=True)


def test_a_joblib_of_non_estimators_is_refused(tmp_path):
    import io

    import joblib

    from disavow.errors import ModelError

    folder = _copy_model(tmp_path, lambda m: None)
    packed = io.BytesIO()
    joblib.dump({"domain": 1, "domain_only": "x", "link": None}, packed)
    (folder / "model.joblib").write_bytes(packed.getvalue())
    meta = json.loads((folder / "metadata.json").read_text("utf-8"))
    meta["model_sha256"] = sha256_file(folder / "model.joblib")
    (folder / "metadata.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelError, match="not classifiers"):
        load_model(folder, trust=True)


def test_a_model_file_instead_of_its_folder_is_explained():
    from disavow.errors import ModelError

    with pytest.raises(ModelError, match="is a file; --model takes the model folder"):
        load_model(default_model_dir() / "model.joblib")


def test_loading_the_model_leaves_the_warning_filters_alone(monkeypatch):
    # The audit loads the model in a thread beside the reader, which records pandas'
    # bad-row warnings: filters changed here would change them there too.
    import warnings

    def touched(*args, **kwargs):
        raise AssertionError("load_model changed the process's warning filters")

    monkeypatch.setattr(warnings, "catch_warnings", touched)
    monkeypatch.setattr(warnings, "simplefilter", touched)
    load_model()


# --- metadata that does not match the model it sits beside ------------------------------


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["features"]["domain"].pop(), r"lacks majestic_tf_cf_ratio"),
    (lambda m: m["features"]["domain_only"].remove("tld"), r"domain_only model .* lacks tld"),
    (lambda m: m["features"]["domain_only"].append("name_length"),
     r"adds name_length, which the model was not fitted on"),
    (lambda m: m["features"]["link"].append("tld"), r"link model .* lists tld more than once"),
    (lambda m: m["features"]["link"].reverse(), r"link model .* in another order"),
], ids=["column dropped", "categorical dropped", "column added", "column twice",
        "columns reordered"])
def test_features_that_are_not_the_fitted_columns_are_refused(tmp_path, edit, message):
    # Found by a tester: the audit crashed at predict time with "columns are missing".
    from disavow.errors import ModelError

    folder = _copy_model(tmp_path, edit, rehash=True)
    with pytest.raises(ModelError, match=message) as info:
        load_model(folder, trust=True)
    assert "metadata.json does not match" in str(info.value)
    assert "retrain it with 'disavow train'" in str(info.value)


@pytest.mark.parametrize("edit", [
    lambda m: m["versions"].update({"scikit-learn": 1}),
    lambda m: m["versions"].update({"scikit-learn": None}),
], ids=["number", "null"])
def test_a_version_that_is_not_text_is_refused(tmp_path, edit):
    from disavow.errors import ModelError

    with pytest.raises(ModelError, match=r"metadata\.json is not a valid model metadata file: "
                                         r"'versions' must give each package's version as text"):
        load_model(_copy_model(tmp_path, edit), trust=True)


def test_deeply_nested_metadata_is_refused_not_a_recursion_error(tmp_path):
    from disavow.errors import ModelError

    folder = _copy_model(tmp_path, lambda m: None)
    (folder / "metadata.json").write_text("[" * 100_000, "utf-8")
    with pytest.raises(ModelError, match=r"metadata\.json is not a valid model metadata file "
                                         r"\(RecursionError"):
        load_model(folder, trust=True)


def test_a_cli_run_with_mismatched_features_ends_in_a_message_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from disavow.cli import app

    folder = _copy_model(tmp_path, lambda m: m["features"]["domain"].pop(), rehash=True)
    example = default_model_dir().parent.parent / "examples" / \
        "alderfinchplumbing.co.uk-backlinks.csv"
    result = CliRunner().invoke(app, ["score", str(example), "--site", "alderfinchplumbing.co.uk",
                                      "--out", str(tmp_path / "out"), "--model", str(folder),
                                      "--trust-model", "--quiet"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "does not match" in result.stderr and "majestic_tf_cf_ratio" in result.stderr


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["thresholds"].pop("domain_review"), r"'thresholds' lacks domain_review"),
    (lambda m: m["thresholds"].pop("link_disavow"), r"'thresholds' lacks link_disavow"),
    (lambda m: m["thresholds"].update(domain_disavow=0.0),
     r"threshold 'domain_review' \(0\.327\) is above 'domain_disavow' \(0\.0\)"),
    (lambda m: m["thresholds"].update(domain_only_review=0.99),
     r"threshold 'domain_only_review' \(0\.99\) is above 'domain_only_disavow'"),
    (lambda m: m["thresholds"].update(link_review=1.0, link_disavow=0.2),
     r"threshold 'link_review' \(1\.0\) is above 'link_disavow' \(0\.2\)"),
], ids=["no domain review", "no link disavow", "disavow everything", "domain-only review",
        "link pair swapped"])
def test_thresholds_must_all_be_there_and_review_below_disavow(tmp_path, edit, message):
    # Found by a tester: a missing key was silently filled with a default, and
    # domain_disavow=0.0 under a higher review threshold disavowed every domain.
    from disavow.errors import ModelError

    with pytest.raises(ModelError, match=r"metadata\.json is not a valid model metadata file: "
                                         + message):
        load_model(_copy_model(tmp_path, edit), trust=True)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["categories"].update(tld=["zz"]),
     r"'categories' for tld lack values the domain model was fitted on \(agency, app, bet, "
     r"biz, blog, \.\.\.; 39 in all\)"),
    (lambda m: m["categories"].clear(), r"'categories' for tld lack values the domain model"),
    (lambda m: m["categories"]["tld"].remove("xyz"), r"for tld lack .* \(xyz; 1 in all\)"),
    (lambda m: m["categories"]["tld"].remove("ws"), r"domain_only model was fitted on \(ws;"),
    (lambda m: m["categories"].update(anchor_type=["branded"]),
     r"'categories' for anchor_type lack values the link model was fitted on \(exact_match, "
     r"generic, naked_url, partial_match; 4 in all\)"),
], ids=["tld replaced", "no categories", "one tld dropped", "tld of one model dropped",
        "anchor types replaced"])
def test_categories_lacking_values_the_model_was_fitted_on_are_refused(tmp_path, edit, message):
    # Found by a tester: ["zz"] or {} loaded, and turned every TLD into "other".
    from disavow.errors import ModelError

    with pytest.raises(ModelError, match=message) as info:
        load_model(_copy_model(tmp_path, edit, rehash=True), trust=True)
    assert "metadata.json does not match" in str(info.value)
    assert "would be scored as 'other'" in str(info.value)


def test_the_shipped_metadata_lists_every_category_its_boosters_know(model):
    from disavow.model import _fitted_categories

    fitted = [_fitted_categories(model.estimators[level]) for level in LEVELS]
    assert {"tld", "anchor_type"} == {column for known in fitted for column in known}
    for known in fitted:
        for column, values in known.items():
            assert values <= {*model.metadata["categories"][column], "other"}


@pytest.mark.parametrize("edit", [
    lambda m: m["thresholds"].update(domain_disavow=0.0, domain_review=0.0),
    lambda m: m["thresholds"].update(link_disavow=0.5),
    lambda m: m["categories"]["tld"].append("de"),
    lambda m: m["features"]["domain"].pop(),
], ids=["disavow everything, in order", "one threshold", "category added", "feature dropped"])
def test_scoring_fields_edited_after_training_are_refused(tmp_path, edit):
    # Found by a tester: a copy of the shipped model with its thresholds edited
    # loaded silently and disavowed every domain; ordered thresholds pass every
    # other check, and so does a category list with a value added.
    from disavow.errors import ModelError

    folder = _copy_model(tmp_path, edit)
    for trust in (False, True):  # trust is about the code, never about edited fields
        with pytest.raises(ModelError, match=r"metadata\.json: its features, categories or "
                                             r"thresholds are not those recorded when the "
                                             r"model was trained") as info:
            load_model(folder, trust=trust)
        assert "pass --threshold instead of editing metadata.json" in str(info.value)


def test_metadata_without_its_scoring_hash_is_refused(tmp_path):
    from disavow.errors import ModelError

    folder = _copy_model(tmp_path, lambda m: m.pop("scoring_sha256"))
    with pytest.raises(ModelError, match=r"metadata\.json records no 'scoring_sha256'.* "
                                         r"Retrain the model with 'disavow train'"):
        load_model(folder, trust=True)


def test_fields_that_do_not_score_may_change(tmp_path):
    def edit(meta):
        meta["description"] = "my copy"
        meta["metrics"] = {}
        meta["thresholds"] = dict(reversed(meta["thresholds"].items()))  # order is no edit

    assert load_model(_copy_model(tmp_path, edit)).metadata["description"] == "my copy"


def test_the_scoring_hash_of_training_is_the_one_read_back_from_the_file():
    from disavow.model import scoring_sha256
    from disavow.strict_json import dumps

    meta = {"features": {"domain": ["tld", "n_links"]},
            "categories": {"tld": ["com", "caf\u00e9"]},
            "thresholds": {"domain_disavow": np.float64(0.1) + np.float64(0.2), "link_review": 1}}
    assert scoring_sha256(meta) == scoring_sha256(json.loads(dumps(meta)))
    assert scoring_sha256(meta) != scoring_sha256({**meta, "thresholds": {"link_review": 1}})


def test_the_changelog_has_an_entry_for_each_shipped_model(model):
    folder = default_model_dir()
    changelog = (folder.parent / "CHANGELOG.md").read_text("utf-8")
    shipped = json.loads((folder.parent.parent / "disavow" / "shipped_models.json").read_text())
    assert model.name in shipped
    for name in shipped:
        created = json.loads((folder.parent / name / "metadata.json").read_text("utf-8"))
        assert f"## {name} ({created['created'][:10]})" in changelog
    cv = model.metadata["metrics"]["cross_validation"]["domain"]
    assert f"domain {cv['roc_auc']:.3f}" in changelog
