"""A small world of two cohorts and an account of each role, for access and page tests."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from tests import uploads_data
from tracker import attachments
from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.operations import add_user
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Competency, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.extensions import db
from tracker.signing.models import Justification, PaperSheet

PASSWORD = "password-1"
ROLES = ("anonymous", "admin", "instructor", "outsider", "officer", "trainee")


@dataclass
class World:
    """What the tests address by URL, and the accounts that visit it."""

    cohort: str
    other_cohort: str
    trainee: str  # the trainee whose account signs in
    other_trainee: str  # a trainee of the same cohort, whose pages that account must not see
    module: str
    session: int
    assessment: str
    line: str
    expense: int
    user: int  # an account the admin can manage
    paper_week: str  # a week of the cohort signed on paper
    justification: int  # the trainee's justification of an absence, waiting for a decision
    other_justification: int  # the other trainee's, refused
    accounts: dict  # role -> User id; "outsider" is an instructor of the other cohort only

    def url(self, template: str) -> str:
        """Fill a URL template such as /cohorts/{cohort}/trainees/{other_trainee}."""
        return template.format(**vars(self))


def build_world() -> World:
    """Add the world to the database of the current app context and commit it."""
    alpha = create_cohort(
        slug="alpha",
        name="IA promotion 1",
        funder="Région Occitanie",
        starts_on=date(2022, 1, 3),
        ends_on=date(2022, 12, 16),
        grant_amount=Decimal("273000"),
    )
    beta = create_cohort(
        slug="beta",
        name="IA promotion 2",
        funder="Région Occitanie",
        starts_on=date(2023, 1, 9),
        ends_on=date(2024, 6, 28),
        grant_amount=Decimal("150000"),
    )
    competency = Competency(cohort_id=alpha.id, code="C1", title="Programmer en Python", block="B1")
    module = Module(
        cohort=alpha, code="M1", title="Python", planned_minutes=420 * 60, competencies=[competency]
    )
    db.session.add_all([competency, module])
    first = Trainee(
        cohort=alpha,
        ref="T01",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        enrolled_on=date(2022, 1, 3),
    )
    second = Trainee(
        cohort=alpha,
        ref="T02",
        first_name="Alan",
        last_name="Turing",
        email="alan@example.org",
        enrolled_on=date(2022, 1, 3),
    )
    stranger = Trainee(
        cohort=beta,
        ref="T01",
        first_name="Grace",
        last_name="Hopper",
        email="grace@example.org",
        enrolled_on=date(2023, 1, 9),
    )
    db.session.add_all([first, second, stranger])
    session = Session(cohort=alpha, module=module, date=date(2022, 1, 10), slot="AM", minutes=210)
    db.session.add(session)
    db.session.flush()
    db.session.add_all(
        [
            AttendanceRecord(
                session_id=session.id,
                trainee_id=first.id,
                status="present",
                recorded_at=datetime(2022, 1, 10, 9, tzinfo=UTC),
            ),
            AttendanceRecord(
                session_id=session.id,
                trainee_id=second.id,
                status="excused",
                note="Rendez-vous France Travail",
                recorded_at=datetime(2022, 1, 10, 9, tzinfo=UTC),
            ),
        ]
    )
    assessment = Assessment(
        cohort_id=alpha.id,
        module=module,
        code="A1",
        title="Quiz Python",
        date=date(2022, 1, 14),
        kind="quiz",
        max_score=20,
        weight=1,
        competencies=[competency],
    )
    db.session.add(assessment)
    db.session.flush()
    db.session.add_all(
        [
            Result(assessment=assessment, trainee_id=first.id, score=15, comment="Très bien"),
            Result(assessment=assessment, trainee_id=second.id, score=8, comment="À revoir"),
        ]
    )
    line = BudgetLine(
        cohort_id=alpha.id,
        code="PED",
        label="Personnel pédagogique",
        planned_amount=Decimal("150000"),
    )
    db.session.add(line)
    db.session.flush()
    expense = Expense(
        budget_line_id=line.id,
        date=date(2022, 1, 31),
        amount=Decimal("12500.50"),
        description="Formateurs janvier",
        supplier="IT Company",
        reference="F-001",
    )
    db.session.add(expense)
    accounts = {
        "admin": add_user("admin@centre.fr", "admin", PASSWORD, name="Claire Admin"),
        "instructor": add_user(
            "prof@centre.fr", "instructor", PASSWORD, name="Olivier Prof", cohorts=[alpha]
        ),
        "outsider": add_user(
            "autre@centre.fr", "instructor", PASSWORD, name="Autre Prof", cohorts=[beta]
        ),
        "officer": add_user("region@laregion.fr", "officer", PASSWORD, name="Isabelle Région"),
        "trainee": add_user("ada@example.org", "trainee", PASSWORD, trainee=first),
    }
    # An account that no visitor uses, for the administrator's pages to change.
    spare = add_user("ancien@centre.fr", "officer", PASSWORD, name="Ancien Agent")
    # The week of the session, signed on paper: its scan kept in the upload folder.
    scan = attachments.Attachment(
        "feuille.pdf",
        attachments.PDF,
        len(uploads_data.PDF),
        hashlib.sha256(uploads_data.PDF).hexdigest(),
        uploads_data.PDF,
    )
    attachments.store(scan)
    db.session.add(
        PaperSheet(
            cohort_id=alpha.id,
            week=date(2022, 1, 10),
            file_name=scan.file_name,
            content_type=scan.content_type,
            size=scan.size,
            sha256=scan.sha256,
            uploaded_by_id=accounts["admin"].id,
        )
    )
    # The trainee's justification of an absence, waiting; the other trainee's, refused.
    photo = uploads_data.png()
    document = attachments.Attachment(
        "certificat.png", attachments.PNG, len(photo), hashlib.sha256(photo).hexdigest(), photo
    )
    attachments.store(document)
    kept = {
        "file_name": document.file_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
    }
    waiting = Justification(
        trainee_id=first.id,
        first_day=date(2022, 1, 11),
        first_slot="AM",
        last_day=date(2022, 1, 11),
        last_slot="PM",
        reason="Rendez-vous médical",
        declared_by_id=accounts["trainee"].id,
        declared_at=datetime(2022, 1, 10, 18, tzinfo=UTC),
        **kept,
    )
    refused = Justification(
        trainee_id=second.id,
        first_day=date(2022, 1, 12),
        first_slot="AM",
        last_day=date(2022, 1, 12),
        last_slot="AM",
        reason="Panne de voiture",
        declared_at=datetime(2022, 1, 12, 18, tzinfo=UTC),
        state="refused",
        decided_by_id=accounts["instructor"].id,
        decided_at=datetime(2022, 1, 13, 9, tzinfo=UTC),
        decision_reason="Le document ne dit pas la date.",
        **kept,
    )
    db.session.add_all([waiting, refused])
    db.session.commit()
    return World(
        cohort="alpha",
        other_cohort="beta",
        trainee="T01",
        other_trainee="T02",
        module="M1",
        session=session.id,
        assessment="A1",
        line="PED",
        expense=expense.id,
        user=spare.id,
        paper_week="2022-W02",
        justification=waiting.id,
        other_justification=refused.id,
        accounts={role: user.id for role, user in accounts.items()},
    )
