"""The scoring model: a versioned folder, verified before it is loaded.

A model folder holds ``model.joblib`` (two calibrated scikit-learn classifiers:
one for referring domains, one for single links), ``metadata.json`` (features,
categories, versions, hashes, metrics, default thresholds) and ``MODEL_CARD.md``.

Loading a joblib file runs code, so the file's sha256 is checked against
``metadata.json`` *and* against a source of trust outside the folder: the
models shipped with this package, models trained on this machine (recorded by
``disavow train``), or an explicit ``trust=True`` from the user.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from disavow.errors import ModelError
from disavow.features import CATEGORICAL_FEATURES

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


def remember_trusted(sha256: str) -> None:
    path = trust_store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        known = path.read_text(encoding="ascii").split() if path.exists() else []
        if sha256 not in known:
            with open(path, "a", encoding="ascii") as handle:
                handle.write(sha256 + "\n")
    except OSError as exc:  # a read-only home must not break training
        warnings.warn(f"could not record the model in {path}: {exc}", stacklevel=2)


def _locally_trusted(sha256: str) -> bool:
    path = trust_store_path()
    try:
        return path.exists() and sha256 in path.read_text(encoding="ascii").split()
    except OSError:
        return False


@dataclass
class ScoringModel:
    """A loaded, verified model folder."""

    directory: Path
    metadata: dict[str, Any]
    estimators: dict[str, Any] = field(repr=False)

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

    def prepare(self, features: pd.DataFrame, level: str) -> pd.DataFrame:
        """Order columns as trained and fix categorical levels."""
        return prepare_matrix(features, self.feature_columns(level), self.metadata["categories"])

    def score(self, features: pd.DataFrame, level: str) -> np.ndarray:
        """Calibrated probability that each row (``level`` 'domain' or 'link') is toxic."""
        if len(features) == 0:
            return np.zeros(0)
        matrix = self.prepare(features, level)
        return self.estimators[level].predict_proba(matrix)[:, 1]


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
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_path} is not a valid model metadata file ({exc}).") from None
    actual = sha256_file(model_path)
    if actual != expected:
        raise ModelError(
            f"{model_path} does not match the sha256 recorded in {meta_path} "
            f"(expected {expected[:12]}..., found {actual[:12]}...). The file was changed or "
            "corrupted after training; retrain it or restore the original folder."
        )
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimators = joblib.load(model_path)
    except Exception as exc:  # a truncated or foreign pickle fails in many ways
        raise ModelError(f"{model_path} could not be loaded ({type(exc).__name__}).") from None
    if not isinstance(estimators, dict) or not {"domain", "link"} <= set(estimators):
        raise ModelError(f"{model_path} does not hold a disavow model (domain and link parts).")
    return ScoringModel(directory=folder, metadata=metadata, estimators=estimators)


def _check_versions(metadata: dict[str, Any], folder: Path) -> None:
    import sklearn

    trained = metadata.get("versions", {}).get("scikit-learn", "")
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{folder} was trained with scikit-learn {trained}, but {sklearn.__version__} is "
            "installed; scikit-learn cannot load models across versions. Retrain with "
            "'disavow train' or install the matching scikit-learn."
        )
