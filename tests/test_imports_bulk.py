"""A few thousand roll-call rows go through the bulk insert and the bulk update."""

from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.attendance.models import AttendanceRecord
from tracker.extensions import db

REFS = [f"T{number:02}" for number in range(1, 21)]
DAYS = [date(2021, 9, 6) + timedelta(days=offset) for offset in range(60)]


def test_thousands_of_roll_call_rows_are_created_then_updated(make_cohort, run_tracker, tmp_path):
    make_cohort(slug="bulk")
    db.session.commit()
    files = {
        "modules": "code,title,planned_hours\nM01,Python,420\n",
        "trainees": "ref,first_name,last_name,email,enrolled_on\n"
        + "".join(f"{ref},Ann,Lee,{ref.lower()}@example.org,2021-09-06\n" for ref in REFS),
        "sessions": "date,slot,module\n"
        + "".join(f"{day},{slot},M01\n" for day in DAYS for slot in ("AM", "PM")),
    }
    for kind, content in files.items():
        (tmp_path / f"{kind}.csv").write_text(content)
        assert (
            run_tracker("import", kind, str(tmp_path / f"{kind}.csv"), "--cohort", "bulk").exit_code
            == 0
        )

    def roll_call(status_of) -> str:
        rows = [
            f"{day:%d/%m/%Y};{slot};{ref};{status_of(index)}"
            for index, (day, slot, ref) in enumerate(
                (day, slot, ref) for day in DAYS for slot in ("AM", "PM") for ref in REFS
            )
        ]
        return "date;slot;trainee;status;minutes_missed;note\n" + "\n".join(rows) + "\n"

    path = tmp_path / "attendance.csv"
    path.write_text(roll_call(lambda index: "late;10;" if index % 10 == 0 else "present;;"))
    result = run_tracker("import", "attendance", str(path), "--cohort", "bulk")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "attendance: 2400 created, 0 updated, 0 unchanged"

    path.write_text(roll_call(lambda index: "excused;;Strike" if index % 3 == 0 else "present;;"))
    result = run_tracker("import", "attendance", str(path), "--cohort", "bulk")
    assert result.exit_code == 0, result.output
    # The 240 late rows all change, and so do the 720 present rows that become excused.
    assert result.stdout.strip() == "attendance: 0 created, 960 updated, 1440 unchanged"

    count = select(func.count()).select_from(AttendanceRecord)
    assert db.session.scalar(count) == 2400
    assert db.session.scalar(count.where(AttendanceRecord.status == "excused")) == 800
    assert db.session.scalar(count.where(AttendanceRecord.minutes_missed > 0)) == 0
