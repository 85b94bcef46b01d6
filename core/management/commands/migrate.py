"""`manage.py migrate`, run as the owner when MIGRATE_DATABASE_URL is set.

Django's own migrate, with the default connection switched to the owner role first
(so migrations' Python code and post-migrate set-up also run as the owner), then
the application role's grants made again: a table added by this migration is
covered, and one listed in APPEND_ONLY_TABLES loses UPDATE and DELETE at once.
"""

from django.core.management.base import CommandError
from django.core.management.commands import migrate

from core.db_roles import RoleError, app_role_grant, connect_as_owner


class Command(migrate.Command):
    def handle(self, *args, **options):
        app_role = connect_as_owner(options["database"])
        super().handle(*args, **options)
        if app_role:
            try:
                app_role_grant(role=app_role, alias=options["database"])
            except RoleError as error:
                raise CommandError(str(error)) from error
            if options["verbosity"]:
                self.stdout.write(f"Granted the application role {app_role} its rights.")
