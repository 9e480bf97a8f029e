"""Access table of the PDF reports.

A trainee downloads their own progress report and certificate (another trainee's: 404); an
officer the funding report and the attendance sheets (progress reports: 403); an instructor
every report of the cohorts they teach but the funding report, which holds the budget (budget and
funding reports to admins and officers only: the `see_funding` right; issue 9, point 12); an
admin every report.
The signed sheet of a week and its proof file go to those who get the attendance sheets.
"""

from tests.access import Case, answers

# A trainee's own documents: the trainee themselves, their instructors and admins.
OWN = answers(200, outsider=404, officer=403)
# Another trainee's documents, or those of a trainee of another cohort.
OTHERS = answers(200, outsider=404, officer=403, trainee=404)
OTHER_COHORT = answers(200, instructor=404, officer=403, trainee=404)
# Progress of a whole cohort: admins and its instructors.
PROGRESS = answers(200, outsider=404, officer=403, trainee=404)
# Funding: admins and officers; instructors refused, trainees told nothing.
FUNDING = answers(200, instructor=403, outsider=403, trainee=404)
# Attendance sheets: admins, officers and the cohort's instructors.
SHEETS = answers(200, outsider=404, trainee=404)

CASES = [
    Case("reports.trainee_report", "GET", "/cohorts/{cohort}/trainees/{trainee}/report.pdf", OWN),
    Case(
        "reports.trainee_report",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/report.pdf",
        OTHERS,
    ),
    Case(
        "reports.trainee_report",
        "GET",
        "/cohorts/{other_cohort}/trainees/{trainee}/report.pdf",
        OTHER_COHORT,
    ),
    # Not enrolled yet on that date: there is no report to give.
    Case(
        "reports.trainee_report",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}/report.pdf?as_of=2021-12-31",
        answers(404, officer=403),
    ),
    Case(
        "reports.trainee_report",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}/report.pdf?as_of=2022-02-30",
        answers(400, outsider=404, officer=403),
    ),
    Case(
        "reports.trainee_report",
        "GET",
        "/cohorts/{cohort}/trainees/T99/report.pdf",
        answers(404, officer=403),
    ),
    Case("reports.certificate", "GET", "/cohorts/{cohort}/trainees/{trainee}/certificate.pdf", OWN),
    Case(
        "reports.certificate",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/certificate.pdf",
        OTHERS,
    ),
    Case("reports.attestation", "GET", "/cohorts/{cohort}/trainees/{trainee}/attestation.pdf", OWN),
    Case(
        "reports.attestation",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/attestation.pdf",
        OTHERS,
    ),
    Case(
        "reports.attestation",
        "GET",
        "/cohorts/{other_cohort}/trainees/{trainee}/attestation.pdf",
        OTHER_COHORT,
    ),
    Case("reports.cohort_report", "GET", "/cohorts/{cohort}/report.pdf", PROGRESS),
    Case(
        "reports.cohort_report",
        "GET",
        "/cohorts/{other_cohort}/report.pdf",
        answers(200, instructor=404, officer=403, trainee=404),
    ),
    Case("reports.funding_report", "GET", "/cohorts/{cohort}/funding-report.pdf", FUNDING),
    Case(
        "reports.funding_report",
        "GET",
        "/cohorts/nowhere/funding-report.pdf",
        answers(404, instructor=403, outsider=403),
    ),
    Case(
        "reports.attendance_sheet",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W02.pdf",
        SHEETS,
    ),
    Case(
        "reports.attendance_sheet",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W02.pdf?blank=1",
        SHEETS,
    ),
    # A week without a session has no sheet; a week that is not one is a bad request.
    Case(
        "reports.attendance_sheet",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W10.pdf",
        answers(404),
    ),
    Case(
        "reports.attendance_sheet",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W99.pdf",
        answers(400, outsider=404, trainee=404),
    ),
    # The signed sheet, sealed, and the week's proof file: as the attendance sheets.
    Case(
        "reports.signed_sheet",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W02/signed.pdf",
        SHEETS,
    ),
    Case(
        "reports.signed_sheet",
        "GET",
        "/cohorts/{other_cohort}/attendance-sheets/2022-W02/signed.pdf",
        answers(404),
    ),
    Case(
        "reports.signed_sheet_proof",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W02/proof.json",
        SHEETS,
    ),
    Case(
        "reports.signed_sheet_proof",
        "GET",
        "/cohorts/{cohort}/attendance-sheets/2022-W99/proof.json",
        answers(400, outsider=404, trainee=404),
    ),
]
