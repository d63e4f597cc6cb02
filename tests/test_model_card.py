"""The model card says what metadata.json records, in words that are true."""

from disavow.model_card import render_model_card
from disavow.train import CALIBRATED_ON_HELD_BACK, CALIBRATED_ON_TRAINING


def _metadata(**extra):
    return {"name": "mine", "thresholds": {"domain_disavow": 0.9},
            "metrics": {"cross_validation": {}}, **extra}


def _one_line(card: str) -> str:
    return " ".join(card.split())


def test_the_card_names_each_model_calibrated_on_its_training_rows():
    mixed = _one_line(render_model_card(_metadata(hyperparameters={"calibrated_on": {
        "domain": CALIBRATED_ON_HELD_BACK, "domain_only": CALIBRATED_ON_TRAINING,
        "link": CALIBRATED_ON_HELD_BACK}})))
    assert ("fitted on held-back referring domains (the `domain_only` sigmoid on the rows it "
            "was trained on)") in mixed
    assert "optimistic" in mixed

    everywhere = dict.fromkeys(("domain", "domain_only", "link"), CALIBRATED_ON_HELD_BACK)
    held_back = _one_line(render_model_card(_metadata(
        hyperparameters={"calibrated_on": everywhere})))
    assert "sigmoid fitted on held-back referring domains (" in held_back
    assert "optimistic" not in held_back
