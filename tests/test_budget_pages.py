"""The budget pages: figures equal to the metrics', the expenses and their filters, the
administration of expenses and lines with every refusal, and the upload of an expenses file."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from tracker import timeutil
from tracker.budget import operations
from tracker.budget.forms import BudgetLineForm
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.i18n import money, rate
from tracker.metrics.loading import cohort_metrics

pytestmark = pytest.mark.usefixtures("without_csrf")


AS_OF = date(2022, 6, 30)
# Babel's French way: a narrow no-break space between thousands, a no-break space before €.
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def budget(app, world) -> dict[str, int]:
    """Add to the world's PED line and expense (31/01/2022, 12 500,50 €) two more lines and
    expenses on both sides of AS_OF, and a line and an expense of the other cohort.

    Returns the ids of the expenses by name.
    """
    with app.app_context():
        alpha = cohort(app, "alpha")
        beta = cohort(app, "beta")
        ped = db.session.scalar(select(BudgetLine).where(BudgetLine.code == "PED"))
        eqp = BudgetLine(
            cohort_id=alpha.id, code="EQP", label="Équipement", planned_amount=Decimal("20000")
        )
        fra = BudgetLine(
            cohort_id=alpha.id, code="FRA", label="Frais divers", planned_amount=Decimal(0)
        )
        other = BudgetLine(
            cohort_id=beta.id, code="PED", label="Pédagogie", planned_amount=Decimal("90000")
        )
        db.session.add_all([eqp, fra, other])
        db.session.flush()
        expenses = {
            "laptops": Expense(
                budget_line_id=eqp.id,
                date=date(2022, 3, 15),
                amount=Decimal("1499.99"),
                description="Ordinateurs portables",
                supplier="Dell",
                reference="INV-7",
            ),
            "cables": Expense(
                budget_line_id=eqp.id,
                date=date(2022, 6, 1),
                amount=Decimal("35.00"),
                description="Câbles",
            ),
            "september": Expense(
                budget_line_id=ped.id,
                date=date(2022, 9, 1),
                amount=Decimal("1000.00"),
                description="Formateurs septembre",
                supplier="IT Company",
                reference="F-009",
            ),
            "beta": Expense(
                budget_line_id=other.id,
                date=date(2023, 2, 1),
                amount=Decimal("777.00"),
                description="Autre promotion",
                reference="B-1",
            ),
        }
        db.session.add_all(expenses.values())
        db.session.commit()
        return {name: expense.id for name, expense in expenses.items()}


def cohort(app, slug: str) -> Cohort:
    return db.session.scalar(select(Cohort).where(Cohort.slug == slug))


def stored_expenses(app) -> list[tuple]:
    """Every expense as (line code, date, amount, description, supplier, reference), ordered."""
    with app.app_context():
        rows = db.session.execute(
            select(
                BudgetLine.code,
                Expense.date,
                Expense.amount,
                Expense.description,
                Expense.supplier,
                Expense.reference,
            )
            .join(BudgetLine)
            .order_by(Expense.date, BudgetLine.code, Expense.id)
        ).all()
        return [tuple(row) for row in rows]


def stored_lines(app, slug: str = "alpha") -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(BudgetLine.code, BudgetLine.label, BudgetLine.planned_amount)
            .join(Cohort)
            .where(Cohort.slug == slug)
            .order_by(BudgetLine.code)
        ).all()
        return [tuple(row) for row in rows]


def text_of(html: str) -> str:
    """Drop the tags and squeeze the spaces of a piece of a page (no-break spaces are kept)."""
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def error_beside(page: str, field: str) -> str | None:
    """Return the message shown beside a field of a form, None when there is none."""
    match = re.search(rf'<span class="error" id="{field}-error">(.*?)</span>', page, re.S)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------
# The budget: the figures of the metrics


def shown_lines(page: str) -> dict[str, list[str]]:
    """Return the cells of the budget lines table by code: label, planned, spent, consumption."""
    lines = {}
    for code, row in re.findall(r'<tr data-line="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        lines[code] = [text_of(cell) for cell in cells[:4]]
    return lines


def shown_totals(page: str) -> dict[str, str]:
    names = (
        "grant",
        "spent",
        "remaining",
        "consumption",
        "elapsed",
        "burn-ratio",
        "forecast",
        "cost-per-hour",
    )
    return {
        name: text_of(re.search(rf'<dd class="figure" id="{name}">(.*?)</dd>', page, re.S)[1])
        for name in names
    }


def test_the_budget_shows_the_figures_of_the_metrics(app, budget, signed_in):
    response = signed_in("officer").get(f"/cohorts/alpha/budget?as_of={AS_OF}")
    assert response.status_code == 200
    page = response.text
    with app.test_request_context("/?lang=fr"):
        figures = cohort_metrics(cohort(app, "alpha"), AS_OF)["budget"]
        expected_lines = {
            line["code"]: [
                line["label"],
                money(line["planned"]),
                money(line["spent"]),
                rate(line["consumption"]),
            ]
            for line in figures["lines"]
        }
        expected_totals = {
            "grant": money(figures["grant"]),
            "spent": money(figures["spent"]),
            "remaining": money(figures["remaining"]),
            "consumption": rate(figures["consumption"]),
            "elapsed": rate(figures["elapsed"]),
            "forecast": money(figures["forecast_at_completion"]),
            "cost-per-hour": money(figures["cost_per_realised_hour"]),
        }
    assert shown_lines(page) == expected_lines
    totals = shown_totals(page)
    burn_ratio = totals.pop("burn-ratio")
    assert totals == expected_totals
    assert Decimal(burn_ratio.replace(",", ".")) == round(Decimal(str(figures["burn_ratio"])), 2)

    # The same figures, checked by hand the French way: the expense of September is after D.
    assert figures["spent"] == "14035.49"
    assert shown_lines(page)["PED"] == [
        "Personnel pédagogique",
        f"150{NNBSP}000,00{NBSP}€",
        f"12{NNBSP}500,50{NBSP}€",
        f"8,3{NBSP}%",
    ]
    assert shown_lines(page)["FRA"][3] == "—"  # planned at 0: no consumption
    assert totals["spent"] == f"14{NNBSP}035,49{NBSP}€"
    assert totals["remaining"] == f"258{NNBSP}964,51{NBSP}€"
    assert "Autre promotion" not in page and "Pédagogie" not in page  # the other cohort's


def test_the_budget_is_as_of_today_by_default(app, budget, signed_in, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: date(2022, 12, 31))
    page = signed_in("admin").get("/cohorts/alpha/budget?lang=en").text
    assert "Budget as of 31/12/2022" in page
    assert shown_totals(page)["spent"] == "€15,035.49"  # September's expense counts now
    assert shown_totals(page)["elapsed"] == f"100.0{NBSP}%"


@pytest.mark.parametrize("as_of", ["2022-02-30", "yesterday", "30/06"])
def test_a_wrong_date_of_the_figures_is_refused(budget, signed_in, as_of):
    response = signed_in("officer").get(f"/cohorts/alpha/budget?as_of={as_of}&lang=en")
    assert response.status_code == 400
    assert error_beside(response.text, "as_of") == (
        "Enter a real date as DD/MM/YYYY, for example 27/11/2026."
    )
    assert 'id="grant"' not in response.text


def test_the_date_of_the_figures_may_be_written_the_french_way(budget, signed_in):
    page = signed_in("officer").get("/cohorts/alpha/budget?as_of=28/02/2022&lang=en").text
    assert shown_totals(page)["spent"] == "€12,500.50"


def test_only_admins_see_the_links_to_manage_the_budget(budget, signed_in):
    admin = signed_in("admin").get(f"/cohorts/alpha/budget?as_of={AS_OF}").text
    officer = signed_in("officer").get(f"/cohorts/alpha/budget?as_of={AS_OF}").text
    for link in (
        "/cohorts/alpha/budget/lines/new",
        "/cohorts/alpha/budget/lines/PED/edit",
        "/cohorts/alpha/budget/expenses/new",
        "/cohorts/alpha/budget/expenses/import",
    ):
        assert f'href="{link}"' in admin
        assert link not in officer
    # Both may list the expenses of a line as counted on the page.
    assert 'href="/cohorts/alpha/budget/expenses?line=PED&amp;to=2022-06-30"' in officer


# ---------------------------------------------------------------------------------------------
# The expenses and their filters


def listed_descriptions(page: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    if body is None:
        return []
    return [
        text_of(re.findall(r"<td>(.*?)</td>", row, re.S)[1])
        for row in re.findall(r"<tr>(.*?)</tr>", body[1], re.S)
    ]


def listed_total(page: str) -> str:
    return text_of(re.search(r'<td class="number" id="expenses-total">(.*?)</td>', page, re.S)[1])


@pytest.mark.parametrize(
    ("query", "descriptions", "total"),
    [
        (
            "",
            ["Formateurs janvier", "Ordinateurs portables", "Câbles", "Formateurs septembre"],
            "€15,035.49",
        ),
        ("line=EQP", ["Ordinateurs portables", "Câbles"], "€1,534.99"),
        ("from=2022-03-01&to=2022-06-30", ["Ordinateurs portables", "Câbles"], "€1,534.99"),
        ("from=01/03/2022&to=30/06/2022", ["Ordinateurs portables", "Câbles"], "€1,534.99"),
        ("from=2022-06-01", ["Câbles", "Formateurs septembre"], "€1,035.00"),
        ("to=2022-01-31", ["Formateurs janvier"], "€12,500.50"),
        ("line=PED&from=2022-02-01", ["Formateurs septembre"], "€1,000.00"),
        ("line=PED&from=2022-02-01&to=2022-08-31", [], None),
        ("line=&from=&to=", None, "€15,035.49"),
    ],
)
def test_the_expenses_are_filtered_by_line_and_period(
    budget, signed_in, query, descriptions, total
):
    response = signed_in("officer").get(f"/cohorts/alpha/budget/expenses?{query}&lang=en")
    assert response.status_code == 200
    page = response.text
    if descriptions is not None:
        assert listed_descriptions(page) == descriptions
    if total is None:
        assert "No expense matches these filters." in page
        assert "0 expenses, for a total of €0.00." in page
    else:
        assert listed_total(page) == total
    assert "Autre promotion" not in page


def test_the_expenses_list_shows_every_column(budget, signed_in):
    page = signed_in("officer").get("/cohorts/alpha/budget/expenses?line=EQP").text
    row = text_of(re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S)[1])
    assert row == f"15/03/2022 EQP Ordinateurs portables Dell INV-7 1{NNBSP}499,99{NBSP}€"
    assert "<caption>" in page and '<th scope="col">' in page and '<th scope="row">' in page
    assert '<label for="line">' in page and '<label for="from">' in page
    assert '<option selected value="EQP">' in page
    assert "/edit" not in page  # officers do not edit


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("line=ZZZ", "line", "This cohort has no budget line ZZZ."),
        ("from=2022-13-01", "from", "Enter a real date as DD/MM/YYYY, for example 27/11/2026."),
        ("to=31/02/2022", "to", "Enter a real date as DD/MM/YYYY, for example 27/11/2026."),
        ("from=2022-06-30&to=2022-06-01", "to", "The end of the period must be on or after"),
    ],
)
def test_a_wrong_filter_is_refused_beside_it(budget, signed_in, query, field, message):
    response = signed_in("admin").get(f"/cohorts/alpha/budget/expenses?{query}&lang=en")
    assert response.status_code == 400
    assert message in error_beside(response.text, field)
    assert "<tbody>" not in response.text


def test_the_expenses_are_shown_a_hundred_a_page(app, world, signed_in):
    with app.app_context():
        line = db.session.scalar(select(BudgetLine).where(BudgetLine.code == "PED"))
        db.session.add_all(
            Expense(
                budget_line_id=line.id,
                date=date(2022, 2, 1 + number % 28),
                amount=Decimal("10.00"),
                description=f"Achat {number:03d}",
            )
            for number in range(120)
        )
        db.session.commit()
    client = signed_in("officer")
    first = client.get("/cohorts/alpha/budget/expenses?line=PED&lang=en").text
    assert len(listed_descriptions(first)) == 100
    assert "121 expenses, for a total of €13,700.50." in first
    assert listed_total(first) == "€13,700.50"
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/cohorts/alpha/budget/expenses?line=PED&page=2&lang=en").text
    assert len(listed_descriptions(second)) == 21
    assert 'rel="prev"' in second and 'rel="next"' not in second
    everything = set(listed_descriptions(first)) | set(listed_descriptions(second))
    assert len(everything) == 121


# ---------------------------------------------------------------------------------------------
# Adding, editing and deleting an expense


def expense_data(**overrides) -> dict:
    data = {
        "line": "PED",
        "date": "28/02/2022",
        "amount": "12 500,50",
        "description": "Formateurs février",
        "supplier": "IT Company",
        "reference": "F-002",
    }
    data.update(overrides)
    return data


def test_an_expense_is_added_in_exact_euros(app, budget, signed_in):
    client = signed_in("admin")
    form = client.get("/cohorts/alpha/budget/expenses/new?line=EQP&lang=en").text
    assert '<option selected value="EQP">' in form
    assert "From 03/01/2021 to 16/12/2023" in form  # the date's rule, in its hint
    before = stored_expenses(app)
    response = client.post(
        "/cohorts/alpha/budget/expenses/new?lang=en",
        data=expense_data(amount=f"1{NNBSP}234,56 €", supplier="  ", reference=""),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/cohorts/alpha/budget/expenses?from=2022-02-01&to=2022-02-28"
    )
    added = set(stored_expenses(app)) - set(before)
    assert added == {
        ("PED", date(2022, 2, 28), Decimal("1234.56"), "Formateurs février", None, None)
    }
    page = client.get(response.headers["Location"] + "&lang=en").text
    assert "Expense of €1,234.56 on 28/02/2022 added." in page
    assert listed_descriptions(page) == ["Formateurs février"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": ""}, "amount", "This field is required."),
        ({"amount": "0"}, "amount", "The amount must be more than 0."),
        ({"amount": "0,00"}, "amount", "The amount must be more than 0."),
        ({"amount": "-12,50"}, "amount", "Enter an amount without a minus sign."),
        ({"amount": "12,505"}, "amount", "Enter at most 2 decimals (cents)."),
        ({"amount": "douze"}, "amount", "Enter an amount in euros, such as 1234.50."),
        ({"amount": "1.234,50"}, "amount", "Enter an amount in euros, such as 1234.50."),
        ({"amount": "1e3"}, "amount", "Enter an amount in euros, such as 1234.50."),
        ({"amount": "1000000000"}, "amount", "Enter an amount below one billion euros."),
        ({"line": ""}, "line", "Choose a budget line."),
        ({"line": "ZZZ"}, "line", "Choose a budget line of this cohort."),
        ({"date": ""}, "date", "This field is required."),
        ({"date": "30/02/2022"}, "date", "Enter a real date as DD/MM/YYYY"),
        ({"date": "2022-02"}, "date", "Enter a real date as DD/MM/YYYY"),
        ({"date": "02/01/2021"}, "date", "The date must be from 03/01/2021 to 16/12/2023."),
        ({"date": "2023-12-17"}, "date", "The date must be from 03/01/2021 to 16/12/2023."),
        ({"description": ""}, "description", "This field is required."),
        ({"description": "   "}, "description", "This field is required."),
        ({"supplier": "x" * 201}, "supplier", "Field cannot be longer than 200 characters."),
        ({"reference": "x" * 101}, "reference", "Field cannot be longer than 100 characters."),
        # The world's expense: PED, 31/01/2022, F-001.
        (
            {"date": "2022-01-31", "reference": "F-001"},
            "reference",
            "The line PED already has an expense with this reference on 31/01/2022.",
        ),
    ],
)
def test_a_wrong_expense_is_refused_beside_its_field(
    app, budget, signed_in, overrides, field, message
):
    before = stored_expenses(app)
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/expenses/new?lang=en", data=expense_data(**overrides)
    )
    assert response.status_code == 422
    assert message in error_beside(response.text, field)
    assert f'aria-describedby="{field}-error"' in response.text or (
        f'aria-describedby="{field}-hint {field}-error"' in response.text
    )
    assert "Nothing is saved yet." in response.text
    assert stored_expenses(app) == before


def test_an_expense_of_another_cohorts_line_is_refused(app, budget, signed_in):
    before = stored_expenses(app)
    # Beta has a line PED too: the form of alpha knows only alpha's.
    response = signed_in("admin").post(
        "/cohorts/beta/budget/expenses/new?lang=en", data=expense_data(line="EQP")
    )
    assert response.status_code == 422
    assert error_beside(response.text, "line") == "Choose a budget line of this cohort."
    assert stored_expenses(app) == before


def test_an_expense_too_far_in_the_future_is_refused(app, budget, signed_in, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: date(2022, 6, 15))
    client = signed_in("admin")
    refused = client.post(
        "/cohorts/alpha/budget/expenses/new?lang=en", data=expense_data(date="17/07/2022")
    )
    assert refused.status_code == 422
    assert error_beside(refused.text, "date") == ("The date must be from 03/01/2021 to 16/07/2022.")
    assert "and at most 31 days after today" in refused.text
    accepted = client.post(
        "/cohorts/alpha/budget/expenses/new", data=expense_data(date="16/07/2022")
    )
    assert accepted.status_code == 302


def test_the_operation_refuses_an_expense_the_form_refuses(app, world, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: date(2026, 11, 27))
    with app.app_context():
        line = db.session.scalar(select(BudgetLine).where(BudgetLine.code == "PED"))
        with pytest.raises(operations.BudgetError, match="date: 2024-01-01 is outside"):
            operations.add_expense(
                line, day=date(2024, 1, 1), amount=Decimal(10), description="Livres"
            )
        expense = operations.add_expense(
            line, day=date(2022, 6, 1), amount=Decimal(10), description="Livres"
        )
        assert expense.id is not None


def test_expenses_without_a_reference_may_share_a_line_and_a_day(app, budget, signed_in):
    client = signed_in("admin")
    for _ in range(2):
        response = client.post(
            "/cohorts/alpha/budget/expenses/new",
            data=expense_data(line="EQP", date="2022-06-01", amount="35", reference=""),
        )
        assert response.status_code == 302
    cables = [row for row in stored_expenses(app) if row[1] == date(2022, 6, 1)]
    assert len(cables) == 3


def test_an_expense_is_edited(app, budget, signed_in):
    client = signed_in("admin")
    url = f"/cohorts/alpha/budget/expenses/{budget['laptops']}/edit"
    form = client.get(url + "?lang=fr").text
    assert 'value="1499,99"' in form
    assert 'value="2022-03-15"' in form
    assert '<option selected value="EQP">' in form
    response = client.post(
        url,
        data=expense_data(
            line="PED", date="2022-03-16", amount="1 500", description="Portables", reference=""
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        expense = db.session.get(Expense, budget["laptops"])
        assert (expense.line.code, expense.date, expense.amount) == (
            "PED",
            date(2022, 3, 16),
            Decimal("1500.00"),
        )
        assert (expense.description, expense.supplier, expense.reference) == (
            "Portables",
            "IT Company",
            None,
        )


def test_an_edited_expense_keeps_its_own_reference_but_not_another(app, budget, signed_in):
    client = signed_in("admin")
    url = f"/cohorts/alpha/budget/expenses/{budget['september']}/edit?lang=en"
    same = expense_data(date="2022-09-01", reference="F-009", amount="1000")
    assert client.post(url, data=same).status_code == 302
    before = stored_expenses(app)
    taken = expense_data(date="2022-01-31", reference="F-001", amount="1000")
    response = client.post(url, data=taken)
    assert response.status_code == 422
    assert "already has an expense with this reference" in error_beside(response.text, "reference")
    assert stored_expenses(app) == before


def test_an_expense_is_deleted(app, budget, signed_in):
    client = signed_in("admin")
    form = client.get(f"/cohorts/alpha/budget/expenses/{budget['cables']}/edit").text
    assert f'name="target" type="hidden" value="{budget["cables"]}"' in form
    url = f"/cohorts/alpha/budget/expenses/{budget['cables']}/delete"
    # A form that names another expense removes nothing.
    assert client.post(url, data={"target": str(budget["laptops"])}).status_code == 400
    assert len(stored_expenses(app)) == 5
    response = client.post(url + "?lang=en", data={"target": str(budget["cables"])})
    assert response.status_code == 302
    assert "Câbles" not in [row[3] for row in stored_expenses(app)]
    assert len(stored_expenses(app)) == 4
    page = client.get(response.headers["Location"] + "&lang=en").text
    assert "Expense of €35.00 on 01/06/2022 deleted." in page


def test_an_expense_of_another_cohort_is_not_found(app, budget, signed_in):
    client = signed_in("admin")
    other = budget["beta"]
    assert client.get(f"/cohorts/alpha/budget/expenses/{other}/edit").status_code == 404
    response = client.post(f"/cohorts/alpha/budget/expenses/{other}/edit", data=expense_data())
    assert response.status_code == 404
    response = client.post(
        f"/cohorts/alpha/budget/expenses/{other}/delete", data={"target": str(other)}
    )
    assert response.status_code == 404
    assert client.get("/cohorts/alpha/budget/expenses/999999/edit").status_code == 404
    assert client.get(f"/cohorts/beta/budget/expenses/{other}/edit").status_code == 200
    assert len(stored_expenses(app)) == 5


def test_saving_an_expense_needs_the_page_csrf_token(app, budget, signed_in):
    app.config["WTF_CSRF_ENABLED"] = True
    client = signed_in("admin")
    before = stored_expenses(app)
    url = "/cohorts/alpha/budget/expenses/new"
    assert client.post(url, data=expense_data()).status_code == 400
    assert stored_expenses(app) == before
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).text)
    assert client.post(url, data=expense_data(csrf_token=token[1])).status_code == 302


# ---------------------------------------------------------------------------------------------
# Budget lines


def line_data(**overrides) -> dict:
    data = {"code": "AUT.1", "label": "Autres frais", "planned_amount": "3 000"}
    data.update(overrides)
    return data


def test_a_line_is_added_edited_and_deleted(app, world, signed_in):
    client = signed_in("admin")
    response = client.post("/cohorts/alpha/budget/lines/new?lang=en", data=line_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/cohorts/alpha/budget"
    assert ("AUT.1", "Autres frais", Decimal("3000.00")) in stored_lines(app)
    page = client.get("/cohorts/alpha/budget?lang=en").text
    assert "Budget line AUT.1 added." in page
    assert 'href="/cohorts/alpha/budget/lines/AUT.1/edit"' in page

    edit = "/cohorts/alpha/budget/lines/AUT.1/edit"
    assert 'value="3000,00"' in client.get(edit + "?lang=fr").text
    response = client.post(
        edit, data=line_data(code="AUT", label="Autres", planned_amount="2 500,50")
    )
    assert response.status_code == 302
    assert stored_lines(app) == [
        ("AUT", "Autres", Decimal("2500.50")),
        ("PED", "Personnel pédagogique", Decimal("150000.00")),
    ]
    assert client.get(edit).status_code == 404

    delete = "/cohorts/alpha/budget/lines/AUT/delete"
    assert client.post(delete, data={"target": "PED"}).status_code == 400
    response = client.post(delete + "?lang=en", data={"target": "AUT"})
    assert response.status_code == 302
    assert [line[0] for line in stored_lines(app)] == ["PED"]
    assert "Budget line AUT deleted." in client.get("/cohorts/alpha/budget?lang=en").text


def test_a_line_planned_at_zero_is_accepted(app, world, signed_in):
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/lines/new", data=line_data(planned_amount="0")
    )
    assert response.status_code == 302
    assert ("AUT.1", "Autres frais", Decimal("0.00")) in stored_lines(app)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": ""}, "code", "This field is required."),
        ({"code": "x" * 33}, "code", "Up to 32 letters without accents, digits, dashes (-),"),
        ({"code": "AUT/1"}, "code", "Up to 32 letters without accents, digits, dashes (-),"),
        ({"code": "PED"}, "code", "This cohort already has a line PED."),
        ({"label": " "}, "label", "This field is required."),
        ({"planned_amount": ""}, "planned_amount", "This field is required."),
        ({"planned_amount": "-1"}, "planned_amount", "Enter an amount without a minus sign."),
        ({"planned_amount": "10,001"}, "planned_amount", "Enter at most 2 decimals (cents)."),
        ({"planned_amount": "beaucoup"}, "planned_amount", "Enter an amount in euros"),
    ],
)
def test_a_wrong_line_is_refused_beside_its_field(app, world, signed_in, overrides, field, message):
    before = stored_lines(app)
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/lines/new?lang=en", data=line_data(**overrides)
    )
    assert response.status_code == 422
    assert message in error_beside(response.text, field)
    assert stored_lines(app) == before


def test_a_line_cannot_take_the_code_of_another(app, budget, signed_in):
    before = stored_lines(app)
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/lines/EQP/edit?lang=en", data=line_data(code="PED")
    )
    assert response.status_code == 422
    assert error_beside(response.text, "code") == "This cohort already has a line PED."
    assert stored_lines(app) == before


def test_a_refusal_of_the_operation_is_shown_in_french(app, budget, signed_in, monkeypatch):
    # Another administrator added a line PED between the form's check and the save.
    monkeypatch.setattr(BudgetLineForm, "validate_code", lambda form, field: None)
    before = stored_lines(app)
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/lines/new?lang=fr", data=line_data(code="PED")
    )
    assert response.status_code == 422
    assert error_beside(response.text, "code") == "la promotion a déjà une ligne PED"
    assert stored_lines(app) == before


def test_a_line_with_expenses_cannot_be_deleted(app, budget, signed_in):
    before = stored_lines(app)
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/lines/EQP/delete?lang=en", data={"target": "EQP"}
    )
    assert response.status_code == 409
    assert "The line EQP cannot be deleted: expenses are charged to it." in response.text
    assert stored_lines(app) == before
    assert len(stored_expenses(app)) == 5


def test_a_line_of_another_cohort_is_not_found(app, budget, signed_in):
    client = signed_in("admin")
    assert client.get("/cohorts/beta/budget/lines/EQP/edit").status_code == 404
    response = client.post("/cohorts/beta/budget/lines/EQP/delete", data={"target": "EQP"})
    assert response.status_code == 404
    assert [line[0] for line in stored_lines(app)] == ["EQP", "FRA", "PED"]


# ---------------------------------------------------------------------------------------------
# Uploading a file of expenses


def upload(client, content: bytes):
    return client.post(
        "/cohorts/alpha/budget/expenses/import?lang=en",
        data={"file": (io.BytesIO(content), "depenses.csv")},
        content_type="multipart/form-data",
    )


def test_a_file_of_expenses_is_imported_and_summarised(app, world, signed_in):
    client = signed_in("admin")
    content = (
        "date;line;amount;description;supplier;reference\n"
        "28/02/2022;PED;1 200,00;Formateurs février;IT Company;F-002\n"
        "31/01/2022;PED;12500,50;Formateurs janvier;IT Company;F-001\n"
    ).encode("cp1252")
    response = upload(client, content)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cohorts/alpha/budget/expenses"
    page = client.get("/cohorts/alpha/budget/expenses?lang=en").text
    assert "Expenses imported: 1 created, 0 updated, 1 unchanged." in page
    january = ("PED", date(2022, 1, 31), Decimal("12500.50"), "Formateurs janvier")
    february = ("PED", date(2022, 2, 28), Decimal("1200.00"), "Formateurs février")
    assert stored_expenses(app) == [
        (*january, "IT Company", "F-001"),
        (*february, "IT Company", "F-002"),
    ]


def test_a_wrong_file_is_refused_whole_with_its_problems_by_line(app, world, signed_in):
    client = signed_in("admin")
    before = stored_expenses(app)
    content = (
        b"date,line,amount,description\n"
        b"2022-02-15,PED,100,Bon\n"
        b"2022-02-16,ZZZ,100,Ligne inconnue\n"
        b"2022-02-17,PED,-5,Negatif\n"
    )
    response = upload(client, content)
    assert response.status_code == 422
    problems = re.findall(r"<li>(line \d+: [^<]*)</li>", response.text)
    assert len(problems) == 2
    assert problems[0].startswith("line 3: line: ")
    assert "ZZZ" in problems[0]
    assert problems[1].startswith("line 4: amount: ")
    assert "Nothing was imported: 2 problems" in response.text
    assert stored_expenses(app) == before


def test_an_upload_without_a_file_is_refused(app, world, signed_in):
    response = signed_in("admin").post(
        "/cohorts/alpha/budget/expenses/import?lang=en", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert error_beside(response.text, "file") == "Choose a CSV or XLSX file to upload."


def test_a_file_far_over_the_limit_gets_a_readable_page(app, world, signed_in):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    before = stored_expenses(app)
    response = upload(signed_in("admin"), b"date,line,amount,description\n" + b"x" * 5000)
    assert response.status_code == 413
    assert "Nothing was imported: files are limited to" in response.text
    assert 'href="/cohorts/alpha/budget/expenses/import"' in response.text
    assert stored_expenses(app) == before


# ---------------------------------------------------------------------------------------------
# The same number of queries whatever the number of expenses


def count_queries(app, request) -> tuple[int, int]:
    """Run a request and return its status and the number of SQL statements it ran."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        status = request().status_code
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return status, len(statements)


def add_expenses(app, number: int) -> None:
    with app.app_context():
        lines = db.session.scalars(select(BudgetLine).join(Cohort).where(Cohort.slug == "alpha"))
        for line in list(lines):
            db.session.add_all(
                Expense(
                    budget_line_id=line.id,
                    date=date(2022, 5, 1 + index % 28),
                    amount=Decimal("1.25"),
                    description=f"{line.code} {index}",
                )
                for index in range(number)
            )
        db.session.commit()


def test_the_pages_run_as_many_queries_for_many_expenses_as_for_few(app, budget, signed_in):
    client = signed_in("admin")
    urls = [
        f"/cohorts/alpha/budget?as_of={AS_OF}",
        "/cohorts/alpha/budget/expenses",
        "/cohorts/alpha/budget/expenses?line=EQP&from=2022-01-01",
    ]
    client.get(urls[0])  # the sign-in's housekeeping, out of the way
    counts = []
    for number in (2, 40):
        add_expenses(app, number)
        counts.append([count_queries(app, lambda url=url: client.get(url)) for url in urls])
    assert [status for status, _ in counts[0]] == [200, 200, 200]
    assert counts[0] == counts[1]
    with app.app_context():
        assert db.session.scalar(select(func.count(Expense.id))) == 5 + 3 * 42
