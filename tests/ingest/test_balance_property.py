"""Property: whatever the mix of good, bad, repeated and changed rows, the summary balances
and the warehouse holds exactly the expected calls (computed here independently)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.ingest import ingest_file
from analytics.warehouse import connect

HEAD = "call_id,queue,arrived_at,outcome,wait_s\n"
BAD_FIELDS = {  # field -> a value that must be quarantined
    "arrived_at": "32/13/2026 99:00",
    "outcome": "perdu",
    "wait_s": "-4",
}

row = st.tuples(
    st.integers(0, 15),                       # call id (small range: repeats happen)
    st.sampled_from(["q1", "q2"]),
    st.integers(0, 59),                       # minute
    st.sampled_from(["abandoned", "overflow"]),
    st.integers(0, 300),                      # wait
    st.sampled_from([None, *BAD_FIELDS]),     # corruption
)


def _line(r) -> tuple[str, bool]:
    cid, q, minute, outcome, wait, bad = r
    fields = {"arrived_at": f"2026-02-16 10:{minute:02d}:00", "outcome": outcome, "wait_s": str(wait)}
    if bad:
        fields[bad] = BAD_FIELDS[bad]
    return f"c{cid},{q},{fields['arrived_at']},{fields['outcome']},{fields['wait_s']}\n", bad is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(row, min_size=1, max_size=30), min_size=1, max_size=3))
def test_every_file_balances_and_the_last_version_of_each_call_wins(tmp_path_factory, files):
    tmp = tmp_path_factory.mktemp("prop")
    con = connect(tmp / "w.duckdb")
    expected: dict[tuple[str, str], tuple[str, float]] = {}
    for i, rows in enumerate(files):
        lines = [_line(r) for r in rows]
        path = tmp / f"f{i}.csv"
        path.write_text(HEAD + "".join(text for text, _ in lines))
        s = ingest_file(con, "calls", path, force=True)
        assert s.balanced
        good = [r for r, (_, ok) in zip(rows, lines, strict=True) if ok]
        assert s.rows_quarantined == len(rows) - len(good)
        before = dict(expected)
        for cid, q, minute, outcome, wait, _ in good:  # the last occurrence in a file wins
            expected[(f"c{cid}", q)] = (outcome, float(wait), minute)
        changed = {k for k in expected if k in before and before[k] != expected[k]}
        new = {k for k in expected if k not in before}
        assert (s.rows_loaded, s.rows_updated) == (len(new), len(changed))
    got = {(c, q): (o, w, m) for c, q, o, w, m in con.execute(
        "select call_id, queue, outcome, wait_s, minute(timezone('Europe/Paris', arrived_at)) from calls"
    ).fetchall()}
    con.close()
    assert got == expected
