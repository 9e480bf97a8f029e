"""Each trainee's outcomes, and the survey links already answered."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.timeutil import UTCDateTime, utc_now

# The moments a trainee's situation is asked: at exit, three and six months after.
EXIT = "exit"
MOMENTS = (EXIT, "3_months", "6_months")
# Situations, from the most to the least settled; employment of any kind first.
EMPLOYMENT = (
    "permanent_contract",
    "fixed_term_6_months_or_more",
    "fixed_term_shorter",
    "temporary",
    "self_employed",
)
FURTHER_TRAINING = "further_training"
SEEKING_WORK = "seeking_work"
UNKNOWN = "unknown"
SITUATIONS = (*EMPLOYMENT, FURTHER_TRAINING, SEEKING_WORK, UNKNOWN)
# The certification at exit: obtained in full, in part (some of its blocks), or not.
CERTIFICATIONS = ("full", "part", "none")
STAFF = "staff"
SURVEY = "survey"
SOURCES = (STAFF, SURVEY)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Outcome(db.Model):
    """A trainee's situation at one moment (and, at exit, the certification obtained), with the
    day it was recorded and whether staff recorded it or the trainee answered the survey."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("trainee_id", "moment"),
        CheckConstraint(_one_of("moment", MOMENTS), name="moment_known"),
        CheckConstraint(_one_of("situation", SITUATIONS), name="situation_known"),
        CheckConstraint(_one_of("source", SOURCES), name="source_known"),
        CheckConstraint(
            f"certification IS NULL OR ({_one_of('certification', CERTIFICATIONS)}"
            f" AND moment = '{EXIT}')",
            name="certification_at_exit",
        ),
        CheckConstraint("blocks = '' OR certification = 'part'", name="blocks_only_in_part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    moment: Mapped[str] = mapped_column(String(16))
    situation: Mapped[str] = mapped_column(String(32))
    # At exit only; None: not recorded.
    certification: Mapped[str | None] = mapped_column(String(8))
    # The blocks of the certification obtained, one per line, when obtained in part.
    blocks: Mapped[str] = mapped_column(Text, default="")
    recorded_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(8))

    @property
    def block_list(self) -> list[str]:
        """Return the blocks obtained, in order."""
        return [block for block in self.blocks.split("\n") if block]


class AnsweredSurvey(db.Model):
    """A survey link answered: the same link is refused afterwards (bookkeeping, not audited)."""

    __tablename__ = "answered_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The SHA-256 of the link's token: the link itself is not kept.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    moment: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
