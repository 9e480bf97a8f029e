"""Generate how the demo's half-days were signed, as plain rows, from the generated cohort.

Its own random generators, seeded from the seed and a part's name, leave the cohort's other
draws as they were: the demo's figures do not change. What it makes:

- each trainee's hand: a few strokes of joined curves (an initial, the name's loops, a
  flourish), drawn again at each half-day with slight differences, as a hand does (courts refuse
  "chain" signatures, identical from one half-day to the next);
- a signature for every presence (present, late, left early) but those of the weeks signed on
  paper and a handful that the trainee forgot, which the instructor explains (or not) in the
  mark's note: the disagreements the officers see;
- the weeks signed on paper, with what their scanned sheet shows;
- a few absence justifications in each state: accepted (for marks already excused with that
  reason), refused with a reason, and pending.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tracker.demo.generate import CohortData
from tracker.signing.rules import ATTENDED
from tracker.timeutil import COURSE_TIME_ZONE

# Points drawn along each curve between two of its control points (Catmull-Rom spline).
POINTS_PER_SPAN = 2
# Where the trainees' phones sign from: the centre's Wi-Fi, or home (documentation addresses).
CENTRE_NETWORK = "10.34.12."
HOME_NETWORKS = ("198.51.100.", "203.0.113.")
PHONES = (
    "Mozilla/5.0 (Linux; Android 11; SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/96.0.4664.104 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 15_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/15.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 12; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/98.0.4758.87 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; Redmi Note 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/16.0 Chrome/92.0.4515.166 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/14.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 11; moto g(30)) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/97.0.4692.98 Mobile Safari/537.36",
)
INSTRUCTOR_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:95.0) Gecko/20100101 Firefox/95.0"
)

# The presences a trainee forgot to sign, and the instructor's note on each mark (None: none).
FORGOTTEN_NOTES = (
    "Téléphone déchargé : présence constatée par le formateur",
    "Code expiré au moment de signer, présence constatée par le formateur",
    "Téléphone en réparation, a signé la feuille de secours",
    "Oubli de signature, présent·e toute la demi-journée",
    None,
    None,
)
PAPER_WEEKS_DRAWN = 2
JUSTIFIED_REASONS = ("Arrêt maladie", "Rendez-vous médical", "Convocation Pôle emploi")
REFUSED = (
    ("Panne de réveil", "Ce motif ne justifie pas une absence selon le règlement de la formation."),
    (
        "Voiture en panne",
        "Aucun justificatif du garage ; le trajet était possible en transports en commun.",
    ),
)
PENDING_REASON = "Rendez-vous médical urgent (certificat joint)"

Hand = list[list[tuple[float, float]]]


@dataclass(frozen=True)
class PaperWeek:
    """A week signed on paper: its half-days and, per trainee, the marks its sheet shows."""

    monday: date
    half_days: list[tuple[date, str]]
    # (ref, name, the trainee's status at each half-day; None where not expected)
    lines: list[tuple[str, str, list[str | None]]]


@dataclass
class DemoSigning:
    """How the generated cohort's half-days were signed."""

    signatures: list[dict] = field(default_factory=list)
    # Presences left unsigned on purpose, by (date, slot, ref), with the mark's note.
    forgotten: dict[tuple[date, str, str], str | None] = field(default_factory=dict)
    paper_weeks: list[PaperWeek] = field(default_factory=list)
    justifications: list[dict] = field(default_factory=list)
    instructor_strokes: str = ""

    def with_notes(self, attendance: list[dict]) -> list[dict]:
        """Return the marks with the instructor's notes on the forgotten signatures."""
        return [
            row | {"note": self.forgotten[key]}
            if (key := (row["date"], row["slot"], row["trainee"])) in self.forgotten
            else row
            for row in attendance
        ]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def generate_signing(
    data: CohortData,
    *,
    seed: int | str,
    code_seconds: int,
    starts: dict[str, time],
) -> DemoSigning:
    """Sign the generated cohort's half-days: the same for the same cohort and seed.

    `starts` gives when mornings and afternoons start (the cohort's times); `code_seconds` the
    length of the room code's time steps.
    """

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}:signing:{part}")

    signing = DemoSigning()
    kinds = {(s["date"], s["slot"]): s["kind"] for s in data.sessions}
    mondays = sorted({monday_of(day) for day, _slot in kinds})
    on_paper = {mondays[0], *rng("paper").sample(mondays[4:-4], PAPER_WEEKS_DRAWN)}
    signing.paper_weeks = _paper_weeks(data, sorted(on_paper))
    paper_days = {day for day, _slot in kinds if monday_of(day) in on_paper}

    attended = [
        row
        for row in data.attendance
        if row["status"] in ATTENDED and row["date"] not in paper_days
    ]
    forgettable = [
        row
        for row in attended
        if row["status"] == "present"
        and kinds[row["date"], row["slot"]] == "classroom"
        and row["date"] >= mondays[1]
    ]
    for row, note in zip(
        rng("forgotten").sample(forgettable, len(FORGOTTEN_NOTES)), FORGOTTEN_NOTES, strict=True
    ):
        signing.forgotten[row["date"], row["slot"], row["trainee"]] = note

    refs = [t["ref"] for t in data.trainees]
    hands_rng = rng("hands")
    hands = {ref: _hand(hands_rng) for ref in refs}
    phones = {ref: PHONES[hands_rng.randrange(len(PHONES))] for ref in refs}
    signed_by: dict[str, list[dict]] = defaultdict(list)
    homes = {ref: f"{HOME_NETWORKS[index % 2]}{17 + index * 9}" for index, ref in enumerate(refs)}
    hosts = {ref: index for index, ref in enumerate(refs)}
    # Each half-day's start in UTC, and the week of its day (a phone's Wi-Fi lease).
    started = {
        key: datetime.combine(key[0], starts[key[1]], tzinfo=COURSE_TIME_ZONE).astimezone(UTC)
        for key in kinds
    }
    weeks = {day: day.isocalendar()[1] for day, _slot in kinds}
    draws = rng("signatures")
    for row in attended:
        key = (row["date"], row["slot"], row["trainee"])
        if key in signing.forgotten:
            continue
        ref = row["trainee"]
        if row["status"] == "late":
            after = row["minutes_missed"] * 60 + int(draws.random() * 180)
        else:
            after = 30 + int(draws.random() * 450)
        signed_at = started[row["date"], row["slot"]] + timedelta(seconds=after)
        remote = kinds[row["date"], row["slot"]] == "remote"
        week = weeks[row["date"]]
        signature = {
            "date": row["date"],
            "slot": row["slot"],
            "trainee": ref,
            "signed_at": signed_at,
            # A phone's address on the centre's Wi-Fi changes with its weekly lease.
            "address": homes[ref]
            if remote
            else f"{CENTRE_NETWORK}{20 + (hosts[ref] * 37 + week * 11) % 230}",
            "user_agent": phones[ref],
            # A remote half-day is signed from the trainee's home page, without a code.
            "time_step": None if remote else int(signed_at.timestamp()) // code_seconds,
        }
        signing.signatures.append(signature)
        signed_by[ref].append(signature)
    for ref, signatures in signed_by.items():
        drawings = _drawings(hands[ref], len(signatures), rng(f"strokes:{ref}"))
        for signature, strokes in zip(signatures, drawings, strict=True):
            signature["strokes"] = strokes
    instructor = rng("instructor")
    signing.instructor_strokes = _drawings(_hand(instructor), 1, instructor)[0]
    signing.justifications = _justifications(data, rng("justifications"))
    return signing


# ---------------------------------------------------------------------------------------------
# Handwriting


def _hand(rng: random.Random) -> Hand:
    """Draw a hand's signature as the control points of its strokes, on a pad three times as
    wide as high: an initial, the name's letters joined up, then a flourish or a dot."""
    left = rng.uniform(0.06, 0.12)
    base = rng.uniform(0.62, 0.72)  # where the letters sit (y grows downwards)
    tall = rng.uniform(0.42, 0.55)  # the initial's height
    wide = rng.uniform(0.07, 0.11)  # the initial's width (a third of the height looks round)
    shape = rng.choice(("loop", "round", "hook"))
    if shape == "loop":  # an L or a D: up, over, back down through the middle
        initial = [
            (left + wide * 0.2, base),
            (left, base - tall),
            (left + wide, base - tall * 0.85),
            (left + wide * 0.5, base - tall * 0.45),
            (left + wide * 1.3, base - 0.02),
        ]
    elif shape == "round":  # a C or an O, left open
        initial = [
            (left + wide, base - tall * 0.9),
            (left + wide * 0.3, base - tall),
            (left, base - tall * 0.5),
            (left + wide * 0.4, base),
            (left + wide * 1.2, base - tall * 0.25),
        ]
    else:  # a J or an S: a hook below the line
        initial = [
            (left + wide * 0.3, base - tall),
            (left + wide, base - tall * 0.95),
            (left + wide * 0.7, base - tall * 0.3),
            (left + wide * 0.2, base + 0.1),
            (left, base - 0.05),
        ]
    # The name: letters joined up, each a hump (n), a tall loop (l) or a cup (u).
    x = left + wide * 1.6
    size = rng.uniform(0.035, 0.06)  # a letter's width
    small = rng.uniform(0.12, 0.22)  # a small letter's height
    name = [(x, base - rng.uniform(0.0, 0.04))]
    for _letter in range(rng.randint(3, 5)):
        kind = rng.choice("nnnluu")
        top = base - small * rng.uniform(0.8, 1.2) * (2.2 if kind == "l" else 1)
        if kind == "u":
            name += [(x + size * 0.3, top), (x + size * 0.7, base + 0.02)]
        else:
            name += [(x + size * 0.5, top), (x + size, base - 0.01)]
        x += size
    strokes = [initial, name]
    if rng.random() < 0.7:  # a flourish under the name
        strokes.append(
            [
                (left + rng.uniform(0.0, 0.05), base + rng.uniform(0.12, 0.18)),
                ((left + x) / 2, base + rng.uniform(0.14, 0.22)),
                (min(0.92, x + rng.uniform(0.02, 0.08)), base + rng.uniform(0.0, 0.1)),
            ]
        )
    else:  # the dot of an i, a short stroke
        dot = (left + wide * 1.6 + size * rng.randint(1, 3), base - small * 2)
        strokes.append([dot, (dot[0] + 0.008, dot[1] - 0.02)])
    return strokes


# The weights of four control points at each point drawn along a Catmull-Rom span.
_WEIGHTS = [
    (
        (-(t**3) + 2 * t**2 - t) / 2,
        (3 * t**3 - 5 * t**2 + 2) / 2,
        (-3 * t**3 + 4 * t**2 + t) / 2,
        (t**3 - t**2) / 2,
    )
    for t in (step / POINTS_PER_SPAN for step in range(POINTS_PER_SPAN))
]
# A coordinate in thousandths as JSON writes the float (tracker.signing.strokes.stored).
_THOUSANDTHS = [repr(value / 1000) for value in range(1001)]


def _spline(controls: int):
    """Return the matrix that draws the points of a Catmull-Rom curve through so many control
    points (the ends repeated), POINTS_PER_SPAN to a span, and the last point."""
    import numpy  # the demo's drawing only: numpy loads in a tenth of a second

    rows = []
    for index in range(controls - 1):
        around = (max(index - 1, 0), index, index + 1, min(index + 2, controls - 1))
        for weights in _WEIGHTS:
            row = [0.0] * controls
            for control, weight in zip(around, weights, strict=True):
                row[control] += weight
            rows.append(row)
    rows.append([0.0] * (controls - 1) + [1.0])
    return numpy.array(rows)


def _drawings(hand: Hand, count: int, rng: random.Random) -> list[str]:
    """Draw a hand's signature so many times, each slightly moved, scaled, slanted and shaky,
    paced at its own speed, as the JSON strokes kept (tracker.signing.strokes.stored).

    Points are computed for all the drawings at once (numpy): some 15,000 signatures take a
    few tenths of a second.
    """
    import numpy

    controls = sum(len(stroke) for stroke in hand)
    draws = numpy.array([rng.random() for _ in range(count * (5 + 2 * controls))])
    draws = draws.reshape(count, 5 + 2 * controls) - 0.5
    dx, dy = draws[:, 0:1] * 0.06, draws[:, 1:2] * 0.08
    scale, slant = 1 + draws[:, 2:3] * 0.12, draws[:, 3:4] * 0.05
    pace = 19 + draws[:, 4:5] * 10  # milliseconds between two points
    strokes = []
    column = 5
    for stroke in hand:
        size = len(stroke)
        base = numpy.array(stroke)
        # The hand shakes: each control point moves a little, more up and down.
        x = base[:, 0] + draws[:, column : column + size] * 0.012
        y = base[:, 1] + draws[:, column + size : column + 2 * size] * 0.05
        column += 2 * size
        # In thousandths of the pad, moved, scaled about its centre and slanted.
        x = 500 + ((x - 0.5) * scale + slant * (0.5 - y) + dx) * 1000
        y = 500 + ((y - 0.5) * scale + dy) * 1000
        spline = _spline(size).T
        xs = numpy.clip(numpy.rint(x @ spline), 5, 995).astype(int).tolist()
        ys = numpy.clip(numpy.rint(y @ spline), 5, 995).astype(int).tolist()
        times = (numpy.arange(spline.shape[1]) * pace).astype(int).tolist()
        table = _THOUSANDTHS
        strokes.append(
            [
                "["
                + ",".join(
                    [f"[{table[a]},{table[b]},{t}]" for a, b, t in zip(px, py, pt, strict=True)]
                )
                + "]"
                for px, py, pt in zip(xs, ys, times, strict=True)
            ]
        )
    return ["[" + ",".join(parts) + "]" for parts in zip(*strokes, strict=True)]


# ---------------------------------------------------------------------------------------------
# Weeks on paper


def _paper_weeks(data: CohortData, mondays: list[date]) -> list[PaperWeek]:
    """Describe the sheets of the weeks signed on paper: their half-days and marks."""
    weeks = []
    marks = {(r["date"], r["slot"], r["trainee"]): r["status"] for r in data.attendance}
    for monday in mondays:
        half_days = sorted(
            (s["date"], s["slot"]) for s in data.sessions if monday_of(s["date"]) == monday
        )
        lines = []
        for trainee in data.trainees:
            statuses = [marks.get((day, slot, trainee["ref"])) for day, slot in half_days]
            if any(status is not None for status in statuses):
                name = f"{trainee['last_name'].upper()} {trainee['first_name']}"
                lines.append((trainee["ref"], name, statuses))
        weeks.append(PaperWeek(monday, half_days, lines))
    return weeks


# ---------------------------------------------------------------------------------------------
# Justifications


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """Return an instant of a day in the course's time zone, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=COURSE_TIME_ZONE).astimezone(UTC)


def _justifications(data: CohortData, rng: random.Random) -> list[dict]:
    """Make a few justifications in each state, for marks that agree with them."""
    by_trainee: dict[str, list[dict]] = defaultdict(list)
    for row in sorted(data.attendance, key=lambda r: (r["date"], r["slot"])):
        by_trainee[row["trainee"]].append(row)
    # Runs of excused half-days in a row with the same reason: each is one accepted declaration.
    runs: list[list[dict]] = []
    for rows in by_trainee.values():
        run: list[dict] = []
        for row in rows:
            if row["status"] == "excused" and row["note"] in JUSTIFIED_REASONS:
                if run and run[-1]["note"] != row["note"]:
                    runs.append(run)
                    run = []
                run.append(row)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    justifications = []
    accepted_trainees = set()
    for run in rng.sample(runs, len(runs)):
        if len(accepted_trainees) == 3:
            break
        if run[0]["trainee"] in accepted_trainees:
            continue
        accepted_trainees.add(run[0]["trainee"])
        declared = _at(run[-1]["date"] + timedelta(days=1), 8, rng.randint(0, 50))
        justifications.append(
            _justified(run, run[0]["note"], declared)
            | {
                "state": "accepted",
                "decided_at": declared + timedelta(hours=rng.randint(2, 50)),
                "decision_reason": None,
                "attachment": "certificate",
            }
        )
    # Unjustified absences of the course's second half: the latest ones wait for a decision.
    days = sorted({s["date"] for s in data.sessions})
    second_half = days[len(days) // 2]
    absences = sorted(
        (r for r in data.attendance if r["status"] == "absent" and r["date"] >= second_half),
        key=lambda r: (r["date"], r["slot"], r["trainee"]),
    )
    for row, (reason, refusal) in zip(
        rng.sample(absences[: len(absences) // 2], len(REFUSED)), REFUSED, strict=True
    ):
        declared = _at(row["date"], 18, rng.randint(0, 59))
        justifications.append(
            _justified([row], reason, declared)
            | {
                "state": "refused",
                "decided_at": declared + timedelta(hours=rng.randint(14, 40)),
                "decision_reason": refusal,
                "attachment": None,
            }
        )
    for row in absences[-2:]:
        declared = _at(row["date"] + timedelta(days=1), 7, rng.randint(30, 59))
        justifications.append(
            _justified([row], PENDING_REASON, declared)
            | {
                "state": "pending",
                "decided_at": None,
                "decision_reason": None,
                "attachment": "appointment",
            }
        )
    return justifications


def _justified(rows: list[dict], reason: str, declared_at: datetime) -> dict:
    """Return what a justification of some half-days in a row says, declared at an instant."""
    return {
        "trainee": rows[0]["trainee"],
        "first_day": rows[0]["date"],
        "first_slot": rows[0]["slot"],
        "last_day": rows[-1]["date"],
        "last_slot": rows[-1]["slot"],
        "reason": reason,
        "declared_at": declared_at,
    }
