"""`manage.py backup PATH`: the database and every stored file in one archive
(core/backup.py). Run as the owner when MIGRATE_DATABASE_URL is set."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, archive_create
from core.db_roles import connect_as_owner


class Command(BaseCommand):
    help = "Write the database and the stored files (MEDIA_ROOT) to one archive with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to write (must not exist).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        connect_as_owner(database)
        try:
            manifest = archive_create(path=path, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = manifest["files"]
        size = sum(entry["size"] for entry in files.values())
        if not manifest["media"]["in_archive"]:
            self.stdout.write(
                f"Wrote {path}: the {manifest['database']['engine']} database, {size:,} "
                f"bytes. The stored files are not in it: they stay in the bucket "
                f"{manifest['media']['bucket']} (keep its versioning and replication on)."
            )
            return
        self.stdout.write(
            f"Wrote {path}: the {manifest['database']['engine']} database and "
            f"{len(files) - 1} stored files, {size:,} bytes, checksums in manifest.json."
        )
