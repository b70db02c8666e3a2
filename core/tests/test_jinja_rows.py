"""The Jinja2 row templates write every value as the Django templates around them do."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template, engines
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.templatetags.portal import rows

VALUES = {
    "a date": datetime.date(2026, 2, 28),
    "an aware time": timezone.make_aware(datetime.datetime(2026, 11, 30, 23, 30)),
    "a decimal": Decimal("1234.50"),
    "a large number": 1234567,
    "a negative number": -42,
    "text": "陆洪闸历史文化街区",
    "a float": 0.25,
    "nothing": None,
    "a truth": True,
    "markup to escape": "<b>陆洪闸</b> & \"quotes\" 'single'",
    "markup marked safe": mark_safe("<br>"),
    "a lazy translation": gettext_lazy("Members"),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", VALUES)
def test_a_value_is_written_as_django_writes_it(name, language):
    django_engine, jinja = engines["django"], engines["jinja2"]
    context = {"value": VALUES[name]}
    with translation.override(language):
        expected = django_engine.from_string("{{ value }}").render(context)
        assert jinja.from_string("{{ value }}").render(context) == expected


@pytest.mark.parametrize("name", ["a large number", "a negative number", "a decimal"])
def test_numbers_follow_the_thousand_separator_setting_too(name, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    context = {"value": VALUES[name]}
    with translation.override("en"):
        expected = engines["django"].from_string("{{ value }}").render(context)
        assert engines["jinja2"].from_string("{{ value }}").render(context) == expected
    assert ("," in expected) == (abs(VALUES[name]) >= 1000)


def test_a_path_through_nothing_is_written_as_nothing():
    jinja = engines["jinja2"]
    row = SimpleNamespace(current=None, items=[])
    assert jinja.from_string("[{{ row.current.branch.name }}]").render({"row": row}) == "[]"
    template = "[{{ row.items[0].name }}]{% if not row.items[0] %}none{% endif %}"
    assert jinja.from_string(template).render({"row": row}) == "[]none"
    django_version = Template("[{{ row.current.branch.name }}]").render(Context({"row": row}))
    assert django_version == "[]"


def test_strings_come_from_the_catalog_in_the_active_language():
    template = engines["jinja2"].from_string('{{ _("Members") }}|{{ url("members:detail", 7) }}')
    with translation.override("zh-hans"):
        assert template.render({}) == "党员|/members/7/"
    with translation.override("en"):
        assert template.render({}) == "Members|/members/7/"


def test_the_rows_tag_writes_the_template_into_the_page_unescaped_once():
    request = RequestFactory().get("/members/")
    page = Template(
        '{% load portal %}<tbody>{% rows "members/_member_rows.jinja" members=members %}</tbody>'
    )
    with translation.override("en"):
        html = page.render(Context({"request": request, "members": []}))
    assert '<tr><td colspan="7" class="text-center text-body-secondary">No member matches.' in html
    assert "&lt;" not in html
    assert rows.__doc__


def test_the_row_templates_strings_are_extracted(settings):
    """makemessages reads `.jinja` files (core/management/commands/makemessages.py); the
    catalog test (test_i18n) then holds their strings to be translated like any other."""
    from django.core.management import get_commands

    assert get_commands()["makemessages"] == "core"
