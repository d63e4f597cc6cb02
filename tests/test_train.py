"""Threshold choice and the model card's honesty about how a model was made."""

import json

import numpy as np
import pandas as pd
import pytest

from disavow.model_card import render_model_card
from disavow.train import _lowest_flagging_at_most


@pytest.mark.parametrize("n", [7, 50, 100, 137, 1000])
@pytest.mark.parametrize("share", [0.01, 0.05])
def test_the_chosen_threshold_flags_at_most_the_share_and_is_the_lowest_that_does(n, share):
    scores = np.random.default_rng(n).random(n) ** 3
    scores[: n // 5] = scores[0]  # ties, which a quantile steps over
    threshold = _lowest_flagging_at_most(scores, share)
    assert (scores >= threshold).mean() <= share
    assert threshold == 1.0 or (scores >= round(threshold - 0.001, 3)).mean() > share


def _metadata(**extra):
    return {"name": "mine", "thresholds": {"domain_disavow": 0.9, "domain_only_disavow": 0.8},
            "metrics": {"cross_validation": {}}, **extra}


def test_a_user_model_card_says_what_is_default_and_whose_labels_it_learned():
    card = render_model_card(_metadata(
        origin="user", thresholds_fitted=["domain_disavow", "domain_review"],
        training_data=[{"path": "old.txt", "sha256": "ab12", "note": "labels (--labels-from)"}]))
    assert "`domain_only_disavow`: 0.8 (a default" in card
    assert "`domain_disavow`: 0.9\n" in card
    assert "synthetic" not in card and "Trained on your own labels" in card
    assert "old.txt: sha256 `ab12` (labels (--labels-from))" in card
    assert "Calibration" not in card  # no domain-level figures: no empty table


def test_the_shipped_model_card_keeps_its_wording():
    card = render_model_card(_metadata())
    assert "Much of the training data is synthetic" in card and "(a default" not in card


def _labelled_links(path, per_class):
    rows = ["Source url,Target url,Anchor,Source title,label"]
    for i in range(per_class):
        rows.append(f"https://casino-spam-{i}.xyz/p,https://example.com/,online casino,"
                    "Casino bonus,toxic")
        rows.append(f"https://harrogate-news-{i}.co.uk/story,https://example.com/,Example,"
                    "Local news,ok")
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.fixture
def _own_trust_store(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_fit_calibrated_says_whether_it_held_rows_back():
    from disavow.train import fit_calibrated

    rng = np.random.default_rng(0)

    def fit(n):
        y = np.repeat([0.0, 1.0], n)
        x = pd.DataFrame({"a": rng.normal(size=2 * n) + y, "b": rng.normal(size=2 * n)})
        return fit_calibrated(["a", "b"], x, y, np.ones(2 * n), np.arange(2 * n))[1]

    assert fit(200) is True
    assert fit(8) is False  # 20% of 16 rows cannot hold 5 of each class


def test_a_small_set_is_said_to_be_calibrated_on_its_training_rows(tmp_path, _own_trust_store):
    from disavow.retrain import train_from_exports

    metadata = train_from_exports([_labelled_links(tmp_path / "tiny.csv", 8)], tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "metadata.json").read_text("utf-8"))
    assert "held-back" not in saved["hyperparameters"]["calibration"]
    from disavow.train import CALIBRATED_ON_TRAINING

    assert saved["hyperparameters"]["calibrated_on"] == dict.fromkeys(
        ("domain", "domain_only", "link"), CALIBRATED_ON_TRAINING)
    assert any("the domain, domain_only and link models were calibrated on the very rows"
               in w for w in metadata["warnings"])
    card = " ".join((tmp_path / "m" / "MODEL_CARD.md").read_text("utf-8").split())
    assert "fitted on held-back" not in card
    assert "sigmoid fitted on the rows it was trained on" in card and "optimistic" in card
