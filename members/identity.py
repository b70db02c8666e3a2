"""Chinese resident identity numbers (GB 11643-1999) and the masking of personal data (PIPL)."""

import datetime
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def check_character(first_17: str) -> str:
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    """None for a valid 18-character ID number, else what is wrong with it (in English, for
    the caller to translate)."""
    value = normalise_id_number(value)
    if not PATTERN.match(value):
        return "format"
    if check_character(value[:17]) != value[17]:
        return "checksum"
    if birth_date_from_id(value) is None:
        return "birth_date"
    return None


def birth_date_from_id(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender_from_id(value: str) -> str:
    """ "M" or "F": the 17th digit is odd for men, even for women."""
    return "M" if int(value[16]) % 2 else "F"


def mask_id_number(value: str) -> str:
    """320***********1234: the region's first three digits and the last four."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    digits = value.replace(" ", "")
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
