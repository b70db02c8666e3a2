"""The dues rate table at every bracket boundary, with amounts computed by hand: the whole
monthly after-tax pay at the rate of its bracket, rounded once to the fen, half up."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues import RateBook, monthly_amount, rates_2008_ensure, to_fen
from members.models import DuesBase, DuesRateBracket, DuesRateTable

D = Decimal
C = DuesBase.Category


@pytest.fixture
def rates(db):
    """The rates of the migration (2008), as read from the database."""
    rates_2008_ensure()  # a transactional test run before may have emptied the table
    return RateBook().on(datetime.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        ("0.01", "0.00"),  # 0.00005 rounds down
        ("1.00", "0.01"),  # 0.005 rounds half up
        ("2999.00", "15.00"),  # 14.995 → 15.00, half up
        ("3000.00", "15.00"),  # 3,000 × 0.5%
        ("3000.01", "30.00"),  # 3,000.01 × 1% = 30.0001: the whole pay at the second rate
        ("3001.50", "30.02"),  # 30.015 → 30.02
        ("5000.00", "50.00"),  # 5,000 × 1%
        ("5000.01", "75.00"),  # 5,000.01 × 1.5% = 75.00015
        ("10000.00", "150.00"),  # 10,000 × 1.5%
        ("10000.01", "200.00"),  # 10,000.01 × 2% = 200.0002
        ("12345.67", "246.91"),  # 246.9134
    ],
)
def test_salaried_members_pay_the_rate_of_their_bracket_on_the_whole_pay(rates, pay, expected):
    assert monthly_amount(category=C.SALARIED, pay=D(pay), rates=rates) == D(expected)


@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        ("3000.00", "15.00"),  # 0.5%
        ("5000.00", "25.00"),  # 0.5% up to 5,000
        ("5000.01", "50.00"),  # 1% above: 50.0001
        ("6100.50", "61.01"),  # 61.005 → 61.01
    ],
)
def test_retired_members_pay_half_a_percent_up_to_5000_and_one_above(rates, pay, expected):
    assert monthly_amount(category=C.RETIRED, pay=D(pay), rates=rates) == D(expected)


@pytest.mark.parametrize(
    ("annual", "expected"),
    [
        ("36000.00", "15.00"),  # 3,000.00 a month: 0.5%
        ("36000.12", "30.00"),  # 3,000.01 a month: 1% of 36,000.12 / 12 = 30.0001
        ("120000.00", "150.00"),  # 10,000.00 a month: 1.5%
        ("120000.12", "200.00"),  # 10,000.01 a month: 2%
        ("100000.00", "125.00"),  # 8,333.33… a month: 1.5% of 100,000 is 1,500 a year, ÷ 12
    ],
)
def test_an_annual_salary_pays_on_one_twelfth(rates, annual, expected):
    assert monthly_amount(category=C.ANNUAL_SALARY, pay=D(annual), rates=rates) == D(expected)


@pytest.mark.parametrize("category", [C.STUDENT, C.UNEMPLOYED, C.SUBSISTENCE])
def test_students_the_unemployed_and_members_on_allowance_pay_twenty_fen(rates, category):
    assert monthly_amount(category=category, rates=rates) == D("0.20")


def test_a_farmer_pays_the_amount_recorded(rates):
    assert monthly_amount(category=C.FARMER, flat_amount=D("0.50"), rates=rates) == D("0.50")
    with pytest.raises(ValidationError):
        monthly_amount(category=C.FARMER, rates=rates)


def test_a_salaried_base_without_pay_is_refused(rates):
    with pytest.raises(ValidationError):
        monthly_amount(category=C.SALARIED, rates=rates)


def test_amounts_are_decimals_to_the_fen():
    assert to_fen(D("0.005")) == D("0.01")
    assert to_fen(D("0.0049")) == D("0.00")
    assert str(to_fen(D("15"))) == "15.00"


def test_a_rate_change_applies_from_its_effective_date(db):
    rates_2008_ensure()
    new = DuesRateTable.objects.create(
        name="新标准",
        effective_from=datetime.date(2027, 1, 1),
        low_income_amount=D("0.50"),
        farmer_minimum=D("0.50"),
        farmer_maximum=D("2.00"),
    )
    for up_to, percent in (("4000.00", "0.5"), (None, "1")):
        DuesRateBracket.objects.create(
            table=new, kind="salaried", up_to=up_to and D(up_to), percent=D(percent)
        )
    book = RateBook()
    december, january = book.on(datetime.date(2026, 12, 1)), book.on(datetime.date(2027, 1, 1))
    pay = D("3500.00")
    assert monthly_amount(category=C.SALARIED, pay=pay, rates=december) == D("35.00")  # 1%
    assert monthly_amount(category=C.SALARIED, pay=pay, rates=january) == D("17.50")  # 0.5%
    assert monthly_amount(category=C.STUDENT, rates=december) == D("0.20")
    assert monthly_amount(category=C.STUDENT, rates=january) == D("0.50")
    assert book.on(datetime.date(2007, 12, 31)) is None
