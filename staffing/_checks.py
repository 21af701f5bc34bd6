"""Small shared helpers: argument checks that name the parameter, and broadcasting."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def as_array(name: str, value, *, low: float | None = 0.0, low_open: bool = False,
             high: float | None = None, high_open: bool = False,
             allow_inf: bool = False) -> np.ndarray:
    """Return ``value`` as a float array after checking its range, naming ``name`` on error."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from exc
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN")
    if not allow_inf and np.isinf(arr).any():
        raise ValueError(f"{name} must be finite")
    if low is not None:
        bad = arr <= low if low_open else arr < low
        if bad.any():
            op = ">" if low_open else ">="
            raise ValueError(f"{name} must be {op} {low:g}, got {arr[bad].flat[0]:g}")
    if high is not None:
        bad = arr >= high if high_open else arr > high
        if bad.any():
            op = "<" if high_open else "<="
            raise ValueError(f"{name} must be {op} {high:g}, got {arr[bad].flat[0]:g}")
    return arr


def as_agents(name: str, value) -> np.ndarray:
    """Return a non-negative integer array (int64); floats must be whole numbers."""
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        raise ValueError(f"{name} must be whole numbers of advisors, not booleans")
    farr = as_array(name, arr, low=0.0)
    if (farr != np.floor(farr)).any():
        raise ValueError(f"{name} must be whole numbers of advisors, got {farr[farr != np.floor(farr)].flat[0]:g}")
    return farr.astype(np.int64)


def unwrap(result: Mapping[str, np.ndarray], scalar: bool) -> dict:
    """Turn 0-d arrays into Python scalars when every input was a scalar."""
    if not scalar:
        return dict(result)
    out = {}
    for key, val in result.items():
        val = np.asarray(val)
        out[key] = val.item()
    return out


def is_scalar(*values) -> bool:
    """True when every value is a scalar (0-d)."""
    return all(np.ndim(v) == 0 for v in values)
