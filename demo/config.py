"""The generator's configuration: the shipped defaults (``demo/demo.yaml``), overrides, the span.

The defaults are package data (read with :mod:`importlib.resources`), so an installed
copil finds them; ``copil generate --print-config`` prints them as a starting point.
"""

from __future__ import annotations

import copy
import datetime as dt
from importlib import resources
from pathlib import Path

import yaml

__all__ = ["default_config_text", "load_config", "resolve_span", "calibration_window",
           "as_date", "last_sunday"]

#: keys whose value replaces the default's instead of being merged key by key
_REPLACED = {"queues", "channels", "regions", "transfer_targets", "explicit"}


def default_config_text() -> str:
    """The text of the shipped generator configuration (``demo/demo.yaml``)."""
    return resources.files("demo").joinpath("demo.yaml").read_text(encoding="utf-8")


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED:
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_config(config: str | Path | dict | None = None) -> dict:
    """The generator configuration.

    ``None``: the shipped defaults (``demo/demo.yaml``). A YAML path or a dict: merged over
    the defaults (nested dicts key by key, except ``queues``, ``channels``, ``regions``,
    ``transfer_targets`` and ``explicit``, which replace the default), then checked. A
    relative ``campaigns.calendar_file`` is found from the working directory, else from the
    directory of the YAML file that names it.
    """
    base = yaml.safe_load(default_config_text())
    if config is None:
        return base
    config_dir = None
    if isinstance(config, (str, Path)):
        path = Path(config)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such generator config (copil generate "
                                    "--print-config shows the defaults to start from)")
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(config, dict):
            raise ValueError(f"{path}: a generator config is a YAML mapping like the one "
                             "copil generate --print-config prints")
        config_dir = path.parent
    cfg = _validate(_merge(base, config))
    _resolve_calendar_file(cfg, config_dir)
    return cfg


def _resolve_calendar_file(cfg: dict, config_dir: Path | None) -> None:
    """Replace a relative ``campaigns.calendar_file`` by a path that exists, or refuse it."""
    name = cfg["campaigns"].get("calendar_file")
    if not name:
        return
    path = Path(name)
    if not path.is_absolute() and not path.exists() and config_dir is not None:
        path = config_dir / path
    if not path.exists():
        raise FileNotFoundError(f"{name}: campaign calendar not found (columns: "
                                "campaign_id,name,channel,start_date,end_date,audience,queues)")
    cfg["campaigns"]["calendar_file"] = str(path)


def _validate(cfg: dict) -> dict:
    """Refuse configurations the generator cannot honour, naming the key."""
    def need(ok: bool, message: str) -> None:
        if not ok:
            raise ValueError(f"generator config: {message}")

    need(isinstance(cfg.get("queues"), dict) and len(cfg["queues"]) >= 1,
         "queues must map at least one queue name to its parameters")
    for name, q in cfg["queues"].items():
        for key in ("share", "talk_s", "hold_share", "hold_s", "wrap_s", "patience_s"):
            need(key in q, f"queues.{name}.{key} is missing")
        need(q["share"] >= 0 and q["talk_s"] > 0 and q["wrap_s"] > 0 and q["hold_s"] > 0
             and q["patience_s"] > 0 and 0 <= q["hold_share"] <= 1,
             f"queues.{name}: share >= 0, talk_s/hold_s/wrap_s/patience_s > 0 seconds, "
             "hold_share in [0, 1]")
    need(sum(q["share"] for q in cfg["queues"].values()) > 0, "queue shares sum to 0")
    need(len(cfg["weekday_profile"]) in (5, 6), "weekday_profile needs 5 or 6 values (Mon..Sat)")
    need(len(cfg["month_profile"]) == 12, "month_profile needs 12 values (Jan..Dec)")
    need(cfg["annual_offered"] > 0, "annual_offered must be > 0 calls per year")
    need(0 <= cfg["ivr_share"] < 1, "ivr_share must be in [0, 1)")
    need(0 <= cfg["school_holiday_dip"] <= 1, "school_holiday_dip must be in [0, 1]")
    lo, hi = cfg["campaigns"]["per_year"]
    need(0 <= lo <= hi, "campaigns.per_year is [min, max] with 0 <= min <= max")
    st = cfg["staffing"]
    need(0 <= st["shrinkage"] < 1, "staffing.shrinkage must be in [0, 1)")
    need(1 <= st["min_on_shift"] <= st["max_on_shift"] <= st["team"],
         "staffing needs 1 <= min_on_shift <= max_on_shift <= team")
    return cfg


def as_date(value) -> dt.date | None:
    """A date from a ``datetime``, ``date`` or ``'YYYY-MM-DD'`` text; None for None or ''."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD") from exc


def last_sunday(d: dt.date) -> dt.date:
    """The last Sunday on or before ``d``."""
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def resolve_span(cfg: dict, start=None, end=None) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the generated span.

    The last day is the last Sunday on or before ``end`` (default ``cfg['end']``), so the
    span ends on a complete ISO week; the first is ``start`` (default ``cfg['start']``,
    else ``cfg['weeks']`` whole weeks before the last day).
    """
    last = last_sunday(as_date(end) or as_date(cfg["end"]))
    first = as_date(start) or as_date(cfg.get("start"))
    if first is None:
        first = last - dt.timedelta(days=7 * int(cfg["weeks"]) - 1)
    if first > last:
        raise ValueError(f"start {first} is after the end {last} (the last Sunday on or before "
                         "the end date): give an earlier --start or a later --end")
    return first, last


def calibration_window(cfg: dict) -> tuple[dt.date, dt.date]:
    """The ``weeks`` whole weeks ending on the config's end: where ``annual_offered`` holds.

    The base level is calibrated on this window whatever span is generated, so a shorter
    span has the same daily level as the full run; its first day is the growth origin.
    """
    w_last = last_sunday(as_date(cfg["end"]))
    return w_last - dt.timedelta(days=7 * int(cfg["weeks"]) - 1), w_last
