"""MODEL_CARD.md generated from metadata.json, so the card can never drift from it.

Headings follow the Hugging Face / skops model-card templates.
"""

from __future__ import annotations

from typing import Any


def _pct(value: Any) -> str:
    try:
        return f"{float(value):.1%}"
    except (TypeError, ValueError):
        return "n/a"


def _num(value: Any) -> str:
    try:
        return f"{float(value):.3f}"
    except (TypeError, ValueError):
        return "n/a"


def metrics_table(block: dict[str, Any]) -> list[str]:
    """One Markdown table row per level of a metrics block."""
    lines = [
        "| level | rows | toxic | ROC AUC | PR AUC | precision at 90% recall | Brier "
        "| clean flagged at default threshold | recall at default threshold |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for level, m in block.items():
        at = m.get("at_default_threshold") or m.get("at_threshold") or {}
        lines.append(
            f"| {level} | {m.get('n', m.get('rows', 'n/a'))} | {m.get('n_toxic', 'n/a')} "
            f"| {_num(m.get('roc_auc'))} | {_num(m.get('pr_auc'))} "
            f"| {_num(m.get('precision_at_90_recall'))} | {_num(m.get('brier'))} "
            f"| {_pct(at.get('flagged_share_of_clean'))} | {_pct(at.get('recall'))} |"
        )
    return lines


def _calibration_words(metadata: dict[str, Any]) -> tuple[str, str]:
    """Where the sigmoids were fitted, and a sentence on what that means (or "").

    Read from ``calibrated_on``, recorded at training time. Models made before it
    was recorded (the shipped backlink-gb-v1) say held-back referring domains: with
    thousands of rows of each class at every level, holding 20% back always left
    enough of both classes to calibrate on.
    """
    from disavow.train import CALIBRATED_ON_TRAINING

    calibrated_on = metadata.get("hyperparameters", {}).get("calibrated_on") or {}
    on_training = [level for level, where in calibrated_on.items()
                   if where == CALIBRATED_ON_TRAINING]
    if not on_training:
        return "fitted on held-back referring domains", ""
    if len(on_training) == len(calibrated_on):
        return ("fitted on the rows it was trained on",
                " There were too few labels to hold any referring domains back for "
                "calibration, so the probabilities are optimistic (too close to 0 and 1).")
    which = " and ".join(f"`{level}`" for level in on_training)
    return (f"fitted on held-back referring domains (the {which} sigmoid on the rows it "
            "was trained on)",
            f" For {which} there were too few labels to hold any referring domains back for "
            "calibration, so its probabilities are optimistic (too close to 0 and 1).")


def _threshold_rule(metadata: dict[str, Any]) -> str:
    """How the default thresholds were chosen, as the code that chose them did it.

    ``thresholds_fitted`` came in with the exact rule, so a model without it (the
    shipped backlink-gb-v1) had its thresholds set by the rule before: a quantile
    of the clean rows' scores rounded to 0.001, which can flag a little more than
    the share (1.001% of clean domains at `domain_disavow` for the shipped model).
    """
    rows = "clean training rows (referring domains; links for the link model)"
    if metadata.get("thresholds_fitted") is None:
        return (f"`disavow` is the 99th percentile of the scores of {rows}, rounded to 0.001 "
                "(at least 0.5), so about 1% of them would be flagged (rounding can make it "
                "slightly more); `review` the 95th percentile (at least 0.3, at most "
                "`disavow`).")
    return (f"`disavow` is the lowest score on a 0.001 grid at which at most 1% of {rows} "
            "would be flagged (at least 0.5); `review` the same at 5% (at least 0.3, at most "
            "`disavow`).")


def _source_line(source: dict[str, Any]) -> str:
    rows = f"{source['rows']} rows" if source.get("rows") else ""
    if source.get("labelled_rows") is not None:
        rows = f"{source.get('rows')} rows ({source['labelled_rows']} with a usable label)"
    digest = f"sha256 `{source['sha256']}`" if source.get("sha256") else ""
    facts = ", ".join(part for part in (rows, digest) if part)
    note = source.get("note") or ""
    if facts and note:
        return f"- {source.get('path')}: {facts} ({note})"
    return f"- {source.get('path')}: {facts or note}"


def _as_sentence(warning: str) -> str:
    """A warning as a bullet sentence: capitalised, unless it starts with a file name,
    which must stay as the user's file system spells it."""
    first_word = warning.split(" ", 1)[0]
    names_a_file = first_word.endswith(":") or any(c in first_word for c in "./\\")
    start = warning[:1] if names_a_file else warning[:1].upper()
    return f"{start}{warning[1:].rstrip('.')}."


def render_model_card(metadata: dict[str, Any], intro: str = "") -> str:
    name = metadata.get("name", "model")
    cv = metadata.get("metrics", {}).get("cross_validation", {})
    calibrated_where, calibration_caveat = _calibration_words(metadata)
    lines = [
        f"# Model card: {name}",
        "",
        "<!-- Generated from metadata.json by disavow; edit the generator, not this file. -->",
        "",
        intro or metadata.get("description", ""),
        "",
        "## Model details",
        "",
        f"- Created: {metadata.get('created')} (git {metadata.get('git_commit') or 'unknown'})",
        "- Three scikit-learn `HistGradientBoostingClassifier`s, each calibrated with a sigmoid "
        f"{calibrated_where} (`CalibratedClassifierCV` over a "
        "`FrozenEstimator`): one for referring domains known through links, one for domains "
        "known by name only (Search Console sites), one for single links. A character n-gram "
        "logistic model of domain names feeds all three. Missing values are handled natively; "
        f"no imputation.{calibration_caveat}",
        f"- Model file sha256: `{metadata.get('model_sha256')}`",
        f"- Versions: {', '.join(f'{k} {v}' for k, v in metadata.get('versions', {}).items())}",
        f"- Domain features ({len(metadata.get('features', {}).get('domain', []))}): "
        + ", ".join(f"`{f}`" for f in metadata.get("features", {}).get("domain", [])),
        f"- Link features: {len(metadata.get('features', {}).get('link', []))} "
        "(the link itself plus its domain's context)",
        f"- Monotonic constraints: {metadata.get('hyperparameters', {}).get('monotonic_cst')}",
        "",
        "## Uses",
        "",
        "Direct use: ranking the referring domains and links of one site's backlink exports "
        "for a human to review, and proposing a Google disavow file. Out of scope: deciding "
        "without review; judging whole websites outside a backlink audit; any use as a "
        "blocklist. Google says it ignores most spam links on its own; disavow links you built "
        "or bought, or after a manual action.",
        "",
        "## Default decision thresholds",
        "",
        "Chosen on out-of-fold scores of the training data (never on evaluation data): "
        f"{_threshold_rule(metadata)}",
        "",
    ]
    fitted = metadata.get("thresholds_fitted")  # absent from models made before it existed
    for key, value in metadata.get("thresholds", {}).items():
        default = fitted is not None and key not in fitted
        lines.append(f"- `{key}`: {value}" + (
            " (a default: the training data had too few such rows to choose it on)"
            if default else ""))
    lines += [
        "",
        "## Training data",
        "",
    ]
    lines += [_source_line(source) for source in metadata.get("training_data", [])]
    rows = metadata.get("rows", {})
    lines += [
        "",
        "Rows: " + "; ".join(
            f"{level} {r.get('rows')} ({r.get('toxic')} toxic)" for level, r in rows.items()
            if isinstance(r, dict)) + ".",
        "",
    ]
    if metadata.get("warnings"):
        lines += ["### Warnings about the training data", ""]
        lines += [f"- {_as_sentence(warning)}" for warning in metadata["warnings"]]
        lines.append("")
    lines += [
        "## Evaluation",
        "",
        "### Cross-validation on the training data",
        "",
        "Grouped by referring domain (no domain in both parts of a fold), stratified, "
        "out-of-fold predictions of the full calibrated pipeline.",
        "",
        *metrics_table(cv),
        "",
    ]
    for key, title in (
        ("heldout_generated", "Held-out generated profiles (a different seed)"),
        ("shared_eval", "Real site-owner disavow lists vs. clean lists, as a Search Console "
                        "'Top linking sites' export (domain names only)"),
    ):
        block = metadata.get("metrics", {}).get(key)
        if block:
            lines += [f"### {title}", ""]
            if block.get("note"):
                lines += [block["note"], ""]
            levels = {k: v for k, v in block.items() if isinstance(v, dict) and "roc_auc" in v}
            lines += metrics_table(levels)
            policy = block.get("domain", {}).get("policy")
            if policy:
                lines += [
                    "",
                    f"Under the default policy (thresholds plus never-disavow platforms): "
                    f"{_pct(policy.get('disavowed_share_of_clean'))} of clean domains disavowed, "
                    f"{_pct(policy.get('reviewed_share_of_clean'))} sent to review, "
                    f"{_pct(policy.get('disavowed_share_of_toxic'))} of toxic domains disavowed.",
                ]
            lines.append("")
    reliability = cv.get("domain", {}).get("reliability", [])
    if reliability:
        lines += [
            "### Calibration (cross-validation, domain level)",
            "",
            "| score bin | rows | mean score | toxic share |",
            "|---|---|---|---|",
        ]
        for row in reliability:
            lines.append(f"| {row['bin']} | {row['n']} | {row['mean_score']:.3f} | "
                         f"{row['toxic_share']:.3f} |")
        lines.append("")
    shipped = metadata.get("origin", "shipped") == "shipped"
    lines += [
        "## Bias, risks and limitations",
        "",
        *(["- Much of the training data is synthetic (see training_data/DATASHEET.md): it "
           "encodes its author's view of SEO spam patterns, and vendor scores in it are "
           "simulated."] if shipped else [
           "- Trained on your own labels: it learns what those labels say, mistakes included, "
           "and its cross-validated figures hold for profiles like the ones labelled.",
           "- Its domain-name scorer is the shipped model's, reused: a user's labels are far "
           "too few to learn one."]),
        "- The real domain lists behind the domain-name signals are blocklists and top-site "
        "lists: famous sites are over-represented among clean domains, and referrer spam among "
        "toxic ones. Small legitimate sites with long or unusual names can score higher than "
        "they should; that is why scores between the review and disavow thresholds go to a "
        "person.",
        "- Domain-only inputs (Search Console) are judged on the name and TLD alone.",
        "- TLD risk drifts as spammers move to new cheap TLDs; retrain on your own labels.",
        "- Loading a model runs code from its file: only use models you trained or trust.",
        "",
        "## How to get started",
        "",
        "```",
        "disavow audit export.csv --site example.com --out audit",
        "disavow train labelled.csv --out models/mine && disavow evaluate heldout.csv "
        "--model models/mine",
        "```",
        "",
    ]
    return "\n".join(lines)
