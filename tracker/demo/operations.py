"""Write generated cohorts and the demo accounts, through the features' batch operations. They
flush and never commit."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute

from tracker import timeutil
from tracker.assessments import operations as assessments
from tracker.assessments.models import Assessment, assessment_competencies
from tracker.attachments import SVG
from tracker.attendance import closing
from tracker.attendance import operations as attendance
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import chain
from tracker.audit.capture import acting, paused
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.budget import operations as budget
from tracker.budget.models import BudgetLine
from tracker.cohorts import operations as cohorts
from tracker.cohorts.models import Cohort, Competency, Module, Trainee, module_competencies
from tracker.cohorts.operations import USUAL_HALF_DAYS, create_cohort
from tracker.demo import documents
from tracker.demo.followups import write_positionings_and_follow_ups
from tracker.demo.generate import (
    DEMO_NAME,
    DEMO_SEED,
    DEMO_SLUG,
    DEMO_STARTS_ON,
    CohortData,
    generate,
)
from tracker.demo.outcomes import write_outcomes
from tracker.demo.signatures import INSTRUCTOR_BROWSER, DemoSigning, generate_signing
from tracker.extensions import db
from tracker.organisation.operations import Logo, save_identity
from tracker.signing import batches as signing_batches
from tracker.signing import strokes

# The delay after which the demo's roll calls are closed, when the setting closes none.
DEFAULT_CLOSING_DAYS = 7

# The demo organisation's identity, and the demo cohort's grant agreement (fictitious numbers
# that pass their checks: the SIRET's Luhn key, the declaration's 11 digits).
DEMO_IDENTITY = {
    "legal_name": "Centre régional d'innovation de Montpellier",
    "name_in_sentence": "le Centre régional d'innovation de Montpellier",
    "address": "125 rue de l'Industrie\n34000 Montpellier",
    "siret": "83451290700017",
    "declaration_number": "76340000034",
    "declaration_region": "Occitanie",
    "representative_name": "Claire Dumas",
    "representative_title": "directrice",
    "signing_place": "Montpellier",
}
DEMO_AGREEMENT = "2021-OCC-FPRO-0457"
DEMO_TITLE_IN_AGREEMENT = "Développeur·se d'applications en intelligence artificielle"

# Printed by `make run` and in the README: the demo is public, so its password is not a secret.
DEMO_PASSWORD = "demo-tracker"


@dataclass(frozen=True)
class DemoAccount:
    """A demo account to create: its email, role, name and, for a trainee, their ref."""

    email: str
    role: str
    name: str = ""
    trainee_ref: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.tracker.fr", "admin", "Claire Vidal (responsable de formation)"),
    DemoAccount("formateur@demo.tracker.fr", "instructor", "Olivier Marty (formateur)"),
    DemoAccount("region@demo.tracker.fr", "officer", "Isabelle Roques (Région Occitanie)"),
    DemoAccount("t01@demo.tracker.fr", "trainee", trainee_ref="T01"),
    DemoAccount("t02@demo.tracker.fr", "trainee", trainee_ref="T02"),
)


def database_is_empty() -> bool:
    """Tell whether the database holds no cohort and no account."""
    return (
        db.session.scalar(select(Cohort.id).limit(1)) is None
        and db.session.scalar(select(User.id).limit(1)) is None
    )


def delete_everything() -> None:
    """Delete every row of every table, children before their parents, and the trail with them:
    the database starts over as new."""
    with paused():
        for table in reversed(db.metadata.sorted_tables):
            if table.name != AuditEntry.__tablename__:
                db.session.execute(delete(table))
        chain.start_over(db.session.connection())
    db.session.flush()


def load_cohort(
    *,
    seed: int | str = DEMO_SEED,
    slug: str = DEMO_SLUG,
    name: str = DEMO_NAME,
    starts_on: date = DEMO_STARTS_ON,
    recorded_by: User | None = None,
) -> Cohort:
    """Generate a cohort from a seed and write it; the roll calls are signed by recorded_by."""
    data = generate(seed=seed, slug=slug, name=name, starts_on=starts_on)
    return write_cohort(data, recorded_by=recorded_by)


def write_cohort(data: CohortData, *, recorded_by: User | None = None) -> Cohort:
    """Write a generated cohort with bulk inserts and return it."""
    fields = data.cohort
    cohort = create_cohort(
        slug=fields["slug"],
        name=fields["name"],
        funder=fields["funder"],
        starts_on=fields["starts_on"],
        ends_on=fields["ends_on"],
        grant_amount=fields["grant_amount"],
        contracted_trainees=fields["contracted_trainees"],
        attendance_threshold=fields["attendance_threshold"],
    )
    cohort.planned_minutes_per_trainee = fields["planned_minutes_per_trainee"]
    of_cohort = {"cohort_id": cohort.id}

    competency_ids = _insert(
        cohorts.write_competencies,
        Competency.code,
        [of_cohort | row for row in data.competencies],
    )
    module_ids = _insert(
        cohorts.write_modules,
        Module.code,
        [of_cohort | _without(row, "competencies") for row in data.modules],
    )
    _link(
        module_competencies,
        "module_id",
        module_ids,
        "competency_id",
        competency_ids,
        [(row["code"], row["competencies"]) for row in data.modules],
    )
    trainee_ids = _insert(
        cohorts.write_trainees, Trainee.ref, [of_cohort | row for row in data.trainees]
    )

    attendance.write_sessions(
        [
            of_cohort | _without(row, "module") | {"module_id": module_ids[row["module"]]}
            for row in data.sessions
        ],
        [],
    )
    session_ids = {
        (day, slot): id_
        for id_, day, slot in db.session.execute(
            select(Session.id, Session.date, Session.slot).where(Session.cohort_id == cohort.id)
        )
    }
    recorded_by_id = recorded_by.id if recorded_by is not None else None
    attendance.write_marks(
        [
            {
                "session_id": session_ids[row["date"], row["slot"]],
                "trainee_id": trainee_ids[row["trainee"]],
                "status": row["status"],
                "minutes_missed": row["minutes_missed"],
                "note": row["note"],
                "recorded_by_id": recorded_by_id,
                "recorded_at": row["recorded_at"],
            }
            for row in data.attendance
        ],
        [],
    )

    assessment_ids = _insert(
        assessments.write_assessments,
        Assessment.code,
        [
            of_cohort
            | _without(row, "module", "competencies")
            | {"module_id": module_ids[row["module"]]}
            for row in data.assessments
        ],
    )
    _link(
        assessment_competencies,
        "assessment_id",
        assessment_ids,
        "competency_id",
        competency_ids,
        [(row["code"], row["competencies"]) for row in data.assessments],
    )
    assessments.write_results(
        [
            {
                "assessment_id": assessment_ids[row["assessment"]],
                "trainee_id": trainee_ids[row["trainee"]],
                "score": row["score"],
                # Bulk inserts skip the ORM: the copy of the maximum must be given explicitly.
                "max_score": row["max_score"],
                "comment": row["comment"],
            }
            for row in data.results
        ],
        [],
    )

    line_ids = _insert(
        budget.write_lines, BudgetLine.code, [of_cohort | row for row in data.budget_lines]
    )
    budget.write_expenses(
        [
            _without(row, "line") | {"budget_line_id": line_ids[row["line"]]}
            for row in data.expenses
        ],
        [],
    )
    db.session.flush()
    return cohort


def load_demo() -> list[User]:
    """Load the demo cohort and its accounts, one per role, and return the accounts.

    Its half-days are signed: on screen by the trainees and countersigned by the instructor,
    some weeks on paper; a few absences are justified (demo.signatures).
    """
    accounts = {
        account.email: add_user(account.email, account.role, DEMO_PASSWORD, name=account.name)
        for account in DEMO_ACCOUNTS
        if account.trainee_ref is None
    }
    instructor = next(user for user in accounts.values() if user.role == "instructor")
    admin = next(user for user in accounts.values() if user.role == "admin")
    data = generate()
    signing = generate_signing(
        data,
        seed=DEMO_SEED,
        code_seconds=int(current_app.config["SIGNING_CODE_SECONDS"]),
        starts={"AM": USUAL_HALF_DAYS.morning_starts_at, "PM": USUAL_HALF_DAYS.afternoon_starts_at},
    )
    # The instructor's notes on the presences the trainees forgot to sign.
    data.attendance = signing.with_notes(data.attendance)
    save_identity(**DEMO_IDENTITY, logo=Logo("logo.svg", SVG, documents.logo_svg()))
    cohort = write_cohort(data, recorded_by=instructor)
    cohort.agreement_number = DEMO_AGREEMENT
    cohort.title_in_agreement = DEMO_TITLE_IN_AGREEMENT
    instructor.cohorts.append(cohort)
    close_and_amend(cohort, instructor, admin)
    trainees = {
        trainee.ref: trainee
        for trainee in db.session.scalars(select(Trainee).where(Trainee.cohort_id == cohort.id))
    }
    for account in DEMO_ACCOUNTS:
        if account.trainee_ref is not None:
            accounts[account.email] = add_user(
                account.email,
                account.role,
                DEMO_PASSWORD,
                trainee=trainees[account.trainee_ref],
            )
    db.session.flush()
    signed_by = {user.trainee.ref: user for user in accounts.values() if user.trainee is not None}
    write_signing(cohort, signing, instructor=instructor, admin=admin, trainee_accounts=signed_by)
    write_positionings_and_follow_ups(cohort, instructor, admin)
    write_outcomes(cohort, admin)
    return [accounts[account.email] for account in DEMO_ACCOUNTS]


# Where the instructor countersigns from: the room's computer, or home for a remote half-day.
INSTRUCTOR_AT = {
    "classroom": ("10.34.12.2", INSTRUCTOR_BROWSER),
    "remote": ("203.0.113.24", INSTRUCTOR_BROWSER),
}


def write_signing(
    cohort: Cohort,
    signing: DemoSigning,
    *,
    instructor: User,
    admin: User,
    trainee_accounts: dict[str, User],
) -> None:
    """Write how the demo's half-days were signed: the trainees' signatures, the instructor's
    drawn signature and countersignatures of the closed roll calls, the weeks on paper with
    their scanned sheets, and the justifications with their attachments."""
    folder = current_app.config["UPLOAD_FOLDER"]
    sessions = {
        (day, slot): (id_, kind)
        for id_, day, slot, kind in db.session.execute(
            select(Session.id, Session.date, Session.slot, Session.kind).where(
                Session.cohort_id == cohort.id
            )
        )
    }
    trainees = {
        trainee.ref: trainee
        for trainee in db.session.scalars(select(Trainee).where(Trainee.cohort_id == cohort.id))
    }
    rows = []
    for signature in signing.signatures:
        # What the digest covers (tracker.signing.strokes.digest), as the signing page keeps it.
        fields = {
            "session_id": sessions[signature["date"], signature["slot"]][0],
            "trainee_id": trainees[signature["trainee"]].id,
            "signed_at": signature["signed_at"],
            "address": signature["address"],
            "user_agent": signature["user_agent"],
            "time_step": signature["time_step"],
        }
        account = trainee_accounts.get(signature["trainee"])
        rows.append(
            fields
            | {
                "signed_by_id": account.id if account is not None else None,
                "strokes": signature["strokes"],
                "digest": strokes.digest(fields, signature["strokes"]),
            }
        )
    signing_batches.write_signatures(rows, [])

    signer_name = instructor.name or instructor.email
    with acting(account=instructor):
        drawn_at = datetime.combine(cohort.starts_on - timedelta(days=3), time(16), tzinfo=UTC)
        signing_batches.write_drawn_signatures(
            [
                {
                    "user_id": instructor.id,
                    "strokes": signing.instructor_strokes,
                    "drawn_at": drawn_at,
                }
            ],
            [],
        )
        countersigned = []
        for session_id, day, slot, closed_at in db.session.execute(
            select(Session.id, Session.date, Session.slot, Session.closed_at).where(
                Session.cohort_id == cohort.id, Session.closed_by_id == instructor.id
            )
        ):
            address, user_agent = INSTRUCTOR_AT[sessions[day, slot][1]]
            fields = {
                "session_id": session_id,
                "signed_by_id": instructor.id,
                "signer_name": signer_name,
                "signed_at": closed_at,
                "address": address,
                "user_agent": user_agent,
            }
            countersigned.append(
                fields
                | {
                    "strokes": signing.instructor_strokes,
                    "digest": strokes.digest(fields, signing.instructor_strokes),
                }
            )
        signing_batches.write_countersignatures(countersigned, [])

    with acting(account=admin):
        sheets = []
        for week in signing.paper_weeks:
            content = documents.paper_sheet_png(cohort.name, week, signer_name)
            friday = week.monday + timedelta(days=4)
            sheets.append(
                {
                    "cohort_id": cohort.id,
                    "week": week.monday,
                    "file_name": f"emargement-{week.monday.isoformat()}.png",
                    "content_type": "image/png",
                    "size": len(content),
                    "sha256": documents.store(folder, content),
                    "uploaded_by_id": admin.id,
                    "uploaded_at": datetime.combine(friday, time(17, 30), tzinfo=UTC),
                }
            )
        signing_batches.write_paper_sheets(sheets, [])

        justifications = []
        for row in signing.justifications:
            attachment = dict.fromkeys(("file_name", "content_type", "size", "sha256"))
            if row["attachment"] is not None:
                file_name, content_type, content = documents.attachment(
                    row["attachment"],
                    trainees[row["trainee"]].name,
                    row["first_day"],
                    row["last_day"],
                )
                attachment = {
                    "file_name": file_name,
                    "content_type": content_type,
                    "size": len(content),
                    "sha256": documents.store(folder, content),
                }
            account = trainee_accounts.get(row["trainee"])
            justifications.append(
                {
                    "trainee_id": trainees[row["trainee"]].id,
                    **{
                        key: row[key]
                        for key in (
                            "first_day",
                            "first_slot",
                            "last_day",
                            "last_slot",
                            "reason",
                            "declared_at",
                            "state",
                            "decided_at",
                            "decision_reason",
                        )
                    },
                    **attachment,
                    # A trainee without an account declares through the centre's office.
                    "declared_by_id": (account or admin).id,
                    "decided_by_id": None if row["state"] == "pending" else admin.id,
                }
            )
        signing_batches.write_justifications(justifications, [])
    db.session.flush()


# Absences of the demo justified after their roll call was closed: amendments, with a reason.
DEMO_AMENDMENTS = 3
DEMO_AMENDMENT_NOTE = "Arrêt maladie"
DEMO_AMENDMENT_REASON = "Certificat médical reçu après la clôture de l’appel"


def close_and_amend(cohort: Cohort, instructor: User, admin: User) -> None:
    """Close the roll calls of the half-days past the delay, countersigned by the instructor at
    the end of each, then justify a few absences after closing, as amendments with a reason."""
    days = closing.closing_delay()
    last_day = timeutil.today() - timedelta(days=DEFAULT_CLOSING_DAYS if days is None else days)
    sessions = db.session.scalars(
        select(Session).where(Session.cohort_id == cohort.id, Session.date <= last_day)
    ).all()
    if not sessions:
        return
    with acting(account=instructor):
        db.session.execute(
            update(Session),
            [
                {
                    "id": session.id,
                    "closed_at": closing.half_day_end(session).astimezone(UTC),
                    "closed_by_id": instructor.id,
                }
                for session in sessions
            ],
        )
    # One unjustified absence of each of the first trainees who have one, in order of time.
    absences = db.session.execute(
        select(AttendanceRecord.id, AttendanceRecord.trainee_id)
        .join(Session, Session.id == AttendanceRecord.session_id)
        .join(Trainee, Trainee.id == AttendanceRecord.trainee_id)
        .where(
            Session.cohort_id == cohort.id,
            Session.date <= last_day,
            AttendanceRecord.status == "absent",
        )
        .order_by(Session.date, Session.slot, Trainee.ref)
    ).all()
    chosen: dict[int, int] = {}
    for record_id, trainee_id in absences:
        if len(chosen) == DEMO_AMENDMENTS:
            break
        chosen.setdefault(trainee_id, record_id)
    with acting(account=admin, reason=DEMO_AMENDMENT_REASON):
        db.session.execute(
            update(AttendanceRecord),
            [
                {"id": record_id, "status": "excused", "note": DEMO_AMENDMENT_NOTE}
                for record_id in chosen.values()
            ],
        )
    db.session.flush()


def _without(row: dict, *keys: str) -> dict:
    return {key: value for key, value in row.items() if key not in keys}


def _insert(write: Callable[[list, list], None], key: InstrumentedAttribute, rows: list) -> dict:
    """Add rows of one cohort through a feature's batch operation; return their ids by key."""
    write(rows, [])
    model = key.class_
    cohort_id = rows[0]["cohort_id"]
    return dict(db.session.execute(select(key, model.id).where(model.cohort_id == cohort_id)).all())


def _link(
    table: Table,
    left: str,
    left_ids: dict,
    right: str,
    right_ids: dict,
    pairs: list[tuple[str, list[str]]],
) -> None:
    """Insert the rows of an association table from (key, [other keys]) pairs."""
    db.session.execute(
        insert(table),
        [
            {left: left_ids[key], right: right_ids[other]}
            for key, others in pairs
            for other in others
        ],
    )
