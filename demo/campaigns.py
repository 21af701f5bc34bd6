"""Campaign calendar of the demo line and the extra calls each campaign brings.

A campaign reaching ``audience`` people through a channel brings
``audience x response`` expected extra calls, spread over the open days that follow
its start: after ``lag_days`` open days, day ``k`` gets a share ``(1 - r) r**k`` (``r``:
the channel's daily geometric decay), over ``duration_days`` open days, normalised so
the shares sum to 1.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from demo.calendar import calendar_days

__all__ = ["campaign_calendar", "campaign_daily_extra"]

CHANNEL_NAMES = {"mailing": "Courrier", "email": "E-mail", "sms": "SMS", "press": "Presse",
                 "web": "Bannière web"}
QUEUE_NAMES = {"aides-logement": "aides au logement", "vie-professionnelle": "vie professionnelle",
               "fin-de-contrat": "fin de contrat"}
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


def _in_quiet(d: dt.date, quiet: list[list[str]]) -> bool:
    md = d.strftime("%m-%d")
    for lo, hi in quiet:
        if (lo <= hi and lo <= md <= hi) or (lo > hi and (md >= lo or md <= hi)):
            return True
    return False


def _generated(year: int, cfg: dict, queues: list[str], seed: int) -> list[dict]:
    """The campaigns starting in one calendar year (seeded by the year, span-independent).

    Starts fall on Monday-Thursday working days (no French public holiday) outside the
    quiet periods, at least ``min_gap_days`` apart.
    """
    c = cfg["campaigns"]
    rng = np.random.default_rng([seed, 11, year])
    lo, hi = c["per_year"]
    n = int(rng.integers(lo, hi + 1))
    channels = list(c["channels"])
    weights = np.array([c["channels"][ch]["weight"] for ch in channels], dtype=float)
    year_days = calendar_days(dt.date(year, 1, 1), dt.date(year, 12, 31), cfg)
    candidates = [d for d, holiday in zip(year_days.index, year_days["holiday"], strict=True)
                  if d.weekday() <= 3 and not holiday and not _in_quiet(d, c["quiet_periods"])]
    starts: list[dt.date] = []
    for _ in range(200 * n):
        if len(starts) == n or not candidates:
            break
        d = candidates[int(rng.integers(len(candidates)))]
        if all(abs((d - s).days) >= c["min_gap_days"] for s in starts):
            starts.append(d)
    out = []
    for d in sorted(starts):
        ch = channels[int(rng.choice(len(channels), p=weights / weights.sum()))]
        a_lo, a_hi = c["channels"][ch]["audience"]
        audience = int(round(rng.uniform(a_lo, a_hi), -3))
        k = 1 if rng.random() < 0.7 else 2
        targets = sorted(rng.choice(queues, size=min(k, len(queues)), replace=False).tolist())
        label = " et ".join(QUEUE_NAMES.get(q, q) for q in targets)
        out.append({"name": f"{CHANNEL_NAMES.get(ch, ch)} {label} - {MONTHS[d.month - 1]} {d.year}",
                    "channel": ch, "start_date": d, "audience": audience, "queues": targets})
    return out


def campaign_calendar(first: dt.date, last: dt.date, cfg: dict, queues: list[str],
                      seed: int) -> pd.DataFrame:
    """Campaigns starting between ``first`` and ``last``.

    From ``campaigns.calendar_file`` (CSV with the campaigns.csv columns), else
    ``campaigns.explicit``, else generated per calendar year. Columns: campaign_id, name,
    channel, start_date (date), audience (people), queues (list of queue names).
    """
    c = cfg["campaigns"]
    if c.get("calendar_file"):
        df = pd.read_csv(c["calendar_file"], dtype=str)
        rows = [{"campaign_id": r["campaign_id"], "name": r.get("name") or r["campaign_id"],
                 "channel": r["channel"], "start_date": dt.date.fromisoformat(r["start_date"]),
                 "audience": int(float(r["audience"])),
                 "queues": [q.strip() for q in str(r["queues"]).split(",") if q.strip()]}
                for r in df.to_dict("records")]
    elif c.get("explicit"):
        rows = []
        for i, r in enumerate(c["explicit"]):
            qs = r.get("queues") or queues
            rows.append({"campaign_id": r.get("campaign_id", f"CMP-{i + 1:03d}"),
                         "name": r.get("name", f"campaign {i + 1}"), "channel": r["channel"],
                         "start_date": dt.date.fromisoformat(str(r["start_date"])),
                         "audience": int(r["audience"]),
                         "queues": qs.split(",") if isinstance(qs, str) else list(qs)})
    else:
        rows = []
        for year in range(first.year, last.year + 1):
            for i, r in enumerate(_generated(year, cfg, queues, seed)):
                rows.append({"campaign_id": f"CMP-{year}-{i + 1:02d}", **r})
    for r in rows:
        if r["channel"] not in c["channels"]:
            raise ValueError(f"campaign {r['campaign_id']}: unknown channel {r['channel']!r}; "
                             f"use one of {sorted(c['channels'])}")
        unknown = set(r["queues"]) - set(queues)
        if unknown:
            raise ValueError(f"campaign {r['campaign_id']}: unknown queues {sorted(unknown)}")
    df = pd.DataFrame(rows, columns=["campaign_id", "name", "channel", "start_date", "audience",
                                     "queues"])
    keep = (df["start_date"] >= first) & (df["start_date"] <= last)
    return df[keep].sort_values("start_date", kind="stable").reset_index(drop=True)


def campaign_daily_extra(campaigns: pd.DataFrame, open_dates: list[dt.date], cfg: dict
                         ) -> list[dict[dt.date, float]]:
    """Expected extra calls per open day for each campaign (all its queues together).

    ``open_dates``: the sorted open days available (must extend past the last campaign).
    """
    c = cfg["campaigns"]
    n_days = int(c["duration_days"])
    out = []
    for r in campaigns.itertuples():
        ch = c["channels"][r.channel]
        decay, lag = float(ch["decay"]), int(ch.get("lag_days", 0))
        first = int(np.searchsorted(np.array(open_dates, dtype="datetime64[D]"),
                                    np.datetime64(r.start_date, "D")))
        shares = (1 - decay) * decay ** np.arange(n_days)
        shares /= shares.sum()
        total = r.audience * float(ch["response"])
        days = {}
        for k, share in enumerate(shares):
            i = first + lag + k
            if i < len(open_dates):
                days[open_dates[i]] = total * share
        out.append(days)
    return out
