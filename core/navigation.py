"""The main navigation. Each section appears once its app serves its list page, so the menu
never leads to a page that does not exist yet."""

from dataclasses import dataclass

from django.urls import NoReverseMatch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.reversing import reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    icon: str  # a Bootstrap Icons name
    section: str  # the URL namespace that makes the item "current"


SECTIONS = [
    NavItem("projects:list", _("Projects"), "bi-buildings", "projects"),
    NavItem("branches:list", _("Party organisation"), "bi-diagram-3", "branches"),
    NavItem("members:list", _("Members"), "bi-people", "members"),
    NavItem("activities:list", _("Activities"), "bi-calendar-check", "activities"),
    NavItem("assessments:list", _("Assessments"), "bi-clipboard-data", "assessments"),
]


def available_sections() -> list[dict]:
    items = []
    for item in SECTIONS:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "icon": item.icon, "section": item.section})
    return items
