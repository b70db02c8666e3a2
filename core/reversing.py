"""`reverse()` for the links a page writes many times, reversed once per shape.

A list page writes fifty to a hundred links: each row's page, the layout's menu, the header's
buttons. Django's `reverse()` matches the URL patterns anew for each (about 30 µs; a tenth of
a list page's rendering). A link to a view without arguments is the same text every time, and
one whose arguments are ids is the same text around the numbers. So each view's link is
reversed once per URL configuration, script prefix, current application and number of
arguments, with marker numbers in place of the ids, and the ids are written where the markers
were. Anything else (text arguments, keyword arguments, a negative number, a pattern that
refuses the markers) goes to Django's `reverse()` itself, which also raises its errors.

`url` below is the `{% url %}` tag on top of it; the settings make it a built-in of the
templates, so every template's `{% url %}` is this one."""

import functools

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.html import conditional_escape

# Ids never reach it; in a reversed link it shows where the id goes. Each argument has its own.
MARK = 7_340_000_000_000_000_000


@functools.lru_cache(maxsize=2048)
def _shape(viewname, arity: int, urlconf, prefix: str, current_app) -> tuple[str, ...] | None:
    """The text between the arguments of `viewname`'s link, or None to leave it to Django.

    Checked with a second link, of zeros: a converter that writes its number otherwise (pads
    it, say) makes the two disagree, and the view is left to Django. `prefix` is not passed
    on: Django's reverse() reads the same thread's prefix itself; it is part of the key so
    that a request under another script prefix has its own shape."""
    marks = [MARK + position for position in range(arity)]
    try:
        url = django_reverse(viewname, urlconf=urlconf, args=marks, current_app=current_app)
        zeros = django_reverse(viewname, urlconf=urlconf, args=[0] * arity, current_app=current_app)
    except NoReverseMatch:
        return None
    parts, rest = [], url
    for mark in marks:
        head, found, rest = rest.partition(str(mark))
        if not found:
            return None
        parts.append(head)
    parts.append(rest)
    shape = tuple(parts)
    return shape if _fill(shape, [0] * arity) == zeros else None


def _fill(shape: tuple[str, ...], args) -> str:
    pieces = [shape[0]]
    for arg, after in zip(args, shape[1:], strict=True):
        pieces.append(str(arg))
        pieces.append(after)
    return "".join(pieces)


def _is_id(value) -> bool:
    return type(value) is int and value >= 0  # not a bool, not a digit string


def reverse(viewname, args=None, kwargs=None, current_app=None) -> str:
    """Django's `reverse()`, answered from the link's shape when its arguments are ids."""
    args = args or ()
    if kwargs or not all(_is_id(arg) for arg in args):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    try:
        parts = _shape(viewname, len(args), get_urlconf(), get_script_prefix(), current_app)
    except TypeError:  # an unhashable view name: Django says what is wrong with it
        parts = None
    if parts is None:
        return django_reverse(viewname, args=args, current_app=current_app)
    return _fill(parts, args)


class URLNode(defaulttags.URLNode):
    """Django's `{% url %}`, reversed with `reverse` above (same arguments, same errors)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {key: value.resolve(context) for key, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


register = template.Library()


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
