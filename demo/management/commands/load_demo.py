from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import signing
from demo.loader import DEMO_USERS, demo_load
from demo.second_factor import demo_codes
from transparency.services import checkpoint_publish


class Command(BaseCommand):
    help = (
        "Load the demo users (one per role), the decisions PCD 1406, PCD 1620 and a CEOD, "
        "and a decision at each stage of the workflow."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo users have known passwords: load_demo runs only with DEBUG on."
            )
        demo_load()
        # A checkpoint of the demo, so /transparency/ is not empty (none if one
        # already covers it: loading again adds nothing).
        if signing.is_configured():
            checkpoint = checkpoint_publish(only_if_changed=True)
            if checkpoint is not None:
                self.stdout.write(f"Checkpoint {checkpoint.sequence} of the record published.")
        else:
            self.stdout.write("No signing identity: no checkpoint published (see SIGNING_*).")
        self.stdout.write(
            "Demo data loaded: PCD 1406, PCD 1620, a Chief Executive decision and a decision "
            "at each stage of the workflow."
        )
        self.stdout.write("Logins (demo only):")
        for spec in DEMO_USERS:
            self.stdout.write(f"{spec.role.label}: {spec.username} / {spec.password}")
        needing = ", ".join(entry.username for entry in demo_codes())
        self.stdout.write(
            f"Second factor (demo only): {needing} also enter a 6-digit code after the "
            "password, and again when signing. Print their current codes, and the keys to "
            "add to an authenticator app, with: DEBUG=1 .venv/bin/python manage.py demo_codes"
        )
