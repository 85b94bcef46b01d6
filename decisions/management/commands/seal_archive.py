"""manage.py seal_archive [--user USERNAME]

Seals the signed originals of archived records brought in before imports sealed
them (decisions/services/archive_seal.py): the organisation's detached signature
over each original's bytes, as an import makes now. Run it once after deploying
the seals (migration 0018 adds the columns and seals nothing: a migration has no
signing key). Records already sealed, and those without an original, are left as
they are, so running it again changes nothing.

Exit status: 0 when every original was sealed or had nothing to do; 1 when any was
refused (its stored file is not the one imported), naming it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from core.errors import DomainError
from decisions import policy
from decisions.models import ArchivedRecord
from decisions.services.archive_seal import archived_record_seal

DEFAULT_USER = "records"


class Command(BaseCommand):
    help = "Seal the signed originals of archived records imported before seals existed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user",
            default=DEFAULT_USER,
            help=f"The records manager the seals are recorded as (default: {DEFAULT_USER}).",
        )

    def handle(self, *args, user: str, **options) -> None:
        acting = User.objects.filter(username=user).first()
        if acting is None or not policy.can_import(acting):
            raise CommandError(f"{user} is not a records manager: give one with --user.")
        unsealed = (
            ArchivedRecord.objects.filter(document_sealed_at__isnull=True)
            .exclude(document_sha256="")
            .select_related("decision__decision_type")
            .order_by("pk")
        )
        sealed, refused = 0, 0
        for archive in unsealed:
            try:
                sealed += archived_record_seal(user=acting, archive=archive)
            except DomainError as error:
                refused += 1
                self.stdout.write(f"{archive.decision.reference}: not sealed: {error.message}")
        self.stdout.write(f"{sealed} archived original(s) sealed, {refused} refused.")
        if refused:
            raise CommandError(f"{refused} archived original(s) could not be sealed.", returncode=1)
