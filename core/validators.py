import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits from 13x to 19x) or a landline with its area code."""
    compact = value.replace(" ", "")
    if not (MOBILE.match(compact) or LANDLINE.match(compact)):
        raise ValidationError(
            _(
                "Enter an 11-digit mobile number, or a landline with its area code "
                "such as 0513-85000000."
            ),
            code="invalid_phone",
        )
