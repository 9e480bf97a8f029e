"""The demo's positionings on entry and follow-ups: every trainee positioned, and on the demo's
follow-up day the home page lists the trainees at risk not followed up lately, and only them."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tracker import timeutil
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.cohorts.models import Trainee
from tracker.cohorts.pages import figures_of
from tracker.demo.followups import DEMO_FOLLOW_UP_DAY
from tracker.extensions import db
from tracker.followups.models import FollowUp, Positioning

PARIS = ZoneInfo("Europe/Paris")


def test_every_demo_trainee_was_positioned_and_those_at_risk_followed_up(
    app, demo, login_as, monkeypatch
):
    with app.app_context():
        trainees = db.session.scalar(select(func.count()).select_from(Trainee))
        kinds = dict(
            db.session.execute(
                select(Positioning.kind, func.count()).group_by(Positioning.kind)
            ).all()
        )
        assert sum(kinds.values()) == trainees == 25
        assert set(kinds) == {"test", "interview"}
        assert db.session.scalar(
            select(func.count()).where(Positioning.prerequisites_met.is_(False))
        )
        last = dict(
            db.session.execute(
                select(Trainee.ref, func.max(FollowUp.date))
                .join(FollowUp, FollowUp.trainee_id == Trainee.id)
                .group_by(Trainee.ref)
            ).all()
        )
        cohort = db.session.scalar(select(Trainee)).cohort
        at_risk = [
            t.ref
            for t in figures_of(cohort, DEMO_FOLLOW_UP_DAY).trainees
            if t.status == "active" and t.at_risk
        ]
        recent = {
            ref for ref in at_risk if ref in last and (DEMO_FOLLOW_UP_DAY - last[ref]).days <= 7
        }
        due = set(at_risk) - recent
        assert recent and due
        assert any(ref not in last for ref in due) and any(ref in last for ref in due)
        entries = dict(
            db.session.execute(
                select(AuditEntry.entity, func.count())
                .where(AuditEntry.entity.in_(["positionings", "follow_ups"]))
                .group_by(AuditEntry.entity)
            ).all()
        )
        assert entries == {
            "positionings": 25,
            "follow_ups": db.session.scalar(select(func.count()).select_from(FollowUp)),
        }
        instructor = db.session.scalar(select(User).where(User.role == "instructor"))
    noon = datetime.combine(DEMO_FOLLOW_UP_DAY, datetime.min.time(), PARIS).replace(hour=12)
    monkeypatch.setattr(timeutil, "utc_now", lambda: noon.astimezone(UTC))
    page = login_as(app.test_client(), instructor).get("/?lang=en").text
    start = page.index('id="follow-up-due-heading"')
    section = page[start : page.index("</section>", start)]
    listed = set(re.findall(r"\((T\d\d)\)</th>", section))
    assert listed == due
    assert "never" in section
