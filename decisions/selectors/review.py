"""What the review and sign-off page shows above the decision itself: a summary of
what is being decided, who has confirmed what, and where the decision stands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from core.money import format_money
from decisions import extensions, policy
from decisions.models import Decision, Part2
from decisions.selectors.conversation import when_format
from decisions.selectors.public import DecisionPage, date_format
from decisions.selectors.standing import decision_standing
from decisions.workflow import State


@dataclass(frozen=True)
class DeclarationRow:
    title: str
    confirmed: str  # "Violet Alvarez, 1 March 2024, 10:42" or "Not yet confirmed"
    is_confirmed: bool


@dataclass(frozen=True)
class Outcome:
    """Where a finished decision stands, said in words, with its public links."""

    title: str
    lines: list[str]
    public_url: str = ""
    pdf_url: str = ""


@dataclass(frozen=True)
class ReviewSummary:
    rows: list[dict[str, str]]
    # (financial year as "2024/25", amount in pence), and their total.
    budget_years: list[tuple[str, int]] = field(default_factory=list)
    budget_total: int = 0
    part2: Part2 | None = None
    declarations: list[DeclarationRow] = field(default_factory=list)


def _people(decision: Decision) -> str:
    names = [decision.drafted_by.display_name] if decision.drafted_by_id else []
    names += [u.display_name for u in decision.shared_with.all() if u.pk != decision.drafted_by_id]
    return ", ".join(names)


def review_summary(decision: Decision, page: DecisionPage, *, user) -> ReviewSummary:
    value = extensions.decision_value_pence(decision)
    rows = [
        {"key": "Reference", "value": decision.reference or "Not yet assigned"},
        {"key": "Title", "value": decision.title},
        {"key": "Type", "value": decision.decision_type.name},
        {"key": "Where it is", "value": decision_standing(decision)},
        {"key": "Drafted by", "value": _people(decision)},
        {"key": "Value", "value": format_money(value) if value else "No budget entered"},
    ]
    table = page.budget_table
    budget_years = list(zip(table.years, table.totals, strict=True)) if table else []
    part2 = None
    if decision.has_part2 and policy.can_view_part2(user):
        part2 = Part2.objects.filter(decision=decision).first()
    declarations = [
        DeclarationRow(
            title=declaration.get_kind_display(),
            confirmed=(
                f"{declaration.confirmed_by_name}, {when_format(declaration.confirmed_at)}"
                if declaration.confirmed_at
                else "Not yet confirmed"
            ),
            is_confirmed=declaration.confirmed_at is not None,
        )
        for declaration in decision.declarations.all()
    ]
    return ReviewSummary(
        rows=rows,
        budget_years=budget_years,
        budget_total=table.total if table else 0,
        part2=part2,
        declarations=declarations,
    )


def _event(decision: Decision, to_state: str):
    return decision.events.filter(to_state=to_state).exclude(from_state=to_state).last()


def decision_outcome(decision: Decision) -> Outcome | None:
    """For an approved, rejected or withdrawn decision: what happened, and for an
    approved one where the public can read it (or from when). None while in progress."""
    if decision.state == State.APPROVED:
        approved = date_format(decision.approved_at)
        if decision.publication_withdrawn_at:
            return Outcome(
                "Approved, then withdrawn from publication",
                [
                    f"Approved on {approved}.",
                    "Withdrawn from publication on "
                    f"{date_format(decision.publication_withdrawn_at)}: "
                    f"{decision.publication_withdrawal_reason}",
                ],
            )
        if decision.published_on and decision.published_on > timezone.localdate():
            return Outcome(
                "Approved: publication deferred",
                [
                    f"Approved on {approved}.",
                    f"Publication is deferred until {date_format(decision.published_on)}: the "
                    "public page and the published PDF appear on that date.",
                ],
            )
        return Outcome(
            "Approved and published",
            [f"Approved on {approved} and published on {date_format(decision.published_on)}."],
            public_url=decision.get_absolute_url(),
            pdf_url=reverse("decisions:pdf", kwargs={"slug": decision.slug}),
        )
    if decision.state in (State.REJECTED, State.WITHDRAWN):
        event = _event(decision, decision.state)
        verb = "Rejected" if decision.state == State.REJECTED else "Withdrawn"
        lines = []
        if event is not None:
            lines.append(f"{verb} by {event.actor_name} on {when_format(event.created_at)}.")
        lines.append("This is final: the decision will not be approved or published.")
        return Outcome(verb, lines)
    return None
