"""Every model of the application, imported once so that the metadata knows them all."""

from tracker.assessments.models import Assessment, Result, assessment_competencies
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User, instructor_cohorts
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Competency, Module, Trainee, module_competencies

__all__ = [
    "Assessment",
    "AttendanceRecord",
    "BudgetLine",
    "Cohort",
    "Competency",
    "Expense",
    "Module",
    "Result",
    "Session",
    "Trainee",
    "User",
    "assessment_competencies",
    "instructor_cohorts",
    "module_competencies",
]
