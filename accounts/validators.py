from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

KINDS = (
    str.isupper,
    str.islower,
    str.isdigit,
    lambda c: not c.isalnum() and not c.isspace(),  # a symbol
)


class CharacterKindsValidator:
    """At least `kinds` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, kinds: int = 3):
        self.kinds = kinds

    def validate(self, password, user=None):
        found = sum(1 for is_kind in KINDS if any(is_kind(c) for c in password))
        if found < self.kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(kinds)d kind of character: upper-case letters, "
            "lower-case letters, digits, symbols.",
            "Your password must mix at least %(kinds)d kinds of character: upper-case letters, "
            "lower-case letters, digits, symbols.",
            self.kinds,
        ) % {"kinds": self.kinds}
