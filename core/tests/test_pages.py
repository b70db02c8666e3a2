"""What every page is made of: no outside host, no inline code, the CSP header, a phone's width."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_csp_allows_only_this_server(staff_client):
    header = staff_client.get(reverse("home:home"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in header
    assert not re.search(r"https?://", header)


def test_templates_have_no_inline_script_or_style_and_no_outside_url():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\sstyle=", text), template
        assert "<style" not in text, template
        assert not re.search(r"(src|href)=\"(https?:)?//", text), template


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/css/bootstrap.min.css.map",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap/js/bootstrap.bundle.min.js.map",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "css/portal.css",
        "js/portal.js",
    ],
)
def test_front_end_files_are_vendored(path):
    assert finders.find(path), path


def test_htmx_is_told_not_to_inject_its_style(staff_client):
    page = staff_client.get(reverse("home:home")).content.decode()
    assert '"includeIndicatorStyles": false' in page


def test_pages_are_made_for_a_phone(staff_client):
    page = staff_client.get(reverse("home:home")).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "navbar-toggler" in page


def test_navigation_shows_only_sections_that_exist(staff_client):
    sections = [item["section"] for item in staff_client.get("/").context["nav_sections"]]
    assert sections[:2] == ["projects", "branches"]


INLINE_SCRIPT = re.compile(r'<script(?![^>]*(\bsrc=|type="application/json"))[^>]*>')


def test_the_admin_schedule_form_runs_no_inline_script(client, committee_admin):
    """Committee admins edit the reminder schedule in the admin: its page must work under the CSP
    (django-celery-beat's own template carries an inline script, replaced by a static file)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="0", hour="8", timezone="Asia/Shanghai")
    task = PeriodicTask.objects.create(name="sweep", task="x", crontab=crontab)
    client.force_login(committee_admin)
    for url in (
        reverse("admin:django_celery_beat_periodictask_add"),
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
    ):
        page = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(page), url
        assert "js/periodic_task_admin.js" in page
        assert 'id="readable-crontabs"' in page


def test_static_files_collect_with_hashed_names_as_in_production(settings, tmp_path, client):
    """Production serves hashed names (ManifestStaticFilesStorage, through WhiteNoise): every
    file a stylesheet or page names must exist, or the page fails to render there."""
    from django.core.management import call_command
    from django.template.loader import render_to_string

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    page = client.get(reverse("accounts:login")).content.decode()
    assert re.search(r"/static/vendor/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css", page)
    assert re.search(r"/static/css/portal\.[0-9a-f]{12}\.css", render_to_string("500.html"))
