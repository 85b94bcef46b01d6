"""Check the record's rows against the published trees (run on a schedule, every
few minutes to an hour: how soon a row rewritten behind the application's back is
found and shown to anyone verifying; each checkpoint checks too)."""

from django.core.management.base import BaseCommand, CommandError

from transparency.services import RecordBroken, record_check


class Command(BaseCommand):
    help = "Recompute every event's seal and decision leaf and compare them with the logs."

    def handle(self, *args, **options):
        try:
            check = record_check()
        except RecordBroken as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Record intact at {check.checked_at:%Y-%m-%d %H:%M:%S %Z}: {check.events_count} "
            f"events, {check.decisions_size} published decisions."
        )
