"""core.reversing: the same links as Django's reverse(), for every view of the portal."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, get_resolver, path, register_converter, set_script_prefix
from django.urls import reverse as django_reverse

from core import reversing
from core.reversing import reverse


def _view(request, **kwargs):
    raise NotImplementedError


class FourDigits:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:04d}"


class Padded(FourDigits):
    regex = "[0-9]+"

    def to_url(self, value):
        return f"{value:08d}"


register_converter(FourDigits, "yyyy")
register_converter(Padded, "padded")

# A URL configuration with what the portal's own does not have: patterns that refuse the
# markers or rewrite their argument, and two arguments.
urlpatterns = [
    path("year/<yyyy:year>/", _view, name="year"),
    path("padded/<padded:number>/", _view, name="padded"),
    path("a/<int:first>/b/<int:second>/", _view, name="pair"),
    path("text/<str:word>/", _view, name="word"),
]


def _named_patterns(resolver=None, prefix=""):
    """Every (name, number of int arguments) of the project's URL configuration."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_patterns(pattern, namespace)
        elif pattern.name:
            converters = pattern.pattern.converters
            if all(type(c).__name__ == "IntConverter" for c in converters.values()):
                yield f"{prefix}{pattern.name}", len(converters)


def test_every_view_of_the_portal_is_linked_as_django_links_it():
    names = list(_named_patterns())
    assert len(names) > 100
    for name, arity in names:
        for ids in ([0] * arity, [1] * arity, [42, 7, 3][:arity], [10**12] * arity):
            try:
                expected = django_reverse(name, args=ids)
            except NoReverseMatch:
                with pytest.raises(NoReverseMatch):
                    reverse(name, args=ids)
                continue
            assert reverse(name, args=ids) == expected, name


def test_under_a_script_prefix_each_prefix_has_its_links():
    try:
        set_script_prefix("/portal/")
        assert reverse("members:detail", args=[5]) == "/portal/members/5/"
        assert reverse("members:list") == "/portal/members/"
    finally:
        set_script_prefix("/")
    assert reverse("members:detail", args=[5]) == "/members/5/"


@override_settings(ROOT_URLCONF=__name__)
def test_what_is_not_an_id_goes_to_django():
    reversing._shape.cache_clear()
    assert reverse("pair", args=[3, 4]) == "/a/3/b/4/"
    assert reverse("word", args=["x y"]) == django_reverse("word", args=["x y"]) == "/text/x%20y/"
    assert reverse("pair", kwargs={"first": 1, "second": 2}) == "/a/1/b/2/"
    assert reverse("word", args=[True]) == django_reverse("word", args=[True])
    with pytest.raises(NoReverseMatch):
        reverse("pair", args=[-1, 2])  # the int converter refuses it; so does Django
    with pytest.raises(NoReverseMatch):
        reverse("pair", args=[1])
    with pytest.raises(NoReverseMatch):
        reverse("nothing-of-that-name")


@override_settings(ROOT_URLCONF=__name__)
def test_a_pattern_that_refuses_or_rewrites_the_markers_is_left_to_django():
    reversing._shape.cache_clear()
    assert reversing._shape("year", 1, None, "/", None) is None  # 19 digits are not a year
    assert reverse("year", args=[2026]) == "/year/2026/"
    with pytest.raises(NoReverseMatch):
        reverse("year", args=[12345])
    assert reversing._shape("padded", 1, None, "/", None) is None  # the marker written otherwise
    assert reverse("padded", args=[7]) == django_reverse("padded", args=[7]) == "/padded/00000007/"


def test_the_url_tag_of_every_template_is_this_one():
    request = RequestFactory().get("/")
    template = Template(
        "{% url 'members:detail' pk %}|{% url 'members:list' %}|"
        "{% url 'members:detail' pk as link %}{{ link }}|"
        "{% url 'nothing' as missing %}[{{ missing }}]"
    )
    rendered = template.render(Context({"pk": 12, "request": request}))
    assert rendered == "/members/12/|/members/|/members/12/|[]"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nothing' %}").render(Context({}))
    assert reversing.URLNode in {type(node) for node in template.nodelist}
