"""Test kit of the security tests: a served app with ``requests`` sessions, a free port and
Dash callback request bodies (imported by conftest.py and the tests)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import requests
from dashboards_testkit import PASSWORD


class Served:
    """An app served on 127.0.0.1: ``url``, the Dash ``app`` and signed-in sessions."""

    def __init__(self, app, url: str) -> None:
        self.app = app
        self.url = url

    def session(self, role: str | None = None, *, headers: dict | None = None) -> requests.Session:
        """A ``requests`` session (redirects not followed), logged in as ``role`` if given."""
        s = requests.Session()
        s.headers.update(headers or {})
        s.request = _no_redirects(s.request)  # type: ignore[method-assign]
        if role is not None:
            r = s.post(self.url + "/login", data={"username": role, "password": PASSWORD})
            assert r.status_code == 302, (r.status_code, r.text[:300])
        return s


def _no_redirects(request: Callable) -> Callable:
    def call(method, url, **kwargs):
        kwargs["allow_redirects"] = False
        kwargs.setdefault("timeout", 60)
        return request(method, url, **kwargs)

    return call


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def callback_body(outputs: list[tuple], inputs: list[tuple], state: list[tuple] = (),
                  triggered: list[str] | None = None) -> dict:
    """A Dash callback request; ``outputs``/``inputs``/``state`` are (id, prop[, value])."""
    def name(cid, prop):
        return (json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict)
                else cid) + "." + prop

    outs = [{"id": o[0], "property": o[1]} for o in outputs]
    if len(outs) == 1:
        output, outs_body = name(*outputs[0]), outs[0]
    else:
        output = ".." + "...".join(name(o[0], o[1]) for o in outputs) + ".."
        outs_body = outs
    return {"output": output, "outputs": outs_body,
            "inputs": [{"id": i[0], "property": i[1], "value": i[2]} for i in inputs],
            "state": [{"id": s[0], "property": s[1], "value": s[2]} for s in state],
            "changedPropIds": triggered or []}
