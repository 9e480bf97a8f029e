"""Generate a realistic cohort as plain rows, from a seeded random generator.

Rows name each other by their natural keys (module code, trainee ref, session date and slot,
assessment code, budget line code), as the CSV files do; operations.py turns them into ids.
Every part of the cohort draws from its own generator, seeded from the seed and the part's name,
so that the same seed always gives the same cohort.
"""

import calendar
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from tracker.attendance import rules as attendance_rules
from tracker.cohorts.rules import is_expected
from tracker.money import round_money

DEMO_SEED = 2021
DEMO_SLUG = "ibm-ai-1"
DEMO_NAME = "Développeur·se d'applications IA — promotion 1"
DEMO_STARTS_ON = date(2021, 10, 4)
FUNDER = "Région Occitanie"
GRANT = Decimal("273000.00")
TRAINEES = 25
ATTENDANCE_THRESHOLD = Decimal("0.80")
SESSION_MINUTES = 210  # a half-day is 3.5 hours
EMAIL_DOMAIN = "demo.tracker.fr"

BLOCKS = {
    "Bloc 1 — Collecter, stocker et préparer les données": [
        ("C01", "Programmer en Python des traitements de données"),
        ("C02", "Concevoir et interroger une base de données relationnelle"),
        ("C03", "Nettoyer, explorer et visualiser un jeu de données"),
    ],
    "Bloc 2 — Concevoir et entraîner des modèles d'intelligence artificielle": [
        ("C04", "Entraîner et évaluer un modèle d'apprentissage automatique"),
        ("C05", "Concevoir et entraîner un réseau de neurones profond"),
        ("C06", "Appliquer l'intelligence artificielle au langage et à l'image"),
    ],
    "Bloc 3 — Développer et déployer une application d'intelligence artificielle": [
        ("C07", "Développer une application et une API web qui exposent un modèle"),
        ("C08", "Déployer un modèle dans le cloud et automatiser sa mise en production"),
        ("C09", "Tester l'application et surveiller le modèle en production"),
    ],
    "Bloc 4 — Conduire un projet d'intelligence artificielle responsable": [
        ("C10", "Évaluer les risques éthiques et réglementaires d'un projet (RGPD, AI Act)"),
        ("C11", "Travailler en équipe selon une méthode agile"),
        ("C12", "Présenter un projet technique à un public non spécialiste"),
    ],
}

SKILLS_MODULE = "M10"  # held on Friday afternoons throughout the course
IMMERSION_MODULE = "M11"  # the trainees are in a company: no remote days, no instructor

# code, title, competencies, share of the days of the main track (None: Friday afternoons)
MODULES = [
    ("M01", "Programmation Python", ["C01"], 0.12),
    ("M02", "Bases de données et SQL", ["C02"], 0.07),
    ("M03", "Analyse et visualisation de données", ["C01", "C03"], 0.08),
    ("M04", "Apprentissage automatique", ["C03", "C04"], 0.11),
    ("M05", "Apprentissage profond", ["C04", "C05"], 0.10),
    ("M06", "Langage naturel et vision par ordinateur", ["C05", "C06"], 0.10),
    ("M07", "Applications web et API", ["C07", "C09"], 0.08),
    ("M08", "Cloud et MLOps", ["C08", "C09"], 0.08),
    ("M09", "IA responsable et RGPD", ["C10"], 0.04),
    (SKILLS_MODULE, "Compétences professionnelles et recherche d'emploi", ["C11", "C12"], None),
    (IMMERSION_MODULE, "Immersion en entreprise", ["C07", "C11", "C12"], 0.10),
    ("M12", "Projet fil rouge", ["C07", "C08", "C10", "C11", "C12"], 0.12),
]

# module: (kind, title, max_score, weight, when as a share of the module's days, competencies)
ASSESSMENTS = {
    "M01": [
        ("quiz", "QCM : syntaxe et structures de données", 20, 1, 0.4, ["C01"]),
        ("project", "Mini-projet : un outil en ligne de commande", 100, 2, 1.0, ["C01"]),
        ("exam", "Examen pratique de Python", 20, 2, 1.0, ["C01"]),
    ],
    "M02": [
        ("quiz", "QCM : le modèle relationnel", 20, 1, 0.5, ["C02"]),
        ("project", "Conception et requêtage d'une base de données", 100, 2, 1.0, ["C02"]),
    ],
    "M03": [
        ("exam", "Examen : pandas et visualisation", 20, 1, 0.6, ["C03"]),
        ("project", "Analyse exploratoire d'un jeu de données ouvert", 100, 2, 1.0, ["C01", "C03"]),
    ],
    "M04": [
        ("quiz", "QCM : apprentissage supervisé", 20, 1, 0.4, ["C04"]),
        ("project", "Prédire le prix des logements (DVF)", 100, 2, 0.9, ["C03", "C04"]),
        ("exam", "Examen d'apprentissage automatique", 20, 2, 1.0, ["C04"]),
    ],
    "M05": [
        ("quiz", "QCM : réseaux de neurones", 20, 1, 0.5, ["C05"]),
        ("project", "Classer des images avec un réseau convolutif", 100, 2, 1.0, ["C04", "C05"]),
    ],
    "M06": [
        ("project", "Un assistant de questions-réponses", 100, 2, 0.5, ["C06"]),
        ("project", "Détection d'objets dans des images", 100, 2, 1.0, ["C05", "C06"]),
        ("oral", "Veille : présentation d'un article de recherche", 20, 1, 0.95, ["C06"]),
    ],
    "M07": [
        ("quiz", "QCM : HTTP et tests automatisés", 20, 1, 0.5, ["C09"]),
        ("project", "Une API REST qui sert un modèle", 100, 2, 1.0, ["C07", "C09"]),
    ],
    "M08": [
        ("exam", "Examen : cloud et conteneurs", 20, 1, 0.6, ["C08"]),
        ("project", "Un pipeline de déploiement continu", 100, 2, 1.0, ["C08", "C09"]),
    ],
    "M09": [
        ("oral", "Débat : biais et équité des modèles", 20, 1, 0.5, ["C10"]),
        ("exam", "Étude de cas RGPD", 20, 1, 1.0, ["C10"]),
    ],
    SKILLS_MODULE: [
        ("project", "CV, portfolio et profil professionnel", 100, 1, 0.3, ["C12"]),
        ("oral", "Simulation d'entretien d'embauche", 20, 1, 0.6, ["C12"]),
        ("oral", "Rétrospective d'équipe agile", 20, 1, 0.85, ["C11"]),
    ],
    IMMERSION_MODULE: [
        ("project", "Rapport d'immersion", 20, 2, 1.0, ["C07", "C11"]),
        ("oral", "Soutenance d'immersion", 20, 1, 1.0, ["C12"]),
    ],
    "M12": [
        ("project", "Projet fil rouge : une application d'IA", 100, 3, 0.9, ["C07", "C08", "C10"]),
        ("oral", "Soutenance devant le jury", 20, 2, 1.0, ["C10", "C11", "C12"]),
    ],
}

# code, label, planned amount: they add up to the grant
BUDGET_LINES = [
    ("PED", "Personnel pédagogique", Decimal("150000.00")),
    ("COO", "Coordination et administration", Decimal("36000.00")),
    ("PRE", "Locaux", Decimal("27000.00")),
    ("EQP", "Équipements et logiciels", Decimal("24000.00")),
    ("CLD", "Services cloud", Decimal("18000.00")),
    ("SUP", "Accompagnement et certification", Decimal("18000.00")),
]

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Julie", "Laura", "Amandine",
    "Nadia", "Aurélie", "Sophie", "Yasmine", "Océane", "Mathilde", "Fatou", "Élodie", "Hugo",
    "Lucas", "Thomas", "Nicolas", "Mehdi", "Julien", "Kevin", "Romain", "Maxime", "Antoine",
    "Karim", "Théo", "Baptiste", "Sébastien", "Alexandre", "Florian", "Yanis", "Mamadou",
    "Quentin", "Jérémy", "Adrien", "Damien",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Roux", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Blanc",
    "Guerin", "Boyer", "Chevalier", "Benali", "Mercier", "Nguyen", "Ferrand", "Fabre", "Maurin",
    "Cabrol", "Bousquet", "Espinasse", "Delmas", "Haddad",
]  # fmt: skip

EXCUSED_REASONS = [
    "Arrêt maladie",
    "Rendez-vous médical",
    "Convocation Pôle emploi",
    "Enfant malade",
    "Démarches administratives (CAF)",
    "Entretien d'embauche",
    "Examen du permis de conduire",
    "Grève des transports (attestation SNCF)",
    "Obsèques d'un proche",
]
HALF_DAY_REASONS = (
    "Rendez-vous médical",
    "Convocation Pôle emploi",
    "Démarches administratives (CAF)",
    "Entretien d'embauche",
    "Examen du permis de conduire",
)
LATE_NOTES = [None, None, None, "Tramway en retard", "TER en retard", "Embouteillages sur l'A9"]
LEFT_EARLY_NOTES = [None, None, "Rendez-vous médical", "Garde d'enfant", "Malaise, rentré·e"]
ABSENT_NOTES = [None, None, None, None, "Sans justificatif", "Injoignable"]
EXIT_REASONS = {"job": "A trouvé un emploi", "health": "Raisons de santé"}
COMMENTS = [
    (16, ["Excellent travail", "Très bonne maîtrise", None]),
    (13, ["Bon travail", "Solide, quelques imprécisions", None]),
    (10, ["Juste, à consolider", "Des bases, à approfondir", None]),
    (0, ["Insuffisant : à retravailler", "Notions non acquises", "Rattrapage conseillé"]),
]
FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


@dataclass
class CohortData:
    """A whole cohort as plain rows that name each other by natural keys."""

    cohort: dict
    competencies: list[dict] = field(default_factory=list)
    modules: list[dict] = field(default_factory=list)
    trainees: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    attendance: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    budget_lines: list[dict] = field(default_factory=list)
    expenses: list[dict] = field(default_factory=list)


@dataclass
class Profile:
    """How a trainee behaves: attendance habits, level, and whether they drift or withdraw."""

    ability: float  # mean score out of 20
    absence: float  # chance of an unjustified day off
    excused: float  # chance of a justified day off
    late: float
    left_early: float
    drift_from: int | None = None  # the teaching day from which attendance declines
    drift_peak: float = 0.0  # the extra chance of a day off once the drift is complete
    leaves_at: int | None = None  # the teaching day of the withdrawal
    leaves_for: str | None = None  # "job" or "health"


def default_ends_on(starts_on: date) -> date:
    """Return the last day of the 18th month of a course starting on starts_on."""
    year, month = divmod(starts_on.month - 1 + 17, 12)
    year += starts_on.year
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def breaks(starts_on: date, ends_on: date) -> list[tuple[date, date]]:
    """Return the winter and summer breaks (first and last day) between two dates."""
    found = []
    for year in range(starts_on.year - 1, ends_on.year + 1):
        before_christmas = date(year, 12, 23)
        winter_start = before_christmas - timedelta(days=(before_christmas.weekday() - 5) % 7)
        new_year = date(year + 1, 1, 1)
        winter_end = new_year + timedelta(days=(6 - new_year.weekday()) % 7)
        august = date(year, 8, 1)
        summer_start = august - timedelta(days=(august.weekday() - 5) % 7)
        summer_end = summer_start + timedelta(days=22)  # three weeks, weekend to weekend
        for first, last in ((summer_start, summer_end), (winter_start, winter_end)):
            if first <= ends_on and last >= starts_on:
                found.append((first, last))
    return sorted(found)


def teaching_days(starts_on: date, ends_on: date) -> list[date]:
    """Return the working days between two dates, without French public holidays and breaks."""
    public_holidays = attendance_rules.public_holidays(starts_on, ends_on)
    off = breaks(starts_on, ends_on)
    days = []
    day = starts_on
    while day <= ends_on:
        if (
            day.weekday() < 5
            and day not in public_holidays
            and not any(first <= day <= last for first, last in off)
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def generate(
    *,
    seed: int | str = DEMO_SEED,
    slug: str = DEMO_SLUG,
    name: str = DEMO_NAME,
    starts_on: date = DEMO_STARTS_ON,
    ends_on: date | None = None,
) -> CohortData:
    """Generate a cohort of 25 trainees over about 18 months, the same for the same arguments."""
    ends_on = ends_on or default_ends_on(starts_on)
    days = teaching_days(starts_on, ends_on)
    if len(days) < 100:
        raise ValueError("a generated cohort needs at least 100 teaching days")

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    data = CohortData(
        cohort={
            "slug": slug,
            "name": name,
            "funder": FUNDER,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "grant_amount": GRANT,
            "contracted_trainees": TRAINEES,
            "attendance_threshold": ATTENDANCE_THRESHOLD,
        }
    )
    data.competencies = [
        {"code": code, "title": title, "block": block}
        for block, competencies in BLOCKS.items()
        for code, title in competencies
    ]
    data.sessions = _timetable(days, rng("timetable"))
    data.modules = _modules(data.sessions)
    data.cohort["planned_minutes_per_trainee"] = sum(m["planned_minutes"] for m in data.modules)
    data.trainees, profiles = _trainees(days, rng("trainees"))
    data.attendance = _attendance(days, data.sessions, data.trainees, profiles, rng("attendance"))
    data.assessments = _assessments(data.sessions)
    data.results = _results(days, data.assessments, data.trainees, profiles, rng("results"))
    data.budget_lines = [
        {"code": code, "label": label, "planned_amount": amount}
        for code, label, amount in BUDGET_LINES
    ]
    data.expenses = _expenses(data, rng("expenses"))
    return data


def _timetable(days: list[date], rng: random.Random) -> list[dict]:
    """Give each half-day to a module: the main track in order, Friday afternoons to skills."""
    main_track = [code for code, _, _, share in MODULES if share is not None]
    shares = [share for *_, share in MODULES if share is not None]
    boundaries, total = [], 0.0
    for share in shares:
        total += share
        boundaries.append(round(total / sum(shares) * len(days)))
    sessions = []
    module_index = 0
    for index, day in enumerate(days):
        while index >= boundaries[module_index]:
            module_index += 1
        module = main_track[module_index]
        for slot in ("AM", "PM"):
            slot_module = module
            if slot == "PM" and day.weekday() == 4 and module != IMMERSION_MODULE:
                slot_module = SKILLS_MODULE
            # Wednesdays are taught remotely once the trainees have their bearings.
            remote = day.weekday() == 2 and module_index >= 2 and module != IMMERSION_MODULE
            if slot_module != IMMERSION_MODULE and rng.random() < 0.02:
                remote = True  # a strike, a snow day: the instructor teaches from home
            sessions.append(
                {
                    "date": day,
                    "slot": slot,
                    "module": slot_module,
                    "minutes": SESSION_MINUTES,
                    "kind": "remote" if remote else "classroom",
                }
            )
    return sessions


def _modules(sessions: list[dict]) -> list[dict]:
    """Describe the modules, their dates and planned minutes taken from the timetable."""
    modules = []
    for code, title, competencies, _ in MODULES:
        dates = [s["date"] for s in sessions if s["module"] == code]
        modules.append(
            {
                "code": code,
                "title": title,
                "planned_minutes": sum(s["minutes"] for s in sessions if s["module"] == code),
                "starts_on": min(dates),
                "ends_on": max(dates),
                "pass_mark": 10.0,
                "competencies": competencies,
            }
        )
    return modules


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-").replace("'", "")


def _trainees(days: list[date], rng: random.Random) -> tuple[list[dict], dict[str, Profile]]:
    """Name the trainees and decide who drifts away and who withdraws."""
    first_names = rng.sample(FIRST_NAMES, TRAINEES)
    last_names = rng.sample(LAST_NAMES, TRAINEES)
    refs = [f"T{number:02d}" for number in range(1, TRAINEES + 1)]
    # T01 and T02 have demo accounts: keep them steady, so that their pages show a whole course.
    withdrawing = rng.sample(refs[2:], 2)
    drifting = rng.sample([ref for ref in refs[2:] if ref not in withdrawing], 3)
    late_enrolment = rng.choice([ref for ref in refs[2:] if ref not in withdrawing])
    trainees, profiles = [], {}
    for ref, first_name, last_name in zip(refs, first_names, last_names, strict=True):
        profile = Profile(
            ability=min(18.0, max(10.0, rng.gauss(13.5, 1.8))),
            absence=rng.uniform(0.003, 0.025),
            excused=rng.uniform(0.008, 0.03),
            late=rng.uniform(0.01, 0.06),
            left_early=rng.uniform(0.004, 0.02),
        )
        if ref in drifting:
            profile.drift_from = rng.randint(int(len(days) * 0.3), int(len(days) * 0.6))
            profile.drift_peak = rng.uniform(0.3, 0.5)
            profile.ability -= 1.0
        left_on = exit_reason = None
        if ref in withdrawing:
            profile.leaves_for = "health" if ref == withdrawing[0] else "job"
            low, high = (0.25, 0.4) if profile.leaves_for == "health" else (0.5, 0.65)
            profile.leaves_at = rng.randint(int(len(days) * low), int(len(days) * high))
            left_on = days[profile.leaves_at]
            exit_reason = EXIT_REASONS[profile.leaves_for]
        profiles[ref] = profile
        trainees.append(
            {
                "ref": ref,
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{_ascii(first_name)}.{_ascii(last_name)}@{EMAIL_DOMAIN}",
                "enrolled_on": days[8] if ref == late_enrolment else days[0],
                "left_on": left_on,
                "exit_reason": exit_reason,
            }
        )
    return trainees, profiles


def _expected(trainee: dict, day: date) -> bool:
    return is_expected(day, trainee["enrolled_on"], trainee["left_on"])


def _drift(profile: Profile, day_index: int, days: int) -> float:
    """Return how far a drifting trainee has drifted by a day, from 0 to 1."""
    if profile.drift_from is None or day_index < profile.drift_from:
        return 0.0
    return min(1.0, (day_index - profile.drift_from) / (days * 0.2))


def _recorded_at(day: date, slot: str, rng: random.Random) -> datetime:
    """Return when the roll call was taken: early in the half-day, in UTC."""
    start = time(7, 50) if slot == "AM" else time(12, 20)
    taken = datetime.combine(day, start, tzinfo=UTC)
    return taken + timedelta(minutes=rng.randint(0, 40))


def _attendance(
    days: list[date],
    sessions: list[dict],
    trainees: list[dict],
    profiles: dict[str, Profile],
    rng: random.Random,
) -> list[dict]:
    """Take the roll call of every session, but for a handful that were never taken."""
    unrecorded = set(rng.sample(range(len(sessions)), 6))
    by_day: dict[date, list[tuple[int, dict]]] = {}
    for index, session in enumerate(sessions):
        by_day.setdefault(session["date"], []).append((index, session))
    # A day off may last several days: the status and note carry over while the count runs.
    carry: dict[str, tuple[str, str | None, int]] = {}
    records = []
    for day_index, day in enumerate(days):
        day_sessions = by_day[day]
        taken_at = {index: _recorded_at(day, s["slot"], rng) for index, s in day_sessions}
        for trainee in trainees:
            if not _expected(trainee, day):
                continue
            ref = trainee["ref"]
            day_off = _day_off(profiles[ref], day_index, len(days), carry.get(ref), rng)
            if day_off is not None and day_off[2] > 1:
                carry[ref] = (day_off[0], day_off[1], day_off[2] - 1)
            else:
                carry.pop(ref, None)
            half_day = (
                day_off is not None
                and day_off[2] == 1
                and (day_off[0] == "absent" or day_off[1] in HALF_DAY_REASONS)
                and rng.random() < 0.4
            )
            off_slot = rng.choice(("AM", "PM")) if half_day else None
            for index, session in day_sessions:
                status, minutes_missed, note = "present", 0, None
                if day_off is not None and off_slot in (None, session["slot"]):
                    status, note = day_off[0], day_off[1]
                else:
                    status, minutes_missed, note = _came(profiles[ref], session["slot"], rng)
                if index in unrecorded:
                    continue
                records.append(
                    {
                        "date": day,
                        "slot": session["slot"],
                        "trainee": ref,
                        "status": status,
                        "minutes_missed": minutes_missed,
                        "note": note,
                        "recorded_at": taken_at[index],
                    }
                )
    return records


def _day_off(
    profile: Profile,
    day_index: int,
    days: int,
    carried: tuple[str, str | None, int] | None,
    rng: random.Random,
) -> tuple[str, str | None, int] | None:
    """Decide whether a trainee misses a day: (status, note, days left including this one)."""
    if carried is not None:
        return carried
    if profile.leaves_at is not None:
        before_leaving = profile.leaves_at - day_index
        if profile.leaves_for == "health" and before_leaving < 12:
            return ("excused", "Arrêt maladie", 1)
        if profile.leaves_for == "job" and before_leaving < 20 and rng.random() < 0.12:
            return ("excused", "Entretien d'embauche", 1)
    drift = _drift(profile, day_index, days)
    draw = rng.random()
    absence = profile.absence + drift * profile.drift_peak
    if draw < absence:
        length = rng.choice((1, 1, 2, 3, 4)) if drift else 1
        return ("absent", rng.choice(ABSENT_NOTES), length)
    if draw < absence + profile.excused:
        reason = rng.choice(EXCUSED_REASONS)
        length = rng.choice((1, 2, 3, 5)) if reason == "Arrêt maladie" else 1
        return ("excused", reason, length)
    return None


def _came(profile: Profile, slot: str, rng: random.Random) -> tuple[str, int, str | None]:
    """Decide how a trainee who came spent the half-day: (status, minutes missed, note)."""
    draw = rng.random()
    late = profile.late if slot == "AM" else profile.late / 3
    if draw < late:
        minutes = rng.choice((5, 5, 10, 10, 15, 15, 20, 30, 45, 60, 90))
        return ("late", minutes, rng.choice(LATE_NOTES))
    left_early = profile.left_early if slot == "PM" else profile.left_early / 3
    if draw < late + left_early:
        return ("left_early", rng.choice((30, 45, 60, 90, 120)), rng.choice(LEFT_EARLY_NOTES))
    return ("present", 0, None)


def _assessments(sessions: list[dict]) -> list[dict]:
    """Date each module's assessments on days of that module."""
    assessments = []
    for code, *_ in MODULES:
        dates = sorted({s["date"] for s in sessions if s["module"] == code})
        for number, (kind, title, max_score, weight, when, competencies) in enumerate(
            ASSESSMENTS[code], start=1
        ):
            assessments.append(
                {
                    "code": f"{code}-{number}",
                    "module": code,
                    "title": title,
                    "date": dates[min(len(dates) - 1, int(when * len(dates)))],
                    "kind": kind,
                    "max_score": float(max_score),
                    "weight": float(weight),
                    "competencies": competencies,
                }
            )
    return assessments


def _results(
    days: list[date],
    assessments: list[dict],
    trainees: list[dict],
    profiles: dict[str, Profile],
    rng: random.Random,
) -> list[dict]:
    """Score every trainee expected on the day of each assessment."""
    day_index = {day: index for index, day in enumerate(days)}
    bonus = {"project": 0.6, "oral": 0.4, "quiz": 0.0, "exam": -0.6}
    results = []
    for assessment in assessments:
        for trainee in trainees:
            if not _expected(trainee, assessment["date"]):
                continue
            profile = profiles[trainee["ref"]]
            drift = _drift(profile, day_index[assessment["date"]], len(days))
            out_of_20 = rng.gauss(profile.ability + bonus[assessment["kind"]] - 6 * drift, 2.0)
            out_of_20 = min(20.0, max(0.0, out_of_20))
            maximum = assessment["max_score"]
            step = 0.5 if maximum <= 20 else 1.0
            score = min(maximum, round(out_of_20 / 20 * maximum / step) * step)
            comment = next(choices for floor, choices in COMMENTS if out_of_20 >= floor)
            results.append(
                {
                    "assessment": assessment["code"],
                    "trainee": trainee["ref"],
                    "score": score,
                    "max_score": maximum,
                    "comment": rng.choice(comment),
                }
            )
    return results


def _months(starts_on: date, ends_on: date) -> list[tuple[int, int]]:
    months, year, month = [], starts_on.year, starts_on.month
    while (year, month) <= (ends_on.year, ends_on.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _invoice_date(year: int, month: int, ends_on: date) -> date:
    return min(date(year, month, calendar.monthrange(year, month)[1]), ends_on)


def _spread(total: Decimal, weights: list[float], rng: random.Random) -> list[Decimal]:
    """Split an amount over months in proportion to weights, with a little noise."""
    whole = sum(weights)
    return [
        round_money(total * Decimal(str(weight / whole * rng.uniform(0.96, 1.04))))
        for weight in weights
    ]


def _expenses(data: CohortData, rng: random.Random) -> list[dict]:
    """Invoice the budget lines month by month, ending a little under the grant."""
    starts_on, ends_on = data.cohort["starts_on"], data.cohort["ends_on"]
    months = _months(starts_on, ends_on)
    planned = {row["code"]: row["planned_amount"] for row in data.budget_lines}
    taught = dict.fromkeys(months, 0)
    computing = dict.fromkeys(months, 0.0)
    heavy = {"M05": 3.0, "M06": 3.0, "M08": 2.5, "M12": 2.0, "M04": 1.5}
    for session in data.sessions:
        month = (session["date"].year, session["date"].month)
        if session["module"] != IMMERSION_MODULE:
            taught[month] += 1
        computing[month] += heavy.get(session["module"], 0.5)
    present = {
        month: sum(
            1
            for t in data.trainees
            if _expected(t, date(*month, 1)) or _expected(t, _invoice_date(*month, ends_on))
        )
        for month in months
    }
    expenses: list[dict] = []

    def invoice(
        line: str,
        month: tuple[int, int],
        amount: Decimal,
        what: str,
        supplier: str,
        prefix: str,
        number: int = 1,
    ) -> None:
        if amount <= 0:
            return
        year, month_number = month
        expenses.append(
            {
                "date": _invoice_date(year, month_number, ends_on),
                "line": line,
                "amount": amount,
                "description": f"{what} — {FRENCH_MONTHS[month_number - 1]} {year}",
                "supplier": supplier,
                "reference": f"{prefix}-{year}{month_number:02d}-{number:03d}",
            }
        )

    def factor(low: float, high: float) -> Decimal:
        return Decimal(str(round(rng.uniform(low, high), 4)))

    teaching = [month for month in months if taught[month]]
    for month, amount in zip(
        teaching,
        _spread(planned["PED"] * factor(0.95, 0.99), [taught[m] for m in teaching], rng),
        strict=True,
    ):
        invoice("PED", month, amount, "Formateurs et formatrices", "Numeria Conseil SAS", "NUM")
    coordination = round_money(planned["COO"] * factor(0.95, 0.99) / len(months))
    rent = round_money(planned["PRE"] * factor(0.96, 1.0) / len(months))
    for month in months:
        invoice(
            "COO",
            month,
            coordination,
            "Coordination pédagogique et suivi administratif",
            "Cap Innovation Montpellier",
            "CAP",
            1,
        )
        invoice(
            "PRE",
            month,
            rent,
            "Location de la salle de formation",
            "Cap Innovation Montpellier",
            "CAP",
            2,
        )
    laptops = round_money(Decimal(TRAINEES) * Decimal("629.00") * factor(0.97, 1.03))
    invoice(
        "EQP",
        months[0],
        laptops,
        f"{TRAINEES} ordinateurs portables",
        "Informatique du Midi SARL",
        "IDM",
    )
    for month in months[::3]:
        licences = round_money(Decimal("1150.00") * factor(0.95, 1.05))
        invoice(
            "EQP",
            month,
            licences,
            "Licences logicielles (trimestre)",
            "Logiciels Pro Occitanie",
            "LPO",
        )
    for month, amount in zip(
        months,
        _spread(planned["CLD"] * factor(0.85, 0.97), [computing[m] for m in months], rng),
        strict=True,
    ):
        invoice(
            "CLD",
            month,
            amount,
            "Consommation cloud (GPU et stockage)",
            "Nuage Souverain SAS",
            "NSV",
        )
    for month in months:
        passes = Decimal(present[month]) * Decimal("24.00")
        invoice(
            "SUP",
            month,
            passes,
            "Abonnements de transport des stagiaires",
            "Transports de l'agglomération",
            "TRA",
        )
    certification = Decimal(present[months[-1]]) * Decimal("300.00")
    invoice(
        "SUP",
        months[-1],
        certification,
        "Frais d'examen de certification",
        "Certification Numérique France",
        "CNF",
    )
    return sorted(expenses, key=lambda row: (row["date"], row["line"], row["reference"]))
