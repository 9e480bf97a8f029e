"""Fixtures: the app on SQLite and on a throwaway PostgreSQL, a CLI runner and small factories."""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from tests.postgresql import PostgresServer, find_binaries
from tests.smtp import mail_settings, smtp_server  # noqa: F401  (the mail tests' SMTP server)
from tests.world import World, build_world
from tracker import create_app
from tracker import models as every_model  # noqa: F401  (create_all makes every table)
from tracker.cli import main
from tracker.extensions import db

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash with Argon2id at its lowest cost: the real cost (0.15 s a hash) would take minutes here.

    test_accounts.py checks the cost that the application itself uses.
    """
    from argon2 import PasswordHasher

    from tracker.auth import passwords

    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = real


def pytest_configure(config):
    """Compile the French catalog, as `make` does, so that pytest alone shows French pages.

    Once, before any test: with `-n`, in the process that starts the workers, so that no worker
    reads the catalog while another one writes it.
    """
    if hasattr(config, "workerinput"):
        return
    folder = Path(__file__).parent.parent / "tracker" / "translations"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", folder],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session", autouse=True)
def reuse_url_builders():
    """Build each address pattern's URL builder once per run rather than once per app.

    Werkzeug compiles two small Python functions for every route of every new app: with about ninety
    routes that is most of `create_app`'s time, and the tests make an app each. Without defaults, a
    builder depends only on the rule's text and parts (its trace) and reads everything else from the
    rule it is bound to, so one function serves every app; rules with defaults compile as usual.
    """
    from werkzeug.routing.rules import Rule

    real = Rule._compile_builder
    builders = {}

    def compile_builder(self, append_unknown=True):
        if self.defaults:
            return real(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in builders:
            builders[key] = real(self, append_unknown)
        return builders[key]

    Rule._compile_builder = compile_builder
    yield
    Rule._compile_builder = real


@pytest.fixture(scope="session", autouse=True)
def compile_templates_once():
    """Compile each template once per run rather than once per app.

    Jinja parses and compiles a template the first time an environment renders it, and every test
    has an app, so a page's dozen templates took 40 ms each to compile again in each test. Jinja's
    bytecode cache, kept here in memory, hands every app the code compiled first (keyed on the
    template's name, checked against its source): as a server process reuses a template it
    compiled once for every later request, whatever its language.
    """
    from flask import Flask
    from jinja2 import BytecodeCache

    class InMemory(BytecodeCache):
        def __init__(self):
            self.compiled = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.compiled:
                bucket.bytecode_from_string(self.compiled[bucket.key])

        def dump_bytecode(self, bucket):
            self.compiled[bucket.key] = bucket.bytecode_to_string()

    real = Flask.jinja_options
    Flask.jinja_options = {**real, "bytecode_cache": InMemory()}
    yield
    Flask.jinja_options = real


@pytest.fixture(scope="session", autouse=True)
def compile_statements_once():
    """Compile each SQL statement once per run and kind of database, rather than once per test.

    SQLAlchemy keeps the SQL it compiled in its engine, keyed by the engine's dialect, and every
    test's app has an engine of its own: two dozen statements compiled again in each test, as
    much time as the test's own queries. Every engine of one kind of database gets the dialect
    and cache of the first one that connected (the tests' databases of a kind are alike: one
    SQLite, one server), as a server process's engine keeps them for every later request.
    """
    from flask_sqlalchemy.extension import SQLAlchemy

    real = SQLAlchemy._make_engine
    first: dict[str, tuple] = {}

    def make_engine(self, bind_key, options, app):
        engine = real(self, bind_key, options, app)
        shared = first.get(engine.dialect.name)
        if shared is None or shared[0].server_version_info is None:
            # Not connected yet, so not set up from its database: the next engine's may be.
            first[engine.dialect.name] = (engine.dialect, engine._compiled_cache)
        else:
            engine.dialect, engine._compiled_cache = shared
        return engine

    SQLAlchemy._make_engine = make_engine
    yield
    SQLAlchemy._make_engine = real


@pytest.fixture(scope="session", autouse=True)
def lay_out_each_report_once(tmp_path_factory):
    """Lay out each report's HTML once per run, rather than once per test that makes it.

    WeasyPrint takes a tenth to a half of a second a report, and most reports are made again by
    other tests from the very same HTML: the same test on PostgreSQL after SQLite, the same
    world's certificate in several files. The layout is a function of the HTML and the kind's
    stylesheets alone, so its PDF is kept, shared by the workers, and handed to any other test
    that lays out the same HTML; a test laying out the same HTML twice gets two real layouts (a
    test of the reports' bytes staying the same must not pass by this). Everything before the
    layout (the figures, the HTML, the cache of reports, the slots, the processes) runs as ever;
    a test that changes WeasyPrint's own behaviour asks for `laid_out_anew`.
    """
    from tracker.reports import making

    real = making.write_pdf
    folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = folder.parent  # the run's folder, above each worker's own
    folder = folder / "layouts"
    folder.mkdir(exist_ok=True)
    handed: set[tuple[str, str]] = set()  # (test, layout) given to a test in this process

    def write_pdf(html: str, kind: str) -> bytes:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
        key = hashlib.sha256(f"{kind}\0{html}".encode()).hexdigest()
        pdf, maker = folder / f"{key}.pdf", folder / f"{key}.test"
        again = (test, key) in handed  # the same test twice: a real layout, compared
        handed.add((test, key))
        try:
            if not again and maker.read_text() != test:
                return pdf.read_bytes()
        except FileNotFoundError:
            pass
        content = real(html, kind)
        for path, data in ((pdf, content), (maker, test.encode())):
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_native_id()}")
            partial.write_bytes(data)
            os.replace(partial, path)  # another worker may write the same: whole files only
        return content

    making.write_pdf = write_pdf
    yield real
    making.write_pdf = real


@pytest.fixture(scope="session", autouse=True)
def read_each_page_s_text_once():
    """Extract the text of a PDF's page once per run (pypdf takes a tenth of a second a page):
    the tests read the same reports again, on each database and in several files. Kept by the
    PDF's bytes and the page's number; a reading with visitors (where each word is drawn) is
    done every time."""
    from pypdf import PageObject

    real = PageObject.extract_text
    texts: dict[tuple, str] = {}

    def extract_text(page, *args, **kwargs):
        reader = page.pdf
        read = getattr(getattr(reader, "stream", None), "getvalue", None)
        if args or kwargs or read is None:
            return real(page, *args, **kwargs)
        digest = getattr(reader, "_test_digest", None)
        if digest is None:
            digest = reader._test_digest = hashlib.sha256(read()).digest()
        number = page.page_number
        key = (digest, number)
        if key not in texts:
            texts[key] = real(page)
        return texts[key]

    PageObject.extract_text = extract_text
    yield
    PageObject.extract_text = real


@pytest.fixture
def laid_out_anew(lay_out_each_report_once, monkeypatch):
    """Lay every report out with WeasyPrint itself, for a test that changes how it lays out."""
    from tracker.reports import making

    monkeypatch.setattr(making, "write_pdf", lay_out_each_report_once)


@pytest.fixture(scope="session")
def postgresql_server():
    """Start a PostgreSQL server for the whole run; skip without binaries, except under CI."""
    binaries = find_binaries()
    if binaries is None:
        reason = "PostgreSQL binaries (initdb, pg_ctl) not found"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must run the PostgreSQL tests")
        pytest.skip(reason)
    # Not under pytest's temporary folder: that one is private to root, and the server runs as
    # the postgres account when the tests run as root. In memory where the machine offers it: each
    # test's database is a copy of the template, and on a disk shared with other work a copy took
    # two to ten times longer.
    memory = Path("/dev/shm")
    folder = str(memory) if memory.is_dir() and os.access(memory, os.W_OK) else None
    server = PostgresServer(binaries, Path(tempfile.mkdtemp(prefix="tracker-pg-", dir=folder)))
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_template(postgresql_server):
    """A database holding the schema, copied for each test."""
    name = postgresql_server.create_database()
    engine = create_engine(postgresql_server.url(name))
    db.metadata.create_all(engine)
    engine.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file holding the schema, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "tracker.db"
    engine = create_engine(f"sqlite:///{path}")
    db.metadata.create_all(engine)
    engine.dispose()  # the last connection closed folds the write-ahead log into the file
    return path


# What a test that asks for the world or the demo finds in its copy of the database: the world
# as built there, or `tracker demo`'s output.
BUILT = pytest.StashKey()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """A database with the schema, new for each test: SQLite, then PostgreSQL.

    A test that asks for the world (tests/world.py) or the demo, directly or through another
    fixture, gets a copy of a database where it was built once per run, with its stored files:
    building it took most of such a test's time (a fifth of a second, the world; ten seconds, the
    demo).
    """
    server = request.getfixturevalue("postgresql_server") if request.param == "postgresql" else None
    template = request.getfixturevalue(f"{request.param}_template")
    start = next((name for name in BUILDS if name in request.fixturenames), None)
    if start:
        built = request.getfixturevalue("built_once")(start, template, server)
        request.node.stash[BUILT] = (start, built.value)
        if built.uploads.exists():
            shutil.copytree(built.uploads, tmp_path / "uploads", dirs_exist_ok=True)
        template = built.database
    if server is None:
        path = tmp_path / "tracker.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = server.create_database(template=template)
    yield server.url(name)
    server.drop_database_later(name)


@dataclass(frozen=True)
class Built:
    """A database where something was built once (a SQLite file or a PostgreSQL template), the
    files it stored, and what building it returned."""

    database: Path | str
    uploads: Path
    value: object


def the_world(app) -> World:
    with app.app_context():
        return build_world()


def the_demo(app) -> str:
    result = app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    return result.output


# The sample file of each kind (tests/data/imports), in the order a cohort's files load: each
# refers to what the ones before hold.
SAMPLES = Path(__file__).parent / "data" / "imports"
SAMPLE_KINDS = (
    "competencies",
    "modules",
    "trainees",
    "sessions",
    "attendance",
    "assessments",
    "results",
    "budget",
    "expenses",
)
ACADEMY = "ibm-ai-1"


def the_academy(app) -> str:
    """Add the cohort ACADEMY and load every sample file into it with `tracker import`."""
    from tracker.cohorts.operations import create_cohort

    with app.app_context():
        create_cohort(**cohort_fields(slug=ACADEMY))
        db.session.commit()
    runner = app.test_cli_runner()
    for kind in SAMPLE_KINDS:
        path = str(SAMPLES / f"{kind}.csv")
        result = runner.invoke(main, ["import", kind, path, "--cohort", ACADEMY])
        assert result.exit_code == 0, result.output
    return ACADEMY


# The fixtures whose database is built once per run and copied for each test that asks for one.
BUILDS = {"demo": the_demo, "world": the_world, "academy": the_academy}


@pytest.fixture(scope="session")
def built_once(tmp_path_factory, seal_certificate):
    """Return a function that builds the world or the demo in a copy of a schema's database
    (a SQLite file, or a PostgreSQL template on its server) the first time it is asked."""
    built: dict[tuple, Built] = {}

    def build(what: str, schema: Path | str, server: PostgresServer | None) -> Built:
        if (what, schema) not in built:
            folder = tmp_path_factory.mktemp(what)
            if server is None:
                database = folder / "tracker.db"
                shutil.copyfile(schema, database)
                url = f"sqlite:///{database}"
            else:
                database = server.create_database(template=schema)
                url = server.url(database)
            app = create_app(app_settings(url, folder, seal_certificate))
            try:
                value = BUILDS[what](app)
            finally:
                # A PostgreSQL template is copied only when nobody is connected to it.
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
            built[what, schema] = Built(database, folder / "uploads", value)
        return built[what, schema]

    return build


@pytest.fixture(scope="session")
def seal_certificate(tmp_path_factory):
    """The organisation's self-signed certificate that seals the signed sheets, made once."""
    from tracker.signing.seal import make_self_signed

    path = tmp_path_factory.mktemp("seal") / "seal.p12"
    make_self_signed(path, "Centre régional d'innovation de Montpellier", b"seal-password")
    return path


def app_settings(database_url: str, folder: Path, seal_certificate: Path) -> dict:
    """The settings of a test's app: its database, its folders under `folder`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REPORTS_FOLDER": str(folder / "reports"),
        "CHART_CACHE_FOLDER": str(folder / "cache" / "charts"),
        "REPORT_CACHE_FOLDER": str(folder / "cache" / "reports"),
        "UPLOAD_FOLDER": str(folder / "uploads"),
        # Walking every route as an admin makes ten reports in seconds; the limit's own
        # tests set it (tests/test_reports.py).
        "REPORT_MAKINGS_PER_MINUTE": 1000,
        # A report asked for on the web is made in the request, so that the tests read it
        # at once; making it in a process of its own has its tests (test_reports_background.py).
        "REPORT_MAKING_IN_BACKGROUND": False,
        # The tests' half-days are years past: automatic closing would close every roll call
        # they save. Its own tests set a delay (tests/test_closing.py).
        "ROLL_CALL_CLOSES_AFTER_DAYS": None,
        "SEAL_CERTIFICATE": str(seal_certificate),
        "SEAL_PASSWORD": "seal-password",
    }


@pytest.fixture
def app(database_url, tmp_path, seal_certificate):
    """The application on a fresh database."""
    app = create_app(app_settings(database_url, tmp_path, seal_certificate))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_context(app):
    """An application context, for tests that call operations and queries directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_tracker(app):
    """Run a `tracker` command against the test app; returns click's Result."""
    runner = app.test_cli_runner()

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, list(args), input=input)

    return run


@pytest.fixture
def make_cohort(app_context):
    """Return a function that adds a cohort (defaults overridable) and flushes it."""
    from tracker.cohorts.operations import create_cohort

    counter = iter(range(1, 1000))

    def make(**overrides):
        return create_cohort(**cohort_fields(**{"slug": f"cohort-{next(counter)}", **overrides}))

    return make


def cohort_fields(**overrides) -> dict:
    """A cohort's fields: from 2021-09-06 to 2023-03-03, unless overridden."""
    return {
        "name": "AI application developers",
        "funder": "Région Occitanie",
        "starts_on": date(2021, 9, 6),
        "ends_on": date(2023, 3, 3),
        "grant_amount": Decimal("273000"),
        **overrides,
    }


@pytest.fixture
def make_user(app):
    """Return a function that adds an account (password "password-1"); call it in an app context.

    Web tests build their data in `with app.app_context():` blocks and commit, rather than use the
    `app_context` fixture: requests made inside a pushed app context would share its `g` and the
    signed-in user cached there.
    """
    from tracker.auth.operations import add_user

    counter = iter(range(1, 1000))

    def make(role: str = "admin", *, cohorts=(), trainee=None, email: str | None = None, **kw):
        email = email or f"{role}{next(counter)}@centre.fr"
        return add_user(email, role, "password-1", cohorts=cohorts, trainee=trainee, **kw)

    return make


@pytest.fixture
def login_as(app):
    """Return a function that signs a test client in as an account, without the sign-in form."""
    from tracker.auth.operations import start_login_session
    from tracker.auth.views import TOKEN_KEY

    def login(client, user):
        with app.app_context():
            account = db.session.merge(user)
            token = start_login_session(account)
            db.session.commit()
            user_id = str(account.id)
        with client.session_transaction() as session:
            session.clear()
            session[TOKEN_KEY] = token
            session["_user_id"] = user_id
            session["_fresh"] = True
        return client

    return login


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped without it, except under CI."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        reason = "Chromium not found (Debian package chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must run the browser tests")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port in a thread; yield its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def page(browser):
    """A fresh browser page (its own cookies), closed after the test."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def world(app, request):
    """The small world of tests/world.py: two cohorts and an account of each role, committed.

    Found in the test's database when it was copied from one holding it (`database_url`), else
    built there now (a test file with a database of its own)."""
    name, value = request.node.stash.get(BUILT, (None, None))
    return value if name == "world" else the_world(app)


@pytest.fixture
def demo(app, request):
    """The demo loaded by `tracker demo` (its own tests run the command on an empty database);
    returns the command's output. Found in the test's database when it was copied from one
    holding it (`database_url`), else loaded now."""
    name, value = request.node.stash.get(BUILT, (None, None))
    return value if name == "demo" else the_demo(app)


@pytest.fixture
def academy(app, app_context, request):
    """The cohort ACADEMY with the sample file of every kind imported, in an app context.

    Found in the test's database when it was copied from one holding it (`database_url`), else
    loaded now."""
    from tracker.cohorts.models import Cohort

    name, value = request.node.stash.get(BUILT, (None, None))
    slug = value if name == "academy" else the_academy(app)
    return db.session.scalars(select(Cohort).filter_by(slug=slug)).one()


@pytest.fixture
def without_csrf(app):
    """Turn CSRF checks off, for tests whose point is elsewhere."""
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def signed_in(app, login_as, world):
    """Return a function giving a client signed in as the world's account of a role."""
    from tracker.auth.models import User

    def sign_in(role: str):
        with app.app_context():
            return login_as(app.test_client(), db.session.get(User, world.accounts[role]))

    return sign_in
