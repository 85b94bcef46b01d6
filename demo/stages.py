"""One demo decision at each stage of the workflow (demo/stage_data.py), each taken
there through the real services by the demo people: drafted by the officer,
submitted, cleared by the Head of Service, signed by the Chief Executive, approved
or returned by whoever's turn it is. Nothing is written around the workflow."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision
from decisions.services import (
    decision_approve,
    decision_clear,
    decision_public_access_set,
    decision_return,
    decision_sign,
    decision_submit,
    decision_withdraw,
    declaration_confirm,
)
from demo.drafts import draft_write, envelope_write
from demo.stage_data import DECLARATIONS, STAGE_DECISIONS, StageDecision

# How far each stage goes along the workflow, and who takes each step.
_STEPS = {
    "draft": (),
    "withdrawn": (),
    "returned": ("submit", "return"),
    "submitted": ("submit",),
    "cleared": ("submit", "clear"),
    "awaiting_approval": ("submit", "clear", "sign"),
    "deferred": ("submit", "clear", "sign", "approve"),
}


def _write(spec: StageDecision, officer: User) -> Decision:
    budget = spec.budget
    decision = draft_write(
        officer=officer,
        type_code=spec.type_code,
        title=spec.title,
        summary=spec.executive_summary,
        recommendations=spec.recommendations,
        sections=spec.sections,
        # The budget table follows the first paragraph of Financial Comments.
        budget_table_after=(3, 1) if budget is not None else None,
    )
    if budget is not None:
        envelope_write(
            officer=officer,
            decision=decision,
            description=budget.envelope_description,
            funding_source=budget.funding_source,
            total_pence=budget.total_pence,
            route=budget.route,
            line_description=budget.line_description,
            allocations=budget.allocations,
        )
    if not spec.complete:
        return decision
    deferred = bool(spec.deferral_reason)
    decision_public_access_set(
        user=officer,
        decision=decision,
        deferred=deferred,
        reason=spec.deferral_reason,
        until=timezone.localdate() + dt.timedelta(days=spec.deferred_for_days)
        if deferred
        else None,
        has_part2=False,
    )
    for kind, statement in DECLARATIONS:
        declaration_confirm(user=officer, decision=decision, kind=kind, statement=statement)
    return decision


def _move(spec: StageDecision, decision: Decision, users: dict[Role, User]) -> Decision:
    officer, head = users[Role.OFFICER], users[Role.HEAD_OF_SERVICE]
    for step in _STEPS[spec.stage]:
        if step == "submit":
            decision = decision_submit(user=officer, decision=decision)
        elif step == "clear":
            decision = decision_clear(user=head, decision=decision)
        elif step == "sign":
            decision = decision_sign(user=users[Role.CHIEF_EXECUTIVE], decision=decision)
        elif step == "approve":
            decision = decision_approve(user=users[Role.DMPC], decision=decision)
        elif step == "return":
            decision = decision_return(user=head, decision=decision, comment=spec.comment)
    if spec.stage == "withdrawn":
        decision = decision_withdraw(user=officer, decision=decision, comment=spec.comment)
    return decision


def stage_decisions_load(users: dict[Role, User]) -> list[Decision]:
    """Create the stage decisions not yet in the database (matched by title, so that
    loading again adds nothing, and a demo decision someone has since moved on is
    left where they put it)."""
    existing = set(
        Decision.objects.filter(title__in=[spec.title for spec in STAGE_DECISIONS]).values_list(
            "title", flat=True
        )
    )
    return [
        _move(spec, _write(spec, users[Role.OFFICER]), users)
        for spec in STAGE_DECISIONS
        if spec.title not in existing
    ]
