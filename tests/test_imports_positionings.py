"""`tracker import positionings`: one positioning on entry per trainee, from CSV or XLSX, all rows
or none, matched on the trainee, in the trail with the file's name."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker import timeutil
from tracker.audit.models import AuditEntry
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.followups.models import Positioning

DATA = Path(__file__).parent / "data" / "imports"
SLUG = "ibm-ai-1"
GOOD = """trainee;date;kind;result;prerequisites_met;comment
T01;25/08/2021;test;14/20;oui;Bonnes bases en Python
T02;2021-08-26;interview;Motivated, some SQL;no;
T03;27/08/2021;Test;9/20;NON;Algèbre à revoir
"""


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: date(2021, 9, 20))


@pytest.fixture
def trainees(make_cohort, run_tracker):
    """The cohort with three trainees, committed so that a refused import keeps them."""
    cohort = make_cohort(slug=SLUG)
    db.session.commit()
    result = run_tracker("import", "trainees", str(DATA / "trainees.csv"), "--cohort", SLUG)
    assert result.exit_code == 0, result.output
    return cohort


@pytest.fixture
def run_import(run_tracker, tmp_path):
    def run(content: str | bytes, name: str = "positionings.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return run_tracker("import", "positionings", str(path), "--cohort", SLUG)

    return run


def positionings() -> dict[str, tuple]:
    rows = db.session.execute(
        select(
            Trainee.ref,
            Positioning.date,
            Positioning.kind,
            Positioning.result,
            Positioning.prerequisites_met,
            Positioning.comment,
        ).join(Trainee, Positioning.trainee_id == Trainee.id)
    )
    return {ref: tuple(rest) for ref, *rest in rows}


def test_a_good_file_is_imported_and_again_changes_nothing(trainees, run_import):
    result = run_import(GOOD)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "positionings: 3 created, 0 updated, 0 unchanged"
    assert positionings() == {
        "T01": (date(2021, 8, 25), "test", "14/20", True, "Bonnes bases en Python"),
        "T02": (date(2021, 8, 26), "interview", "Motivated, some SQL", False, None),
        "T03": (date(2021, 8, 27), "test", "9/20", False, "Algèbre à revoir"),
    }
    again = run_import(GOOD)
    assert again.stdout.strip() == "positionings: 0 created, 0 updated, 3 unchanged"
    changed = GOOD.replace("T03;27/08/2021;Test;9/20;NON", "T03;27/08/2021;test;11/20;yes")
    assert run_import(changed).stdout.strip() == ("positionings: 0 created, 1 updated, 2 unchanged")
    assert positionings()["T03"][2:4] == ("11/20", True)
    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.source).where(AuditEntry.entity == "positionings")
    ).all()
    assert [action for action, _ in entries] == ["insert"] * 3 + ["update"]
    assert all('"file":"positionings.csv"' in source for _, source in entries)


def test_a_workbook_is_imported_too(trainees, run_import):
    book = Workbook()
    sheet = book.active
    sheet.append(["trainee", "date", "kind", "result", "prerequisites_met"])
    sheet.append(["T01", date(2021, 8, 25), "interview", "Ready", True])
    data = io.BytesIO()
    book.save(data)
    result = run_import(data.getvalue(), "positionings.xlsx")
    assert result.exit_code == 0, result.output
    assert positionings() == {"T01": (date(2021, 8, 25), "interview", "Ready", True, None)}


def test_bad_lines_are_refused_each_named_and_nothing_is_imported(trainees, run_import):
    bad = (
        "trainee,date,kind,result,prerequisites_met,comment\n"
        "T01,25/08/2021,test,14/20,yes,\n"
        "T99,25/08/2021,test,14/20,yes,\n"
        "T02,31/02/2021,test,14/20,yes,\n"
        "T03,21/09/2021,test,14/20,yes,\n"
        "T01,25/08/2021,quiz,14/20,maybe,\n"
        "T02,25/08/2021,interview,,yes,\n"
        f"T03,25/08/2021,interview,{'x' * 201},yes,\n"
    )
    result = run_import(bad)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3: trainee: unknown trainee 'T99'",
        "line 4: date: '31/02/2021' is not a real date",
        "line 5: date: 21/09/2021 is after today",
        "line 6: kind: 'quiz' is not one of test, interview",
        "line 6: prerequisites_met: 'maybe' is not yes or no",
        # One positioning per trainee: a trainee named twice is refused too.
        "line 6: trainee: same as line 2",
        "line 7: result: is required",
        "line 7: trainee: same as line 4",
        "line 8: result: is longer than 200 characters",
        "line 8: trainee: same as line 5",
        "positionings.csv: nothing imported, 10 problems",
    ]
    assert db.session.scalar(select(func.count()).select_from(Positioning)) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "positionings")
        )
        == 0
    )


def test_a_header_without_a_required_column_is_refused(trainees, run_import):
    result = run_import("trainee,date,kind,result\nT01,25/08/2021,test,14/20\n")
    assert result.exit_code == 1
    assert "line 1: prerequisites_met: missing column" in result.stderr


def test_the_import_page_refuses_a_bad_file_naming_line_and_column(app, login_as, world):
    from tests.pages_data import csrf_token
    from tracker.auth.models import User

    with app.app_context():
        admin = login_as(app.test_client(), db.session.get(User, world.accounts["admin"]))
    url = "/cohorts/alpha/import"
    token = csrf_token(admin.get(url).text)
    content = "trainee;date;kind;result;prerequisites_met\nT01;03/01/2022;test;12/20;peut-être\n"
    response = admin.post(
        url + "?lang=en",
        data={
            "kind": "positionings",
            "file": (io.BytesIO(content.encode()), "positionings.csv"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "line 2: prerequisites_met: &#39;peut-être&#39; is not yes or no" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Positioning)) == 0
