"""Fit, cross-validate and save a scoring model from labelled backlink profiles.

Labels are per link (a ``label`` column, or ``--labels-from`` an old disavow
file). A referring domain is labelled toxic when at least half of its labelled
links are. Cross-validation is grouped by referring domain, so no domain is in
both the training and the test part of a fold, and every reported figure comes
from rows the model did not see.
"""

from __future__ import annotations

import hashlib
import io
import platform
import subprocess
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from disavow import schema as s
from disavow.atomic import OutputFiles, new_output_folder, write_atomic
from disavow.errors import DisavowError
from disavow.features import (
    ANCHOR_TYPES,
    DOMAIN_FEATURES,
    LINK_MODEL_FEATURES,
    SiteProfile,
    build_features,
)
from disavow.model import (
    CARD_FILE,
    METADATA_FILE,
    MODEL_FILE,
    prepare_matrix,
    remember_trusted,
    scoring_sha256,
)
from disavow.normalize import to_label
from disavow.strict_json import dumps
from disavow.urls import host_info

N_TLD_CATEGORIES = 80
# Features whose direction is never in doubt. nofollow/ugc/sponsored links pass
# nothing, so they may only lower the score; a vendor's own spam verdict and
# spam words may only raise it.
MONOTONIC: dict[str, int] = {
    "nofollow": -1, "ugc_or_sponsored": -1, "share_nofollow": -1, "share_qualified": -1,
    "name_link_selling": 1, "name_risky_topics": 1, "anchor_risky_topics": 1,
    "title_risky_topics": 1, "max_anchor_risky_topics": 1, "max_title_risky_topics": 1,
    "ahrefs_is_spam": 1, "semrush_toxicity": 1, "moz_spam_score": 1, "moz_spam_flags": 1,
    "name_is_gov_edu": -1, "name_institution": -1,
}
HGB_PARAMS: dict[str, Any] = {
    "learning_rate": 0.08, "max_iter": 300, "max_leaf_nodes": 31, "min_samples_leaf": 20,
    "l2_regularization": 0.5, "random_state": 0,
}
# Three models: referring domains known through links, referring domains known
# only by name (Search Console "Top linking sites", referring-domain exports),
# and single links. The evidence differs so much between the first two that one
# model and one threshold would serve both badly.
LEVELS = ("domain", "domain_only", "link")
FALLBACK = {"domain": "domain_only", "domain_only": "domain", "link": "domain"}


# Name-style features (length, letter mix, hyphens) separate famous sites from
# everything else. The real clean lists are top-site lists, so for domains
# known by name only these features would learn popularity, not spam; that
# model leaves them out and relies on words, letter patterns and the TLD.
POPULARITY_PROXIES = ("name_length", "name_entropy", "name_vowel_ratio", "name_consonant_run",
                      "name_hyphens", "name_labels")


def feature_columns(level: str) -> list[str]:
    if level == "link":
        return list(LINK_MODEL_FEATURES)
    if level == "domain_only":
        return [c for c in DOMAIN_FEATURES if c not in POPULARITY_PROXIES]
    return list(DOMAIN_FEATURES)


def has_links(domain_x: pd.DataFrame) -> np.ndarray:
    """Domain rows backed by at least one link row (not by a domain-level export alone)."""
    return domain_x["n_pages"].notna().to_numpy()


@dataclass
class TrainingSet:
    """Feature rows with labels for both model levels."""

    domain_x: pd.DataFrame
    domain_y: np.ndarray
    domain_groups: np.ndarray
    domain_weight: np.ndarray
    link_x: pd.DataFrame
    link_y: np.ndarray
    link_groups: np.ndarray
    domain_names: np.ndarray  # the referring domain of each domain row
    link_domains: np.ndarray  # the referring domain of each link row
    domain_sites: np.ndarray  # the audited site of each domain row ("" if unknown)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def fill_name_scores(self, scorer: Any, known: dict[str, float] | None = None) -> None:
        """Set ``name_ngram_score`` from a fitted name model.

        ``known`` holds out-of-fold scores for the domains the name model was
        fitted on, so no row is scored by a model that saw its own label.
        """
        for frame, names in ((self.domain_x, self.domain_names),
                             (self.link_x, self.link_domains)):
            scores = name_scores(scorer, names)
            if known:
                override = pd.Series(names).map(known).to_numpy(dtype=float)
                scores = np.where(np.isnan(override), scores, override)
            frame["name_ngram_score"] = scores

    def level(self, name: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
        if name in ("domain", "domain_only"):
            mask = has_links(self.domain_x)
            if name == "domain_only":
                mask = ~mask
            return (self.domain_x[mask].reset_index(drop=True), self.domain_y[mask],
                    self.domain_groups[mask], self.domain_weight[mask])
        return self.link_x, self.link_y, self.link_groups, np.ones(len(self.link_y))


def parse_labels(values: pd.Series) -> pd.Series:
    """Labels as 1.0 toxic / 0.0 ok / NaN unknown, from the usual spellings (the
    reader's own parser, :func:`disavow.normalize.to_label`)."""
    return to_label(values.astype("object"))


def is_blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype("object").astype(str).str.strip().eq("")


def profile_rows(
    table: pd.DataFrame,
    profile: SiteProfile,
    *,
    weight: float = 1.0,
    group_prefix: str = "",
    domain_labels: dict[str, float] | None = None,
) -> TrainingSet:
    """Training rows of one labelled profile (one audited site).

    A domain's label is ``domain_labels[domain]`` when given, else toxic when at
    least half of its labelled links are toxic.
    """
    if s.LABEL not in table:
        raise DisavowError("labelled data needs a 'label' column (toxic/ok or 1/0)")
    usable = table[table[s.STATUS].fillna("ok").eq(s.RowStatus.OK)].copy()
    usable[s.LABEL] = parse_labels(usable[s.LABEL])
    usable = usable[usable[s.LABEL].notna()]
    feats = build_features(usable, profile)
    majority = usable.groupby(usable[s.DOMAIN].astype(str))[s.LABEL].mean().ge(0.5)
    majority = majority.reindex(feats.domains.index).astype(float)
    if domain_labels:
        explicit = pd.Series(domain_labels, dtype=float).reindex(feats.domains.index)
        majority = explicit.fillna(majority)
    domain_y = majority.to_numpy()
    is_link = usable[s.ROW_KIND].fillna(s.RowKind.LINK).eq(s.RowKind.LINK).to_numpy()
    link_x = feats.links[is_link]
    link_y = usable[s.LABEL].to_numpy()[is_link]
    link_domains = usable[s.DOMAIN].astype(str).to_numpy()[is_link]
    link_groups = np.array([group_prefix + d for d in link_domains], dtype=object)
    return TrainingSet(
        domain_x=feats.domains.reset_index(drop=True),
        domain_y=domain_y,
        domain_groups=np.array([group_prefix + d for d in feats.domains.index], dtype=object),
        domain_weight=np.full(len(domain_y), weight),
        link_x=link_x.reset_index(drop=True),
        link_y=link_y,
        link_groups=link_groups,
        domain_names=np.array(list(feats.domains.index), dtype=object),
        link_domains=link_domains,
        domain_sites=np.full(len(domain_y), audited_site(profile), dtype=object),
    )


def concat_sets(sets: list[TrainingSet]) -> TrainingSet:
    if not sets:
        raise DisavowError("no labelled rows to train on")
    return TrainingSet(
        domain_x=pd.concat([t.domain_x for t in sets], ignore_index=True),
        domain_y=np.concatenate([t.domain_y for t in sets]),
        domain_groups=np.concatenate([t.domain_groups for t in sets]),
        domain_weight=np.concatenate([t.domain_weight for t in sets]),
        link_x=pd.concat([t.link_x for t in sets], ignore_index=True),
        link_y=np.concatenate([t.link_y for t in sets]),
        link_groups=np.concatenate([t.link_groups for t in sets]),
        domain_names=np.concatenate([t.domain_names for t in sets]),
        link_domains=np.concatenate([t.link_domains for t in sets]),
        domain_sites=np.concatenate([t.domain_sites for t in sets]),
        sources=[src for t in sets for src in t.sources],
    )


def make_name_model() -> Any:
    """Character n-grams of the domain name (without its suffix) into a logistic model."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**20,
                          alternate_sign=False),
        LogisticRegression(C=1.0, max_iter=2000),
    )


def name_scores(scorer: Any, domains: Any) -> np.ndarray:
    """The name model's probability for each domain, computed once per distinct name."""
    from disavow.features import name_label

    labels = pd.Series([name_label(str(d)) for d in domains], dtype=object)
    unique = pd.unique(labels)
    if len(unique) == 0:
        return np.zeros(0)
    by_label = dict(zip(unique, scorer.predict_proba(list(unique))[:, 1], strict=True))
    return labels.map(by_label).to_numpy(dtype=float)


def fit_name_model(domains: list[str], y: np.ndarray, n_splits: int = 5) -> tuple[Any, dict]:
    """Fit the name model; return it with out-of-fold scores for its own domains."""
    from sklearn.model_selection import StratifiedKFold

    from disavow.features import name_label

    texts = [name_label(d) for d in domains]
    oof = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    for train_idx, test_idx in folds.split(texts, y):
        model = make_name_model().fit([texts[i] for i in train_idx], y[train_idx])
        oof[test_idx] = model.predict_proba([texts[i] for i in test_idx])[:, 1]
    return make_name_model().fit(texts, y), dict(zip(domains, oof, strict=True))


def categories_for(training: TrainingSet) -> dict[str, list[str]]:
    """Categorical levels fixed at training time: the most common TLDs, anchor types."""
    tlds = pd.concat([training.domain_x["tld"], training.link_x["tld"]]).dropna().astype(str)
    top = tlds.value_counts().head(N_TLD_CATEGORIES).index.tolist()
    return {"tld": sorted(t for t in top if t != "other"), "anchor_type": list(ANCHOR_TYPES)}


def make_booster(columns: list[str]) -> HistGradientBoostingClassifier:
    monotonic = {c: v for c, v in MONOTONIC.items() if c in columns}
    return HistGradientBoostingClassifier(
        **HGB_PARAMS, monotonic_cst=monotonic or None, categorical_features="from_dtype",
        class_weight="balanced", early_stopping=True, validation_fraction=0.1,
        n_iter_no_change=15,
    )


def fit_calibrated(
    columns: list[str], x: pd.DataFrame, y: np.ndarray, weight: np.ndarray, groups: np.ndarray
) -> tuple[CalibratedClassifierCV, bool]:
    """Fit the booster on most rows, then calibrate it on held-back referring domains.

    Class weighting distorts probabilities; a sigmoid fitted on rows the booster
    did not see restores them, and stays stable on the small, imbalanced sets
    users retrain on. One booster per model keeps training fast.

    Returns the model and whether its calibration rows were really held back:
    with too few labels to hold any back, the sigmoid is fitted on the rows the
    booster learned from, and its probabilities come out overconfident.
    """
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import GroupShuffleSplit

    split = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
    fit_idx, cal_idx = next(split.split(x, y, groups))
    held_back = bool(_can_fit(y[fit_idx])
                     and _class_counts(y[cal_idx]).min() >= CALIBRATION_FOLDS)
    if not held_back:
        fit_idx = cal_idx = np.arange(len(y))
    if not _can_fit(y):
        counts = _class_counts(y)
        raise DisavowError(
            f"too few labels to fit a model ({counts[1]} toxic, {counts[0]} ok rows); "
            f"each class needs at least {FIT_MIN_PER_CLASS}"
        )
    booster = _fit(make_booster(columns), x.iloc[fit_idx], y[fit_idx], weight[fit_idx])
    calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method="sigmoid")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        calibrated.fit(x.iloc[cal_idx], y[cal_idx], sample_weight=weight[cal_idx])
    return calibrated, held_back


# CalibratedClassifierCV cross-predicts its calibration rows in this many
# stratified folds (its default), so each class needs that many rows there.
CALIBRATION_FOLDS = 5
EARLY_STOPPING_FRACTION = 0.1


def _class_counts(y: np.ndarray) -> np.ndarray:
    return np.bincount(np.asarray(y, dtype=int), minlength=2)


def _can_fit(y: np.ndarray) -> bool:
    """Whether :func:`fit_calibrated` can fit on rows labelled ``y`` (calibrating on them).

    The booster's early stopping holds back a stratified share of the rows, which
    scikit-learn refuses unless that share and the rest each hold two rows, and
    each class two; the calibration needs CALIBRATION_FOLDS rows of each class.
    """
    counts = _class_counts(y)
    n_valid = int(np.ceil(EARLY_STOPPING_FRACTION * len(y)))
    return bool(counts.min() >= max(CALIBRATION_FOLDS, 2) and n_valid >= 2
                and len(y) - n_valid >= 2)


def _fit_min_per_class() -> int:
    return next(n for n in range(1, 1000) if _can_fit(np.repeat([0, 1], n)))


FIT_MIN_PER_CLASS = _fit_min_per_class()
CV_SPLITS = 5


def min_domains_per_class(n_splits: int = CV_SPLITS) -> int:
    """Fewest referring domains of each class (one row each) that :func:`cv_folds` can use.

    Found by running the real folds, so it follows their sizes exactly.
    """
    return next(m for m in range(2, 10_000) if cv_folds(
        np.repeat([0.0, 1.0], m), np.arange(2 * m), n_splits) is not None)




def cv_folds(
    y: np.ndarray, groups: np.ndarray, n_splits: int
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Folds grouped by referring domain whose every training part can be fitted.

    Fewer folds than ``n_splits`` when the labels are few; None when not even two
    folds leave enough rows of each class to fit on.
    """
    per_class = [len(pd.unique(groups[y == c])) for c in (0, 1)]
    for splits in range(min(n_splits, *per_class), 1, -1):
        folds = list(StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=0)
                     .split(np.zeros(len(y)), y, groups))
        if all(_can_fit(y[train_idx]) for train_idx, _ in folds):
            return folds
    return None


MIN_DOMAINS_PER_CLASS = min_domains_per_class()


def domains_per_class(training: TrainingSet, level: str) -> tuple[int, int]:
    """(toxic, ok) referring domains labelled at ``level``."""
    _, y, groups, _ = training.level(level)
    return (len(pd.unique(groups[y == 1])), len(pd.unique(groups[y == 0])))


MIN_PRESENT = 30


def _fit(estimator, x, y, weight):
    # scikit-learn 1.9 cannot bin a numeric column that is missing in every
    # row of a (calibration) fold. A column present in fewer than MIN_PRESENT
    # training rows cannot be learned anyway, so a constant stands in for it:
    # the trees never split on it and scoring is unaffected.
    rare = [c for c in x.columns if x[c].dtype.kind == "f" and x[c].notna().sum() < MIN_PRESENT]
    if rare:
        x = x.assign(**dict.fromkeys(rare, 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        estimator.fit(x, y, sample_weight=weight)
    return estimator


def cross_validate(
    training: TrainingSet, categories: dict[str, list[str]], n_splits: int = 5
) -> dict[str, dict[str, Any]]:
    """Out-of-fold metrics per level, grouped by referring domain."""
    results: dict[str, dict[str, Any]] = {}
    for level in LEVELS:
        x, y, groups, weight = training.level(level)
        if len(np.unique(y)) < 2:
            continue
        folds = cv_folds(y, groups, n_splits)
        if folds is None:
            continue
        splits = len(folds)
        columns = feature_columns(level)
        matrix = prepare_matrix(x, columns, categories)
        oof = np.full(len(y), np.nan)
        for train_idx, test_idx in folds:
            est, _ = fit_calibrated(columns, matrix.iloc[train_idx], y[train_idx],
                                    weight[train_idx], groups[train_idx])
            oof[test_idx] = est.predict_proba(matrix.iloc[test_idx])[:, 1]
        results[level] = metrics(y, oof) | {"folds": splits, "rows": int(len(y))}
        results[level]["_oof"] = oof
    return results


def metrics(y: np.ndarray, score: np.ndarray) -> dict[str, Any]:
    """ROC AUC, PR AUC, precision at 90% recall, Brier score and a reliability table."""
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    out: dict[str, Any] = {
        "n": int(len(y)), "n_toxic": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, score)),
        "pr_auc": float(average_precision_score(y, score)),
        "brier": float(brier_score_loss(y, score)),
        "precision_at_90_recall": precision_at_recall(y, score, 0.9),
    }
    bins = np.linspace(0, 1, 11)
    table = []
    which = np.clip(np.digitize(score, bins) - 1, 0, 9)
    for b in range(10):
        mask = which == b
        if mask.any():
            table.append({
                "bin": f"{bins[b]:.1f}-{bins[b + 1]:.1f}", "n": int(mask.sum()),
                "mean_score": float(score[mask].mean()), "toxic_share": float(y[mask].mean()),
            })
    out["reliability"] = table
    return out


def precision_at_recall(y: np.ndarray, score: np.ndarray, recall: float) -> float:
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    total = y.sum()
    if total == 0:
        return float("nan")
    k = int(np.searchsorted(hits, recall * total - 1e-9)) + 1
    return float(hits[k - 1] / k)


def at_threshold(y: np.ndarray, score: np.ndarray, threshold: float | np.ndarray
                 ) -> dict[str, float]:
    """Share of clean rows flagged, recall and precision; ``threshold`` may be one per row
    (the thresholds of domains known by name only differ); then it is not repeated."""
    flagged = score >= threshold
    clean = y == 0
    return {
        **({"threshold": float(threshold)} if np.ndim(threshold) == 0 else {}),
        "flagged_share_of_clean": float(flagged[clean].mean()) if clean.any() else float("nan"),
        "recall": float(flagged[y == 1].mean()) if (y == 1).any() else float("nan"),
        "precision": float(y[flagged].mean()) if flagged.any() else float("nan"),
    }


DEFAULT_THRESHOLDS = {"domain_disavow": 0.8, "domain_review": 0.5, "domain_only_disavow": 0.8,
                      "domain_only_review": 0.5, "link_disavow": 0.9, "link_review": 0.6}


def choose_thresholds(cv: dict[str, dict[str, Any]], training: TrainingSet) -> dict[str, float]:
    """Default thresholds from out-of-fold scores: few clean domains disavowed.

    ``disavow`` is the lowest threshold (at least 0.5, on a 0.001 grid) at which at most
    1% of clean rows score that much or more; ``review`` the same at 5% (at least 0.3).
    A level with no cross-validation keeps :data:`DEFAULT_THRESHOLDS`.
    """
    out = dict(DEFAULT_THRESHOLDS)
    for level in LEVELS:
        if level not in cv:
            continue
        y = training.level(level)[1]
        clean_scores = cv[level]["_oof"][y == 0]
        if not len(clean_scores):
            continue
        out[f"{level}_disavow"] = max(0.5, _lowest_flagging_at_most(clean_scores, 0.01))
        out[f"{level}_review"] = min(out[f"{level}_disavow"],
                                     max(0.3, _lowest_flagging_at_most(clean_scores, 0.05)))
    return out


def _lowest_flagging_at_most(scores: np.ndarray, share: float) -> float:
    """The lowest threshold on a 0.001 grid with ``mean(scores >= t) <= share``: a
    rounded quantile can flag more (ties, and rounding down)."""
    ordered = np.sort(np.asarray(scores, dtype=float))
    allowed = int(np.floor(share * len(ordered)))  # rows that may score >= t
    # t must exceed the (allowed+1)-th highest score; the grid step above it is the answer.
    above = ordered[len(ordered) - allowed - 1] if allowed < len(ordered) else -np.inf
    threshold = np.floor(above * 1000 + 1) / 1000
    return round(float(min(threshold, 1.0)), 3)


def toxic_share_by_tld(training: TrainingSet, minimum: int = 20) -> dict[str, list[float]]:
    """Per TLD: [toxic share, count] among training domains, for plain-words reasons."""
    frame = pd.DataFrame({"tld": training.domain_x["tld"], "y": training.domain_y})
    grouped = frame.dropna().groupby("tld")["y"].agg(["mean", "size"])
    grouped = grouped[grouped["size"] >= minimum]
    return {t: [round(float(m), 3), int(n)] for t, (m, n) in grouped.iterrows()}


LEVEL_WORDS = {"domain": "referring domains with links", "domain_only":
               "referring domains known by name only", "link": "single links"}


def fitted_levels(
    training: TrainingSet, cv: dict[str, Any], n_splits: int = CV_SPLITS
) -> dict[str, str]:
    """For each model level, the level whose rows it is fitted on.

    A level is fitted on its own rows only when they could be cross-validated,
    so that every model comes with honest metrics.

    Raises:
        DisavowError: no level has enough labels of both classes.
    """
    usable = [level for level in LEVELS if level in cv]
    needed = min_domains_per_class(n_splits)
    if not usable:
        found = "; ".join(
            f"{LEVEL_WORDS[level]}: {toxic} toxic and {ok} ok" for level in LEVELS
            for toxic, ok in [domains_per_class(training, level)] if toxic or ok)
        raise DisavowError(
            f"Too few labels to train: at least {needed} referring domains "
            f"labelled toxic and {needed} labelled ok are needed (fewer at the "
            "link level if they have several links each). Cross-validation by referring "
            "domain must leave enough rows to fit on in every fold: the calibration "
            f"cross-predicts in {CALIBRATION_FOLDS} folds, so {CALIBRATION_FOLDS} of each class, "
            f"and early stopping holds back {EARLY_STOPPING_FRACTION:.0%} (at least two rows). "
            "The labels hold "
            f"{found or 'none'}. Label more referring domains of the rarer class."
        )
    return {level: next(c for c in (level, FALLBACK[level], *LEVELS) if c in usable)
            for level in LEVELS}


# Enough of sha256 that two different domains practically never share it (48 bits:
# about one false match in a billion for 50,000 training and 10,000 evaluated
# domains), short enough that a model's metadata.json stays small.
DOMAIN_DIGEST_LENGTH = 12


def audited_site(profile: SiteProfile) -> str:
    """The audited site as its registrable domain, "" when neither --site nor the
    exports' target URLs name it (a Search Console "Top linking sites" export)."""
    return host_info(profile.site).domain if profile.site else ""


def domain_digest(name: str) -> str:
    """The short hash under which metadata.json records a site or a referring domain.

    Hashed to keep the file small and the names out of plain sight; it is no
    secret: anyone can hash a name they guess and look it up.
    """
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:DOMAIN_DIGEST_LENGTH]


def training_domains_record(training: TrainingSet) -> dict[str, Any]:
    """metadata.json's ``training_referring_domains``: what ``evaluate`` checks for leaks.

    Grouped by audited site: a spam network links to many sites, so a new site
    shares some referring domains with the training data, as it will in a real
    audit; the labels the model saw are those of one site's domains.
    """
    by_site: dict[str, set[str]] = {}
    for site, domain in zip(training.domain_sites, training.domain_names, strict=True):
        by_site.setdefault(domain_digest(str(site)), set()).add(domain_digest(str(domain)))
    return {"hash": f"sha256, first {DOMAIN_DIGEST_LENGTH} hex digits, of the audited site "
                    "(\"\" when unknown) and of each of its labelled referring domains",
            "count": sum(len(domains) for domains in by_site.values()),
            "by_site": {site: sorted(domains) for site, domains in sorted(by_site.items())}}


CALIBRATED_ON_HELD_BACK = "20% held-back referring domains"
CALIBRATED_ON_TRAINING = "its own training rows"


def calibration_summary(calibrated_on: dict[str, str]) -> str:
    """What each model's sigmoid was fitted on, in words (metadata's ``calibration``)."""
    by_place: dict[str, list[str]] = {}
    for level, where in calibrated_on.items():
        by_place.setdefault(where, []).append(level)
    if len(by_place) == 1:
        return f"sigmoid on {next(iter(by_place))}"
    return "sigmoid on " + "; on ".join(
        f"{where} for {', '.join(levels)}" for where, levels in by_place.items())


def _calibration_warnings(calibrated_on: dict[str, str]) -> list[str]:
    on_training = [level for level, where in calibrated_on.items()
                   if where == CALIBRATED_ON_TRAINING]
    if not on_training:
        return []
    one = len(on_training) == 1
    names = " and ".join([", ".join(on_training[:-1]), on_training[-1]] if not one
                         else on_training)
    return [
        f"the {names} {'model was' if one else 'models were'} calibrated on the very rows "
        f"{'it was' if one else 'they were'} fitted on, not on held-back referring domains: "
        "holding 20% of them back would have left too few of a class on one side (the "
        f"calibration needs {CALIBRATION_FOLDS} of each). {'Its' if one else 'Their'} "
        "probabilities are optimistic (too close to 0 and 1); label more referring domains "
        "and retrain"
    ]


def fit_and_save(
    training: TrainingSet,
    out_dir: Path,
    *,
    name: str,
    description: str = "",
    cv_splits: int = 5,
    extra_metrics: dict[str, Any] | None = None,
    name_model: Any = None,
    card: bool = False,
    notes: Sequence[str] = (),
    origin: str = "shipped",
) -> dict[str, Any]:
    """Cross-validate, fit on everything, write the model folder; return metadata.

    ``name_model`` is the fitted domain-name model stored alongside; the
    ``name_ngram_score`` column of ``training`` must already hold its scores.
    With ``card``, the model card is written with the model (else see
    :func:`write_card`). ``notes`` are warnings about the labels, kept in the
    metadata's ``warnings`` with those about the fit.
    """
    import joblib
    import sklearn

    if len(np.unique(training.domain_y)) < 2 and len(np.unique(training.link_y)) < 2:
        raise DisavowError(
            "the labelled data has only one class; label some links toxic and some ok"
        )
    categories = categories_for(training)
    cv = cross_validate(training, categories, cv_splits)
    thresholds = choose_thresholds(cv, training)
    estimators = {}
    calibrated_on: dict[str, str] = {}
    fitted_on = fitted_levels(training, cv, cv_splits)
    needed = min_domains_per_class(cv_splits)
    for level in LEVELS:
        # A level without both classes (e.g. no link rows in a Search Console
        # export) learns from the nearest level that has them, so that scoring
        # still works; the metadata and the card say so.
        x, y, groups, weight = training.level(fitted_on[level])
        columns = feature_columns(level)
        matrix = prepare_matrix(x, columns, categories)
        estimators[level], held_back = fit_calibrated(columns, matrix, y, weight, groups)
        calibrated_on[level] = CALIBRATED_ON_HELD_BACK if held_back else CALIBRATED_ON_TRAINING
    if name_model is not None:
        estimators["names"] = name_model
    packed = io.BytesIO()
    joblib.dump(estimators, packed, compress=3)
    model_bytes = packed.getvalue()
    model_sha = hashlib.sha256(model_bytes).hexdigest()
    metrics_out = {
        level: {k: v for k, v in result.items() if not k.startswith("_")}
        | {"at_default_threshold": at_threshold(
            training.level(level)[1], result["_oof"], thresholds[f"{level}_disavow"])}
        for level, result in cv.items()
    }
    scoring = {"features": {level: feature_columns(level) for level in LEVELS},
               "categories": categories, "thresholds": thresholds}
    metadata = {
        "name": name,
        "description": description,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": _git_commit(),
        "model_sha256": model_sha,
        # load_model refuses a metadata.json whose scoring fields no longer match this.
        "scoring_sha256": scoring_sha256(scoring),
        **scoring,
        # Which thresholds the training data set, and which are defaults (a level it
        # could not cross-validate): the card must not present a default as fitted.
        "thresholds_fitted": sorted(f"{level}_{kind}" for level in cv
                                    for kind in ("disavow", "review")),
        "origin": origin,
        "tld_toxic_share": toxic_share_by_tld(training),
        "training_data": training.sources,
        "fitted_on": fitted_on,
        "warnings": [*notes, *(
            f"the {level} model ({LEVEL_WORDS[level]}) had too few labels of its own "
            f"({toxic} toxic and {ok} ok referring domains; {needed} of each are needed to "
            f"cross-validate it); it was fitted on the {source} rows as a stand-in, so its "
            "scores are weak evidence (label more of those and retrain)"
            for level, source in fitted_on.items() if source != level
            for toxic, ok in [domains_per_class(training, level)]), *(
            f"the {level} model ({LEVEL_WORDS[level]}) was cross-validated on only {toxic} "
            f"toxic and {ok} ok referring domains (fewer than {needed} of a class): its "
            "metrics rest on a handful of sites and can swing widely; label more and retrain"
            for level, source in fitted_on.items() if source == level
            for toxic, ok in [domains_per_class(training, level)] if min(toxic, ok) < needed),
            *_calibration_warnings(calibrated_on)],
        "rows": {level: {"rows": int(len(training.level(level)[1])),
                         "toxic": int(np.nansum(training.level(level)[1]))} for level in LEVELS},
        "hyperparameters": HGB_PARAMS | {
            "calibration": calibration_summary(calibrated_on),
            "calibrated_on": calibrated_on,
            "class_weight": "balanced", "early_stopping": "10% validation, 15 rounds",
            "monotonic_cst": MONOTONIC},
        "metrics": {"cross_validation": metrics_out} | (extra_metrics or {}),
        "versions": _versions(sklearn.__version__),
        # Last, being long. By content, not by file: evaluate must recognise a
        # re-saved copy of a training file as data the model has seen.
        "training_referring_domains": training_domains_record(training),
    }
    # The model, its metadata (which holds the model's sha256) and its card appear
    # together: an interrupted run leaves the folder as it was.
    with new_output_folder(out_dir), OutputFiles(overwrite=True) as files:
        files.add(out_dir / MODEL_FILE, model_bytes)
        files.add(out_dir / METADATA_FILE, dumps(metadata) + "\n")
        if card:
            files.add(out_dir / CARD_FILE, _card(metadata))
        files.commit()
    untrusted = remember_trusted(model_sha)
    if untrusted:  # said now, not written: the folder is fine, this machine's list is not
        metadata = {**metadata, "warnings": [*metadata.get("warnings", []), untrusted],
                    "needs_trust_model": True}
    return metadata


def _versions(sklearn_version: str) -> dict[str, str]:
    import joblib
    import tldextract

    from disavow import __version__

    return {
        "disavow": __version__, "scikit-learn": sklearn_version, "pandas": pd.__version__,
        "numpy": np.__version__, "joblib": joblib.__version__,
        "tldextract": tldextract.__version__, "python": platform.python_version(),
    }


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def write_card(out_dir: Path, metadata: dict[str, Any], intro: str = "") -> None:
    """A model card generated from metadata.json, so the two never disagree."""
    write_atomic(out_dir / CARD_FILE, _card(metadata, intro), overwrite=True)


def _card(metadata: dict[str, Any], intro: str = "") -> str:
    from disavow.model_card import render_model_card

    return render_model_card(metadata, intro)
