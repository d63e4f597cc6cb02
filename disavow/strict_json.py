"""JSON that every reader accepts: a missing number (NaN, an infinity) is written as null.

Python's json module writes ``NaN`` by default, which jq, JavaScript and most
other parsers refuse; a metric on a tiny sample (precision with nothing flagged)
is NaN.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np


def dumps(data: Any, *, indent: int | None = 2, default: Callable[[Any], Any] | None = None
          ) -> str:
    """``json.dumps`` of ``data`` with non-finite numbers as null and numpy scalars as numbers."""
    return json.dumps(_plain(data), indent=indent, allow_nan=False, default=default)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic) and not isinstance(value, (np.str_, np.bytes_)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
