"""The users of the load benchmark, driven by locust (started by benchmarks/load.py).

Ten instructors, five officers and ten trainees of the demo cohort, each signed in to an account
of their own (benchmarks/load.py makes them and opens their sessions), clicking with 0.5–1.5 s
between clicks (an instructor saves the roll call they read as it is, changing nothing); an
anonymous visitor reads the sign-in page, the floor every page is measured against. Optional: an
editor saving a roll call once a second (every save changes a mark), and an
officer asking for ten reports nobody made yet, all at once, every few seconds. benchmarks/load.py
names the classes of each run.

Nothing of the tracker is imported here: locust patches the standard library with gevent.
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser

import gevent
from locust import HttpUser, between, constant, constant_throughput, task

PLAN = json.loads(os.environ.get("TRACKER_LOAD_PLAN", "{}"))
COHORT = "/cohorts/ibm-ai-1"


class FormFields(HTMLParser):
    """The fields of one form of a page, as a browser would send them."""

    def __init__(self, form_class: str | None = None):
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            classes = (attributes.get("class") or "").split()
            self.inside = self.form_class is None or self.form_class in classes
            return
        if not self.inside or tag != "input" or not attributes.get("name"):
            return
        kind = attributes.get("type", "text")
        if kind in ("radio", "checkbox") and "checked" not in attributes:
            return
        if kind in ("submit", "button"):
            return
        self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def fields_of(html: str, form_class: str | None = None) -> dict[str, str]:
    """Return the fields a browser would send from a page's form."""
    reader = FormFields(form_class)
    reader.feed(html)
    return reader.fields


class SignedIn(HttpUser):
    """A user signed in to the next account of their kind.

    benchmarks/load.py opens each account's session on the server and hands its cookie over:
    signing in checks an Argon2id hash, made slow on purpose, and is not what is measured.
    """

    abstract = True
    accounts: itertools.cycle

    def on_start(self):
        self.email = next(self.accounts)
        # For the host the server names, so that the cookie it sends back replaces this one.
        self.client.cookies.set(
            PLAN["cookie_name"], PLAN["cookies"][self.email], domain=PLAN["host"], path="/"
        )


def get(user: HttpUser, url: str, name: str) -> None:
    """Read a page; anything but 200 counts as an error."""
    with user.client.get(url, name=name, catch_response=True) as answer:
        if answer.status_code != 200:
            answer.failure(f"{answer.status_code}")


def get_report(user: HttpUser, url: str, name: str) -> None:
    """Download a report as a browser would: while it is being made (202) or every making slot
    of the server is taken (503), wait as long as the page says, then ask again."""
    for _attempt in range(30):
        with user.client.get(url, name=name, catch_response=True) as answer:
            if answer.status_code == 200:
                return
            if answer.status_code not in (202, 503):
                answer.failure(f"{answer.status_code}")
                return
            answer.success()  # being made, or busy for a moment: not an error
            wait = int(answer.headers.get("Retry-After", "2"))
        gevent.sleep(wait)


def save_roll_call(user: HttpUser, session_id: int, name: str, change: bool) -> None:
    """Read a roll call and save it: as read, or with one mark changed (present ↔ 15 minutes
    late)."""
    url = f"{COHORT}/sessions/{session_id}/roll-call"
    page = user.client.get(url, name="instructor: roll call")
    fields = fields_of(page.text, "roll-call")
    statuses = sorted(
        key
        for key, value in fields.items()
        if key.endswith("-status") and value in ("present", "late")
    )
    if not statuses:
        return
    if change:
        line = random.choice(statuses)
        prefix = line.removesuffix("-status")
        if fields[line] == "present":
            fields[line], fields[f"{prefix}-minutes_missed"] = "late", "15"
        else:
            fields[line], fields[f"{prefix}-minutes_missed"] = "present", ""
    fields["reason"] = "Load benchmark: " + ("a mark corrected" if change else "saved again")
    with user.client.post(
        url, data=fields, name=name, allow_redirects=False, catch_response=True
    ) as answer:
        # 409: another user saved the same roll call meanwhile; the page says so, nothing lost.
        if answer.status_code in (302, 409):
            answer.success()
        else:
            answer.failure(f"{answer.status_code}")


class Instructor(SignedIn):
    """The cohort's instructor: home, overview, a roll call read and saved, a results grid."""

    weight = PLAN.get("instructors", 10)
    wait_time = between(0.5, 1.5)
    accounts = itertools.cycle(PLAN.get("instructor_accounts", ["-"]))

    def on_start(self):
        super().on_start()
        self.session_id = random.choice(PLAN["sessions"])

    @task(3)
    def home(self):
        get(self, "/", "instructor: home")

    @task(3)
    def overview(self):
        get(self, COHORT, "instructor: cohort overview")

    @task(3)
    def roll_call(self):
        get(self, f"{COHORT}/sessions/{self.session_id}/roll-call", "instructor: roll call")

    @task(1)
    def save(self):
        # Saved as read: the roll call's whole save path, without a mark changed. Marks are
        # changed by the editor (--edits-per-second), whose rate sets how often the figures,
        # charts and reports are worked out again.
        save_roll_call(self, self.session_id, "instructor: roll call saved", change=False)

    @task(2)
    def results(self):
        code = random.choice(PLAN["assessments"])
        get(self, f"{COHORT}/assessments/{code}/results", "instructor: results grid")


class Officer(SignedIn):
    """A Region officer: the dashboard with its charts, a statement, the API, a CSV export."""

    weight = PLAN.get("officers", 5)
    wait_time = between(0.5, 1.5)
    accounts = itertools.cycle(PLAN.get("officer_accounts", ["-"]))

    @task(3)
    def dashboard(self):
        get(self, f"{COHORT}/funding", "officer: dashboard with charts")

    @task(2)
    def statement(self):
        month = random.choice(PLAN["months"])
        get(self, f"{COHORT}/funding/statement?month={month}", "officer: monthly statement")

    @task(2)
    def api(self):
        get(self, f"/api{COHORT}/metrics", "officer: figures (API)")

    @task(1)
    def csv(self):
        month = random.choice(PLAN["months"])
        get(
            self,
            f"{COHORT}/funding/export/statement.csv?month={month}",
            "officer: statement as CSV",
        )


class Trainee(SignedIn):
    """A trainee: their own page and their own progress report."""

    weight = PLAN.get("trainees", 10)
    wait_time = between(0.5, 1.5)
    accounts = itertools.cycle(PLAN.get("trainee_accounts", ["-"]))

    def on_start(self):
        super().on_start()
        self.ref = PLAN["trainee_refs"][self.email]

    @task(4)
    def own_page(self):
        get(self, f"{COHORT}/trainees/{self.ref}", "trainee: own page")

    @task(1)
    def own_report(self):
        get_report(self, f"{COHORT}/trainees/{self.ref}/report.pdf", "trainee: own report (PDF)")


class Floor(HttpUser):
    """The sign-in page, read by a visitor: what any request costs, measured in the same run."""

    weight = 1
    fixed_count = 1
    wait_time = between(0.5, 1.5)

    @task
    def sign_in_page(self):
        get(self, "/login", "sign-in page (floor)")


class Editor(SignedIn):
    """Roll calls edited once a second, every save a changed mark (issue: one change should not
    remake every cached document and chart)."""

    fixed_count = 1
    wait_time = constant_throughput(PLAN.get("edits_per_second") or 1)
    accounts = itertools.cycle(PLAN.get("editor_accounts", ["-"]))

    @task
    def edit(self):
        save_roll_call(
            self, random.choice(PLAN["sessions"]), "editor: roll call saved", change=True
        )


class ReportBurst(SignedIn):
    """An officer asking for ten reports nobody made yet at once, every few seconds."""

    fixed_count = 1
    wait_time = constant(5)
    accounts = itertools.cycle(PLAN.get("burst_accounts", ["-"]))
    days = itertools.count()

    @task
    def burst(self):
        # Each report a day later than any before: never in the cache.
        def one(as_of: str):
            get_report(self, f"{COHORT}/funding-report.pdf?as_of={as_of}", "burst: uncached report")

        dates = [PLAN["burst_dates"][next(self.days) % len(PLAN["burst_dates"])] for _ in range(10)]
        gevent.joinall([gevent.spawn(one, day) for day in dates])
