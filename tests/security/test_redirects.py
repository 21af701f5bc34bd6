"""Issue 11 point 4: no open redirect from ``/lang/<code>?next=`` or the log-in form's ``next``."""

from __future__ import annotations

import pytest
from dashboards_testkit import PASSWORD

# Each would send the browser off-site: a tab or newline is dropped by browsers (so
# "/\t/evil.example/" becomes "//evil.example/"), "//" and "\" start a host name.
OFF_SITE = ["/\t/evil.example/", "/\n/evil.example/", "//evil.example/", "/\\evil.example/",
            "\\\\evil.example/", "https://evil.example/", "http:evil.example",
            "/ /evil.example/", "javascript:alert(1)"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_language_switch_never_redirects_off_site(serve, target):
    served = serve()
    # requests percent-encodes the query: "/\t/" goes out as "/%09/", as in the report.
    response = served.session().get(served.url + "/lang/fr", params={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_keeps_same_site_paths(serve):
    served = serve()
    response = served.session().get(served.url + "/lang/en", params={"next": "/weekly?x=1"})
    assert response.headers["Location"] == "/weekly?x=1"


@pytest.mark.parametrize("target", OFF_SITE[:4])
def test_login_next_never_redirects_off_site(serve, target):
    served = serve()
    response = served.session().post(served.url + "/login", data={
        "username": "client", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = served.session().get(served.url + "/login", params={"next": target})
    assert "evil.example" not in page.text
