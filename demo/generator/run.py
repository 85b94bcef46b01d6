"""Generating N decisions on top of what the database holds, in one transaction."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from decisions.models import (
    Decision,
    DecisionFinancialYear,
    DecisionLink,
    DecisionType,
    OfficerDeclaration,
    Paragraph,
    Part2,
    PublishedDocument,
    Recommendation,
    Section,
    SignOff,
)
from decisions.services.publication import decision_publish_pdf
from demo.generator.batch import Batch
from demo.generator.context import GeneratorError, context_load
from demo.generator.plan import GENERATED_MARK, decision_write
from demo.generator.writer import (
    batch_write,
    search_index_wait,
    sequences_reset,
    staging_create,
)
from funding.models import Allocation, BudgetEnvelope, BudgetLine

# Parents before children (the order rows are copied in).
MODELS = [
    Decision, Section, Paragraph, Recommendation, OfficerDeclaration, Part2, DecisionLink,
    SignOff, BudgetEnvelope, BudgetLine, Allocation, PublishedDocument, DecisionFinancialYear,
]  # fmt: skip
BATCH = 2_000


@dataclass(frozen=True)
class Outcome:
    created: int
    rendered: int
    seconds: float


def generated_count() -> int:
    return Decision.objects.filter(executive_summary__endswith=GENERATED_MARK).count()


@transaction.atomic
def decisions_generate(
    *, count: int, seed: int, rendered_pdfs: int, force: bool,
    progress: Callable[[str], None] = lambda line: None,
) -> Outcome:  # fmt: skip
    if connection.vendor != "postgresql":
        raise GeneratorError("generate_decisions writes with PostgreSQL COPY: use PostgreSQL.")
    if count < 1:
        raise GeneratorError("--count must be at least 1.")
    started = time.monotonic()
    context = context_load([*MODELS, DecisionType])
    already = generated_count()
    if already and not force:
        raise GeneratorError(
            f"This database already holds {already} generated decisions: add --force to add more."
        )
    context.render_left = rendered_pdfs
    rng = random.Random(seed)  # noqa: S311 (seeded sample data, not secrets)
    staging_create()
    rendered: list[int] = []
    done, laps = 0, {"plan": 0.0}
    while done < count:
        batch = Batch(context)
        planning = time.monotonic()
        for index in range(done, min(count, done + BATCH)):
            decision_write(rng, batch, index, count)
        laps["plan"] += time.monotonic() - planning
        for name, seconds in batch_write(batch, MODELS).items():
            laps[name] = laps.get(name, 0.0) + seconds
        rendered += batch.render
        done = min(count, done + BATCH)
        phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in laps.items())
        progress(f"{done} decisions written ({time.monotonic() - started:.0f} s: {phases})")
    search_index_wait(context)
    for type_info in context.types.values():
        DecisionType.objects.filter(pk=type_info.id).update(last_number=type_info.last_number)
    sequences_reset([*MODELS, DecisionType])
    # A few real PDFs through the real service (it seals the record over them).
    for decision in Decision.objects.filter(pk__in=rendered).with_type().order_by("pk"):
        decision_publish_pdf(decision=decision)
    progress(f"{len(rendered)} PDFs rendered ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        for model in MODELS:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return Outcome(count, len(rendered), time.monotonic() - started)
