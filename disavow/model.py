"""The scoring model: a versioned folder, verified before it is loaded.

A model folder holds ``model.joblib`` (two calibrated scikit-learn classifiers:
one for referring domains, one for single links), ``metadata.json`` (features,
categories, versions, hashes, metrics, default thresholds) and ``MODEL_CARD.md``.

Loading a joblib file runs code, so the file's sha256 is checked against
``metadata.json`` *and* against a source of trust outside the folder: the
models shipped with this package, models trained on this machine (recorded by
``disavow train``), or an explicit ``trust=True`` from the user.

The fields of ``metadata.json`` that decide scores and decisions (features,
categories, thresholds) are checked against the sha256 of them that training
records (``scoring_sha256``), and against the fitted estimators themselves.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from disavow.errors import ModelError
from disavow.features import CATEGORICAL_FEATURES, LinkFeatures
from disavow.strict_json import dumps

DEFAULT_MODEL_NAME = "backlink-gb-v1"
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"
# The sha256 of every model this package ships. A folder whose joblib matches
# one of these is trusted without asking.
SHIPPED_MODEL_SHA256: dict[str, str] = {}
_SHIPPED_HASHES_FILE = "shipped_models.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The fields of metadata.json that change scores or decisions. model.joblib's sha256
# does not cover them, so training records one of their own.
SCORING_FIELDS = ("features", "categories", "thresholds")


def scoring_sha256(metadata: dict[str, Any]) -> str:
    """The sha256 of ``metadata``'s :data:`SCORING_FIELDS`, as metadata.json holds them.

    Taken over canonical JSON (sorted keys, no spaces), so the value computed at
    training from Python objects is the one computed at loading from the file.
    """
    fields = json.loads(dumps({key: metadata.get(key) for key in SCORING_FIELDS}, indent=None))
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def default_model_dir() -> Path:
    """The shipped model: inside the wheel, or the repository's models/ folder."""
    packaged = Path(__file__).resolve().parent / "_models" / DEFAULT_MODEL_NAME
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL_NAME


def _shipped_hashes() -> dict[str, str]:
    path = Path(__file__).resolve().parent / _SHIPPED_HASHES_FILE
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return dict(SHIPPED_MODEL_SHA256)


def trust_store_path() -> Path:
    """Where ``disavow train`` records the hashes of models made on this machine."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "disavow" / "trusted-models.txt"


def remember_trusted(sha256: str) -> str | None:
    """Record a model trained here as trusted; what went wrong if it could not be."""
    path = trust_store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        known = path.read_text("ascii", errors="replace").split() if path.exists() else []
        if sha256 not in known:
            with open(path, "a", encoding="ascii") as handle:
                handle.write(sha256 + "\n")
    except OSError as exc:  # a read-only home must not break training
        return (f"could not record the model as trained on this machine in {path} "
                f"({exc.strerror or exc}): pass --trust-model when you use it")
    return None


def _locally_trusted(sha256: str) -> bool:
    path = trust_store_path()
    try:
        return path.exists() and sha256 in path.read_text("ascii", errors="replace").split()
    except OSError:
        return False


@dataclass
class ScoringModel:
    """A loaded, verified model folder."""

    directory: Path
    metadata: dict[str, Any]
    estimators: dict[str, Any] = field(repr=False)
    # The domain and the link model both read the name model's score of the same
    # referring domains: each name is scored once per run.
    _name_score_cache: dict[str, float] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", self.directory.name))

    @property
    def sha256(self) -> str:
        return str(self.metadata["model_sha256"])

    @cached_property
    def thresholds(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.metadata["thresholds"].items()}

    def feature_columns(self, level: str) -> list[str]:
        return list(self.metadata["features"][level])

    def weighed_features(self, level: str) -> frozenset[str] | None:
        """The features some tree of ``level``'s model splits on (a categorical one
        counts as weighed); None when its trees cannot be read.

        A feature no tree splits on cannot move a score: the explanations do not give
        it as a reason.
        """
        columns = self.feature_columns(level)
        parts = _calibrated_boosters(self.estimators[level], columns)
        cuts = None if parts is None else _split_thresholds(columns, parts)
        if cuts is None:
            return None
        return frozenset(c for c, cut in cuts.items() if cut is _CATEGORICAL or len(cut))

    def prepare(self, features: pd.DataFrame, level: str) -> pd.DataFrame:
        """Order columns as trained and fix categorical levels."""
        return prepare_matrix(features, self.feature_columns(level), self.metadata["categories"])

    def score(
        self, features: pd.DataFrame, level: str, domains: object = None
    ) -> np.ndarray:
        """Calibrated probability that each row (``level`` 'domain' or 'link') is toxic.

        Domain rows known only by name (no link rows) go to the domain-only
        model. ``domains`` names each row's referring domain (default: the
        index); the model's own name scorer fills ``name_ngram_score`` from it.
        """
        if len(features) == 0:
            return np.zeros(0)
        if level == "domain" and "domain_only" in self.estimators:
            only = features["n_pages"].isna().to_numpy()
            names = np.asarray(features.index if domains is None else domains, dtype=object)
            out = np.zeros(len(features))
            for mask, part in ((~only, "domain"), (only, "domain_only")):
                if mask.any():
                    out[mask] = self._score(features[mask], part, names[mask])
            return out
        return self._score(features, level, features.index if domains is None else domains)

    def _score(self, features: pd.DataFrame | LinkFeatures, level: str, domains: object
               ) -> np.ndarray:
        if "names" in self.estimators and "name_ngram_score" in self.feature_columns(level):
            features = self._with_name_scores(features, np.asarray(domains, dtype=object))
        estimator = self.estimators[level]
        columns = self.feature_columns(level)
        parts = _calibrated_boosters(estimator, columns)
        if parts is None:
            whole = features.frame() if isinstance(features, LinkFeatures) else features
            return estimator.predict_proba(self.prepare(whole, level))[:, 1]
        # Score each group of rows that no tree can tell apart once (see below), and
        # make the model's input one block of rows at a time.
        group, first = _distinct_rows(features, columns, parts)

        def rows(positions: np.ndarray) -> pd.DataFrame:
            """The reference input for those distinct rows: what scikit-learn is given."""
            if isinstance(features, LinkFeatures):
                return self.prepare(features.rows(first[positions]).frame(), level)
            return self.prepare(features.iloc[first[positions]], level)

        gatherer = _BlockGatherer.build(parts, features, columns, self.metadata["categories"],
                                        first)
        check = _check_positions(len(first), gatherer)
        reference = rows(check)
        if gatherer is not None and gatherer.agrees(check, _preprocessed(parts, reference)):
            blocks = gatherer.gather
        else:
            blocks = _reference_blocks(parts, rows)
        scores = _boosted_proba(parts, len(first), blocks)
        if not np.array_equal(scores[check], _single_threaded_proba(estimator, reference)):
            scores = estimator.predict_proba(rows(np.arange(len(first))))[:, 1]  # stay exact
        return scores[group]

    def _with_name_scores(self, features: pd.DataFrame | LinkFeatures, domains: np.ndarray
                          ) -> pd.DataFrame | LinkFeatures:
        """``features`` with ``name_ngram_score`` filled from each row's domain name."""
        if isinstance(features, LinkFeatures) and "name_ngram_score" in features.context:
            # Once per context row, when every row of one context row names one domain.
            names = np.full(len(features.context), None, dtype=object)
            names[features.domain_row] = domains
            if (names[features.domain_row] == domains).all():
                used = pd.notna(names)  # context rows of no row are never read
                codes, distinct = pd.factorize(names[used], use_na_sentinel=False)
                scores = np.full(len(names), np.nan)
                scores[used] = self._name_scores(distinct)[codes]
                context = features.context.assign(name_ngram_score=scores)
                return LinkFeatures(features.own, context, features.domain_row)
            features = features.frame()
        elif isinstance(features, LinkFeatures):
            features = features.frame()
        # Once per distinct domain: a million links come from far fewer domains.
        codes, distinct = pd.factorize(domains, use_na_sentinel=False)
        return features.assign(name_ngram_score=self._name_scores(distinct)[codes])

    def _name_scores(self, domains: np.ndarray) -> np.ndarray:
        from disavow.train import name_scores

        keys = [str(d) for d in domains]
        cache = self._name_score_cache
        new = list(dict.fromkeys(k for k in keys if k not in cache))
        if new:
            cache.update(zip(new, name_scores(self.estimators["names"], new).tolist(),
                             strict=True))
        return np.fromiter((cache[k] for k in keys), dtype=float, count=len(keys))


# --- fast, exact scoring ------------------------------------------------------------
# A profile of a million links is scored against hundreds of trees. scikit-learn's
# predict_proba walks one tree over every row, then the next, starting OpenMP
# threads for each tree: at that size it waits on memory, and on a busy machine
# on the threads. The functions below give the same numbers, bit for bit,
# faster: rows that no split of any tree can tell apart are scored once, and the
# trees are walked over blocks of rows small enough to stay in the CPU cache (as
# the booster's one-byte bins, see _Binner), one block per core. A sample is
# re-scored by scikit-learn itself as a check.
_BLOCK_ROWS = 1 << 14  # rows prepared at once (bounds the memory of the float matrix)
_CHUNK_ROWS = 4096  # rows walked through all trees while they stay in the cache
_CHECK_ROWS = 64  # rows re-scored by scikit-learn's predict_proba to verify the fast path
# Each booster's input matrix for some distinct rows; see _boosted_proba for the slot.
_Blocks = Callable[[np.ndarray, int | None], list[np.ndarray]]


def _calibrated_boosters(estimator: Any, columns: list[str]) -> list[tuple[Any, Any]] | None:
    """(booster, sigmoid calibrator) pairs of a binary CalibratedClassifierCV, else None.

    That is what ``disavow train`` makes (the booster possibly wrapped in a
    FrozenEstimator, which only forwards to it); anything else is scored by
    ``predict_proba`` alone.
    """
    try:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.frozen import FrozenEstimator
    except ImportError:  # pragma: no cover - another scikit-learn layout
        return None
    if not isinstance(estimator, CalibratedClassifierCV) or len(estimator.classes_) != 2:
        return None
    parts = []
    for calibrated in getattr(estimator, "calibrated_classifiers_", []):
        booster = calibrated.estimator
        if isinstance(booster, FrozenEstimator):
            booster = booster.estimator
        if (
            not isinstance(booster, HistGradientBoostingClassifier)
            or getattr(calibrated, "method", None) != "sigmoid"
            or len(calibrated.calibrators) != 1
            or booster.n_trees_per_iteration_ != 1
            or not hasattr(booster, "_predictors")
            or list(getattr(booster, "feature_names_in_", [])) != list(columns)
            or list(booster.classes_) != list(estimator.classes_)
        ):
            return None
        parts.append((booster, calibrated.calibrators[0]))
    return parts or None


def _distinct_rows(
    features: pd.DataFrame | LinkFeatures, columns: list[str], parts: list[tuple[Any, Any]]
) -> tuple[np.ndarray, np.ndarray]:
    """Group rows no tree can tell apart: (group of each row, first row of each group).

    Read from the features before :func:`prepare_matrix`. A numeric value only
    matters through the split thresholds it passes, so it is replaced by its rank
    among the thresholds the trees use on that column (missing values apart); a
    categorical value is kept as it is (finer than the model's categories). The
    columns :class:`LinkFeatures` holds once per domain are grouped once per domain.
    """
    n_rows = len(features)
    cuts = _split_thresholds(columns, parts)
    if cuts is None:
        return np.arange(n_rows), np.arange(n_rows)  # no grouping
    if isinstance(features, LinkFeatures):
        own = [(c, cuts[c]) for c in columns if c in features.own]
        per_domain = [(c, cuts[c]) for c in columns if c not in features.own]
        domain_group, n_domain_groups = _group_codes(features.context, per_domain)
        group, size = _group_codes(features.own, own)
        group, _ = _combined(group, size, domain_group[features.domain_row], n_domain_groups)
    else:
        group, _ = _group_codes(features, [(c, cuts[c]) for c in columns])
    group, uniques = pd.factorize(group)
    first = np.full(len(uniques), n_rows, dtype=np.int64)
    np.minimum.at(first, group, np.arange(n_rows))
    return group.astype(np.intp), first


_CATEGORICAL = None  # a column's "thresholds" when the trees split it by category


def _split_thresholds(columns: list[str], parts: list[tuple[Any, Any]]
                      ) -> dict[str, np.ndarray | None] | None:
    """Each column's sorted split thresholds over every tree (``_CATEGORICAL`` for a
    categorical column), or None when the boosters disagree on which are categorical."""
    thresholds: list[set[float]] = [set() for _ in columns]
    masks = [booster.is_categorical_ for booster, _ in parts]
    categorical = np.zeros(len(columns), dtype=bool) if masks[0] is None else np.asarray(masks[0])
    for (booster, _), mask in zip(parts, masks, strict=True):
        mask = np.zeros(len(columns), dtype=bool) if mask is None else np.asarray(mask)
        if not np.array_equal(mask, categorical):
            return None
        order = np.r_[np.flatnonzero(mask), np.flatnonzero(~mask)]  # the booster's layout
        for iteration in booster._predictors:
            nodes = iteration[0].nodes
            split = nodes["is_leaf"] == 0
            cols = order[nodes["feature_idx"][split]]
            cat_node = nodes["is_categorical"][split].astype(bool)
            if (cat_node != categorical[cols]).any():
                return None
            for col, value in zip(cols[~cat_node], nodes["num_threshold"][split][~cat_node],
                                  strict=True):
                thresholds[col].add(float(value))
    return {
        column: _CATEGORICAL if categorical[position]
        else np.array(sorted(thresholds[position]), dtype=float)
        for position, column in enumerate(columns)
    }


def _group_codes(frame: pd.DataFrame, columns: list[tuple[str, np.ndarray | None]]
                 ) -> tuple[np.ndarray, int]:
    """A code for each row of ``frame`` equal where no split on ``columns`` tells
    rows apart, and how many codes there can be."""
    group = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for column, cuts in columns:
        if column not in frame:
            continue  # missing everywhere: the same on every row
        series = frame[column]
        if cuts is _CATEGORICAL:
            code, uniques = pd.factorize(series, use_na_sentinel=True)
            code, levels = code.astype(np.int64) + 1, len(uniques) + 1
        elif len(cuts):
            values = series.to_numpy(dtype=float, na_value=np.nan) \
                if series.dtype == np.float64 else \
                pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
            code = np.searchsorted(cuts, values, side="left").astype(np.int64)
            code[np.isnan(values)] = len(cuts) + 1
            levels = len(cuts) + 2
        else:
            continue  # no tree looks at this column
        group, size = _combined(group, size, code, levels)
    return group, size


def _combined(group: np.ndarray, size: int, code: np.ndarray, levels: int
              ) -> tuple[np.ndarray, int]:
    """Codes for the pairs (group, code), and how many there can be (kept in int64)."""
    if size * levels >= 1 << 62:
        group, uniques = pd.factorize(group)
        size = len(uniques)
    return group * levels + code, size * levels


def _boosted_proba(parts: list[tuple[Any, Any]], n_rows: int, blocks: _Blocks) -> np.ndarray:
    """What CalibratedClassifierCV.predict_proba(X)[:, 1] computes, walked block-wise.

    ``blocks(positions, slot)`` gives each booster's input matrix (what its
    ``_preprocess_X`` makes of :func:`prepare_matrix`) for those of the ``n_rows``
    rows. Blocks alternate between slots 0 and 1: a block may live in a buffer
    that is reused when its slot is asked for again, by then walked.

    Each booster's raw score is its baseline plus every tree's leaf value, added
    in the same order as scikit-learn adds them; the sigmoid calibrators and the
    average over the calibrated boosters are scikit-learn's own operations.
    """
    from concurrent.futures import ThreadPoolExecutor

    raws = []
    for booster, _ in parts:
        raw = np.zeros(n_rows, dtype=booster._baseline_prediction.dtype)
        raw += booster._baseline_prediction.ravel()[0]
        raws.append(raw)
    trees = [[iteration[0] for iteration in booster._predictors] for booster, _ in parts]
    bitsets = [booster._bin_mapper.make_known_categories_bitsets() for booster, _ in parts]
    binners = [_Binner.of(booster) for booster, _ in parts]

    def walk(job: tuple[list[np.ndarray], int, int, int]) -> None:
        block, offset, start, stop = job  # rows start:stop of the block at row offset
        for raw, predictors, (known, f_idx_map), binner, x in zip(
                raws, trees, bitsets, binners, block, strict=True):
            chunk = np.asfortranarray(x[start:stop])
            acc = raw[offset + start:offset + stop]
            binned = None if binner is None else binner.bins(chunk)
            # One thread per call: no OpenMP start-up per tree.
            if binned is None:
                for predictor in predictors:
                    acc += predictor.predict(chunk, known, f_idx_map, 1)
            else:
                for predictor in predictors:
                    acc += predictor.predict_binned(binned, binner.missing_bin, 1)

    workers = _n_threads()
    pool = ThreadPoolExecutor(workers) if workers > 1 and n_rows > _CHUNK_ROWS else None
    def prepared(offset: int) -> list[np.ndarray]:
        # Two slots: the pool walks the block of one while the other is filled.
        stop = min(offset + _BLOCK_ROWS, n_rows)
        return blocks(np.arange(offset, stop), (offset // _BLOCK_ROWS) % 2)

    try:
        block = prepared(0)
        for offset in range(0, n_rows, _BLOCK_ROWS):
            size = len(block[0])
            jobs = [(block, offset, start, min(start + _CHUNK_ROWS, size))
                    for start in range(0, size, _CHUNK_ROWS)]
            following = offset + _BLOCK_ROWS
            if pool is None:
                for job in jobs:
                    walk(job)
                block = prepared(following) if following < n_rows else block
            else:
                # The next block is prepared while the pool walks this one.
                walks = [pool.submit(walk, job) for job in jobs]
                block = prepared(following) if following < n_rows else block
                for done in walks:
                    done.result()
    finally:
        if pool is not None:
            pool.shutdown()
    mean = np.zeros(n_rows)
    for (_, calibrator), raw in zip(parts, raws, strict=True):
        proba = calibrator.predict(raw)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        mean += proba
    mean /= len(parts)
    return mean


class _Binner:
    """A booster's own binning of its input, for walking its trees over bytes.

    Every split of a tree is made on a bin; its threshold on raw values is that
    bin's upper edge (infinite for the last bin). A value is in a bin at or below
    the split's exactly when it is at or below the edge, so walking the binned
    rows gives the raw walk's leaves, with a matrix an eighth the size in the
    cache. :meth:`of` checks that every split is laid out so; :meth:`bins` refuses
    a chunk holding a category the booster never saw, which the raw walk treats
    as missing but binning would put in a neighbour's bin.
    """

    def __init__(self, mapper: Any, map_to_bins: Callable[..., None]) -> None:
        self._thresholds = mapper.bin_thresholds_
        self._categorical = np.asarray(mapper.is_categorical_, dtype=np.uint8)
        self.missing_bin = mapper.missing_values_bin_idx_
        self._map_to_bins = map_to_bins
        self._known = [(f, self._thresholds[f]) for f in np.flatnonzero(self._categorical)]

    @classmethod
    def of(cls, booster: Any) -> _Binner | None:
        """None where the booster's trees cannot be walked binned (then they walk raw)."""
        try:
            from sklearn.ensemble._hist_gradient_boosting._binning import _map_to_bins

            mapper = booster._bin_mapper
            thresholds = mapper.bin_thresholds_
            non_missing = np.asarray(mapper.n_bins_non_missing_)
            categorical = mapper.is_categorical_
            for iteration in booster._predictors:
                nodes = iteration[0].nodes
                split = nodes[(nodes["is_leaf"] == 0) & (nodes["is_categorical"] == 0)]
                for feature, bin_at, edge in zip(split["feature_idx"], split["bin_threshold"],
                                                 split["num_threshold"], strict=True):
                    last = bin_at == non_missing[feature] - 1
                    if categorical[feature] or edge != (
                            np.inf if last else thresholds[feature][bin_at]):
                        return None
        except (AttributeError, ImportError, IndexError, KeyError, TypeError, ValueError):
            return None  # another scikit-learn layout
        return cls(mapper, _map_to_bins)

    def bins(self, chunk: np.ndarray) -> np.ndarray | None:
        """The chunk's bins (column-major bytes), or None if it holds an unseen category."""
        for feature, known in self._known:
            values = chunk[:, feature]
            if not (np.isnan(values) | (values < 0) | np.isin(values, known)).all():
                return None
        binned = np.empty(chunk.shape, dtype=np.uint8, order="F")
        self._map_to_bins(chunk, self._thresholds, self._categorical, self.missing_bin, 1,
                          binned)
        return binned


def _preprocessed(parts: list[tuple[Any, Any]], frame: pd.DataFrame) -> list[np.ndarray]:
    """Each booster's own input matrix for ``frame`` (computed once when they agree)."""
    out: list[np.ndarray] = []
    seen: list[tuple[Any, np.ndarray]] = []
    for booster, _ in parts:
        key = _encoder_key(booster)
        done = next((x for k, x in seen if key is not None and k == key), None)
        if done is None:
            done = np.asarray(booster._preprocess_X(frame, reset=False), dtype=float)
            seen.append((key, done))
        out.append(done)
    return out


def _reference_blocks(parts: list[tuple[Any, Any]],
                      rows: Callable[[np.ndarray], pd.DataFrame]) -> _Blocks:
    """Blocks made by pandas and scikit-learn from ``rows(positions)``: slow, exact by design."""
    return lambda positions, slot=None: _preprocessed(parts, rows(positions))


def _encoder_key(booster: Any) -> Any:
    pre = getattr(booster, "_preprocessor", None)
    if pre is None:
        return ("none",)
    try:
        encoder = pre.named_transformers_["encoder"]
        return (
            tuple(tuple(map(repr, c)) for c in encoder.categories_),
            tuple(np.asarray(booster.is_categorical_).tolist()),
        )
    except (AttributeError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class _Column:
    """One model column over every row of the features, ready to gather from.

    ``values`` are the numbers as the features frame holds them (cast to float64
    while gathering, which is what ``astype(float)`` does), or for a categorical
    column each row's value code, -1 where missing; ``lookup`` is then what the
    booster's encoder makes of each code, missing last so that -1 reads it. A
    column the features lack is ``fill`` on every row. ``value_row``, when given,
    says which element of ``values`` each row reads (a domain's, for the columns
    :class:`LinkFeatures` holds once per domain).
    """

    values: np.ndarray | None
    lookup: np.ndarray | None = None
    fill: float = np.nan
    value_row: np.ndarray | None = None

    def gather(self, rows: np.ndarray, out: np.ndarray) -> None:
        if self.values is None:
            out[:] = self.fill
            return
        at = rows if self.value_row is None else self.value_row[rows]
        if self.lookup is None:
            out[:] = self.values[at]
        else:
            np.take(self.lookup, self.values[at], out=out)


class _BlockGatherer:
    """Each booster's input matrix for any of the distinct rows, without pandas.

    :func:`prepare_matrix` and the booster's ``_preprocess_X`` cost about 0.1 s per
    block of 16k rows, on the thread that should be feeding the tree walkers.
    Here each column is read once for all rows, without a copy where the frame
    already holds numbers, and each categorical value is encoded once, by the
    booster's own preprocessing; a block is then one gather per column.
    """

    def __init__(self, plans: list[list[_Column]], readers: list[int], first: np.ndarray,
                 category_codes: list[np.ndarray]) -> None:
        self._plans = plans  # the columns of each distinct booster input, in its order
        self._readers = readers  # which plan each booster reads
        self._first = first
        self._category_codes = category_codes
        self._buffers: dict[tuple[int, int], np.ndarray] = {}

    @classmethod
    def build(cls, parts: list[tuple[Any, Any]], features: pd.DataFrame | LinkFeatures,
              columns: list[str], categories: dict[str, list[str]], first: np.ndarray
              ) -> _BlockGatherer | None:
        """None where a booster's input is not laid out as this class reads it."""
        layouts = [_booster_layout(booster, len(columns)) for booster, _ in parts]
        if any(layout is None for layout in layouts):
            return None
        if isinstance(features, LinkFeatures):
            own = [c for c in columns if c in features.own]
            numbers, levels = _read_columns(features.own, own)
            per_domain = _read_columns(features.context, [c for c in columns if c not in own])
            numbers.update(per_domain[0])
            levels.update(per_domain[1])
            value_rows = dict.fromkeys([*per_domain[0], *per_domain[1]], features.domain_row)
        else:
            numbers, levels = _read_columns(features, columns)
            value_rows = {}
        plans: list[list[_Column]] = []
        readers: list[int] = []
        keys: list[Any] = []
        for (booster, _), layout in zip(parts, layouts, strict=True):
            key = _encoder_key(booster)
            if key is not None and key in keys:
                readers.append(keys.index(key))
                continue
            try:
                encoded = _encoded_probe(booster, columns, categories,
                                         {c: uniques for c, (_, uniques) in levels.items()})
            except (ValueError, TypeError):
                return None  # the reference path will say what is wrong
            plans.append([_plan_column(columns[source], encoded[:, at], numbers, levels,
                                       value_rows.get(columns[source]))
                          for at, source in enumerate(layout)])
            keys.append(key)
            readers.append(len(plans) - 1)
        row_codes = [codes if column not in value_rows else codes[value_rows[column]]
                     for column, (codes, _) in levels.items()]  # one code per row
        return cls(plans, readers, first, row_codes)

    def gather(self, positions: np.ndarray, slot: int | None = None) -> list[np.ndarray]:
        """Each booster's input for those distinct rows, in buffer ``slot`` if given."""
        rows = self._first[positions]
        matrices = []
        for index, plan in enumerate(self._plans):
            out = self._buffer(index, len(rows), len(plan), slot)
            for at, column in enumerate(plan):
                column.gather(rows, out[:, at])
            matrices.append(out)
        return [matrices[plan] for plan in self._readers]

    def _buffer(self, plan: int, n_rows: int, n_columns: int, slot: int | None) -> np.ndarray:
        # Column-major: each column's gather writes one contiguous run.
        buffer = None if slot is None else self._buffers.get((plan, slot))
        if buffer is None or len(buffer) < n_rows:
            buffer = np.empty((n_rows, n_columns), order="F")
            if slot is not None:
                self._buffers[plan, slot] = buffer
        return buffer[:n_rows]

    def agrees(self, positions: np.ndarray, reference: list[np.ndarray]) -> bool:
        """Whether the gathered input of those rows is ``reference``'s, bit for bit."""
        return all(_same_bits(got, want)
                   for got, want in zip(self.gather(positions), reference, strict=True))

    def first_row_of_each_category(self) -> np.ndarray:
        """For each categorical column, the first distinct row holding each of its values."""
        found = [np.unique(codes[self._first], return_index=True)[1]
                 for codes in self._category_codes]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)


def _booster_layout(booster: Any, n_columns: int) -> np.ndarray | None:
    """Which model column each column of the booster's preprocessed input holds.

    scikit-learn's ColumnTransformer puts the categorical columns first (its
    "encoder" part), then the numeric ones, each in the model's order; anything
    else (a later scikit-learn) is None.
    """
    pre = getattr(booster, "_preprocessor", None)
    if pre is None:
        return np.arange(n_columns)
    categorical = np.asarray(booster.is_categorical_, dtype=bool)
    n_categorical = int(categorical.sum())
    expected = {"encoder": slice(0, n_categorical), "numerical": slice(n_categorical, n_columns)}
    outputs = getattr(pre, "output_indices_", {})
    if len(categorical) != n_columns or any(
        outputs.get(name, expected.get(name)) != expected.get(name, slice(0, 0))
        for name in {*outputs, *expected}
    ):
        return None
    return np.r_[np.flatnonzero(categorical), np.flatnonzero(~categorical)]


def _read_columns(
    features: pd.DataFrame, columns: list[str]
) -> tuple[dict[str, np.ndarray], dict[str, tuple[np.ndarray, pd.Index]]]:
    """The model's numeric columns as arrays, and its categorical ones as (codes, values)."""
    numbers: dict[str, np.ndarray] = {}
    levels: dict[str, tuple[np.ndarray, pd.Index]] = {}
    for column in columns:
        if column not in features:
            continue
        series = features[column]
        if column in CATEGORICAL_FEATURES:
            levels[column] = pd.factorize(series, use_na_sentinel=True)
        elif isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
            numbers[column] = series.to_numpy()  # a view: numbers need no conversion
        else:  # text, objects, nullable types: as prepare_matrix converts them
            numbers[column] = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
    return numbers, levels


def _encoded_probe(booster: Any, columns: list[str], categories: dict[str, list[str]],
                   uniques: dict[str, pd.Index]) -> np.ndarray:
    """The booster's input, made the reference way, for rows holding each categorical value.

    Row k holds each column's k-th value, and missing values after them, so that
    row ``len(values)`` of a column is what a missing value becomes; columns the
    features lack are missing on every row.
    """
    size = 1 + max((len(values) for values in uniques.values()), default=0)
    probe = pd.DataFrame({column: pd.Series(values).reindex(range(size))
                          for column, values in uniques.items()}, index=range(size))
    return np.asarray(booster._preprocess_X(prepare_matrix(probe, columns, categories),
                                            reset=False), dtype=float)


def _plan_column(column: str, encoded: np.ndarray, numbers: dict[str, np.ndarray],
                 levels: dict[str, tuple[np.ndarray, pd.Index]],
                 value_row: np.ndarray | None = None) -> _Column:
    """How to gather one column, given what the booster made of it in the probe."""
    if column in numbers:
        return _Column(numbers[column], value_row=value_row)
    if column in levels:
        codes, values = levels[column]
        return _Column(codes, lookup=encoded[:len(values) + 1].copy(), value_row=value_row)
    return _Column(None, fill=float(encoded[0]))


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(b, dtype=float)
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def _check_positions(n_rows: int, gatherer: _BlockGatherer | None) -> np.ndarray:
    """Distinct rows re-scored the reference way: spread over all, and every category's first."""
    spread = np.linspace(0, n_rows - 1, num=min(_CHECK_ROWS, n_rows)).astype(np.intp)
    categories = np.zeros(0, dtype=np.intp) if gatherer is None else \
        gatherer.first_row_of_each_category()
    return np.unique(np.r_[spread, categories])


def _single_threaded_proba(estimator: Any, matrix: pd.DataFrame) -> np.ndarray:
    """predict_proba on a few rows without OpenMP: starting threads per tree costs more."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        return estimator.predict_proba(matrix)[:, 1]


def _n_threads() -> int:
    try:  # what scikit-learn itself would use: honours OMP_NUM_THREADS and CPU quotas
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

        return max(1, int(_openmp_effective_n_threads()))
    except Exception:  # pragma: no cover - private helper moved
        return max(1, os.cpu_count() or 1)


def prepare_matrix(
    features: pd.DataFrame, columns: list[str], categories: dict[str, list[str]]
) -> pd.DataFrame:
    """The model's input: fixed column order, numeric floats, bucketed categoricals.

    Categories unseen in training become "other"; a missing value stays missing.
    """
    matrix = features.reindex(columns=columns).copy()
    for column in columns:
        if column in CATEGORICAL_FEATURES:
            known = categories.get(column, [])
            values = matrix[column].astype("object")
            bucketed = values.where(values.isna() | values.isin(known), "other")
            levels = known if "other" in known else [*known, "other"]
            matrix[column] = pd.Categorical(bucketed, categories=levels)
        else:
            matrix[column] = pd.to_numeric(matrix[column], errors="coerce").astype(float)
    return matrix


def load_model(directory: str | Path | None = None, *, trust: bool = False) -> ScoringModel:
    """Load a model folder after checking its hash and where it came from.

    Raises:
        ModelError: the folder is incomplete, the file was altered, its
            scikit-learn version differs, or it is not trusted.
    """
    folder = Path(directory) if directory is not None else default_model_dir()
    if folder.is_file():
        raise ModelError(f"{folder} is a file; --model takes the model folder that holds it "
                         f"(here {folder.parent}).")
    model_path = folder / MODEL_FILE
    meta_path = folder / METADATA_FILE
    for needed in (model_path, meta_path):
        if not needed.is_file():
            raise ModelError(
                f"Model folder {folder} has no {needed.name}. A model folder holds "
                f"{MODEL_FILE}, {METADATA_FILE} and {CARD_FILE}; make one with "
                "'disavow train LABELLED... --out DIR'."
            )
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = metadata["model_sha256"]
        if not isinstance(expected, str) or not isinstance(metadata.get("versions", {}), dict):
            raise TypeError("wrong field types")
    # RecursionError: a file of deeply nested brackets exhausts the JSON parser's stack.
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(
            f"{meta_path} is not a valid model metadata file ({type(exc).__name__}: {exc}). "
            "Restore the original model folder or retrain it."
        ) from None
    _check_metadata(metadata, meta_path)
    # The bytes that are hashed are the bytes that are unpickled: reading the
    # file twice would let a swap between the two reads slip past the check.
    data = model_path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelError(
            f"{model_path} does not match the sha256 recorded in {meta_path} "
            f"(expected {expected[:12]}..., found {actual[:12]}...). The file was changed or "
            "corrupted after training; retrain it or restore the original folder."
        )
    _check_scoring_hash(metadata, meta_path)  # the model file first, then what scores it
    shipped = actual in _shipped_hashes().values()
    if not (shipped or trust or _locally_trusted(actual)):
        raise ModelError(
            f"{folder} is not a model shipped with disavow or trained on this machine. "
            "Loading a model file runs code from it, so it is refused. If you trust where it "
            "came from, pass --trust-model."
        )
    _check_versions(metadata, folder)
    import joblib

    try:
        # No warnings.catch_warnings here: the audit loads the model in a second thread
        # while the reader records pandas' bad-row warnings, and the filters are one for
        # the whole process, so a malformed row could go unreported. _check_versions
        # has already refused the version mismatch that would warn.
        estimators = joblib.load(io.BytesIO(data))
    except Exception as exc:  # a truncated or foreign pickle fails in many ways
        raise ModelError(f"{model_path} could not be loaded ({type(exc).__name__}).") from None
    if not isinstance(estimators, dict) or not set(MODEL_LEVELS) <= set(estimators):
        raise ModelError(f"{model_path} does not hold a disavow model (domain and link parts).")
    if not all(callable(getattr(estimators[level], "predict_proba", None))
               for level in MODEL_LEVELS):
        raise ModelError(f"{model_path} does not hold a disavow model: its parts are not "
                         "classifiers. Retrain it or restore the original folder.")
    _check_matches_estimators(metadata, estimators, meta_path, model_path)
    return ScoringModel(directory=folder, metadata=metadata, estimators=estimators)


MODEL_LEVELS = ("domain", "domain_only", "link")
THRESHOLD_KEYS = tuple(f"{level}_{kind}" for level in MODEL_LEVELS
                       for kind in ("disavow", "review"))


def _check_metadata(metadata: dict[str, Any], meta_path: Path) -> None:
    """Refuse metadata that scoring would trip over (it is not covered by the hash check)."""
    from disavow.features import DOMAIN_FEATURES, LINK_MODEL_FEATURES

    known = set(DOMAIN_FEATURES) | set(LINK_MODEL_FEATURES)

    def problem() -> str | None:
        features, thresholds = metadata.get("features"), metadata.get("thresholds")
        categories = metadata.get("categories")
        if not isinstance(features, dict) or not all(
                isinstance(features.get(level), list) and features[level]
                for level in MODEL_LEVELS):
            return "'features' must list the columns of each of " + ", ".join(MODEL_LEVELS)
        unknown = sorted({str(c) for level in MODEL_LEVELS for c in features[level]} - known)
        if unknown:
            # A column this version does not compute would be scored as missing everywhere.
            return f"'features' names columns this version of disavow does not compute: " \
                   f"{', '.join(unknown[:5])}"
        if not isinstance(thresholds, dict) or not thresholds:
            return "'thresholds' is missing"
        for key, value in thresholds.items():
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0.0 <= value <= 1.0:
                return f"threshold {key!r} is {value!r}, not a number between 0 and 1"
        # A missing threshold would be filled from Policy's defaults, which are not
        # this model's, without a word.
        absent = [key for key in THRESHOLD_KEYS if key not in thresholds]
        if absent:
            return f"'thresholds' lacks {', '.join(absent)} (each of " \
                   f"{', '.join(MODEL_LEVELS)} needs a review and a disavow threshold)"
        for level in MODEL_LEVELS:
            review, disavow = thresholds[f"{level}_review"], thresholds[f"{level}_disavow"]
            if review > disavow:
                return f"threshold '{level}_review' ({review}) is above '{level}_disavow' " \
                       f"({disavow}), so a score would be disavowed before it is reviewed " \
                       "(to disavow at another score, pass --threshold instead of editing " \
                       "the file)"
        if not isinstance(categories, dict) or not all(
                isinstance(v, list) and all(isinstance(x, str) for x in v)
                for v in categories.values()):
            return "'categories' must map each categorical column to a list of values"
        # _check_versions compares the scikit-learn version as text.
        if not all(isinstance(v, str) for v in metadata.get("versions", {}).values()):
            return "'versions' must give each package's version as text, e.g. \"1.9.1\""
        return None

    found = problem()
    if found:
        raise ModelError(f"{meta_path} is not a valid model metadata file: {found}. Restore "
                         "the original model folder or retrain it.")


def _check_scoring_hash(metadata: dict[str, Any], meta_path: Path) -> None:
    """Refuse features, categories or thresholds that differ from those recorded at training.

    Well-formed values can still be wrong: thresholds edited to 0.0 disavow every
    domain, and no check of ranges or of the model can tell them from the
    originals. The hash catches such edits and corruption (anyone can recompute
    it, so it is no signature: model.joblib's hash and its trust guard the code).
    """
    recorded = metadata.get("scoring_sha256")
    if not isinstance(recorded, str):
        raise ModelError(
            f"{meta_path} records no 'scoring_sha256', the sha256 of the features, categories "
            "and thresholds that 'disavow train' writes beside them, so an edit of them could "
            "not be detected. Retrain the model with 'disavow train' (models trained before "
            "the hash was recorded lack it) or restore the original model folder."
        )
    actual = scoring_sha256(metadata)
    if actual != recorded:
        raise ModelError(
            f"{meta_path}: its features, categories or thresholds are not those recorded when "
            f"the model was trained (scoring_sha256 expected {recorded[:12]}..., found "
            f"{actual[:12]}...), so the file was edited or corrupted and every score or "
            "decision could change. To disavow at another score, pass --threshold instead of "
            "editing metadata.json; otherwise restore the original model folder or retrain "
            "with 'disavow train'."
        )


def _check_matches_estimators(metadata: dict[str, Any], estimators: dict[str, Any],
                              meta_path: Path, model_path: Path) -> None:
    """Refuse metadata that does not describe the fitted estimators it sits beside.

    The columns scoring hands each model come from ``metadata.json``, which the
    sha256 check does not cover: a list that differs from the one the model was
    fitted on (a column dropped, added or moved) makes scikit-learn refuse the
    input in the middle of a run, or, reordered, would feed values to the wrong
    splits.
    """
    for level in MODEL_LEVELS:
        listed = [str(c) for c in metadata["features"][level]]
        fitted = getattr(estimators[level], "feature_names_in_", None)
        if fitted is None:  # fitted on an array: only the number of columns is known
            count = getattr(estimators[level], "n_features_in_", len(listed))
            if count == len(listed):
                continue
            mismatch = f"it lists {len(listed)} columns, but the model was fitted on {count}"
        else:
            fitted = [str(c) for c in fitted]
            if fitted == listed:
                continue
            missing = [c for c in fitted if c not in listed]
            extra = [c for c in listed if c not in fitted]
            twice = sorted({c for c in listed if listed.count(c) > 1})
            mismatch = "; ".join(part for part in (
                missing and f"it lacks {', '.join(missing[:5])}",
                extra and f"it adds {', '.join(extra[:5])}, which the model was not fitted on",
                twice and f"it lists {', '.join(twice[:5])} more than once",
            ) if part) or "it lists the model's columns in another order"
        raise ModelError(
            f"{meta_path} does not match {model_path}: its 'features' for the {level} model "
            f"are not the columns that model was fitted on ({mismatch}). Restore the original "
            "metadata.json of this model or retrain it with 'disavow train'."
        )
    # prepare_matrix turns a categorical value 'categories' does not list into "other":
    # a value the booster was fitted on that the list lacks would be scored as another
    # one on every row that holds it.
    for level in MODEL_LEVELS:
        for column, fitted in _fitted_categories(estimators[level]).items():
            known = {*metadata["categories"].get(column, []), "other"}
            lacking = sorted(fitted - known)
            if lacking:
                raise ModelError(
                    f"{meta_path} does not match {model_path}: its 'categories' for {column} "
                    f"lack values the {level} model was fitted on ({', '.join(lacking[:5])}"
                    f"{', ...' if len(lacking) > 5 else ''}; {len(lacking)} in all), so they "
                    "would be scored as 'other'. Restore the original metadata.json of this "
                    "model or retrain it with 'disavow train'."
                )


def _fitted_categories(estimator: Any) -> dict[str, set[str]]:
    """The values each categorical column held when ``estimator``'s boosters were fitted.

    Read from the ordinal encoder scikit-learn fits inside each booster of a
    calibrated model (what ``disavow train`` makes); empty for anything else.
    """
    found: dict[str, set[str]] = {}
    for calibrated in getattr(estimator, "calibrated_classifiers_", []):
        booster = getattr(calibrated, "estimator", None)
        booster = getattr(booster, "estimator", booster)  # inside a FrozenEstimator
        names = getattr(booster, "feature_names_in_", None)
        categorical = getattr(booster, "is_categorical_", None)
        pre = getattr(booster, "_preprocessor", None)
        encoder = getattr(pre, "named_transformers_", {}).get("encoder")
        if names is None or categorical is None or not hasattr(encoder, "categories_") \
                or len(names) != len(categorical):
            continue
        columns = [str(c) for c, is_cat in zip(names, categorical, strict=True) if is_cat]
        if len(columns) != len(encoder.categories_):
            continue  # another scikit-learn layout: nothing to compare with
        for column, values in zip(columns, encoder.categories_, strict=True):
            found.setdefault(column, set()).update(v for v in values if isinstance(v, str))
    return found


def _check_versions(metadata: dict[str, Any], folder: Path) -> None:
    import sklearn

    trained = metadata.get("versions", {}).get("scikit-learn", "")
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{folder} was trained with scikit-learn {trained}, but {sklearn.__version__} is "
            "installed; scikit-learn cannot load models across versions. Retrain with "
            "'disavow train' or install the matching scikit-learn."
        )
