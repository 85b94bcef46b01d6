"""Sign and keep a checkpoint of the record (run daily by the scheduler; the task
worker takes one after each approval)."""

from django.core.management.base import BaseCommand, CommandError

from core.signing import SignatureNotConfigured
from transparency.services import CheckpointRefused, checkpoint_publish


class Command(BaseCommand):
    help = "Publish a signed checkpoint of the audit log and the published decisions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Publish only if events or published decisions were added since the last.",
        )

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoint_publish(only_if_changed=options["if_changed"])
        except (CheckpointRefused, SignatureNotConfigured) as error:
            raise CommandError(str(error)) from error
        if checkpoint is None:
            self.stdout.write("Nothing new since the last checkpoint: none published.")
            return
        self.stdout.write(
            f"Checkpoint {checkpoint.sequence} published: {checkpoint.events_count} events, "
            f"{checkpoint.decisions_size} published decisions, hash {checkpoint.hash}."
        )
