"""Backup and restore: the database and the uploaded files in one archive file.

The archive is a tar file holding

- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: a copy
  made with SQLite's online backup API, consistent even while the portal is writing);
- `media/…`: every file under MEDIA_ROOT (activity photos, rule documents, handover archives);
- `manifest.json`, written last: the row count of every table, taken in the same snapshot as the
  dump, and the size and SHA-256 of the database file and of every media file.

A restore refuses a database that already holds tables (or a media folder that holds files)
unless it is forced, checks every checksum before it writes anything, and afterwards counts the
rows of every table and hashes every restored file against the manifest.
"""

import datetime
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connection

from core.files import bucket_name

FORMAT = "portal-backup/1"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

# Where PostgreSQL client programs live when they are not on PATH (Debian/Ubuntu, RHEL, source
# builds, Homebrew); the highest version is tried first.
PG_BIN_PATTERNS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    media_bucket: str | None = None


# PostgreSQL client programs ----------------------------------------------------------------------


def _major_version(program: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL program found by pg_program
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _dir_version(directory: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", directory))


def pg_program(name: str, *, at_least: int | None = None) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore, psql) whose major version is
    at least `at_least` (pg_dump refuses a server newer than itself).

    Looked for in $PORTAL_PG_BIN_DIR, then on PATH, then in the usual install folders."""
    candidates: list[Path] = []
    if os.environ.get("PORTAL_PG_BIN_DIR"):
        candidates.append(Path(os.environ["PORTAL_PG_BIN_DIR"]) / name)
    if on_path := shutil.which(name):
        candidates.append(Path(on_path))
    for pattern in PG_BIN_PATTERNS:
        for directory in sorted(glob.glob(pattern), key=_dir_version, reverse=True):
            candidates.append(Path(directory) / name)
    tried = []
    for candidate in dict.fromkeys(candidates):
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        major = _major_version(candidate)
        if at_least is None or (major is not None and major >= at_least):
            return str(candidate)
        tried.append(f"{candidate} (version {major})")
    wanted = f"{name} {at_least} or newer" if at_least else name
    found = "; found only " + ", ".join(tried) if tried else ""
    raise BackupError(
        f"{wanted} was not found{found}. Install the PostgreSQL client programs or set "
        "PORTAL_PG_BIN_DIR to the folder that holds them."
    )


def _pg_env() -> dict[str, str]:
    """The connection settings as libpq environment variables (the password never appears on a
    command line)."""
    _args, extra = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if connection.settings_dict.get(key):
            env[variable] = str(connection.settings_dict[key])
    return env


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


# Tables and files --------------------------------------------------------------------------------

TABLES_SQL = {
    "postgresql": (
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = ANY (current_schemas(false)) ORDER BY c.relname"
    ),
    "sqlite": (
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ),
}


def _vendor() -> str:
    if connection.vendor not in TABLES_SQL:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _tables(cursor, vendor: str) -> list[str]:
    cursor.execute(TABLES_SQL[vendor])
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def table_row_counts() -> dict[str, int]:
    """The number of rows of every table of the portal's database, by table name."""
    vendor = _vendor()
    with connection.cursor() as cursor:
        return _row_counts(cursor, vendor)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> list[Path]:
    """Every regular file under the media folder, as paths relative to it, in a stable order."""
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


class _HashingReader(io.RawIOBase):
    """Reads a file into the archive and hashes it on the way: every byte is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.digest.hexdigest()}


# Backup ------------------------------------------------------------------------------------------


def _dump_postgresql(work: Path) -> tuple[Path, dict[str, int], dict]:
    """pg_dump in the snapshot in which the rows are counted, so the counts describe the dump
    exactly even while the portal keeps writing."""
    server_major = _server_major()
    pg_dump = pg_program("pg_dump", at_least=server_major)
    target = work / "database.dump"
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _row_counts(cursor, "postgresql")
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-password",
                f"--file={target}",
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    finally:
        raw.rollback()
        raw.close()
    return (
        target,
        counts,
        {"server_major": server_major, "pg_dump_major": _major_version(Path(pg_dump))},
    )


def _copy_sqlite(work: Path) -> tuple[Path, dict[str, int], dict]:
    """SQLite's online backup API: a consistent copy even while another connection writes."""
    connection.ensure_connection()
    target = work / "database.sqlite3"
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        counts = _row_counts(copy.cursor(), "sqlite")
    finally:
        copy.close()
    return target, counts, {"sqlite_version": sqlite3.sqlite_version}


def create_backup(path: Path) -> Summary:
    """Write the database and the media folder into one archive at `path`. The file appears
    under its name only once it is complete."""
    path = Path(path)
    vendor = _vendor()
    media_root = Path(settings.MEDIA_ROOT)
    partial = path.with_name(path.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
            dump = _dump_postgresql if vendor == "postgresql" else _copy_sqlite
            database_file, counts, details = dump(Path(work))
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                database = {"vendor": vendor, "file": database_file.name, **details}
                database.update(_add_file(tar, database_file, database_file.name))
                media = {}
                bucket = bucket_name()
                for relative in [] if bucket else media_files(media_root):
                    name = relative.as_posix()
                    media[name] = _add_file(tar, media_root / relative, MEDIA_PREFIX + name)
                manifest = {
                    "format": FORMAT,
                    "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "django": django.get_version(),
                    "database": database,
                    "tables": counts,
                    "media": media,
                    # Uploads in a bucket are backed up by the object store (versioning,
                    # replication), not copied into this archive.
                    "media_bucket": bucket,
                }
                body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(datetime.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(body))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(
        path=path,
        tables=len(counts),
        rows=sum(counts.values()),
        media_files=len(media),
        media_bytes=sum(item["size"] for item in media.values()),
        media_bucket=bucket,
    )


# Restore -----------------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError as exc:
        raise BackupError("This file is not a portal backup: it has no manifest.") from exc
    manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (expected {FORMAT}).")
    return manifest


def _media_path(name: str) -> PurePosixPath:
    """The place of an archived media file under MEDIA_ROOT; nothing may point outside it."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or not relative.parts or ".." in relative.parts:
        raise BackupError(f"Refusing the archived file name {name!r}.")
    return relative


def _extract_checked(tar: tarfile.TarFile, name: str, target: Path, expected: dict) -> None:
    """Write an archived file to `target` and check its size and checksum."""
    try:
        member = tar.getmember(name)
    except KeyError as exc:
        raise BackupError(f"{name} is in the manifest but missing from the archive.") from exc
    if not member.isfile():
        raise BackupError(f"{name} is not a regular file in the archive.")
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if member.size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(f"{name} does not match its checksum in the manifest: it is damaged.")


def _restore_postgresql(database_file: Path, manifest: dict, replace: list[str]) -> None:
    """pg_restore's SQL fed to psql inside one transaction, committed only once pg_restore has
    produced all of it without error. With --force the old tables are dropped in that same
    transaction: a restore that fails half-way leaves the database as it was."""
    needed = max(_server_major(), manifest["database"].get("pg_dump_major") or 0)
    pg_restore = pg_program("pg_restore", at_least=needed)
    psql = pg_program("psql")
    env = _pg_env()
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        consumer = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        producer = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(database_file)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        try:
            consumer.stdin.write(b"BEGIN;\n")
            if replace:
                tables = ", ".join(connection.ops.quote_name(table) for table in replace)
                consumer.stdin.write(f"DROP TABLE IF EXISTS {tables} CASCADE;\n".encode())
            shutil.copyfileobj(producer.stdout, consumer.stdin, CHUNK)
            producer.wait()
            if producer.returncode == 0:
                consumer.stdin.write(b"COMMIT;\n")
            # Without COMMIT, psql ends the session and PostgreSQL rolls everything back.
            consumer.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error (ON_ERROR_STOP); its message says which
        finally:
            producer.stdout.close()
            producer.wait()
            consumer.wait()
        restore_errors.seek(0)
        psql_errors.seek(0)
        restore_message = restore_errors.read().decode(errors="replace").strip()
        psql_message = psql_errors.read().decode(errors="replace").strip()
    if producer.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {restore_message}")
    if consumer.returncode != 0:
        raise BackupError(f"psql failed, nothing was restored: {psql_message}")
    connection.close()  # the next query sees the restored tables through a fresh connection


def _restore_sqlite(database_file: Path) -> None:
    """The online backup API copies the archived database over the current one as a whole."""
    connection.ensure_connection()
    source = sqlite3.connect(database_file)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _clear(folder: Path, *, keep: Path) -> None:
    for child in folder.iterdir():
        if child == keep:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def check_against_manifest(manifest: dict, media_root: Path) -> list[str]:
    """Differences between the restored database and media folder and the manifest."""
    problems = []
    counts = table_row_counts()
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(counts)):
        if table not in counts:
            problems.append(f"table {table} is missing")
        elif table not in expected:
            problems.append(f"table {table} is not in the backup")
        elif counts[table] != expected[table]:
            problems.append(f"table {table} has {counts[table]} rows, the backup {expected[table]}")
    for name, item in manifest["media"].items():
        path = media_root / _media_path(name)
        if not path.is_file():
            problems.append(f"media file {name} is missing")
        elif sha256_of(path) != item["sha256"]:
            problems.append(f"media file {name} differs from the backup")
    return problems


def restore_backup(path: Path, *, force: bool = False) -> Summary:
    """Restore an archive made by create_backup into the configured database and media folder."""
    path = Path(path)
    vendor = _vendor()
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(path, "r:") as tar:
        manifest = read_manifest(tar)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                f"This is a {manifest['database']['vendor']} backup; the configured database "
                f"is {vendor}."
            )
        with connection.cursor() as cursor:
            existing = _tables(cursor, vendor)
        existing_media = media_files(media_root)
        if (existing or existing_media) and not force:
            raise BackupError(
                f"The database already holds {len(existing)} tables and the media folder "
                f"{len(existing_media)} files: restore into an empty database and media folder, "
                "or add --force to replace everything in them."
            )
        media_root.mkdir(parents=True, exist_ok=True)
        # Every file is extracted and checked before anything is replaced: the media into a
        # folder beside the others (same file system, so moving them in is a rename).
        staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root))
        try:
            for name, item in manifest["media"].items():
                _extract_checked(tar, MEDIA_PREFIX + name, staging / _media_path(name), item)
            with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
                database_file = Path(work) / manifest["database"]["file"]
                _extract_checked(
                    tar, manifest["database"]["file"], database_file, manifest["database"]
                )
                if vendor == "postgresql":
                    _restore_postgresql(database_file, manifest, replace=existing)
                else:
                    _restore_sqlite(database_file)
            _clear(media_root, keep=staging)
            for child in staging.iterdir():
                child.rename(media_root / child.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    problems = check_against_manifest(manifest, media_root)
    if problems:
        raise BackupError("The restore does not match the manifest: " + "; ".join(problems))
    return Summary(
        path=path,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        media_files=len(manifest["media"]),
        media_bytes=sum(item["size"] for item in manifest["media"].values()),
    )
