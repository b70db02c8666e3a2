"""The Chinese catalog is complete, compiled, and the language can be switched."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def catalog_gaps(po_file: Path) -> dict[str, int]:
    """How many entries are fuzzy or untranslated, as GNU msgfmt counts them."""
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    counts = dict.fromkeys(("fuzzy", "untranslated"), 0)
    for number, kind in re.findall(r"(\d+) (fuzzy|untranslated)", result.stderr):
        counts[kind] = int(number)
    return counts


def test_gaps_are_counted(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Yes"\nmsgstr "是"\n\nmsgid "No"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert catalog_gaps(sample) == {"fuzzy": 0, "untranslated": 1}


def test_every_string_in_the_code_is_translated(tmp_path):
    """Extract the strings afresh in a copy of the source: nothing may be left untranslated.
    (makemessages writes into the catalog beside the code, hence the copy.)"""
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        base,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "static",
            "staticfiles",
            "media",
            "test-artifacts",
            "__pycache__",
            "*.sqlite3",
            "node_modules",
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert catalog_gaps(po) == {"fuzzy": 0, "untranslated": 0}, (
        "run makemessages -l zh_Hans -i .venv and translate the new strings"
    )


def test_compiled_catalog_matches_the_po_file(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), "run: python manage.py compilemessages -i .venv"


@pytest.mark.django_db
def test_switch_to_english_and_back(client, street_staff):
    client.force_login(street_staff)
    assert "投资主体与承建单位" in client.get(reverse("projects:list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    page = client.get(reverse("projects:list")).content.decode()
    assert "Investors and contractors" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "投资主体与承建单位" in client.get(reverse("projects:list")).content.decode()


@pytest.mark.django_db
def test_an_english_browser_gets_chinese_until_english_is_chosen(client, street_staff):
    client.force_login(street_staff)
    page = client.get(reverse("projects:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "投资主体与承建单位" in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    page = client.get(reverse("projects:list"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert "Investors and contractors" in page.content.decode()


def test_the_log_in_page_is_chinese_for_an_english_browser(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="zh-hans"' in page.content.decode()
