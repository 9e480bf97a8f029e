"""Every model of the application, imported once so that the metadata knows them all."""

from tracker.assessments.models import Assessment, Result, assessment_competencies
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit.models import AuditEntry
from tracker.auth.models import LoginSession, SignInFailure, User, instructor_cohorts
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Competency, Module, Trainee, module_competencies
from tracker.followups.models import FollowUp, Positioning
from tracker.mail.models import MailSwitch, OutgoingMessage
from tracker.organisation.models import Organisation
from tracker.outcomes.models import AnsweredSurvey, Outcome
from tracker.signing.models import (
    Countersignature,
    DrawnSignature,
    Justification,
    PaperSheet,
    Signature,
)

__all__ = [
    "AnsweredSurvey",
    "Assessment",
    "AttendanceRecord",
    "AuditEntry",
    "BudgetLine",
    "Cohort",
    "Competency",
    "Countersignature",
    "DrawnSignature",
    "Expense",
    "FollowUp",
    "Justification",
    "LoginSession",
    "MailSwitch",
    "Module",
    "Organisation",
    "Outcome",
    "OutgoingMessage",
    "PaperSheet",
    "Positioning",
    "Result",
    "Session",
    "SignInFailure",
    "Signature",
    "Trainee",
    "User",
    "assessment_competencies",
    "instructor_cohorts",
    "module_competencies",
]
