"""Error pages: every refusal and failure in the site's layout, in the visitor's language, with a
way back; the API answering JSON; the response's own headers kept; no traceback."""

import pytest
from flask import abort
from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests

from tracker.access import PUBLIC, allow
from tracker.auth.models import User
from tracker.extensions import db

LANGUAGES = {"fr": '<html lang="fr">', "en": '<html lang="en-GB">'}


@pytest.fixture
def failing_views(app):
    """Views that fail in each way a view can, added before the app serves anything."""

    @app.route("/test/busy")
    @allow(PUBLIC)
    def busy():
        raise TooManyRequests(description=_("File too large"), retry_after=150)

    @app.route("/test/refused")
    @allow(PUBLIC)
    def refused():
        abort(400, description=_("Wrong email or password."))

    @app.route("/test/bad")
    @allow(PUBLIC)
    def bad():
        abort(400)

    @app.route("/test/conflict")
    @allow(PUBLIC)
    def conflict():
        abort(409)

    @app.route("/test/broken")
    @allow(PUBLIC)
    def broken():
        raise RuntimeError("secret detail of the database at /srv/tracker")

    return app


def in_our_layout(page, language: str) -> None:
    """Check that an error page is one of ours: layout, language, a way home."""
    assert page.mimetype == "text/html"
    assert LANGUAGES[language] in page.text
    assert 'class="skip"' in page.text and 'class="brand"' in page.text
    assert 'href="/"' in page.text


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Page introuvable"), ("en", "Page not found")]
)
def test_a_missing_page_is_ours_with_a_way_home_and_to_sign_in(client, language, title):
    page = client.get(f"/no/such/page?lang={language}")
    assert page.status_code == 404
    in_our_layout(page, language)
    assert title in page.text
    assert 'href="/login?next=/no/such/page' in page.text


@pytest.mark.parametrize(("language", "title"), [("fr", "Accès refusé"), ("en", "Not allowed")])
def test_a_forbidden_page_is_ours_and_offers_no_sign_in_to_the_signed_in(
    signed_in, language, title
):
    page = signed_in("instructor").get(f"/admin/accounts?lang={language}")
    assert page.status_code == 403
    in_our_layout(page, language)
    assert title in page.text
    assert "/login?next" not in page.text


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Action impossible ici"), ("en", "Not possible here")]
)
def test_a_wrong_method_keeps_its_allow_header(client, language, title):
    client.get(f"/login?lang={language}")
    page = client.get("/logout")
    assert page.status_code == 405
    assert "POST" in page.headers["Allow"]
    in_our_layout(page, language)
    assert title in page.text


@pytest.mark.parametrize(
    ("language", "wait"), [("fr", "Réessayez dans 3 minutes"), ("en", "Try again in 3 minutes")]
)
def test_too_many_requests_keeps_retry_after_and_says_when(failing_views, client, language, wait):
    page = client.get(f"/test/busy?lang={language}")
    assert page.status_code == 429
    assert page.headers["Retry-After"] == "150"
    in_our_layout(page, language)
    assert wait in page.text
    assert ("Fichier trop volumineux" if language == "fr" else "File too large") in page.text


@pytest.mark.parametrize(
    ("language", "own", "general"),
    [
        ("fr", "Adresse e-mail ou mot de passe incorrect", "ne peut pas être traitée"),
        ("en", "Wrong email or password", "cannot be handled"),
    ],
)
def test_a_bad_request_shows_the_views_own_description_or_a_general_one(
    failing_views, client, language, own, general
):
    page = client.get(f"/test/refused?lang={language}")
    assert page.status_code == 400
    in_our_layout(page, language)
    assert own in page.text
    page = client.get(f"/test/bad?lang={language}")
    assert page.status_code == 400
    in_our_layout(page, language)
    assert general in page.text
    assert "The browser (or proxy) sent a request" not in page.text  # Werkzeug's own


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_conflict_is_ours(failing_views, client, language):
    page = client.get(f"/test/conflict?lang={language}")
    assert page.status_code == 409
    in_our_layout(page, language)
    assert "A conflict happened" not in page.text  # Werkzeug's own


@pytest.mark.parametrize(
    ("language", "title"),
    [("fr", "Une erreur s’est produite"), ("en", "Something went wrong")],
)
def test_a_server_error_is_ours_and_shows_no_traceback(
    failing_views, client, language, title, caplog
):
    failing_views.testing = False
    failing_views.config["PROPAGATE_EXCEPTIONS"] = False
    page = client.get(f"/test/broken?lang={language}")
    assert page.status_code == 500
    in_our_layout(page, language)
    assert title in page.text
    assert "secret detail" not in page.text and "Traceback" not in page.text
    assert "secret detail" in caplog.text  # logged for the people who run the site


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_file_too_large_is_ours(signed_in, language):
    admin = signed_in("admin")
    admin.get(f"/?lang={language}")
    page = admin.post("/cohorts/alpha/import", data=b"x" * (11 * 1024 * 1024))
    assert page.status_code == 413
    in_our_layout(page, language)


def test_the_api_keeps_answering_json(app, signed_in):
    admin = signed_in("admin")
    for url, status in (
        ("/api/cohorts/nope/metrics", 404),
        ("/api/no/such/thing", 404),
    ):
        response = admin.get(url)
        assert response.status_code == status
        assert response.is_json
        assert response.json["status"] == status
    response = admin.post("/api/cohorts/alpha/metrics")
    assert response.status_code == 405
    assert response.is_json
    assert "GET" in response.headers["Allow"]


def test_a_trainee_guessing_another_trainees_page_gets_our_404(app, world, login_as):
    with app.app_context():
        trainee = login_as(app.test_client(), db.session.get(User, world.accounts["trainee"]))
    page = trainee.get("/cohorts/alpha/trainees/T02?lang=en")
    assert page.status_code == 404
    in_our_layout(page, "en")
    assert "Turing" not in page.text


def test_a_server_error_is_told_even_when_the_layout_fails(failing_views, client, monkeypatch):
    from tracker import errors

    failing_views.testing = False
    failing_views.config["PROPAGATE_EXCEPTIONS"] = False
    real = errors.render_template

    def layout_failing(template, **context):
        if template == "errors/error.html":
            raise RuntimeError("the database is down")
        return real(template, **context)

    monkeypatch.setattr(errors, "render_template", layout_failing)
    page = client.get("/test/broken?lang=en")
    assert page.status_code == 500
    assert "Something went wrong" in page.text
    assert "secret detail" not in page.text and "database is down" not in page.text
