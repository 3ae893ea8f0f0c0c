"""Bad data through the model layer is refused with a message naming the field (issue 2.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cartera.clients.services import account_create, contact_create
from cartera.common.fields import MoneyField
from cartera.common.validators import normalize_phone
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, ProductFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_invalid_email_is_refused_with_the_field_named():
    with pytest.raises(ValidationError) as exc:
        account_create(code="A1", legal_name="Bar Pepe", email="pepe@@bar")
    assert list(_messages(exc)) == ["email"]
    assert "pepe@@bar" in _messages(exc)["email"][0]


def test_invalid_phone_is_refused_with_the_field_named():
    with pytest.raises(ValidationError) as exc:
        account_create(code="A1", legal_name="Bar Pepe", phone="12345")
    assert list(_messages(exc)) == ["phone"]
    assert "12345" in _messages(exc)["phone"][0]


def test_phone_in_national_format_is_stored_in_e164_using_the_company_region():
    account = account_create(code="A1", legal_name="Bar Pepe", phone="912 345 678")
    assert account.phone == "+34912345678"


def test_phone_of_a_portuguese_client_is_read_with_portugal_as_region():
    account = account_create(code="A1", legal_name="Café Lisboa", country="PT", phone="212345678")
    assert account.phone == "+351212345678"


def test_email_is_normalised():
    account = account_create(code="A1", legal_name="Bar Pepe", email="Compras@Bar-Pepe.ES")
    assert account.email == "Compras@bar-pepe.es"


def test_duplicate_code_is_refused():
    account_create(code="A1", legal_name="Bar Pepe")
    with pytest.raises(ValidationError) as exc:
        account_create(code="A1", legal_name="Otro bar")
    assert list(_messages(exc)) == ["code"]


def test_contact_with_bad_phone_is_refused():
    account = AccountFactory()
    with pytest.raises(ValidationError) as exc:
        contact_create(account=account, name="Ana", phone="+34 000")
    assert list(_messages(exc)) == ["phone"]


def test_sale_with_negative_quantity_is_refused_and_nothing_is_written():
    account = AccountFactory()
    product = ProductFactory()
    with pytest.raises(ValidationError) as exc:
        sale_record(
            number="F1",
            account=account,
            date=dt.date(2026, 1, 10),
            lines=[LineInput(product=product, quantity=Decimal("-2"))],
        )
    assert exc.value.error_dict["lines"][0].code == "quantity_not_positive"
    assert "1" in _messages(exc)["lines"][0]  # the line number …
    assert "-2" in _messages(exc)["lines"][0]  # … and the quantity, in any language
    assert account.sales.count() == 0


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"unit_price": Decimal("-1.00")}, "price_negative"),
        ({"discount_pct": Decimal("120")}, "discount_out_of_range"),
        ({"discount_pct": Decimal("-5")}, "discount_out_of_range"),
    ],
)
def test_a_line_with_a_negative_price_or_a_discount_out_of_range_is_refused(line, code):
    account = AccountFactory()
    product = ProductFactory()
    with pytest.raises(ValidationError) as exc:
        sale_record(
            number="F1",
            account=account,
            date=dt.date(2026, 1, 10),
            lines=[LineInput(product=product, quantity=Decimal(1), **line)],
        )
    assert exc.value.error_dict["lines"][0].code == code
    assert account.sales.count() == 0


def test_sale_for_a_missing_account_is_refused():
    product = ProductFactory()
    with pytest.raises(ValidationError) as exc:
        sale_record(
            number="F1",
            account=999_999,
            date=dt.date(2026, 1, 10),
            lines=[LineInput(product=product, quantity=Decimal(1))],
        )
    assert list(_messages(exc)) == ["account"]
    assert "999999" in _messages(exc)["account"][0]


def test_sale_totals_and_due_date_follow_the_lines_and_the_client_terms():
    owner = SalespersonFactory()
    account = AccountFactory(owner=owner, payment_terms_days=60)
    product = ProductFactory(list_price=Decimal("1.25"), unit_cost=Decimal("0.70"))
    sale = sale_record(
        number="F1",
        account=account,
        date=dt.date(2026, 1, 10),
        lines=[
            # 12 × 1.25 = 15.00, less 10 % = 13.50
            LineInput(product=product, quantity=Decimal(12), discount_pct=Decimal(10)),
            # 3 × 2.335 = 7.005 → 7.01 (half up)
            LineInput(product=product, quantity=Decimal(3), unit_price=Decimal("2.335")),
        ],
    )
    sale.refresh_from_db()
    assert sale.total == Decimal("20.51")
    assert sale.cost_total == Decimal("10.50")  # (12 + 3) × 0.70
    assert sale.due_date == dt.date(2026, 3, 11)
    assert sale.salesperson == owner
    assert list(sale.lines.values_list("amount", flat=True)) == [Decimal("13.50"), Decimal("7.01")]


def test_credit_note_carries_negative_amounts():
    account = AccountFactory()
    product = ProductFactory(list_price=Decimal("2.00"))
    note = sale_record(
        number="A1",
        account=account,
        date=dt.date(2026, 1, 10),
        kind="credit_note",
        lines=[LineInput(product=product, quantity=Decimal(5))],
    )
    note.refresh_from_db()
    assert note.total == Decimal("-10.00")


def test_money_field_rounds_half_up_to_cents():
    field = MoneyField()
    assert field.get_prep_value(Decimal("0.285")) == 29
    assert field.get_prep_value(Decimal("-0.285")) == -29
    assert field.get_prep_value("1234.5") == 123450
    with pytest.raises(ValidationError):
        field.to_python("doce euros")


def test_normalize_phone_explains_what_is_wrong():
    with pytest.raises(ValidationError) as exc:
        normalize_phone("abc", region="ES")
    assert "abc" in exc.value.messages[0]


@pytest.mark.django_db
def test_json_written_as_text_reads_back_as_what_was_written():
    import datetime as dt

    from django.db import connection

    from cartera.common.fields import WrittenJSONField
    from cartera.ratings.models import Rating

    account = AccountFactory()
    items = {"revenue": [1234.5, 0.75, 30], "growth": [None, 0.5, 5]}
    Rating.objects.create(
        account=account, as_of=dt.date(2026, 1, 1), score=35, level="C", level_rank=3,
        explanation=items,
    )  # fmt: skip
    assert Rating.objects.get(account=account).explanation == items
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM ratings_rating")
        (stored,) = cursor.fetchone()
    # Compact text, whatever the backend: no JSON type of the database parses it.
    assert stored == '{"revenue":[1234.5,0.75,30],"growth":[null,0.5,5]}'
    with pytest.raises(ValidationError):
        WrittenJSONField().to_python("{not json")
