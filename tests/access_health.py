"""Access table of /healthz: anyone, signed in or not (a service manager polls it). The tests'
database is made from the models, not by the migrations: the check says so with a 503."""

from tests.access import Case, answers

CASES = [
    Case("health.healthz", "GET", "/healthz", answers(503, anonymous=503)),
]
