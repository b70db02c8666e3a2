import datetime

import pytest
from django.core.exceptions import ValidationError

from members.identity import (
    birth_date_from_id,
    gender_from_id,
    id_number_problem,
    mask_id_number,
    mask_phone,
)
from members.models import validate_id_number

# A published sample number (GB 11643 worked example), valid checksum.
VALID = "11010519491231002X"


def test_a_valid_number_passes():
    assert id_number_problem(VALID) is None
    assert birth_date_from_id(VALID) == datetime.date(1949, 12, 31)
    assert gender_from_id(VALID) == "F"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("110105194912310021", "checksum"),
        ("11010519491231002", "format"),
        ("1101051949123100AX", "format"),
        ("110105194913310020", "checksum"),
    ],
)
def test_bad_numbers_say_why(value, problem):
    assert id_number_problem(value) == problem


def test_an_impossible_birth_date_is_refused_even_with_a_right_checksum():
    from members.identity import check_character

    first = "11010519490231002"  # 31 February
    assert id_number_problem(first + check_character(first)) == "birth_date"


def test_lower_case_x_and_spaces_are_accepted():
    assert id_number_problem(" 11010519491231002x ") is None


def test_the_validator_speaks_chinese():
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number("110105194912310021")


def test_masking():
    assert mask_id_number("320602198506151234") == "320***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0513-85001234") == "051******1234"
