"""Funding's part of every decision, plugged into decisions' extension registry
(decisions.extensions) by FundingConfig.ready(): decisions never imports funding."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import URLPattern, path, reverse

from core.money import format_money
from decisions import policy
from decisions.extensions import DecisionExtension
from decisions.models import Decision
from decisions.selectors import published_decisions
from decisions.selectors.drafting import COMPLETED, OPTIONAL, Problem, Task
from decisions.selectors.home_lists import RECORDS_LIMIT, HomeGroup, HomeRow
from funding import selectors
from funding.models import BudgetMovement, ProcurementRoute
from funding.reports import envelope_for_decision, envelope_report
from funding.services import budget_movements_apply

# Where moved money goes, in the words of a sentence ("moved to a direct award").
ROUTE_PHRASES = {
    ProcurementRoute.OPEN_PROCUREMENT: "an open competitive procurement",
    ProcurementRoute.DIRECT_AWARD_REG_12_7: "a direct award",
    ProcurementRoute.DIRECT_AWARD: "a direct award",
    ProcurementRoute.FRAMEWORK: "a call-off from a framework",
    ProcurementRoute.GRANT: "grants",
    ProcurementRoute.OTHER: "another route",
    ProcurementRoute.NOT_PROCUREMENT: "a budget not yet procured",
}


class FundingExtension(DecisionExtension):
    name = "budget"

    def content(self, decision: Decision) -> Any:
        return selectors.budget_content(decision)

    def value_pence(self, decision: Decision) -> int:
        return selectors.decision_value_pence(decision)

    def financial_years(self, decision: Decision) -> set[int]:
        return selectors.decision_financial_years(decision)

    def submission_problems(self, decision: Decision) -> list[Problem]:
        if selectors.movements_exceeding_source(decision):
            return [
                Problem(
                    "A budget movement is now larger than the line it comes from",
                    _budget_url(decision),
                )
            ]
        return []

    def tasks(self, decision: Decision) -> list[Task]:
        has_budget = decision.budget_lines_set.exists() or decision.budget_movements.exists()
        return [
            Task(
                "Budget",
                _budget_url(decision),
                COMPLETED if has_budget else OPTIONAL,
                "The money this decision approves, or moves from a decision it amends.",
            )
        ]

    def on_approval(self, *, user, decision: Decision, at: dt.datetime) -> None:
        budget_movements_apply(user=user, decision=decision, at=at)

    def page_parts(self, decision: Decision) -> dict[str, Any]:
        return {
            "budget_table": selectors.decision_budget_table(decision),
            "envelope": selectors.decision_envelope_as_approved(decision),
        }

    def drafting_urls(self) -> list[URLPattern]:
        from funding import views_drafting

        return [
            path("decisions/<int:pk>/budget/", views_drafting.budget, name="budget"),
            path("decisions/<int:pk>/commitments/", views_drafting.commitments, name="commitments"),
        ]

    def records_work(self, user) -> list[HomeGroup]:
        """Approved decisions with budget lines no contract or grant is recorded against."""
        if not policy.is_records_manager(user):
            return []
        lines = selectors.lines_without_commitments()
        return [
            HomeGroup(
                "commitments",
                "Contracts and grants to record",
                [
                    HomeRow(
                        line.set_by,
                        line.set_by.title,
                        reverse("drafting:commitments", kwargs={"pk": line.set_by_id}),
                        line.set_by.approved_at,
                        f"{line.get_route_display()} – {format_money(line.amount_pence)}",
                    )
                    for line in lines[:RECORDS_LIMIT]
                ],
                "Approved",
                "Line:",
                hint=(
                    "Budget lines of approved decisions with no contract or grant recorded "
                    "against them yet."
                ),
                total=lines.count(),
            )
        ]

    def amendment_notes(self, decision: Decision, amending: list[Decision]) -> dict[int, str]:
        """The money each amending decision moved, as "£1,800,000 moved to a direct
        award" (one query for them all)."""
        notes: dict[int, list[str]] = {}
        movements = BudgetMovement.objects.filter(decision__in=amending).select_related(
            "target_line"
        )
        for movement in movements.order_by("decision", "pk"):
            phrase = ROUTE_PHRASES.get(movement.target_line.route, "another route")
            notes.setdefault(movement.decision_id, []).append(
                f"{format_money(movement.amount_pence)} moved to {phrase}"
            )
        return {pk: "; ".join(parts) for pk, parts in notes.items()}

    def public_page_parts(self, decision: Decision) -> dict[str, Any]:
        """The envelope as later published decisions amended it (if ever amended)."""
        envelope = envelope_for_decision(decision)
        if envelope is None:
            return {"effective_budget": None}
        report = envelope_report(envelope, visible=published_decisions())
        return {"effective_budget": report if len(report.shaped_by) > 1 else None}


def _budget_url(decision: Decision) -> str:
    return reverse("drafting:budget", kwargs={"pk": decision.pk})
