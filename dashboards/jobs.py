"""The shift-plan jobs of the app: a plan built and saved in a background thread, never in a
request (the page polls :meth:`ShiftJobs.status`).

One job per warehouse at a time (:class:`JobBusy` otherwise). The job reads the published
snapshot (:mod:`dashboards.data`), builds the plan with :func:`analytics.plan_store.build_plan`
(forecast, requirements, CP-SAT shifts) and saves it through the app's writer path
(:meth:`dashboards.data.Warehouse.write`: queued on the warehouse's lock, then published),
so the page and every reader of :func:`analytics.planned.planned_intervals` see it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

__all__ = ["JobBusy", "ShiftJob", "ShiftJobs"]


class JobBusy(RuntimeError):
    """A shift plan is already being computed for this warehouse."""


@dataclass
class ShiftJob:
    """One background plan: ``state`` ``running`` | ``done`` | ``failed``; ``step`` and
    ``done`` (fraction) while it runs; ``plan_id`` once saved; ``error`` when it failed."""

    week: str
    author: str
    state: str = "running"
    step: str = "queued"
    done: float = 0.0
    plan_id: int | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def elapsed_s(self) -> float:
        return (self.finished or time.monotonic()) - self.started


class ShiftJobs:
    """The jobs of one app, keyed by warehouse file."""

    def __init__(self) -> None:
        self._jobs: dict[str, ShiftJob] = {}
        self._lock = threading.Lock()

    def status(self, wh) -> ShiftJob | None:
        """The warehouse's last job (running or finished), None if none ran."""
        with self._lock:
            return self._jobs.get(str(wh.path))

    def start(self, wh, week: str, inputs, author: str) -> ShiftJob:
        """Start building and saving the plan of ``week`` (:class:`analytics.plan_store.
        PlanInputs`) in a thread; JobBusy when one runs for this warehouse."""
        key = str(wh.path)
        with self._lock:
            running = self._jobs.get(key)
            if running is not None and running.state == "running":
                raise JobBusy(f"a shift plan for {running.week} is being computed "
                              f"(started by {running.author} {running.elapsed_s:.0f} s ago); "
                              "wait for it to finish")
            job = ShiftJob(week=week, author=author)
            self._jobs[key] = job
        threading.Thread(target=self._run, args=(wh, job, inputs), daemon=True,
                         name="copil-shift-plan").start()
        return job

    @staticmethod
    def _run(wh, job: ShiftJob, inputs) -> None:
        from analytics.plan_store import build_plan, save_plan
        from analytics.warehouse import connect

        def progress(step: str, done: float) -> None:
            job.step, job.done = step, done

        try:
            snap = wh.snapshot()
            con = connect(snap.path, read_only=True, retries=0)
            try:
                version = build_plan(con, job.week, inputs, author=job.author,
                                     progress=progress)
            finally:
                con.close()
            progress("saving", 0.95)
            saved = wh.write(save_plan, version)
            job.plan_id = saved.plan_id
            job.step, job.done, job.state = "done", 1.0, "done"
        except Exception as exc:  # shown on the page: the user can act on it
            job.error, job.state = str(exc), "failed"
        finally:
            job.finished = time.monotonic()
