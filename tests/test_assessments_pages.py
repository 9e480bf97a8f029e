"""The modules with their assessments, creating and editing an assessment, and the results grid."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from tracker.assessments.models import Assessment, Result
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.extensions import db

pytestmark = pytest.mark.usefixtures("without_csrf")


def ids(app, model, column, cohort="alpha") -> dict:
    with app.app_context():
        return dict(
            db.session.execute(
                select(column, model.id).join(Cohort).where(Cohort.slug == cohort)
            ).all()
        )


def assessments(app) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.scalars(select(Assessment).order_by(Assessment.code)).all()
        return {
            a.code: (
                a.module_id,
                a.title,
                a.date,
                a.kind,
                a.max_score,
                a.weight,
                sorted(c.code for c in a.competencies),
            )
            for a in rows
        }


def results(app, code="A1") -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(Trainee.ref, Result.score, Result.max_score, Result.comment)
            .join(Trainee, Trainee.id == Result.trainee_id)
            .join(Assessment, Assessment.id == Result.assessment_id)
            .where(Assessment.code == code)
        ).all()
        return {ref: (score, maximum, comment) for ref, score, maximum, comment in rows}


def results_version(app, code="A1") -> int:
    with app.app_context():
        return db.session.scalar(select(Assessment.results_version).where(Assessment.code == code))


# ---------------------------------------------------------------------------------------------
# The modules page


def test_the_modules_page_lists_each_module_with_its_assessments(app, world, signed_in):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        db.session.add(Module(cohort=alpha, code="M2", title="Données", planned_minutes=3000))
        beta = db.session.scalar(select(Cohort).where(Cohort.slug == "beta"))
        db.session.add(Module(cohort=beta, code="B9", title="Autre cohorte", planned_minutes=60))
        db.session.commit()
    page = signed_in("instructor").get("/cohorts/alpha/modules?lang=en").text
    assert "M1 — Python" in page and "M2 — Données" in page
    assert "Autre cohorte" not in page and "B9 —" not in page
    m1 = page[page.index("M1 — Python") : page.index("M2 — Données")]
    assert "420.00\u00a0h" in m1
    assert "A1" in m1 and "Quiz Python" in m1 and "14/01/2022" in m1 and "Quiz" in m1
    assert "2 of 2" in m1  # results entered of trainees expected
    assert "C1" in m1
    assert "/cohorts/alpha/assessments/A1/results" in m1
    assert "No assessment yet." in page[page.index("M2 — Données") :]


# ---------------------------------------------------------------------------------------------
# Creating and editing an assessment


def assessment_form(app, **overrides) -> dict:
    data = {
        "code": "P1",
        "module": ids(app, Module, Module.code)["M1"],
        "title": "Projet API",
        "date": "2022-02-04",
        "kind": "project",
        "max_score": "40",
        "weight": "2,5",
        "competencies": [ids(app, Competency, Competency.code)["C1"]],
    }
    data.update(overrides)
    return data


def test_an_instructor_logs_an_assessment(app, world, signed_in):
    response = signed_in("instructor").post(
        "/cohorts/alpha/assessments/new", data=assessment_form(app)
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cohorts/alpha/assessments/P1/results")
    m1 = ids(app, Module, Module.code)["M1"]
    assert assessments(app)["P1"] == (
        m1,
        "Projet API",
        date(2022, 2, 4),
        "project",
        40.0,
        2.5,
        ["C1"],
    )


def test_the_form_offers_the_cohort_modules_and_competencies(app, world, signed_in):
    page = signed_in("instructor").get("/cohorts/alpha/assessments/new?module=M1").text
    assert "M1 — Python" in page
    assert "C1 — Programmer en Python" in page
    assert re.search(r'<option selected value="\d+">M1', page)
    assert "<legend>" in page  # the competencies are a group of checkboxes with a legend


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "A1"}, "Another assessment of this cohort has this code."),
        ({"code": "P 1"}, "Up to 32 letters without accents, digits, dashes (-), underscores"),
        ({"code": "P/1"}, "Up to 32 letters without accents, digits, dashes (-), underscores"),
        ({"code": ""}, "This field is required."),
        ({"title": "   "}, "This field is required."),
        ({"date": "2023-01-02"}, "The date must be within the cohort"),
        ({"kind": "essay"}, "Not a valid choice."),
        ({"max_score": "0"}, "The maximum score must be more than 0."),
        ({"max_score": "vingt"}, "Enter a number, such as 3.5."),
        ({"max_score": "NaN"}, "Enter a number, such as 3.5."),
        ({"weight": "-1"}, "The weight must be more than 0."),
        ({"module": "999"}, "Not a valid choice."),
        ({"competencies": ["999"]}, "not a valid choice"),
    ],
)
def test_a_wrong_assessment_is_refused_beside_the_field(app, world, signed_in, overrides, message):
    before = assessments(app)
    response = signed_in("instructor").post(
        "/cohorts/alpha/assessments/new?lang=en", data=assessment_form(app, **overrides)
    )
    assert response.status_code == 422
    assert message in response.text
    assert assessments(app) == before


def test_a_competency_of_another_cohort_is_not_offered(app, world, signed_in):
    with app.app_context():
        beta = db.session.scalar(select(Cohort).where(Cohort.slug == "beta"))
        other = Competency(cohort_id=beta.id, code="X9", title="Ailleurs")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    response = signed_in("instructor").post(
        "/cohorts/alpha/assessments/new", data=assessment_form(app, competencies=[other_id])
    )
    assert response.status_code == 422
    assert "Ailleurs" not in response.text
    assert "P1" not in assessments(app)


def test_editing_an_assessment_keeps_results_in_step_with_its_maximum(app, world, signed_in):
    client = signed_in("admin")
    page = client.get("/cohorts/alpha/assessments/A1/edit").text
    assert 'value="A1"' in page and 'value="20"' in page
    response = client.post(
        "/cohorts/alpha/assessments/A1/edit",
        data=assessment_form(app, code="A1", title="Quiz Python 1", max_score="25", kind="quiz"),
    )
    assert response.status_code == 302
    assert assessments(app)["A1"][1:5] == ("Quiz Python 1", date(2022, 2, 4), "quiz", 25.0)
    assert results(app) == {"T01": (15.0, 25.0, "Très bien"), "T02": (8.0, 25.0, "À revoir")}


def test_the_maximum_cannot_fall_below_a_score_already_entered(app, world, signed_in):
    before = assessments(app)
    response = signed_in("instructor").post(
        "/cohorts/alpha/assessments/A1/edit?lang=en",
        data=assessment_form(app, code="A1", max_score="12,5"),
    )
    assert response.status_code == 422
    assert "A trainee already has a score of 15: the maximum cannot be lower." in response.text
    assert 'id="max_score-error"' in response.text
    assert assessments(app) == before
    # Down to the best score itself is allowed.
    response = signed_in("instructor").post(
        "/cohorts/alpha/assessments/A1/edit", data=assessment_form(app, code="A1", max_score="15")
    )
    assert response.status_code == 302
    assert results(app)["T01"] == (15.0, 15.0, "Très bien")


# ---------------------------------------------------------------------------------------------
# The results grid


def grid(app, scores: dict, version: int) -> dict:
    """Form data of the results grid: ref -> (score, comment) for the expected trainees."""
    trainees = ids(app, Trainee, Trainee.ref)
    data = {"version": str(version)}
    for ref, (score, comment) in scores.items():
        data[f"t{trainees[ref]}-score"] = score
        data[f"t{trainees[ref]}-comment"] = comment
    return data


def test_the_grid_lists_the_trainees_expected_on_the_day(app, world, signed_in):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        db.session.add(
            Trainee(
                cohort=alpha,
                ref="T03",
                first_name="Margaret",
                last_name="Hamilton",
                email="mh@example.org",
                enrolled_on=date(2022, 3, 1),
            )
        )
        db.session.commit()
    page = signed_in("instructor").get("/cohorts/alpha/assessments/A1/results?lang=en").text
    assert re.findall(r'<span class="ref">(T\d+)</span>', page) == ["T01", "T02"]
    assert "Grace" not in page and "Margaret" not in page
    assert 'value="15"' in page and 'value="Très bien"' in page
    assert "2 of 2 results entered." in page
    with app.app_context():
        alan = db.session.scalar(select(Trainee).where(Trainee.ref == "T02"))
        alan.left_on = date(2022, 1, 13)
        db.session.commit()
    page = signed_in("instructor").get("/cohorts/alpha/assessments/A1/results").text
    assert re.findall(r'<span class="ref">(T\d+)</span>', page) == ["T01"]


def test_saving_the_grid_adds_changes_and_removes_results(app, world, signed_in):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        db.session.add(
            Trainee(
                cohort=alpha,
                ref="T03",
                first_name="Margaret",
                last_name="Hamilton",
                email="mh@example.org",
                enrolled_on=date(2022, 1, 3),
            )
        )
        db.session.commit()
    client = signed_in("instructor")
    response = client.post(
        "/cohorts/alpha/assessments/A1/results?lang=en",
        data=grid(
            app,
            {"T01": ("12,5", "Bien"), "T02": ("", ""), "T03": (" 20 ", "Parfait")},
            0,
        ),
    )
    assert response.status_code == 302
    assert results(app) == {"T01": (12.5, 20.0, "Bien"), "T03": (20.0, 20.0, "Parfait")}
    assert results_version(app) == 1
    page = client.get(response.headers["Location"]).text
    assert "The results of A1 are saved. 1 result removed." in page
    assert 'value="12,5"' not in page and 'value="12.5"' in page  # shown in English now

    french = client.get("/cohorts/alpha/assessments/A1/results?lang=fr").text
    assert 'value="12,5"' in french
    response = client.post(
        "/cohorts/alpha/assessments/A1/results",
        data=grid(app, {"T01": ("12,5", "Bien"), "T02": ("9.75", ""), "T03": ("0", "")}, 1),
    )
    assert response.status_code == 302
    assert results(app) == {
        "T01": (12.5, 20.0, "Bien"),
        "T02": (9.75, 20.0, None),
        "T03": (0.0, 20.0, None),
    }


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"T02": ("20,5", "")}, "Alan Turing (T02): the score must be between 0 and 20."),
        ({"T02": ("-1", "")}, "Alan Turing (T02): the score must be between 0 and 20."),
        ({"T02": ("huit", "")}, "Alan Turing (T02): Enter a number, such as 3.5."),
        ({"T02": ("", "Absent")}, "Alan Turing (T02): enter a score, or clear the comment."),
    ],
)
def test_a_wrong_score_is_refused_beside_it_naming_the_trainee(
    app, world, signed_in, scores, message
):
    before = results(app)
    data = grid(app, {"T01": ("15", "Très bien"), **scores}, 0)
    response = signed_in("instructor").post(
        "/cohorts/alpha/assessments/A1/results?lang=en", data=data
    )
    assert response.status_code == 422
    t02 = ids(app, Trainee, Trainee.ref)["T02"]
    assert re.search(
        rf'<span class="error" id="t{t02}-score-error">{re.escape(message)}', response.text
    )
    assert f'aria-describedby="t{t02}-score-error"' in response.text
    assert results(app) == before
    assert results_version(app) == 0


def test_a_grid_saved_from_a_stale_page_is_refused_and_overwrites_nothing(app, world, signed_in):
    first, second = signed_in("instructor"), signed_in("admin")
    assert (
        first.post(
            "/cohorts/alpha/assessments/A1/results",
            data=grid(app, {"T01": ("16", "Très bien"), "T02": ("9", "Mieux")}, 0),
        ).status_code
        == 302
    )
    saved = results(app)

    stale = second.post(
        "/cohorts/alpha/assessments/A1/results?lang=en",
        data=grid(app, {"T01": ("1", ""), "T02": ("", "")}, 0),
    )
    assert stale.status_code == 409
    assert "Someone else saved these results" in stale.text
    assert results(app) == saved
    assert results_version(app) == 1
    assert 'value="16"' in stale.text and 'value="Mieux"' in stale.text
    assert 'name="version" type="hidden" value="1"' in stale.text


def test_a_grid_saved_without_a_change_writes_nothing(app, world, signed_in):
    """Saved as it shows: no result, no version, no trail entry, so that the figures, charts
    and reports worked out from the cohort's records stay as they are; from a stale page,
    refused."""
    from tracker.audit.models import AuditEntry

    def trail() -> int:
        with app.app_context():
            return db.session.scalar(select(db.func.count(AuditEntry.id)))

    client = signed_in("instructor")
    url = "/cohorts/alpha/assessments/A1/results?lang=en"
    scores = {"T01": ("16", "Très bien"), "T02": ("9", "Mieux")}
    assert client.post(url, data=grid(app, scores, 0)).status_code == 302
    saved, entries = results(app), trail()
    again = client.post(url, data=grid(app, scores, 1))
    assert again.status_code == 302
    assert "The results of A1 are saved." in client.get(again.headers["Location"]).text
    assert results(app) == saved
    assert results_version(app) == 1
    assert trail() == entries
    # The same scores from a page drawn before the first save: refused, as any stale page.
    stale = client.post(url, data=grid(app, scores, 0))
    assert stale.status_code == 409
    assert results_version(app) == 1 and trail() == entries


def hidden_fields(page: str) -> dict:
    """Return a page's hidden fields as a browser would send them back."""
    from html import unescape

    return {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page)
    }


def test_a_stale_grid_keeps_the_entries_on_lines_nobody_else_changed(app, world, signed_in):
    url = "/cohorts/alpha/assessments/A1/results"
    first, second = signed_in("instructor"), signed_in("admin")
    first_page = hidden_fields(first.get(url).text)
    second_page = hidden_fields(second.get(url).text)
    assert first_page["loaded"]  # what each page showed travels with it
    saved = first.post(
        url,
        data={**grid(app, {"T01": ("16", "Très bien"), "T02": ("8", "À revoir")}, 0), **first_page},
    )
    assert saved.status_code == 302

    # The second person changed T02 only: kept; T01 shows the first one's score.
    mine = grid(app, {"T01": ("15", "Très bien"), "T02": ("11", "Mieux")}, 0)
    stale = second.post(f"{url}?lang=en", data={**mine, **second_page})
    assert stale.status_code == 409
    assert "They changed 1 line" in stale.text
    assert 'value="16"' in stale.text and 'value="15"' not in stale.text
    assert 'value="11"' in stale.text and 'value="Mieux"' in stale.text
    assert re.search(
        r'<a href="#line-\d+">T01 Ada Lovelace: 15 — Très bien → 16 — Très bien</a>', stale.text
    )
    assert "Your entry, not applied" not in stale.text
    assert results(app)["T02"] == (8.0, 20.0, "À revoir")

    again = hidden_fields(stale.text)
    data = grid(app, {"T01": ("16", "Très bien"), "T02": ("11", "Mieux")}, 1)
    assert second.post(url, data={**data, **again}).status_code == 302
    assert results(app) == {"T01": (16.0, 20.0, "Très bien"), "T02": (11.0, 20.0, "Mieux")}


def test_a_score_both_changed_shows_the_saved_one_and_offers_the_other(app, world, signed_in):
    url = "/cohorts/alpha/assessments/A1/results"
    first, second = signed_in("instructor"), signed_in("admin")
    first_page = hidden_fields(first.get(url).text)
    second_page = hidden_fields(second.get(url).text)
    first.post(
        url, data={**grid(app, {"T01": ("16", ""), "T02": ("8", "À revoir")}, 0), **first_page}
    )
    mine = grid(app, {"T01": ("12,5", "Juste"), "T02": ("8", "À revoir")}, 0)
    stale = second.post(f"{url}?lang=fr", data={**mine, **second_page})
    assert stale.status_code == 409
    t01 = ids(app, Trainee, Trainee.ref)["T01"]
    note = re.search(rf'<li id="line-{t01}".*?<p class="changed-note">(.*?)</p>', stale.text, re.S)
    assert re.sub(r"[ \n]+", " ", note.group(1).strip()) == (
        "Modifié par quelqu’un d’autre\u00a0: 15 — Très bien → 16. "
        "<strong>Votre saisie, non appliquée\u00a0: 12,5 — Juste.</strong>"
    )


def test_a_refusal_of_the_operation_is_shown_in_the_pages_language(
    app, world, signed_in, monkeypatch
):
    from flask_babel import gettext

    from tracker.assessments import operations

    def refuse(*args, **kwargs):
        raise operations.AssessmentError(gettext("Choose a module of this cohort."), "module")

    monkeypatch.setattr(operations, "change_assessment", refuse)
    data = {
        "code": "A1",
        "module": str(ids(app, Module, Module.code)["M1"]),
        "title": "Quiz Python",
        "date": "2022-01-14",
        "kind": "quiz",
        "max_score": "20",
        "weight": "1",
    }
    response = signed_in("instructor").post("/cohorts/alpha/assessments/A1/edit", data=data)
    assert response.status_code == 409
    assert "Choisissez un module de cette promotion." in response.text
