from django.core.management.base import BaseCommand, CommandError

from demo.generator.context import GeneratorError
from demo.generator.run import decisions_generate


class Command(BaseCommand):
    help = (
        "Add N generated decisions (for benchmarks) on top of what the database holds "
        "(run load_demo first: its users, office holders and types are used). Seeded: the "
        "same --seed gives the same decisions. Every derived column is what the services "
        "write: search index, content digests, sign-off and record seals, the event and "
        "history chains (continued from the last row). Most are approved and published; "
        "some are at every other workflow state, deferred, with a Part 2, a budget or an "
        "amendment. PDFs: --rendered-pdfs of them are rendered by the real service; the "
        "rest store a small valid PDF naming the decision ('Generated for benchmarking'), "
        "hashed and sealed as the service seals a rendered one. Refuses to run again on a "
        "database that already holds generated decisions unless --force. PostgreSQL only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument("--rendered-pdfs", type=int, default=20)
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, **options) -> None:
        try:
            outcome = decisions_generate(
                count=options["count"],
                seed=options["seed"],
                rendered_pdfs=options["rendered_pdfs"],
                force=options["force"],
                progress=lambda line: self.stderr.write(line) if options["verbosity"] > 1 else None,
            )
        except GeneratorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{outcome.created} decisions generated ({outcome.rendered} PDFs rendered) "
            f"in {outcome.seconds:.1f} s."
        )
