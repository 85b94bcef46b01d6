"""`manage.py db_app_role --role NAME`: grant the application role its rights.

Run as the owner (MIGRATE_DATABASE_URL, or a DATABASE_URL naming the owner) after
`migrate`; `migrate` itself runs it when both URLs are set. Idempotent.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.db_roles import RoleError, app_role_grant, connect_as_owner


class Command(BaseCommand):
    help = (
        "Grant the application's PostgreSQL role SELECT, INSERT, UPDATE, DELETE on "
        "ordinary tables, only SELECT, INSERT on the append-only tables and only "
        "SELECT on the tables triggers write."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role",
            help="The application role (default: the user in DATABASE_URL when "
            "MIGRATE_DATABASE_URL names another).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, role=None, database="default", **options):
        app_role = connect_as_owner(database)
        role = role or app_role
        if not role:
            raise CommandError(
                "Name the application role with --role (or set DATABASE_URL to the "
                "application role and MIGRATE_DATABASE_URL to the owner)."
            )
        try:
            granted = app_role_grant(role=role, alias=database)
        except RoleError as error:
            raise CommandError(str(error)) from error
        for privileges, tables in granted.items():
            self.stdout.write(f"{role}: {privileges} on {len(tables)} tables")
        self.stdout.write(f"Append-only: {', '.join(settings.APPEND_ONLY_TABLES)}")
        self.stdout.write(f"Written by triggers only: {', '.join(settings.TRIGGER_WRITTEN_TABLES)}")
