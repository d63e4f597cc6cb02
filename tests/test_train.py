"""Threshold choice and the model card's honesty about how a model was made."""

import numpy as np
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
