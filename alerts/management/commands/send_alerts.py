"""Send email alerts: run once a day (README, Production). Idempotent: what each
subscription was sent is recorded with the send, so a second run sends nothing new."""

from django.core.management.base import BaseCommand

from alerts.services import alerts_send


class Command(BaseCommand):
    help = (
        "Email each confirmed alert the decisions published since it was last sent, "
        "and delete requests never confirmed within 48 hours."
    )

    def handle(self, *args, **options) -> None:
        summary = alerts_send(user=None)
        self.stdout.write(
            f"Sent {summary.emails} email alert(s); "
            f"deleted {summary.expired} unconfirmed request(s)."
        )
