from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.second_factor import demo_codes


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of each demo user who needs a second factor, "
        "and the demo key to add to an authenticator app instead. Demo only."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo second-factor keys are known to everyone: demo_codes runs only with DEBUG on."
            )
        codes = demo_codes()
        if not codes:
            self.stdout.write("No demo user has a demo second factor. Run load_demo first.")
            return
        self.stdout.write("Current codes (demo only; each lasts 30 seconds and works once):")
        for entry in codes:
            self.stdout.write(
                f"{entry.username} ({entry.roles}): {entry.code} "
                f"(for {entry.seconds_left} more seconds) - key for an app: {entry.secret}"
            )
