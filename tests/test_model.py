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
