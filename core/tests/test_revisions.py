"""save_revision: a record is saved as its next revision only if nobody saved it since the
revision the change is based on."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core.services import EditConflict, save_revision
from projects.models import Project
from projects.tests.factories import ProjectFactory


@pytest.mark.django_db
def test_a_new_record_starts_at_revision_one():
    project = ProjectFactory.build(community=ProjectFactory().community)
    assert save_revision(project).revision == 1


@pytest.mark.django_db
def test_each_save_makes_the_next_revision():
    project = ProjectFactory()
    project.name = "第二稿"
    save_revision(project)
    project.refresh_from_db()
    assert (project.name, project.revision) == ("第二稿", 2)


@pytest.mark.django_db
def test_a_save_based_on_an_older_revision_writes_nothing_and_carries_the_current():
    project = ProjectFactory(name="原名")
    stale = Project.objects.get(pk=project.pk)
    project.name = "先保存的"
    save_revision(project)
    stale.name = "后保存的"
    stale.description = "也不该写入"

    with pytest.raises(EditConflict) as refused:
        save_revision(stale)

    assert (refused.value.current.name, refused.value.current.revision) == ("先保存的", 2)
    project.refresh_from_db()
    assert (project.name, project.description, project.revision) == ("先保存的", "", 2)


@pytest.mark.django_db
def test_a_record_deleted_meanwhile_is_said_so():
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).delete()
    with pytest.raises(ValidationError) as refused:
        save_revision(project)
    assert refused.value.code == "deleted_meanwhile"


@pytest.mark.django_db
def test_an_invalid_change_keeps_the_revision_it_was_based_on():
    project = ProjectFactory()
    project.name = ""
    with pytest.raises(ValidationError):
        save_revision(project)
    assert project.revision == 1
    project.refresh_from_db()
    assert project.revision == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_revision_exactly_one_wins():
    project = ProjectFactory()
    both_read = threading.Barrier(2)
    outcomes = []

    def save(name: str):
        try:
            with transaction.atomic():
                mine = Project.objects.get(pk=project.pk)
                both_read.wait(timeout=30)
                mine.name = name
                save_revision(mine)
            outcomes.append(name)
        except EditConflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2 and outcomes.count("refused") == 1
    project.refresh_from_db()
    assert project.revision == 2
    assert project.name == next(name for name in outcomes if name != "refused")
