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


def test_a_source_without_rows_or_hash_is_one_clean_line():
    card = render_model_card(_metadata(training_data=[
        {"path": "(derived)", "note": "384 contested domains left out"},
        {"path": "lists.tsv", "rows": 10, "sha256": "ab12", "note": "real list"},
        {"path": "labels.csv", "rows": 5, "labelled_rows": 4, "sha256": "cd34"}]))
    assert "- (derived): 384 contested domains left out\n" in card
    assert "- lists.tsv: 10 rows, sha256 `ab12` (real list)\n" in card
    assert "- labels.csv: 5 rows (4 with a usable label), sha256 `cd34`\n" in card


def test_warnings_are_sentences_but_file_names_keep_their_case():
    card = render_model_card(_metadata(warnings=[
        "vocab.csv: 1 rows have no label", "labels: 2 links labelled both ways",
        "only 5 toxic and 6 ok referring domains", "C:\\exports\\links.csv was given again"]))
    assert "- vocab.csv: 1 rows have no label.\n" in card
    assert "- labels: 2 links labelled both ways.\n" in card
    assert "- Only 5 toxic and 6 ok referring domains.\n" in card
    assert "- C:\\exports\\links.csv was given again.\n" in card


def test_the_threshold_rule_is_the_one_that_chose_the_thresholds():
    # Models without thresholds_fitted (the shipped one) used a rounded quantile,
    # which can flag slightly more than 1%: 1.001% of clean domains for backlink-gb-v1.
    legacy = _one_line(render_model_card(_metadata()))
    assert "at most 1%" not in legacy and "about 1%" in legacy
    exact = _one_line(render_model_card(_metadata(thresholds_fitted=["domain_disavow"])))
    assert "at most 1% of clean training rows" in exact


def test_the_shipped_real_list_note_counts_what_its_table_counts():
    import re

    from disavow.model import load_model

    block = load_model().metadata["metrics"]["shared_eval"]
    read = re.search(r"read as (\d+) referring domains \((\d+) toxic\)", block["note"])
    assert read and (int(read[1]), int(read[2])) == (block["domain"]["n"],
                                                     block["domain"]["n_toxic"])
