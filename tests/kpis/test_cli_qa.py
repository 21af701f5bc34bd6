"""Findings of the command-line QA pass, each pinned by a regression test."""

from __future__ import annotations

import json
import re

import pytest

from analytics.warehouse import connect
from copil.cli import main


@pytest.fixture
def db_no_operator(tmp_path, load):
    """Calls on Monday and Wednesday, nothing on Tuesday, no operator counts at all."""
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load.calls(con, [
        dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=10, talk=60),
        dict(arrived="2026-03-04 09:00:00", outcome="abandoned", wait=50),
    ])
    con.close()
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reconcile_without_operator_data_says_so(db_no_operator, capsys):
    code, out, _ = run(capsys, "reconcile", "--db", db_no_operator)
    assert code == 0
    assert out.strip().startswith("no operator counts in the warehouse")
    assert "copil ingest operator" in out and "missing_operator" not in out
    code, out, err = run(capsys, "reconcile", "--db", db_no_operator, "--format", "json")
    rows = json.loads(out)
    assert [r["missing_operator"] for r in rows] == [True, True, True]
    assert "copil ingest operator" in err


def test_reconcile_table_leaves_out_days_without_calls_or_operator(tmp_path, load, capsys):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load.calls(con, [
        dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=10, talk=60),
        dict(arrived="2026-03-04 09:00:00", outcome="answered", wait=10, talk=60),
    ])
    load.operator(con, [dict(day="2026-03-02", offered=1, handled=1)])
    con.close()
    code, out, err = run(capsys, "reconcile", "--db", str(path))
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3          # header, 2026-03-02, 2026-03-04 (missing operator)
    assert "2026-03-03" not in out and "2026-03-04" in out
    assert "1 row(s) with neither calls nor operator counts left out" in err
    code, out, _ = run(capsys, "reconcile", "--db", str(path), "--format", "csv")
    assert "2026-03-03" in out


def test_actions_list_empty_is_a_sentence(db_no_operator, capsys):
    code, out, _ = run(capsys, "actions", "list", "--db", db_no_operator)
    assert code == 0 and out.startswith("no actions recorded") and "DataFrame" not in out
    code, out, _ = run(capsys, "actions", "list", "--status", "open", "--db", db_no_operator)
    assert out.startswith("no open actions recorded")
    code, out, _ = run(capsys, "actions", "list", "--db", db_no_operator, "--format", "json")
    assert json.loads(out) == []


def test_last_complete_quarter(con, load):
    from analytics.kpis import last_complete_quarter

    assert last_complete_quarter(con) is None
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="ivr"),
                     dict(arrived="2026-03-29 09:00:00", outcome="ivr")])   # Sunday 29 March
    assert last_complete_quarter(con) is None          # Q1 runs to Tuesday 31 March
    load.calls(con, [dict(arrived="2026-04-05 09:00:00", outcome="ivr")])  # Sunday 5 April
    assert last_complete_quarter(con) == "2026-Q1"     # week 30 Mar - 5 Apr covers 31 March
    load.calls(con, [dict(arrived="2026-12-27 09:00:00", outcome="ivr"),   # Sunday
                     dict(arrived="2026-12-31 09:00:00", outcome="ivr")])  # Thursday
    assert last_complete_quarter(con) == "2026-Q3"     # W53 of 2026 not complete yet
    load.calls(con, [dict(arrived="2027-01-03 09:00:00", outcome="ivr")])  # Sunday
    assert last_complete_quarter(con) == "2026-Q4"


def test_quarterly_report_defaults_to_last_complete_quarter(tmp_path, load, capsys):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=5, talk=60),
                     dict(arrived="2026-04-05 09:00:00", outcome="answered", wait=5, talk=60)])
    con.close()
    out_file = tmp_path / "q.html"
    code, out, _ = run(capsys, "report", "quarterly", "--db", str(path), "--out", str(out_file))
    assert code == 0 and out.startswith("quarterly report 2026-Q1 ") and out_file.exists()
    empty = tmp_path / "e.duckdb"
    connect(empty).close()
    code, _, err = run(capsys, "report", "quarterly", "--db", str(empty))
    assert code == 2 and "--quarter YYYY-Qn" in err


def _poisson_weekdays(load, con, skip=()):
    """Poisson(30) answered calls every weekday from 5 January to 30 June 2026, except ``skip``."""
    import datetime as dt

    import numpy as np

    rng = np.random.default_rng(7)
    calls, day = [], dt.date(2026, 1, 5)
    while day <= dt.date(2026, 6, 30):
        n = int(rng.poisson(30))
        if day.weekday() < 5 and day not in skip:
            # one call every 4 minutes from 09:00 (about two hours): the line calendar learns
            # these hours (a span under an hour would be stray calls, not opening hours)
            calls += [dict(arrived=str(dt.datetime.combine(day, dt.time(9))
                                       + dt.timedelta(minutes=4 * i)),
                           outcome="answered", wait=5, talk=60) for i in range(n)]
        day += dt.timedelta(days=1)
    load.calls(con, calls)


QA_CONTRACT = "line_name: QA\ntimezone: Europe/Paris\nlanguage: en\n"


def test_quarterly_forecast_coverage_counts_days_with_calls_only(con, load):
    """Closed weekends (0 forecast, 0 calls) must not inflate the 80 % coverage: the review
    compares the days with calls (one rule for every face; it replaced the report's
    'forecast > 0 or actual > 0', which gave the same days here)."""
    import datetime as dt

    from analytics.contract import parse_contract
    from analytics.metrics import format_metric
    from analytics.reports import quarterly_report
    from analytics.review import forecast_accuracy, quarter_review
    from forecasting import coverage

    contract = parse_contract(QA_CONTRACT)
    _poisson_weekdays(load, con)
    # Q2 2026's weeks: Monday 30 March (its Thursday is 2 April) to Sunday 28 June
    acc = forecast_accuracy(con, dt.date(2026, 3, 30), dt.date(2026, 6, 28), contract=contract)
    days = acc.days
    kept = days[days.compared]
    assert len(kept) < len(days)                         # the quarter has closed days
    # calls every weekday from Monday 30 March to Friday 26 June: 2 + 22 + 21 + 20 days
    assert acc.n_days == len(kept) == 65
    cov_all = coverage(days.actual, days.lo80, days.hi80)
    assert acc.coverage_80 == coverage(kept.actual, kept.lo80, kept.hi80) < cov_all
    review = quarter_review(con, "2026-Q2", contract=contract)
    assert review.forecast_accuracy.coverage_80 == acc.coverage_80
    html = quarterly_report(con, "2026-Q2", lang="en", review=review)
    row = re.search(r"Open days inside the 80 % interval</td>\s*<td[^>]*>([^<]+)<", html)
    assert row and row.group(1).strip() == format_metric("coverage_80", acc.coverage_80, "en")
    assert "with no calls at all" not in html


def test_quarterly_forecast_accuracy_leaves_out_days_without_data(con, load):
    """Two weeks missing from the log (an export never loaded) are not forecast errors."""
    import datetime as dt

    from analytics.contract import parse_contract
    from analytics.metrics import format_metric
    from analytics.reports import quarterly_report
    from analytics.review import forecast_accuracy
    from forecasting import wape

    contract = parse_contract(QA_CONTRACT)
    gap = [dt.date(2026, 6, 1) + dt.timedelta(days=i) for i in range(12)]   # 10 weekdays
    _poisson_weekdays(load, con, skip=set(gap))
    acc = forecast_accuracy(con, dt.date(2026, 3, 30), dt.date(2026, 6, 28), contract=contract)
    days = acc.days
    kept = days[days.compared]
    assert acc.n_excluded == 10                      # expected open, no call: left out
    assert acc.daily_wape == wape(kept.actual, kept.forecast)
    html = quarterly_report(con, "2026-Q2", lang="en", contract=contract)
    row = re.search(r"Daily WAPE</td>\s*<td[^>]*>([^<]+)<", html)
    assert row.group(1).strip() == format_metric("wape", acc.daily_wape, "en")
    assert wape(days.actual, days.forecast) - acc.daily_wape > 0.1
    assert "10 day(s) with no calls at all although the line was expected open" in html


def test_weekly_report_says_when_operator_counts_and_callbacks_are_missing(con, load):
    from html import unescape

    from analytics.contract import parse_contract
    from analytics.reports import weekly_report

    contract = parse_contract("line_name: QA\ntimezone: Europe/Paris\n")
    load.calls(con, [dict(arrived=f"2026-03-0{d} 09:00:00", outcome="answered", wait=5, talk=60)
                     for d in range(2, 7)])
    html = unescape(weekly_report(con, "2026-W10", contract=contract))
    assert "Aucun comptage de l'opérateur pour cette semaine" in html
    assert "pas de données opérateur" not in html          # no row-by-row "no data" table
    assert "Aucun rappel dû ni en attente cette semaine." in html
    assert '"displayModeBar": false' in html                # no toolbar over a printed chart
    # with operator counts and a callback, the tables come back
    load.operator(con, [dict(day="2026-03-02", offered=1, handled=1, queue="Q1")])
    load.callbacks(con, [dict(requested="2026-03-02 10:00:00", completed="2026-03-03 10:00:00")])
    html = weekly_report(con, "2026-W10", lang="en", contract=contract)
    assert "No operator counts for this week" not in html and "no operator data" in html
    assert "No callbacks due or pending" not in html


def test_contract_errors_name_the_fix_on_one_line():
    from analytics.contract import ContractError, parse_contract

    text = ('service_level: {thresholds: [20, 30]}\n'
            'targets:\n  - {metric: service_level_45s, comparison: ">=", threshold: 0.8}\n')
    with pytest.raises(ContractError, match=r"add 45 to service_level.thresholds \(now \[20, 30\]\)"
                       r" or use one of service_level_20s, service_level_30s$"):
        parse_contract(text)
    with pytest.raises(ContractError) as err:
        parse_contract("line_name: [\n")
    assert "\n" not in str(err.value) and "not valid YAML" in str(err.value)


def test_campaign_baseline_leaves_out_closed_days(con, load):
    """A public holiday in the 4 weeks before (0 calls) must not lower the baseline."""
    import datetime as dt

    from analytics.review import campaign_uplift

    calls, day = [], dt.date(2026, 2, 2)
    while day <= dt.date(2026, 3, 6):
        closed = day in (dt.date(2026, 2, 23), dt.date(2026, 3, 4))   # a Monday, a Wednesday
        if day.weekday() < 5 and not closed:
            calls += [dict(arrived=f"{day} 09:0{i}:00", outcome="answered", wait=5, talk=60)
                      for i in range(4)]
        day += dt.timedelta(days=1)
    calls += [dict(arrived="2026-03-02 11:00:00", outcome="answered", wait=5, talk=60)] * 10
    load.calls(con, calls)
    con.execute("insert into campaigns values ('test', 'C1', 'Mailing', 'mailing', "
                "'2026-03-02', '2026-03-06', 1000, null, 0)")
    r = campaign_uplift(con, dt.date(2026, 1, 1), dt.date(2026, 3, 31)).iloc[0]
    # window Mon 2 - Fri 6 March, Wednesday closed: 4 open days x 4 calls + 10 extra
    assert r.observed == 4 * 4 + 10
    # Monday's baseline is 4 (the closed 23 February left out, not (4+4+4+0)/4 = 3);
    # the closed Wednesday in the window expects nothing
    assert r.baseline == 16.0
    assert r.extra_calls == 10.0


def test_kpis_unknown_queue_is_an_error_not_zeros(db_no_operator, capsys):
    code, _, err = run(capsys, "kpis", "--db", db_no_operator, "--queue", "Q9")
    assert code == 2 and "--queue 'Q9': no such queue; the warehouse has Q1" in err
    code, out, _ = run(capsys, "kpis", "--db", db_no_operator, "--queue", "Q1", "--format", "json")
    assert code == 0 and json.loads(out)[0]["offered"] == 2


def test_targets_for_a_period_the_contract_does_not_set(db_no_operator, capsys):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "data" / "contract.example.yaml"
    assert run(capsys, "contract", "set", str(example), "--db", db_no_operator)[0] == 0
    code, out, err = run(capsys, "targets", "--db", db_no_operator, "--period", "month")
    assert code == 2 and out == ""
    assert "the contract sets no month targets (its targets are per week); use --period week" in err
    code, out, err = run(capsys, "targets", "--db", db_no_operator, "--week", "2026-W10",
                         "--format", "csv")
    assert code == 0 and out.startswith("period_start,metric,")
    assert "gaps are listed with --format table or json" in err


def test_report_wait_axis_names_the_plotted_measure_and_has_round_ticks():
    from analytics.metrics import axis_title, label
    from analytics.reports import charts

    fig = charts.daily_profile(["lun.", "mar."], [1000, 1500], [900, 1400], [100, 100],
                               [5.4, 13.2], "fr")
    # the line is wait_all_mean_s (answered + abandoned), not the ASA of the table beside it
    assert fig.data[-1].name.startswith(label("wait_all_mean_s", "fr"))
    assert axis_title("wait_all_mean_s", "en") == "Mean wait experienced (s)"
    # ticks of their own: synced to the calls axis they read 0, 6, 11 for 0, 5.5, 11
    assert fig.layout.yaxis2.tickmode == "auto" and fig.layout.yaxis2.tickformat is None


def test_reconcile_tolerance_must_be_a_fraction(db_no_operator, capsys):
    for bad in ("2", "-0.1"):
        code, _, err = run(capsys, "reconcile", "--db", db_no_operator, "--tolerance", bad)
        assert code == 2 and "is not a fraction in [0, 1); write 2 % as 0.02" in err
    code, _, _ = run(capsys, "reconcile", "--db", db_no_operator, "--tolerance", "0.05")
    assert code == 0
