"""`manage.py restore PATH`: replace the database and the stored files with an
archive written by `manage.py backup`, after checking it whole (core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, archive_restore
from core.db_roles import RoleError, app_role_grant, connect_as_owner


class Command(BaseCommand):
    help = (
        "Replace the database and MEDIA_ROOT with a backup archive. The archive is "
        "checked against its manifest first; a partial or altered one changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="An archive written by manage.py backup.")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path, database, interactive=True, **options):
        if interactive:
            answer = input(
                "This replaces every record and stored file with the archive's. "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        app_role = connect_as_owner(database)
        try:
            manifest = archive_restore(path=path, alias=database)
            if app_role:
                app_role_grant(role=app_role, alias=database)
        except (BackupError, RoleError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the database and {len(manifest['files']) - 1} stored files from "
            f"{path} (backup of {manifest['created_at']}). Run `manage.py migrate` if "
            "this code is newer than the backup."
        )
