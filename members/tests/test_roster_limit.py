"""A roster holds at most 20,000 members: the benchmark's largest file imports, one more row is
refused whole (these build real 20,000-row files: they take seconds, not milliseconds)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from members import roster
from members.management.commands.bench_roster_import import build_file
from members.models import Member


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_benchmark_imports_20000_rows_of_its_own_generator(branch, superuser):
    output = io.StringIO()
    call_command("bench_roster_import", rows=20_000, stdout=output)
    assert "imported=20000" in output.getvalue()
    assert not Member.objects.exists()  # the benchmark rolls back


def test_a_roster_of_20001_rows_is_refused_whole(branch, superuser):
    file = build_file(roster.MAX_ROWS + 1, branch)
    with pytest.raises(roster.RosterInvalid) as refused:
        roster.import_roster(file, user=superuser)
    [error] = refused.value.errors
    assert error.row == 0
    assert error.message.startswith("本名册超过 20000 名党员")
    assert not Member.objects.exists()


def test_the_import_page_says_the_file_is_too_long_and_saves_nothing(
    secretary_client, branch, monkeypatch
):
    monkeypatch.setattr(roster, "MAX_ROWS", 3)
    file = build_file(4, branch)
    file.name = "roster.xlsx"
    response = secretary_client.post(reverse("members:import"), {"file": file})
    assert response.status_code == 200
    assert "本名册超过 3 名党员" in response.content.decode()
    assert not Member.objects.exists()

    file = build_file(3, branch)
    file.name = "roster.xlsx"
    response = secretary_client.post(reverse("members:import"), {"file": file})
    assert response.context["imported"] == 3
