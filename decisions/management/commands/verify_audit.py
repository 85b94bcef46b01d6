"""``manage.py verify_audit``: check every chain, seal, digest and stored file.

Exit status 0 and one summary line when all is intact; otherwise each break (table,
row or file, what differs), first broken row first, and exit status 1.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.security_log import security_event
from decisions.selectors.integrity import audit_everything


class Command(BaseCommand):
    help = "Check the event and history chains, signed records and stored files."

    def handle(self, *args, **options) -> None:
        result = audit_everything()
        if result.intact:
            self.stdout.write(
                f"Audit intact: {result.events} events, {result.history_rows} history rows, "
                f"{result.decisions} approved decisions, {result.files} stored files checked."
            )
            return
        for found in result.breaks:
            self.stderr.write(f"BROKEN {found}")
        first = result.breaks[0]
        security_event(
            "verify_failed",
            outcome="alert",
            source="verify_audit",
            table=first.table,
            row=first.row,
            breaks=len(result.breaks),
        )
        raise CommandError(f"Audit broken: {len(result.breaks)} problems; first: {first}")
