"""The administrators' audit page: entries in people's words, filters, pages, export, check."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.test_audit import tamper
from tracker import timeutil
from tracker.attendance.models import AttendanceRecord
from tracker.audit import chain, listing
from tracker.audit.capture import acting
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.cohorts.models import Trainee
from tracker.extensions import db


def text_of(response) -> str:
    """Return what a page says, without its tags and with its spaces collapsed."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # What only a screen reader says ("becomes" beside an arrow that it does not read).
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def table_text(response) -> str:
    """Return what the page's table of entries says (not the filters' lists of names)."""
    html = response.get_data(as_text=True)
    return text_of(html[html.index('<table class="trail"') :])


def entry_count(**where) -> int:
    query = select(func.count()).select_from(AuditEntry)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return db.session.scalar(query)


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


@pytest.fixture
def late_mark(app, world):
    """Ada, present at the world's half-day, marked late by the instructor, with a reason."""
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        record = db.session.scalar(
            select(AttendanceRecord).join(Trainee).where(Trainee.first_name == "Ada")
        )
        with acting(
            account=instructor,
            reason="Arrivée à 9 h 40",
            source={"file": "appel-janvier.csv", "sha256": "ab" * 32},
        ):
            record.status = "late"
            record.minutes_missed = 40
            db.session.flush()
        db.session.commit()
        return db.session.scalar(select(func.max(AuditEntry.id)))


def test_an_entry_reads_in_peoples_words(admin, late_mark):
    page = text_of(admin.get("/audit?lang=fr"))
    assert "Appel · modification" in page
    assert "T01 · Ada Lovelace — 10/01/2022, matin" in page
    assert "Statut : présent(e) → en retard" in page
    assert "Minutes manquées : 0 minute → 40 minutes" in page
    assert "Olivier Prof" in page
    assert "import de appel-janvier.csv" in page
    assert "Arrivée à 9 h 40" in page
    english = text_of(admin.get("/audit?lang=en"))
    assert "Roll call · change" in english
    assert "Status: present → late" in english
    assert "T01 · Ada Lovelace — 10/01/2022, morning" in english


def test_values_are_shown_as_the_pages_show_them(admin, world):
    page = text_of(admin.get("/audit?entity=expenses&lang=fr"))
    # The expense added by the world: its line, date and reference, money in euros.
    assert "Dépense · ajout" in page
    assert "PED · Personnel pédagogique — 31/01/2022, F-001" in page
    assert "Montant : 12 500,50 €" in page
    accounts = text_of(admin.get("/audit?entity=accounts&lang=fr"))
    assert "Mot de passe : (masqué)" in accounts
    assert "Rôle : Administrateur" in accounts
    assert "prof@centre.fr — IA promotion 1 (alpha)" in accounts  # the cohort an instructor teaches


def test_a_removed_record_is_still_named_by_what_its_entries_hold(app, admin, world):
    with app.app_context():
        grace = db.session.scalar(select(Trainee).where(Trainee.first_name == "Grace"))
        db.session.delete(grace)
        db.session.commit()
    page = text_of(admin.get("/audit?cohort=beta&entity=trainees&lang=fr"))
    assert "Stagiaire · suppression" in page
    assert page.count("T01 · Grace Hopper") == 2  # its removal and its enrolment


def test_entries_are_newest_first(admin, late_mark):
    html = admin.get("/audit").get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', html)]
    assert numbers[0] == late_mark
    assert numbers == sorted(numbers, reverse=True)


def test_the_cohort_filter_keeps_that_cohort_only(admin, world):
    page = table_text(admin.get("/audit?cohort=beta&lang=fr"))
    assert "Grace Hopper" in page
    assert "Ada Lovelace" not in page


def test_the_kind_filter_keeps_that_kind_only(admin, late_mark):
    page = text_of(admin.get("/audit?entity=roll-calls&lang=fr"))
    assert "Appel · " in page
    assert "Stagiaire · " not in page and "Dépense · " not in page
    assert "3 entrées" in page  # two marks recorded, one changed


def test_the_person_filter_keeps_the_trainee_concerned_or_the_account_who_acted(
    app, admin, world, late_mark
):
    with app.app_context():
        alan = db.session.scalar(select(Trainee.id).where(Trainee.first_name == "Alan"))
        instructor = world.accounts["instructor"]
    about_alan = table_text(admin.get(f"/audit?person=t{alan}&lang=fr"))
    assert "Alan Turing" in about_alan and "Ada Lovelace" not in about_alan
    by_instructor = table_text(admin.get(f"/audit?person=a{instructor}&lang=fr"))
    assert "1 entrée" in by_instructor and "en retard" in by_instructor
    by_command_line = table_text(admin.get("/audit?person=cli&lang=fr"))
    assert "en retard" not in by_command_line and "ligne de commande" in by_command_line


def test_the_period_is_of_paris_days_both_included(app, admin, world, monkeypatch):
    # 23:30 in Paris on 14 March 2099 is 22:30 UTC: the 14th, not the 15th. (Later than any
    # entry already written: dates never go back along the trail.)
    monkeypatch.setattr(timeutil, "utc_now", lambda: datetime(2099, 3, 14, 22, 30, tzinfo=UTC))
    with app.app_context():
        user = db.session.get(User, world.user)
        user.name = "Agent Tardif"
        db.session.commit()
    assert "Agent Tardif" in table_text(admin.get("/audit?since=14/03/2099&until=14/03/2099"))
    assert "Agent Tardif" not in table_text(admin.get("/audit?since=2099-03-15"))
    assert "1 entrée" in text_of(admin.get("/audit?since=2099-03-14&until=2099-03-14&lang=fr"))


def test_amendments_only(app, admin, world):
    with app.app_context():
        last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        entry = {
            name: getattr(last, name)
            for name in chain.HASHED
            if name not in ("id", "recorded_at", "previous_hash")
        }
        chain.append(
            db.session.connection(), [entry | {"amendment": True, "reason": "Erreur de saisie"}]
        )
        db.session.commit()
    page = text_of(admin.get("/audit?amendments=1&lang=fr"))
    assert "1 entrée" in page and "rectification" in page and "Erreur de saisie" in page


def test_pages_of_fifty_newest_first_with_links(app, admin, world):
    with app.app_context():
        user = db.session.get(User, world.user)
        for n in range(40):
            user.name = f"Agent {n}"
            db.session.flush()
        db.session.commit()
        total = entry_count()
    assert total > listing.PER_PAGE
    first = admin.get("/audit?lang=fr")
    html = first.get_data(as_text=True)
    assert html.count('<td class="number">') == listing.PER_PAGE
    assert 'href="/audit?page=2" rel="next"' in html
    second = admin.get("/audit?page=2&lang=fr")
    numbers = [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', second.text)]
    assert numbers[0] == total - listing.PER_PAGE
    assert 'rel="prev"' in second.text
    # The filters stay in the pages' links.
    filtered = admin.get("/audit?cohort=alpha&amendments=1&page=1")
    assert filtered.status_code == 200


@pytest.mark.parametrize(
    "query, named",
    [
        ("cohort=nowhere", "Promotion : Choisissez une promotion dans la liste."),
        ("entity=sessions", "Type de donnée : Choisissez un type de donnée dans la liste."),
        ("person=x1", "Personne : Choisissez un stagiaire ou un compte dans la liste."),
        ("person=t999999", "Personne : Choisissez un stagiaire ou un compte dans la liste."),
        ("since=31/02/2022", "Du : Saisissez une date"),
        ("since=2022-03-01&until=2022-02-01", "Au : Choisissez un jour postérieur"),
        ("page=abc", "Page : Saisissez un numéro de page"),
        ("page=0", "Page : Saisissez un numéro de page"),
        ("page=99999999999", "Page : Saisissez un numéro de page"),
        ("page=500", "Page : Il n’y a que"),
    ],
)
def test_a_wrong_filter_is_refused_naming_it(admin, query, named):
    response = admin.get(f"/audit?{query}&lang=fr")
    assert response.status_code == 400
    assert named in text_of(response)
    export = admin.get(f"/audit/export.csv?{query}&lang=fr")
    if not query.startswith("page="):  # the export has no pages
        assert export.status_code == 400
        assert named in text_of(export)


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_export_holds_every_filtered_entry_in_the_users_language(app, admin, late_mark):
    response = admin.get("/audit/export.csv?cohort=alpha&lang=fr")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "journal_alpha.csv" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Entrée",
        "Date et heure (Paris)",
        "Qui",
        "Promotion",
        "Type de donnée",
        "Action",
        "Donnée",
        "Stagiaire concerné",
        "Modification",
        "Motif",
        "Rectification",
        "Fichier source",
        "SHA-256 du fichier source",
        "Empreinte de l’entrée",
    ]
    with app.app_context():
        assert len(rows) - 1 == entry_count(cohort_id=1)
        last = db.session.get(AuditEntry, late_mark)
        expected_time = last.recorded_at.astimezone(timeutil.COURSE_TIME_ZONE)
    newest = rows[1]
    assert newest[0] == str(late_mark)
    assert newest[1] == expected_time.strftime("%d/%m/%Y %H:%M:%S")
    assert newest[2:8] == [
        "Olivier Prof",
        "IA promotion 1 (alpha)",
        "Appel",
        "modification",
        "T01 · Ada Lovelace — 10/01/2022, matin",
        "T01 · Ada Lovelace",
    ]
    assert newest[8] == (
        "Statut\u00a0: présent(e) → en retard ; Minutes manquées\u00a0: 0 minute → 40 minutes"
    )
    assert newest[9:13] == ["Arrivée à 9 h 40", "non", "appel-janvier.csv", "ab" * 32]
    assert len(newest[13]) == 64
    english = read_csv(admin.get("/audit/export.csv?entity=roll-calls&lang=en"))
    assert english[0][:3] == ["Entry", "Date and time (Paris)", "Who"]
    assert english[1][4:6] == ["Roll call", "change"]
    assert len(english) == 1 + 3


def test_the_export_streams_past_one_batch(app, admin, world, monkeypatch):
    original = listing.every_entry
    monkeypatch.setattr(listing, "every_entry", lambda conditions: original(conditions, batch=7))
    rows = read_csv(admin.get("/audit/export.csv"))
    with app.app_context():
        assert [int(row[0]) for row in rows[1:]] == list(range(entry_count(), 0, -1))


def test_the_check_says_the_trail_is_intact(app, admin, world):
    with app.app_context():
        total = entry_count()
    page = text_of(admin.get("/audit/verify?lang=fr"))
    assert f"Journal intact : {total} entrées." in page
    # Only on demand: the list itself does not read the whole trail.
    assert "Journal intact" not in text_of(admin.get("/audit?lang=fr"))


def test_the_check_names_the_first_broken_entry(app, admin, world):
    with app.app_context():
        tamper("UPDATE audit_entries SET reason = 'réécrit' WHERE id = 5")
    response = admin.get("/audit/verify?lang=fr")
    assert response.status_code == 200
    assert (
        "Le journal est rompu à l’entrée 5 : son contenu ne correspond pas à son empreinte"
        in text_of(response)
    )
    english = text_of(admin.get("/audit/verify?lang=en"))
    assert "The trail is broken at entry 5: its content does not match its hash" in english


def test_the_check_says_which_entries_are_missing(app, admin, world):
    with app.app_context():
        tamper("DELETE FROM audit_entries WHERE id IN (3, 4)")
    page = text_of(admin.get("/audit/verify?lang=fr"))
    assert "rompu à l’entrée 5 : les entrées 3 à 4 manquent" in page


# Words of the page's English that must not be left in its French.
ENGLISH = [
    "Trail",
    "entries",
    "Roll call",
    "Trainee",
    "addition",
    "change ",
    "removal",
    "present",
    "morning",
    "Amount",
    "Password",
    "hidden",
    "Who",
    "When",
    "Reason",
    "Download",
    "Check",
    "Older",
    "command line",
    "Everyone",
    "All records",
]


def test_the_french_page_has_no_english_words(app, admin, late_mark):
    page = text_of(admin.get("/audit?lang=fr"))
    # The records' own values (names, file names) are the users' and are left out.
    left = [word for word in ENGLISH if word in page.replace("appel-janvier.csv", "")]
    assert not left, left
    assert "Trail" in text_of(admin.get("/audit?lang=en"))


def test_the_administrators_menu_links_to_the_trail(signed_in, world):
    assert 'href="/audit"' in signed_in("admin").get("/").text
    assert 'href="/audit"' not in signed_in("officer").get("/").text


def test_the_trail_is_documented_and_the_page_links_to_it(admin, world):
    assert 'href="/help/trail"' in admin.get("/audit").text
    help_page = text_of(admin.get("/help/trail?lang=fr"))
    assert "tracker audit verify" in help_page and "Ce que signifie une rupture" in help_page
    assert "What a break means" in text_of(admin.get("/help/trail?lang=en"))


def test_day_starts_is_midnight_in_paris():
    assert listing.day_starts(date(2024, 7, 1)).astimezone(UTC) == datetime(
        2024, 6, 30, 22, 0, tzinfo=UTC
    )


def test_the_person_list_groups_trainees_by_cohort_then_the_accounts(app, admin, world):
    page = admin.get("/audit?lang=fr").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="person".*?</select>', page, re.S).group(0)
    assert select_html.index('<option value="">Tout le monde</option>') < select_html.index(
        "<optgroup"
    )
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select_html)
    assert [label for label, _ in groups] == [
        "Stagiaires d’alpha",
        "Stagiaires de beta",
        "Comptes auteurs de modifications",
    ]
    assert '<option value="t1">T01 · Ada Lovelace</option>' in groups[0][1]
    assert '<option value="cli">Ligne de commande (sans compte)</option>' in groups[2][1]


def test_signatures_and_justifications_read_in_peoples_words(app, admin, world):
    """A trainee's signature, a week's paper sheet and a justification, named as pages name them."""
    from tracker.signing import strokes
    from tracker.signing.models import Justification, PaperSheet, Signature

    with app.app_context():
        trainee = db.session.scalar(select(Trainee).where(Trainee.first_name == "Ada"))
        signed_at = datetime(2022, 1, 10, 8, 2, tzinfo=UTC)
        drawing = strokes.stored([[[0.1, 0.5, 0], [0.5, 0.2, 40], [0.9, 0.6, 80]]])
        fields = {
            "session_id": world.session,
            "trainee_id": trainee.id,
            "signed_at": signed_at,
            "address": "192.0.2.7",
            "user_agent": "Firefox",
            "time_step": 54785,
        }
        db.session.add(Signature(**fields, strokes=drawing, digest=strokes.digest(fields, drawing)))
        db.session.add(
            PaperSheet(
                cohort_id=trainee.cohort_id,
                week=date(2022, 1, 17),
                file_name="semaine-3.pdf",
                content_type="application/pdf",
                size=1200,
                sha256="cd" * 32,
            )
        )
        db.session.add(
            Justification(
                trainee_id=trainee.id,
                first_day=date(2022, 1, 11),
                last_day=date(2022, 1, 11),
                reason="Rendez-vous médical",
            )
        )
        db.session.commit()
    page = text_of(admin.get("/audit?lang=fr&entity=signatures"))
    assert "Signature · ajout" in page
    assert "T01 · Ada Lovelace — 10/01/2022, matin" in page
    assert "Tracé : un tracé de 1 trait" in page
    assert "Signée le : 10/01/2022 09:02" in page
    assert "Feuille papier · ajout" in page
    assert "IA promotion 1 (alpha) — 17/01/2022" in page
    justifications = text_of(admin.get("/audit?lang=en&entity=justifications"))
    assert "Absence justification · addition" in justifications
    assert "T01 · Ada Lovelace — 11/01/2022" in justifications
    assert "State: awaiting a decision" in justifications
