from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


def test_a_short_password_is_refused_in_chinese():
    with translation.override("zh-hans"):
        try:
            validate_password("Ab1!x")
        except ValidationError as error:
            messages = error.messages
    assert any("至少" in m and "10" in m for m in messages), messages
    assert not any("too short" in m for m in messages)
