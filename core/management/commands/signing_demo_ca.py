"""`manage.py signing_demo_ca [FOLDER]`: make the demo signing identity (core/signing_demo.py)
where the settings expect it, unless it is there already."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.signing_demo import CA_FILE, PKCS12_FILE, demo_identity_create


class Command(BaseCommand):
    help = "Create a demo CA and signing certificate (clearly named DEMO) for local use."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            help="Where to write them (default: the folder of SIGNING_PKCS12).",
        )
        parser.add_argument("--force", action="store_true", help="Replace an existing one.")

    def handle(self, *args, folder=None, force=False, **options):
        if folder is None:
            if not settings.SIGNING_PKCS12:
                raise CommandError("Give a folder, or set SIGNING_PKCS12 to where it should go.")
            folder = Path(settings.SIGNING_PKCS12).parent
        folder = Path(folder)
        if (folder / PKCS12_FILE).exists() and not force:
            self.stdout.write(f"Demo signing identity already in {folder}")
            return
        identity = demo_identity_create(folder, organisation=settings.ORGANISATION_NAME)
        self.stdout.write(
            f"Demo signing identity (not for real use) written: {identity.pkcs12}, "
            f"CA certificate {folder / CA_FILE}"
        )
