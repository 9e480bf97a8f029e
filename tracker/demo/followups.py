"""The demo's positionings on entry and follow-ups: every trainee was positioned before the
course; the trainees at risk on the demo's follow-up day were followed up, some lately and some
not, so that the home page (with the clock on that day) lists both cases."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tracker.audit.capture import acting
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Trainee
from tracker.cohorts.pages import figures_of
from tracker.demo.generate import DEMO_SEED
from tracker.extensions import db
from tracker.followups import operations

# A Wednesday near the demo cohort's end, when seven trainees are at risk: the day the demo's
# follow-ups lead up to.
DEMO_FOLLOW_UP_DAY = date(2023, 3, 15)

INTERVIEW_RESULTS = (
    ("Projet professionnel clair, bases solides", True),
    ("Motivé, logique à consolider", True),
    ("Reconversion, aucune pratique du code", False),
    ("Projet mûri, autodidacte en Python", True),
)
TEST_COMMENTS = (
    None,
    "Algorithmique à renforcer pendant le premier module.",
    "À l’aise en mathématiques.",
    None,
    "Mise à niveau en anglais technique conseillée.",
)
# What was said and the next step, by channel, for the follow-ups of trainees at risk.
EXCHANGES = (
    (
        "phone",
        "Absences liées à des gardes d’enfant ; solution de garde en cours.",
        "Rappeler dans une semaine.",
    ),
    (
        "meeting",
        "Difficultés sur le module en échec ; se sent en retard sur le groupe.",
        "Séances de soutien le vendredi après-midi.",
    ),
    (
        "mail",
        "Relance après trois absences sans justificatif.",
        "Entretien à fixer avec la responsable de formation.",
    ),
    (
        "meeting",
        "Point sur l’assiduité et sur le projet professionnel.",
        None,
    ),
)


def write_positionings_and_follow_ups(cohort: Cohort, instructor: User, admin: User) -> None:
    """Position every trainee of the demo cohort on entry and follow up those at risk."""
    rng = random.Random(f"{DEMO_SEED}-followups")
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
    ).all()
    rows = []
    for trainee in trainees:
        day = trainee.enrolled_on - timedelta(days=rng.randint(10, 30))
        if rng.random() < 0.7:
            score = rng.randint(8, 18)
            row = {
                "kind": "test",
                "result": f"{score}/20",
                "prerequisites_met": score >= 10,
                "comment": rng.choice(TEST_COMMENTS),
            }
        else:
            result, met = rng.choice(INTERVIEW_RESULTS)
            row = {"kind": "interview", "result": result, "prerequisites_met": met, "comment": None}
        rows.append({"trainee_id": trainee.id, "date": day} | row)
    with acting(account=admin):
        operations.write_positionings(rows, [])

    figures = figures_of(cohort, DEMO_FOLLOW_UP_DAY)
    at_risk = [t for t in figures.trainees if t.status == "active" and t.at_risk]
    # Every other trainee at risk was followed up three days before the day (not listed); the
    # others five weeks before, or never (listed).
    follow_ups = []
    for index, trainee in enumerate(at_risk):
        if index % 2 == 0:
            days_before = (38, 3)
        elif index % 4 == 1:
            days_before = (36,)
        else:
            days_before = ()
        for days in days_before:
            day = DEMO_FOLLOW_UP_DAY - timedelta(days=days)
            channel, said, next_step = EXCHANGES[(index + days) % len(EXCHANGES)]
            follow_ups.append(
                {
                    "trainee_id": trainee.id,
                    "date": day,
                    "channel": channel,
                    "said": said,
                    "next_step": next_step,
                    "recorded_by_id": instructor.id,
                    "recorded_at": datetime.combine(day, time(16, 45), tzinfo=UTC),
                }
            )
    with acting(account=instructor):
        operations.write_follow_ups(follow_ups, [])
    db.session.flush()
