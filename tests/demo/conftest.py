"""A 15-week demo span generated once per session (spring DST change, Easter Monday,
winter and spring school holidays, two explicit campaigns)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from demo import generate

SPAN = ("2026-01-05", "2026-04-19")
SEED = 4242
CAMPAIGNS = [
    {"campaign_id": "T-EMAIL", "name": "E-mail vie professionnelle", "channel": "email",
     "start_date": "2026-02-03", "audience": 500000, "queues": ["vie-professionnelle"]},
    {"campaign_id": "T-MAIL", "name": "Courrier aides au logement", "channel": "mailing",
     "start_date": "2026-03-10", "audience": 180000, "queues": ["aides-logement"]},
]


class Demo:
    """The generated files of one run, read back as frames."""

    def __init__(self, result: dict):
        self.files: dict[str, Path] = result["files"]
        self.summary: dict = result["summary"]
        self.calls = pd.read_csv(self.files["calls"], dtype={"agent_id": str,
                                                             "transfer_to": str})
        self.operator = pd.read_csv(self.files["operator_counts"])
        self.callbacks = pd.read_csv(self.files["callbacks"])
        self.campaigns = pd.read_csv(self.files["campaigns"])
        self.staffing = pd.read_csv(self.files["staffing"])
        self.truth = json.loads(self.files["truth"].read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Demo:
    out = tmp_path_factory.mktemp("demo")
    result = generate({"campaigns": {"explicit": CAMPAIGNS}}, out, seed=SEED, start=SPAN[0],
                      end=SPAN[1])
    return Demo(result)
