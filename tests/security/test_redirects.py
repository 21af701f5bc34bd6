"""Issue 11 point 4: no open redirect from ``/lang/<code>?next=`` or the log-in form's ``next``."""

from __future__ import annotations

from dashboards_testkit import PASSWORD

# Each would send the browser off-site: a tab or newline is dropped by browsers (so
# "/\t/evil.example/" becomes "//evil.example/", the reported attack), "//" and "\" start
# a host name. The first ones got through before; the others pin what already held.
OFF_SITE = ["/\t/evil.example/", "/\n/evil.example/", "/ /evil.example/", "//evil.example/",
            "/\\evil.example/", "\\\\evil.example/", "https://evil.example/",
            "http:evil.example", "javascript:alert(1)"]


def test_language_switch_never_redirects_off_site(serve):
    served = serve()
    s = served.session()
    for target in OFF_SITE:
        # requests percent-encodes the query: "/\t/" goes out as "/%09/", as reported.
        response = s.get(served.url + "/lang/fr", params={"next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
    same_site = s.get(served.url + "/lang/en", params={"next": "/weekly?x=1"})
    assert same_site.headers["Location"] == "/weekly?x=1"


def test_login_next_never_redirects_off_site(serve):
    served = serve()
    for target in OFF_SITE[:5]:
        response = served.session().post(served.url + "/login", data={
            "username": "client", "password": PASSWORD, "next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
        page = served.session().get(served.url + "/login", params={"next": target})
        assert "evil.example" not in page.text, target
