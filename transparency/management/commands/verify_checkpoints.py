"""Check that today's record extends a checkpoint you kept (a file or its URL)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from transparency.verification import (
    CheckFailed,
    HttpSource,
    LocalSource,
    checkpoints_verify,
    json_at,
    load_checkpoint,
)


class Command(BaseCommand):
    help = (
        "Check that the record published today extends a checkpoint you kept: both "
        "signatures, the consistency proofs, and with --decision a decision's inclusion."
    )

    def add_arguments(self, parser):
        parser.add_argument("checkpoint", help="A file or URL of the checkpoint's JSON.")
        parser.add_argument("--decision", default="", help='A reference, e.g. "PCD 1620".')
        parser.add_argument(
            "--trust-roots",
            default="",
            help="The organisation's root certificate(s), PEM or DER, comma-separated "
            "(default: SIGNING_TRUST_ROOTS).",
        )
        parser.add_argument(
            "--chain",
            action="store_true",
            help="Also read every checkpoint between yours and the latest: each must be "
            "signed and name the one before (one request each).",
        )
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--site", default="", help="The site to ask (default: SITE_URL), over HTTP."
        )
        where.add_argument(
            "--in-process",
            action="store_true",
            help="Read this deployment's database instead of asking over HTTP.",
        )

    def handle(self, *args, **options):
        if options["trust_roots"]:
            # Whoever checks says whom they trust: the signatures must chain to it.
            with override_settings(SIGNING_TRUST_ROOTS=options["trust_roots"]):
                return self._verify(options)
        return self._verify(options)

    def _verify(self, options):
        source_name = options["checkpoint"]
        try:
            if source_name.startswith(("http://", "https://")):
                held = load_checkpoint_url(source_name)
            else:
                path = Path(source_name)
                if not path.is_file():
                    raise CheckFailed(f"There is no file {source_name}.")
                held = load_checkpoint(path.read_text(encoding="utf-8"), where=source_name)
            source = (
                LocalSource()
                if options["in_process"]
                else HttpSource(options["site"] or settings.SITE_URL)
            )
            report = checkpoints_verify(
                held, source=source, decision=options["decision"], chain=options["chain"]
            )
        except CheckFailed as error:
            raise CommandError(f"Check failed: {error}") from error
        for line in report.lines:
            self.stdout.write(line)


def load_checkpoint_url(url: str) -> dict:
    import json

    return load_checkpoint(json.dumps(json_at(url)), where=url)
