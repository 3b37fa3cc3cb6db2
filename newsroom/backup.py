"""One-file backups of the paper: the database and every uploaded file, in a .tar.gz.

SQLite is copied with its online backup API (a consistent copy while the site runs);
PostgreSQL with pg_dump's custom format, restored with pg_restore. Media goes in as files.
The archive is written to a temporary name and renamed when complete, so a backup cut off
half-way never looks like a good one; a restore unpacks and checks everything before it
touches the live database or media folder.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup_create(*, output: Path) -> dict:
    """Write the database and media into one archive at `output`; returns its manifest."""
    vendor = engine()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as workdir:
        work = Path(workdir)
        if vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(work / SQLITE_FILE)
            with target:
                connection.connection.backup(target)
            target.close()
            database_file = SQLITE_FILE
        else:
            env, args = _pg_env_and_args()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(work / PG_FILE), *args], env)
            database_file = PG_FILE
        media_root = Path(settings.MEDIA_ROOT)
        on_disk = isinstance(default_storage, FileSystemStorage) and media_root.exists()
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if on_disk else []
        manifest = {
            "format": FORMAT,
            "engine": vendor,
            "database": database_file,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "media_files": len(media_files),
            "media_bytes": sum(p.stat().st_size for p in media_files),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / database_file, arcname=database_file)
            for path in media_files:
                archive.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
        os.replace(partial, output)  # only a complete archive ever carries the final name
    return manifest


def _extract(archive: tarfile.TarFile, into: Path) -> None:
    """Unpack, refusing absolute paths, '..' and anything but files and folders.

    tarfile's "data" filter does exactly this, but Debian 12's Python 3.11.2 predates it (3.11.4).
    """
    if hasattr(tarfile, "data_filter"):
        archive.extractall(into, filter="data")
        return
    members = archive.getmembers()
    for member in members:
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise tarfile.TarError(f"unsafe member {member.name!r}")
    archive.extractall(into, members=members)


def backup_restore(*, archive_path: Path) -> dict:
    """Replace the database and media with those in the archive; returns its manifest."""
    vendor = engine()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpack next to MEDIA_ROOT so the final swap is a rename on one file system.
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=media_root.parent) as workdir:
        work = Path(workdir)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                _extract(archive, work)
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{archive_path} is not a complete newsroom backup: {error}")
        try:
            manifest = json.loads((work / MANIFEST).read_text())
        except (OSError, ValueError):
            raise BackupError(f"{archive_path} has no manifest: it is not a newsroom backup.")
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Backup format {manifest.get('format')} is not supported (expected {FORMAT}).")
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; the site now uses {vendor}. "
                "Restore it on the same kind of database."
            )
        database_file = work / manifest["database"]
        if not database_file.is_file():
            raise BackupError(f"{archive_path} lacks its database file.")

        if vendor == "sqlite":
            source = sqlite3.connect(database_file)
            connection.ensure_connection()
            with source:
                source.backup(connection.connection)
            source.close()
        else:
            connection.close()  # pg_restore --clean drops tables this connection may hold
            env, args = _pg_env_and_args()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", *args, str(database_file)], env)

        restored_media = work / MEDIA_DIR
        restored_media.mkdir(exist_ok=True)
        previous = work / "previous-media"
        if media_root.exists():
            os.replace(media_root, previous)
        os.replace(restored_media, media_root)
        shutil.rmtree(previous, ignore_errors=True)
    return manifest
