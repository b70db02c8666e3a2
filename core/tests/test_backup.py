"""manage.py backup / restore: a round trip on the configured database (SQLite by default,
PostgreSQL when DATABASE_URL says so) into a scratch database this test creates and drops,
compared table by table and file by file."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from activities import services as activity_services
from activities.defaults import ensure_default_kinds
from activities.models import ActivityKind
from activities.tests.factories import ActivityLogFactory
from core.backup import MANIFEST
from members.tests.factories import ParticipationFactory

# Committed data: pg_dump sees only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


def photo_upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "darkred").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def portal_data(settings, tmp_path, branch, street_staff):
    """Rows in many tables, uploaded photos, and a file in a nested folder with a Chinese name."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_kinds(ActivityKind)  # a transactional test before may have flushed them
    for _ in range(3):
        ParticipationFactory(branch=branch)
    log = ActivityLogFactory(branch=branch)
    activity_services.photo_add(log=log, upload=photo_upload("现场.jpg"), actor=street_staff)
    activity_services.photo_add(log=log, upload=photo_upload("second.jpg"), actor=street_staff)
    extra = settings.MEDIA_ROOT / "rules" / "2026"
    extra.mkdir(parents=True)
    (extra / "支部制度.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return settings.MEDIA_ROOT


def counts_here() -> dict[str, int]:
    """Row counts of the test database, read through Django's own introspection."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class SqliteScratch:
    def __init__(self, tmp_path: Path):
        self.path = tmp_path / "restored.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def counts(self) -> dict[str, int]:
        with sqlite3.connect(self.path) as db:
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608

    def drop(self):
        self.path.unlink(missing_ok=True)


class PostgresScratch:
    """A database of this test's own, named after the test database (never another's)."""

    def __init__(self):
        params = dict(connection.settings_dict)
        self.name = f"{params['NAME']}_restore"
        self.params = params
        credentials = quote(params["USER"] or "")
        if params["PASSWORD"]:
            credentials += ":" + quote(params["PASSWORD"])
        host = params["HOST"] or "localhost"
        port = params["PORT"] or 5432
        self.url = f"postgres://{credentials}@{host}:{port}/{self.name}"
        self._admin("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._admin("CREATE DATABASE {name}")

    def _connect(self, dbname: str):
        options = connection.get_connection_params()
        options["dbname"] = dbname
        raw = connection.get_new_connection(options)
        raw.autocommit = True
        return raw

    def _admin(self, statement: str):
        raw = self._connect("postgres")
        try:
            with raw.cursor() as cursor:
                cursor.execute(statement.format(name=connection.ops.quote_name(self.name)))
        finally:
            raw.close()

    def counts(self) -> dict[str, int]:
        raw = self._connect(self.name)
        try:
            with raw.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                tables = [row[0] for row in cursor.fetchall()]
                counts = {}
                for table in tables:
                    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                    counts[table] = cursor.fetchone()[0]
                return counts
        finally:
            raw.close()

    def drop(self):
        self._admin("DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def scratch(tmp_path):
    target = PostgresScratch() if connection.vendor == "postgresql" else SqliteScratch(tmp_path)
    yield target
    target.drop()


def restore_into(scratch, archive: Path, media: Path, *extra: str):
    """`manage.py restore` in its own process, on the scratch database and media folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=scratch.url,
        DJANGO_MEDIA_ROOT=str(media),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_round_trip_restores_every_row_and_every_file(portal_data, scratch, tmp_path):
    archive = tmp_path / "portal.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    before = counts_here()
    assert before["activities_activityphoto"] == 2
    assert before["members_member"] == 3

    restored_media = tmp_path / "restored-media"
    result = restore_into(scratch, archive, restored_media)

    assert result.returncode == 0, result.stderr
    assert "match the manifest" in result.stdout
    assert scratch.counts() == before
    assert checksums(restored_media) == checksums(portal_data)
    assert len(checksums(portal_data)) == 3


def test_manifest_lists_every_table_and_file(portal_data, tmp_path):
    archive = tmp_path / "portal.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
        names = set(tar.getnames())
    assert manifest["tables"] == counts_here()
    assert {name: item["sha256"] for name, item in manifest["media"].items()} == checksums(
        portal_data
    )
    assert {f"media/{name}" for name in manifest["media"]} | {
        manifest["database"]["file"],
        MANIFEST,
    } == names


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(portal_data, scratch, tmp_path):
    archive = tmp_path / "portal.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    assert restore_into(scratch, archive, restored_media).returncode == 0
    (restored_media / "added-after.txt").write_text("kept unless forced")

    refused = restore_into(scratch, archive, restored_media)
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert (restored_media / "added-after.txt").exists()

    forced = restore_into(scratch, archive, restored_media, "--force")
    assert forced.returncode == 0, forced.stderr
    assert scratch.counts() == counts_here()
    assert checksums(restored_media) == checksums(portal_data)


def test_restore_refuses_the_test_database_itself(portal_data, tmp_path):
    archive = tmp_path / "portal.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_a_damaged_archive_is_refused_before_anything_is_written(portal_data, scratch, tmp_path):
    archive = tmp_path / "portal.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith(".pdf"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit flipped
            target.addfile(member, io.BytesIO(data))

    restored_media = tmp_path / "restored-media"
    result = restore_into(scratch, damaged, restored_media)

    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr
    assert scratch.counts() == {}
    assert checksums(restored_media) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore runs on PostgreSQL")
def test_a_forced_restore_that_fails_leaves_the_database_as_it_was(portal_data, scratch, tmp_path):
    archive = tmp_path / "portal.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    assert restore_into(scratch, archive, tmp_path / "restored-media").returncode == 0
    before = scratch.counts()
    # A dump cut short whose manifest was rewritten to match: only pg_restore can notice.
    cut = tmp_path / "cut.tar"
    with tarfile.open(archive) as source, tarfile.open(cut, "w") as target:
        manifest = json.load(source.extractfile(MANIFEST))
        dump = source.extractfile(manifest["database"]["file"]).read()
        dump = dump[: len(dump) // 2]
        manifest["database"].update(size=len(dump), sha256=hashlib.sha256(dump).hexdigest())
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == manifest["database"]["file"]:
                data = dump
            elif member.name == MANIFEST:
                data = json.dumps(manifest).encode()
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    result = restore_into(scratch, cut, tmp_path / "restored-media", "--force")

    assert result.returncode != 0
    assert "nothing was restored" in result.stderr
    assert scratch.counts() == before
