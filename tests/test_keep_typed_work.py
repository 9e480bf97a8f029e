"""Marks typed are never lost: form tokens last as long as the sign-in session, a form sent after
the session ended leads back to its page after signing in, a refused token answers in our layout
with a way back, and an open form can keep its session alive."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.world import PASSWORD
from tracker.auth.models import LoginSession
from tracker.extensions import db


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(client, email, query=""):
    page = client.get(f"/login{query}")
    return client.post(
        f"/login{query}",
        data={"email": email, "password": PASSWORD, "csrf_token": token_of(page.text)},
    )


def roll_call_of(world) -> str:
    return f"/cohorts/alpha/sessions/{world.session}/roll-call"


class FormReader(HTMLParser):
    """Read the values that a page's form would send, as a browser would."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "name" in attrs:
            if attrs.get("type") not in ("radio", "checkbox") or "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None


def roll_call_data(page: str, status: str = "absent") -> dict:
    """The roll call form as the page gives it, the first trainee marked with a status."""
    reader = FormReader()
    reader.feed(page)
    data = reader.data
    first = min(name for name in data if name.endswith("-status"))
    data[first] = status
    data[first.replace("status", "note")] = "Parti chez le médecin"
    return data


def end_login_sessions(app, minutes: int = 61) -> None:
    """Leave the signed-in sessions idle past the timeout."""
    with app.app_context():
        for login in db.session.scalars(select(LoginSession)):
            login.last_seen_at -= timedelta(minutes=minutes)
        db.session.commit()


@pytest.fixture
def instructor(app, world):
    client = app.test_client()
    assert sign_in(client, "prof@centre.fr").status_code == 302
    return client


def test_a_form_token_lasts_as_long_as_the_sign_in_session(app, world, instructor, monkeypatch):
    import itsdangerous.timed

    page = instructor.get(roll_call_of(world)).text
    data = roll_call_data(page, "present")
    four_hours_later = itsdangerous.timed.time.time() + 4 * 3600

    class Later:
        @staticmethod
        def time():
            return four_hours_later

    monkeypatch.setattr(itsdangerous.timed, "time", Later)
    response = instructor.post(roll_call_of(world), data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == roll_call_of(world)


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page(app, world, instructor):
    page = instructor.get(roll_call_of(world)).text
    data = roll_call_data(page)
    end_login_sessions(app)
    response = instructor.post(
        roll_call_of(world),
        data=data,
        headers={"Referer": f"http://localhost{roll_call_of(world)}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={roll_call_of(world)}"
    login = instructor.get(response.headers["Location"])
    assert "Votre session avait pris fin\u00a0: rien n’a été enregistré." in login.text
    assert "data-keeps-typed-work" in login.text
    landing = sign_in(instructor, "prof@centre.fr", f"?next={roll_call_of(world)}")
    assert landing.headers["Location"] == roll_call_of(world)


def test_a_form_sent_elsewhere_leads_back_to_the_page_it_was_on(app, world, instructor):
    end_login_sessions(app)
    page = "/cohorts/alpha/timetable?week=2022-W02"
    response = instructor.post(
        "/cohorts/alpha/sessions/generate", headers={"Referer": f"http://localhost{page}"}
    )
    assert (
        response.headers["Location"] == "/login?" + "next=/cohorts/alpha/timetable?week%3D2022-W02"
    )
    for referrer in ("https://evil.example/x", "http://evil.example/x", "not a url"):
        response = instructor.post(roll_call_of(world), headers={"Referer": referrer})
        assert response.headers["Location"] == f"/login?next={roll_call_of(world)}"


@pytest.mark.parametrize(
    ("query", "title"),
    [("?lang=fr", "Le formulaire avait expiré"), ("?lang=en", "The form had expired")],
)
def test_a_refused_token_answers_in_our_layout_with_a_way_back(
    app, world, instructor, query, title
):
    instructor.get(f"/{query}")
    page = instructor.get(roll_call_of(world)).text
    data = roll_call_data(page)
    data["csrf_token"] = "a token of another session"
    response = instructor.post(
        roll_call_of(world),
        data=data,
        headers={"Referer": f"http://localhost{roll_call_of(world)}"},
    )
    assert response.status_code == 400
    assert title in response.text
    assert f'href="{roll_call_of(world)}"' in response.text
    assert "data-keeps-typed-work" in response.text
    assert "CSRF" not in response.text


def test_a_refused_token_of_a_signed_out_visitor_leads_to_sign_in_and_back(app, world):
    client = app.test_client()
    response = client.post(roll_call_of(world), data={"csrf_token": "none"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={roll_call_of(world)}"
    # The sign-in form itself keeps answering 400.
    assert client.post("/login", data={"email": "a@b.fr", "password": "x"}).status_code == 400


def test_an_open_form_keeps_its_session_alive(app, world, instructor):
    end_login_sessions(app, minutes=50)
    response = instructor.get("/account/alive")
    assert response.status_code == 204
    end_login_sessions(app, minutes=50)  # 100 minutes since the page was opened
    assert instructor.get(roll_call_of(world)).status_code == 200
    end_login_sessions(app, minutes=61)
    assert instructor.get("/account/alive").status_code == 401


def test_every_page_loads_the_script_and_only_signed_in_pages_ping(app, world, instructor):
    script = re.compile(r'<script src="/static/keepalive.js" defer[^>]*>')
    signed_in = script.search(instructor.get(roll_call_of(world)).text).group(0)
    assert 'data-alive-url="/account/alive"' in signed_in
    assert "data-restored-text=" in signed_in
    signed_out = script.search(app.test_client().get("/login").text).group(0)
    assert "data-alive-url" not in signed_out
