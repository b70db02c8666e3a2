"""The Jinja2 environment of the row templates (`templates/<app>/_<thing>_rows.jinja`).

A list page's fifty rows are most of its template work: Django's template language spends
about 650 Python calls on a row of the member list (resolving each variable, localizing and
escaping each value through several layers), Jinja2, which compiles a template to Python, a
fraction of that (docs/benchmarks.md). So the rows of the long lists are Jinja2 templates,
written into the page (a Django template, which keeps the layout, the filters and the test
client's view of the context) by `{% rows %}` (core/templatetags/portal.py).

A row template writes each value as a Django template would: localized (dates and numbers in
the language's formats) and escaped (`finalize` and autoescape), a missing attribute anywhere
along a path as nothing (`ChainableUndefined`), `_()` from Django's catalog in the active
language (the strings are extracted by `makemessages`, core/management/commands), `url()` the
portal's `reverse`. Methods are called with `()`: Jinja2 does not call them by itself."""

import sys

import jinja2
from django.conf import settings
from django.template import engines
from django.template.defaultfilters import truncatechars
from django.templatetags.static import static
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from core.reversing import reverse


def _written(value):
    """What Django's templates do to a value before writing it (render_value_in_context),
    escaped by Django's escape (Jinja2 writes quotes as other, equivalent entities). Text and
    whole numbers, most of what a row writes, are written without Django's detour through the
    language's number formats when they cannot change them (no thousand separator)."""
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return SafeString(value)
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def url(viewname: str, *args) -> str:
    return reverse(viewname, args=args)


def _portal_filters() -> dict:
    """The filters of the portal's own template libraries (`{% load portal %}` and each app's),
    by the same names: a row template writes `{{ project.total_investment|yi_yuan }}` too."""
    engine = engines["django"].engine
    base = str(settings.BASE_DIR)
    filters = {}
    for name, library in engine.template_libraries.items():
        module = sys.modules.get(engine.libraries.get(name, ""))
        path = getattr(module, "__file__", None) or ""
        if path.startswith(base) and "site-packages" not in path:  # not a venv's in the project
            filters.update(library.filters)
    return filters


def environment(**options) -> jinja2.Environment:
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(  # noqa: S701 (autoescape is on: the Django backend sets it)
        finalize=_written, extensions=["jinja2.ext.i18n"], **options
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(url=url, static=static)
    env.filters.update({**_portal_filters(), "date": date_format, "truncatechars": truncatechars})
    return env
