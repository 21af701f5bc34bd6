"""Seeded demo data for a client-provider inbound line, and the demo warehouse built from it.

``generate(config, out_dir, seed=..., start=..., end=...)`` writes the files;
:mod:`demo.warehouse` loads them (``copil demo``). Imports run copil -> demo -> analytics
-> forecasting, staffing: the generator uses :mod:`forecasting.calendar` for the line's
calendar and :mod:`staffing.simulation` for the queue; loading goes through
:mod:`analytics`.
"""

from demo.config import load_config, resolve_span
from demo.files import file_digest
from demo.generator import generate

__all__ = ["generate", "load_config", "resolve_span", "file_digest"]
