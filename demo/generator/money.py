"""A generated decision's budget, as funding's ``envelope_create`` writes it: the
envelope, its lines by procurement route, each line's allocations by financial
year, all under the reason "Budget envelope created"."""

from __future__ import annotations

import itertools
import random
from typing import TYPE_CHECKING

from core.financial_years import financial_year_of
from demo.generator import words
from demo.generator.batch import Batch
from funding.models import Allocation, BudgetEnvelope, BudgetLine, ProcurementRoute

if TYPE_CHECKING:
    from demo.generator.plan import Plan

REASON = "Budget envelope created"
ROUTES = (
    ProcurementRoute.OPEN_PROCUREMENT, ProcurementRoute.GRANT, ProcurementRoute.FRAMEWORK,
    ProcurementRoute.DIRECT_AWARD, ProcurementRoute.DIRECT_AWARD_REG_12_7,
)  # fmt: skip


def _split(rng: random.Random, total: int, parts: int, unit: int) -> list[int]:
    """``total`` in ``parts`` positive amounts, each a multiple of ``unit``."""
    units = total // unit
    cuts = sorted(rng.sample(range(1, units), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, units]
    return [(b - a) * unit for a, b in itertools.pairwise(bounds)]


def budget_write(rng: random.Random, plan: Plan, batch: Batch) -> None:
    officer, decision = batch.context.officer.id, plan.decision
    at = decision["created_at"]
    limit = plan.type.delegation_limit_pence
    top = min(500_000_000, (limit - 1) if limit else 500_000_000)
    # Whole thousands of pounds (100,000 pence), from £10,000 up to the limit.
    total = rng.randint(10, top // 100_000) * 100_000
    programme = rng.choice(words.PROGRAMMES)
    envelope = batch.add(
        BudgetEnvelope, reason=REASON, user=officer, at=at, decision_id=decision["id"],
        description=f"{programme[:1].upper()}{programme[1:]} budget",
        funding_source=rng.choice(words.FUNDING_SOURCES), total_pence=total,
    )  # fmt: skip
    plan.content.envelope = (envelope["description"], envelope["funding_source"], total)
    first_year = financial_year_of(at.date())
    for position, amount in enumerate(_split(rng, total, rng.randint(1, 3), 100_000), start=1):
        route = rng.choice(ROUTES)
        line = batch.add(
            BudgetLine, reason=REASON, user=officer, at=at, envelope_id=envelope["id"],
            position=position, route=route.value,
            description=f"{route.label} with {rng.choice(words.COUNTERPARTIES)}",
            amount_pence=amount, set_by_id=decision["id"], active=True,
        )  # fmt: skip
        years = min(rng.randint(1, 4), amount // 100_000)
        allocations = list(enumerate(_split(rng, amount, years, 100_000), start=first_year))
        for year, pence in allocations:
            batch.add(Allocation, reason=REASON, user=officer, at=at, line_id=line["id"],
                      financial_year=year, amount_pence=pence)  # fmt: skip
        plan.content.lines.append(
            (decision["id"], route.value, line["description"], amount, allocations)
        )
