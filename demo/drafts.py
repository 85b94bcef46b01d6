"""Writing a demo draft through the officers' own services: the loader's historical
records and the decisions at each workflow stage are drafted the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from accounts.models import User
from decisions.models import Decision
from decisions.services import decision_create, paragraph_add, recommendation_add
from funding.services import LineSpec, envelope_create


def draft_write(
    *,
    officer: User,
    type_code: str,
    title: str,
    summary: str,
    recommendations: Sequence[str],
    sections: Mapping[int, Sequence[str]],
    budget_table_after: tuple[int, int] | None,
) -> Decision:
    """A new draft with its title, summary, recommendations and Part 1 paragraphs; the
    budget table follows paragraph ``budget_table_after`` (section, position)."""
    decision = decision_create(
        user=officer, type_code=type_code, title=title, executive_summary=summary
    )
    for text in recommendations:
        recommendation_add(user=officer, decision=decision, text=text)
    for kind, paragraphs in sections.items():
        for position, text in enumerate(paragraphs, start=1):
            paragraph_add(
                user=officer,
                decision=decision,
                section_kind=kind,
                text=text,
                budget_table_follows=(kind, position) == budget_table_after,
            )
    return decision


def envelope_write(
    *,
    officer: User,
    decision: Decision,
    description: str,
    funding_source: str,
    total_pence: int,
    route: str,
    line_description: str,
    allocations: Mapping[int, int],
) -> None:
    """The draft's budget: one line holding the whole envelope, with its allocations."""
    envelope_create(
        user=officer,
        decision=decision,
        description=description,
        funding_source=funding_source,
        total_pence=total_pence,
        lines=[
            LineSpec(
                route=route,
                amount_pence=total_pence,
                description=line_description,
                allocations=allocations,
            )
        ],
    )
