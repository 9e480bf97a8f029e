"""The demo academy: its generated data and `tracker demo [--reset]`."""

import hashlib
import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import func, select

from tracker.assessments.models import Assessment, Result
from tracker.attendance import rules
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User
from tracker.auth.passwords import verify_password
from tracker.budget.models import BudgetLine, Expense
from tracker.codes import is_code, is_slug
from tracker.cohorts.models import Cohort, Competency, Trainee
from tracker.demo.generate import generate
from tracker.demo.operations import DEMO_PASSWORD, load_cohort
from tracker.extensions import db
from tracker.signing.models import (
    Countersignature,
    DrawnSignature,
    Justification,
    PaperSheet,
    Signature,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def demo_data():
    return generate()


def days_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


# --- the generated rows ---------------------------------------------------------------------------


def test_generate_gives_the_same_cohort_for_the_same_seed(demo_data):
    assert generate() == demo_data
    assert generate(seed=2) != demo_data


def test_every_code_of_the_demo_is_within_the_set_of_codes(demo_data):
    assert is_slug(demo_data.cohort["slug"])
    codes = [
        *(row["code"] for row in demo_data.competencies),
        *(row["code"] for row in demo_data.modules),
        *(row["ref"] for row in demo_data.trainees),
        *(row["code"] for row in demo_data.assessments),
        *(row["code"] for row in demo_data.budget_lines),
    ]
    assert len(codes) > 60
    assert [code for code in codes if not is_code(code)] == []
    partly = [row for row in demo_data.attendance if row["status"] in ("late", "left_early")]
    assert partly and all(row["minutes_missed"] > 0 for row in partly)


def test_the_timetable_leaves_out_weekends_holidays_and_breaks(demo_data):
    dates = {session["date"] for session in demo_data.sessions}
    public_holidays = holidays.France(years=[2021, 2022, 2023])
    assert all(day.weekday() < 5 for day in dates)
    assert not dates & set(public_holidays)
    # Hand-checked: All Saints', Armistice, Ascension 2022, Bastille Day, and the three breaks.
    assert not dates & {date(2021, 11, 1), date(2021, 11, 11), date(2022, 5, 26), date(2022, 7, 14)}
    assert not dates & days_between(date(2021, 12, 20), date(2021, 12, 31))
    assert not dates & days_between(date(2022, 8, 1), date(2022, 8, 19))
    assert not dates & days_between(date(2022, 12, 19), date(2022, 12, 30))
    assert min(dates) == date(2021, 10, 4)
    assert max(dates) == date(2023, 3, 31)
    slots = Counter(session["date"] for session in demo_data.sessions)
    assert set(slots.values()) == {2}  # a morning and an afternoon every teaching day
    assert {session["minutes"] for session in demo_data.sessions} == {210}


def test_planned_hours_match_the_timetable(demo_data):
    minutes = Counter()
    for session in demo_data.sessions:
        minutes[session["module"]] += session["minutes"]
    assert {m["code"]: m["planned_minutes"] for m in demo_data.modules} == dict(minutes)
    assert demo_data.cohort["planned_minutes_per_trainee"] == sum(minutes.values())


def test_every_expected_trainee_has_a_result_within_the_maximum(demo_data):
    trainees = {t["ref"]: t for t in demo_data.trainees}
    scored = defaultdict(set)
    for result in demo_data.results:
        scored[result["assessment"]].add(result["trainee"])
        assert 0 <= result["score"] <= result["max_score"]
    for assessment in demo_data.assessments:
        expected = {
            ref
            for ref, t in trainees.items()
            if t["enrolled_on"] <= assessment["date"]
            and (t["left_on"] is None or assessment["date"] <= t["left_on"])
        }
        assert scored[assessment["code"]] == expected
    failing = [r for r in demo_data.results if r["score"] / r["max_score"] * 20 < 10]
    assert 0 < len(failing) < len(demo_data.results) / 4


def low_assiduity(data, as_of: date) -> list[str]:
    """Return the trainees whose 20 latest recorded, non-excused sessions fall below 0.80."""
    records = defaultdict(list)
    for record in sorted(data.attendance, key=lambda r: (r["date"], r["slot"])):
        if record["date"] <= as_of and record["status"] != "excused":
            records[record["trainee"]].append(record)
    flagged = []
    for ref, held in records.items():
        latest = held[-20:]
        attended = sum(
            {
                "present": 210,
                "late": 210 - r["minutes_missed"],
                "left_early": 210 - r["minutes_missed"],
            }.get(r["status"], 0)
            for r in latest
        )
        if len(latest) >= 5 and attended / (210 * len(latest)) < 0.80:
            flagged.append(ref)
    return sorted(flagged)


def test_every_generated_mark_follows_the_rules_of_a_roll_call(demo_data, app_context):
    minutes = {(s["date"], s["slot"]): s["minutes"] for s in demo_data.sessions}
    partial = [r for r in demo_data.attendance if r["status"] in rules.PARTLY_ATTENDED]
    assert partial and min(r["minutes_missed"] for r in partial) > 0
    wrong = [
        (record, problems)
        for record in demo_data.attendance
        if (
            problems := rules.mark_problems(
                record["status"],
                record["minutes_missed"],
                record["note"],
                session_minutes=minutes[record["date"], record["slot"]],
            )
        )
    ]
    assert wrong == []


def test_a_few_trainees_drift_away_and_are_flagged_at_risk(demo_data):
    assert low_assiduity(demo_data, date(2021, 12, 17)) == []
    at_the_end = low_assiduity(demo_data, date(2023, 3, 31))
    assert 2 <= len(at_the_end) <= 5
    assert "T01" not in at_the_end and "T02" not in at_the_end


def test_generate_makes_other_cohorts_from_other_starts():
    data = generate(seed=7, slug="ibm-ai-7", name="Promotion 7", starts_on=date(2024, 1, 8))
    dates = sorted({session["date"] for session in data.sessions})
    assert data.cohort["slug"] == "ibm-ai-7"
    assert dates[0] == date(2024, 1, 8)
    assert dates[-1] <= data.cohort["ends_on"] == date(2025, 6, 30)
    assert not set(dates) & set(holidays.France(years=[2024, 2025]))
    assert len(data.attendance) > 15_000


# --- tracker demo ---------------------------------------------------------------------------------


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def digest() -> str:
    """Hash every row of every table, but for ids, creation times and salted password hashes.

    Nor the signatures' digests: they cover the ids of their half-day and signer, which a new
    load numbers afresh on PostgreSQL (its sequences go on); their own test computes them again.
    """
    skipped = {"id", "created_at", "password_hash", "digest"}
    hasher = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name == "audit_entries":  # when and in what order: a new load, a new trail
            hasher.update(f"{table.name}:{count(table)}".encode())
            continue
        columns = [c for c in table.columns if c.name not in skipped and not c.name.endswith("_id")]
        if not columns:  # an association table: only ids
            hasher.update(f"{table.name}:{count(table)}".encode())
            continue
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(*columns)))
        hasher.update(f"{table.name}:{len(rows)}:{rows}".encode())
    # The links between rows, by their natural keys.
    roll_call = db.session.execute(
        select(Session.date, Session.slot, Trainee.ref, AttendanceRecord.status, User.email)
        .join(AttendanceRecord.session)
        .join(AttendanceRecord.trainee)
        .join(AttendanceRecord.recorded_by)
        .order_by(Session.date, Session.slot, Trainee.ref)
    )
    hasher.update(repr(roll_call.all()).encode())
    return hasher.hexdigest()


def test_demo_loads_a_living_cohort(app, demo):
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        assert cohort.slug == "ibm-ai-1"
        assert cohort.funder == "Région Occitanie"
        assert cohort.grant_amount == Decimal("273000.00")
        assert cohort.contracted_trainees == 25
        assert (cohort.starts_on, cohort.ends_on) == (date(2021, 10, 4), date(2023, 3, 31))
        assert cohort.attendance_threshold == 0.8
        assert cohort.planned_minutes_per_trainee == sum(m.planned_minutes for m in cohort.modules)

        assert [t.ref for t in cohort.trainees] == [f"T{n:02d}" for n in range(1, 26)]
        assert 10 <= len(cohort.modules) <= 14
        assert all(module.competencies for module in cohort.modules)
        assert count(Competency) >= 10
        assert len(set(db.session.scalars(select(Competency.block)))) >= 3

        lines = db.session.scalars(select(BudgetLine)).all()
        assert len(lines) == 6
        assert sum(line.planned_amount for line in lines) == Decimal("273000.00")
        spent = sum(db.session.scalars(select(Expense.amount)))
        assert Decimal("200000") < spent <= Decimal("273000")
        assert count(Expense) >= 18 * 6 // 2
        assert None not in db.session.scalars(select(Expense.supplier)).all()

        withdrawn = [t for t in cohort.trainees if t.left_on is not None]
        assert len(withdrawn) == 2
        assert all(t.exit_reason for t in withdrawn)
        after_leaving = db.session.scalar(
            select(func.count(AttendanceRecord.id))
            .join(AttendanceRecord.session)
            .join(AttendanceRecord.trainee)
            .where(Trainee.left_on.is_not(None), Session.date > Trainee.left_on)
        )
        assert after_leaving == 0
        before_enrolling = db.session.scalar(
            select(func.count(AttendanceRecord.id))
            .join(AttendanceRecord.session)
            .join(AttendanceRecord.trainee)
            .where(Session.date < Trainee.enrolled_on)
        )
        assert before_enrolling == 0

        dates = set(db.session.scalars(select(Session.date)))
        assert all(day.weekday() < 5 for day in dates)
        assert not dates & set(holidays.France(years=[2021, 2022, 2023]))
        assert not dates & days_between(date(2021, 12, 20), date(2021, 12, 31))
        assert not dates & days_between(date(2022, 8, 1), date(2022, 8, 19))

        statuses = dict(
            db.session.execute(
                select(AttendanceRecord.status, func.count()).group_by(AttendanceRecord.status)
            ).all()
        )
        assert set(statuses) == {"present", "late", "left_early", "excused", "absent"}
        assert statuses["present"] > 0.85 * sum(statuses.values())
        excused_notes = db.session.scalars(
            select(AttendanceRecord.note).where(AttendanceRecord.status == "excused")
        ).all()
        assert excused_notes and all(note and note.strip() for note in excused_notes)
        # A handful of roll calls were never taken.
        unrecorded = db.session.scalar(select(func.count(Session.id)).where(~Session.records.any()))
        assert 1 <= unrecorded <= 10

        assert count(Assessment) >= 2 * len(cohort.modules)
        over_maximum = db.session.scalar(
            select(func.count(Result.id))
            .join(Result.assessment)
            .where(
                (Result.score > Assessment.max_score) | (Result.max_score != Assessment.max_score)
            )
        )
        assert over_maximum == 0
        assert count(Result) > 20 * count(Assessment)
    assert "admin@demo.tracker.fr" in demo
    assert DEMO_PASSWORD in demo


def test_demo_accounts_sign_in_with_the_shared_password(app, demo):
    with app.app_context():
        users = {user.email: user for user in db.session.scalars(select(User))}
        assert {email: user.role for email, user in users.items()} == {
            "admin@demo.tracker.fr": "admin",
            "formateur@demo.tracker.fr": "instructor",
            "region@demo.tracker.fr": "officer",
            "t01@demo.tracker.fr": "trainee",
            "t02@demo.tracker.fr": "trainee",
        }
        for email, user in users.items():
            assert verify_password(user.password_hash, DEMO_PASSWORD), email
            assert email in demo and user.role in demo
        instructor = users["formateur@demo.tracker.fr"]
        assert [cohort.slug for cohort in instructor.cohorts] == ["ibm-ai-1"]
        assert users["t01@demo.tracker.fr"].trainee.ref == "T01"
        assert users["t02@demo.tracker.fr"].trainee.ref == "T02"
        signers = set(db.session.scalars(select(AttendanceRecord.recorded_by_id).distinct()))
        assert signers == {instructor.id}
        recorded_at = db.session.scalar(select(AttendanceRecord.recorded_at).limit(1))
        assert recorded_at.utcoffset() == timedelta(0)
        assert recorded_at.year in (2021, 2022, 2023)
    assert len(DEMO_PASSWORD) >= 8


def test_demo_refuses_a_database_that_holds_data_and_reset_loads_it_again(app, run_tracker, demo):
    with app.app_context():
        before = digest()
        trainees = count(Trainee)

    refused = run_tracker("demo")
    assert refused.exit_code == 1
    assert "already holds data" in refused.output
    assert "--reset" in refused.output
    with app.app_context():
        assert digest() == before

    reset = run_tracker("demo", "--reset")
    assert reset.exit_code == 0, reset.output
    with app.app_context():
        assert count(Trainee) == trainees
        assert count(Cohort) == 1
        assert digest() == before


def test_demo_refuses_a_database_with_only_an_account(app, run_tracker):
    added = run_tracker(
        "user",
        "add",
        "boss@centre.fr",
        "--role",
        "admin",
        "--password-stdin",
        input="long pass 1\n",
    )
    assert added.exit_code == 0, added.output
    refused = run_tracker("demo")
    assert refused.exit_code == 1
    with app.app_context():
        assert count(Cohort) == 0
        assert db.session.scalars(select(User.email)).all() == ["boss@centre.fr"]


def test_load_cohort_puts_several_cohorts_in_one_database(app_context):
    first = load_cohort(seed=1, slug="ibm-ai-1", starts_on=date(2021, 10, 4))
    second = load_cohort(seed=2, slug="ibm-ai-2", starts_on=date(2023, 1, 9))
    per_cohort = dict(
        db.session.execute(
            select(Session.cohort_id, func.count(AttendanceRecord.id))
            .join(AttendanceRecord.session)
            .group_by(Session.cohort_id)
        ).all()
    )
    assert set(per_cohort) == {first.id, second.id}
    assert all(records > 15_000 for records in per_cohort.values())
    assert count(Trainee) == 50
    # Each cohort's records point at its own trainees.
    crossed = db.session.scalar(
        select(func.count(AttendanceRecord.id))
        .join(AttendanceRecord.session)
        .join(AttendanceRecord.trainee)
        .where(Session.cohort_id != Trainee.cohort_id)
    )
    assert crossed == 0


def test_demo_if_empty_loads_once_then_leaves_the_database_alone(app, run_tracker):
    first = run_tracker("demo", "--if-empty")
    assert first.exit_code == 0, first.output
    assert "Loaded the demo cohort ibm-ai-1" in first.output
    with app.app_context():
        before = digest()
    again = run_tracker("demo", "--if-empty")
    assert again.exit_code == 0, again.output
    assert "not loaded again" in again.output
    assert "formateur@demo.tracker.fr" in again.output
    assert DEMO_PASSWORD in again.output
    with app.app_context():
        assert digest() == before


# --- how the demo's half-days are signed ------------------------------------------------------


def test_signing_the_demo_leaves_its_cohort_as_generated(demo_data):
    from tracker.demo.signatures import generate_signing

    before = generate()
    starts = {"AM": time(9), "PM": time(13, 30)}
    signing = generate_signing(before, seed=2021, code_seconds=30, starts=starts)
    assert before == demo_data  # its own random draws: the cohort's figures do not change
    again = generate_signing(generate(), seed=2021, code_seconds=30, starts=starts)
    assert again.signatures == signing.signatures
    assert again.justifications == signing.justifications
    # The notes of the forgotten signatures go on present marks, and on nothing else.
    noted = signing.with_notes(demo_data.attendance)
    changed = [
        (old, new) for old, new in zip(demo_data.attendance, noted, strict=True) if old != new
    ]
    assert len(changed) == 4  # six forgotten, four explained
    assert all(old["status"] == "present" and old["note"] is None for old, _new in changed)


def presences(statuses=("present", "late", "left_early")):
    """Select the marks of trainees in the room, with their half-day and any signature."""
    return (
        select(
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
            AttendanceRecord.note,
            Session.date,
            Session.slot,
            Session.kind,
            Trainee.ref,
            Signature,
        )
        .join(Session, Session.id == AttendanceRecord.session_id)
        .join(Trainee, Trainee.id == AttendanceRecord.trainee_id)
        .outerjoin(
            Signature,
            (Signature.session_id == Session.id) & (Signature.trainee_id == Trainee.id),
        )
        .where(AttendanceRecord.status.in_(statuses))
    )


def test_the_demo_signs_its_presences_with_distinct_drawings(app, demo):
    from tracker.signing.strokes import digest as signature_digest
    from tracker.signing.strokes import read_strokes, stored

    with app.app_context():
        paper_weeks = set(db.session.scalars(select(PaperSheet.week)))
        assert len(paper_weeks) == 3 and date(2021, 10, 4) in paper_weeks
        rows = db.session.execute(presences()).all()
        on_paper = [row for row in rows if row.date - timedelta(row.date.weekday()) in paper_weeks]
        forgotten = [row for row in rows if row.Signature is None and row not in on_paper]
        # Every presence is signed, but for the weeks on paper and six forgotten signatures.
        assert on_paper and all(row.Signature is None for row in on_paper)
        assert len(forgotten) == 6
        assert sorted(bool(row.note) for row in forgotten) == [False] * 2 + [True] * 4
        signed = [row for row in rows if row.Signature is not None]
        assert len(signed) == len(rows) - len(on_paper) - 6 == count(Signature)
        assert len(signed) > 14_000
        # No signature for an absence.
        absences = db.session.execute(presences(("absent", "excused"))).all()
        assert len(absences) > 500
        assert [row for row in absences if row.Signature is not None] == []

        # A drawing of its own each half-day, strokes as the pad sends them, digests that
        # anyone can compute again from the documented fields.
        assert len({row.Signature.strokes for row in signed}) == len(signed)
        accounts = {
            user.trainee.ref: user.id
            for user in db.session.scalars(select(User).where(User.trainee_id.is_not(None)))
        }
        for row in signed:
            signature = row.Signature
            assert stored(read_strokes(signature.strokes, 64 * 1024)) == signature.strokes
            fields = {
                "session_id": signature.session_id,
                "trainee_id": signature.trainee_id,
                "signed_at": signature.signed_at,
                "address": signature.address,
                "user_agent": signature.user_agent,
                "time_step": signature.time_step,
            }
            assert signature.digest == signature_digest(fields, signature.strokes)
            assert signature.signed_by_id == accounts.get(row.ref)
            start = datetime.combine(
                row.date, time(9) if row.slot == "AM" else time(13, 30), tzinfo=PARIS
            )
            late = signature.signed_at - start
            if row.status == "late":
                assert timedelta(minutes=row.minutes_missed) <= late
                assert late <= timedelta(minutes=row.minutes_missed + 3)
            else:
                assert timedelta(0) < late <= timedelta(minutes=8)
            if row.kind == "remote":
                assert signature.time_step is None
            else:
                assert signature.time_step == int(signature.signed_at.timestamp()) // 30
                assert signature.address.startswith("10.34.12.")
            assert signature.user_agent.startswith("Mozilla/5.0")


def test_the_demo_countersigns_its_closed_roll_calls_and_keeps_its_paper_sheets(app, demo):
    from tracker.signing.strokes import digest as signature_digest

    with app.app_context():
        instructor = db.session.scalar(select(User).where(User.role == "instructor"))
        drawn = db.session.scalars(select(DrawnSignature)).all()
        assert [row.user_id for row in drawn] == [instructor.id]
        closed = db.session.scalars(select(Session).where(Session.closed_at.is_not(None))).all()
        countersignatures = {c.session_id: c for c in db.session.scalars(select(Countersignature))}
        assert closed and set(countersignatures) == {session.id for session in closed}
        for session in closed:
            countersignature = countersignatures[session.id]
            assert countersignature.signed_at == session.closed_at
            assert countersignature.strokes == drawn[0].strokes
            fields = {
                "session_id": session.id,
                "signed_by_id": instructor.id,
                "signer_name": instructor.name,
                "signed_at": countersignature.signed_at,
                "address": countersignature.address,
                "user_agent": countersignature.user_agent,
            }
            assert countersignature.digest == signature_digest(fields, countersignature.strokes)

        folder = Path(app.config["UPLOAD_FOLDER"])
        for sheet in db.session.scalars(select(PaperSheet)):
            assert sheet.week.weekday() == 0
            content = (folder / sheet.sha256[:2] / sheet.sha256).read_bytes()
            assert hashlib.sha256(content).hexdigest() == sheet.sha256
            assert len(content) == sheet.size < 200_000
            assert content.startswith(b"\x89PNG") and sheet.content_type == "image/png"


def test_the_demo_has_justifications_in_each_state(app, demo):
    with app.app_context():
        justifications = db.session.scalars(select(Justification)).all()
        assert Counter(j.state for j in justifications) == {
            "accepted": 3,
            "refused": 2,
            "pending": 2,
        }
        folder = Path(app.config["UPLOAD_FOLDER"])
        for justification in justifications:
            first = (justification.first_day, justification.first_slot)
            last = (justification.last_day, justification.last_slot)
            marks = [
                (status, note)
                for status, note, day, slot in db.session.execute(
                    select(
                        AttendanceRecord.status, AttendanceRecord.note, Session.date, Session.slot
                    )
                    .join(Session)
                    .where(AttendanceRecord.trainee_id == justification.trainee_id)
                )
                if first <= (day, slot) <= last
            ]
            assert marks
            if justification.state == "accepted":
                # Its marks are excused, with its reason.
                assert set(marks) == {("excused", justification.reason)}
                assert justification.decided_at > justification.declared_at
            elif justification.state == "refused":
                assert {status for status, _note in marks} == {"absent"}
                assert justification.decision_reason
            else:
                assert {status for status, _note in marks} == {"absent"}
                assert justification.decided_at is None
            if justification.sha256 is not None:
                content = (folder / justification.sha256[:2] / justification.sha256).read_bytes()
                assert hashlib.sha256(content).hexdigest() == justification.sha256
                assert len(content) == justification.size
                magic = b"%PDF" if justification.content_type == "application/pdf" else b"\x89PNG"
                assert content.startswith(magic)
        assert sum(j.sha256 is not None for j in justifications) == 5


def test_the_demo_shows_the_officers_its_signatures(app, demo, login_as):
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.role == "officer"))
        signatures = count(Signature)
    client = login_as(app.test_client(), officer)
    page = client.get("/cohorts/ibm-ai-1/funding/signatures?as_of=2023-03-31&lang=en").text
    total = re.search(r"<tfoot>.*?</tfoot>", page, re.S)[0]
    numbers = [int(n) for n in re.findall(r'<td class="number">(\d+)', total)]
    expected, on_screen, on_paper, not_signed, disagreements = numbers
    assert expected == on_screen + on_paper + not_signed
    assert on_screen == signatures
    # The six forgotten signatures, four of them explained by the instructor.
    assert disagreements == 6
    assert re.findall(r"\((\d+)\)</span></td>", total)[-1] == "4"
