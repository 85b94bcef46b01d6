"""The budget step of a draft: its own budget, and money moved from decisions it amends."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import PERMISSION_MESSAGES, DomainError, Messages
from core.money import format_money
from decisions import policy
from decisions.models import Decision, LinkKind
from decisions.views.base import (
    internal_decision,
    officer_decision,
    officer_required,
)
from decisions.workflow import State
from funding.forms import CommitmentForm, MovementForm, RemoveMovementForm
from funding.forms_budget import BudgetForm, budget_initial
from funding.models import BudgetEnvelope, BudgetLine, BudgetMovement
from funding.reports import envelope_report
from funding.selectors import budget_version
from funding.services import (
    budget_movement_propose,
    budget_movement_remove,
    commitment_create,
    envelope_set,
)

# What each line listed has committed against it, read with the lines (a query per
# line otherwise): the headroom the forms show is its amount less this.
COMMITTED = {"committed_pence": Coalesce(Sum("commitments__max_value_pence"), 0)}


def _sources(decision) -> list[tuple[BudgetLine, str]]:
    """Active lines of the envelopes of approved decisions this draft amends."""
    amended = decision.links_out.filter(kind=LinkKind.AMENDS).values_list("target_id", flat=True)
    lines = (
        BudgetLine.objects.active()
        .filter(envelope__decision__in=list(amended), envelope__decision__state=State.APPROVED)
        .select_related("envelope__decision__decision_type")
        .annotate(**COMMITTED)
        .order_by("envelope__decision_id", "position")
    )
    return [
        (
            line,
            f"{line.envelope.decision.reference}: {line.get_route_display()} – "
            f"{format_money(line.amount_pence)} "
            f"({format_money(max(line.amount_pence - line.committed_pence, 0))} not yet committed)",
        )
        for line in lines
    ]


def _budget_forms(request: HttpRequest, decision: Decision, which: str | None):
    """The page's two forms, the one that was sent bound to what was typed."""
    envelope = BudgetEnvelope.objects.filter(decision=decision).first()
    own_lines = list(
        envelope.lines.filter(set_by=decision).prefetch_related("allocations") if envelope else []
    )
    saved = budget_initial(envelope, own_lines)
    budget_form = BudgetForm(
        request.POST if which == "budget" else None,
        **{**saved, "initial": {**saved["initial"], "version": budget_version(decision)}},
    )
    movement_form = MovementForm(
        request.POST if which == "movement" else None,
        initial={"version": budget_version(decision)},
        sources=_sources(decision),
    )
    return budget_form, movement_form


# The budget step is one thing edited: saved since it was shown, it is a conflict.
CONFLICTS = (Messages.EDIT_CONFLICT, Messages.ITEM_CONFLICT)


def _send(request: HttpRequest, form, service, success: str) -> bool:
    """Call the service; its refusal goes beside the form's field (an edit conflict is
    the whole page's)."""
    try:
        service()
    except DomainError as error:
        if error.template in CONFLICTS:
            raise
        form.add_service_error(error)
        return False
    messages.success(request, success)
    return True


def _save_budget(request: HttpRequest, decision: Decision, form: BudgetForm) -> bool:
    """The decision's own budget; False to show the form again (errors, or a row or
    column added)."""
    if not form.is_valid() or form.expanding:
        return False
    data = form.cleaned_data
    return _send(
        request,
        form,
        lambda: envelope_set(
            user=request.user,
            decision=decision,
            description=data["description"],
            funding_source=data["funding_source"],
            total_pence=data["total"],
            lines=data["lines"],
            expected_version=data["version"],
        ),
        "Budget saved.",
    )


def _propose_movement(request: HttpRequest, decision: Decision, form: MovementForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    line = get_object_or_404(BudgetLine, pk=data["source_line"])
    return _send(
        request,
        form,
        lambda: budget_movement_propose(
            user=request.user,
            decision=decision,
            source_line=line,
            amount_pence=data["amount"],
            route=data["route"],
            description=data["description"],
            allocations=data["allocations"],
            over_commitment_reason=data["over_commitment_reason"],
            expected_version=data["version"],
        ),
        "Budget movement added.",
    )


def _remove_movement(request: HttpRequest, decision: Decision) -> bool:
    ids = RemoveMovementForm(request.POST)
    if not ids.is_valid():
        raise Http404("No such budget movement.")
    # Only a movement of this decision: ids from elsewhere are not found.
    movement = get_object_or_404(BudgetMovement, pk=ids.cleaned_data["movement"], decision=decision)
    budget_movement_remove(
        user=request.user, movement=movement, expected_version=ids.cleaned_data["version"]
    )
    messages.success(request, "Budget movement removed.")
    return True


@officer_required
@require_http_methods(["GET", "POST"])
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    """The budget step: GET shows both forms; POST sends one of them (``form`` says
    which) and redirects when saved, or shows the page again with the errors."""
    decision = officer_decision(request, pk)
    which = request.POST.get("form") if request.method == "POST" else None
    budget_form, movement_form = _budget_forms(request, decision, which)
    handlers = {
        "budget": lambda: _save_budget(request, decision, budget_form),
        "movement": lambda: _propose_movement(request, decision, movement_form),
        "remove-movement": lambda: _remove_movement(request, decision),
    }
    status = 200
    try:
        if which in handlers and handlers[which]():
            return redirect("drafting:budget", pk=decision.pk)
    except DomainError as error:
        if error.template not in CONFLICTS:
            raise
        messages.error(request, error.message)
        status = 409
        # What was typed stays; saving again now replaces the budget saved since.
        for form in (budget_form, movement_form):
            if form.is_bound:
                form.data = form.data.copy()
                form.data["version"] = budget_version(decision)
    return render(
        request,
        "funding/budget.html",
        {
            "decision": decision,
            "form": budget_form if which != "movement" else movement_form,
            "budget_form": budget_form,
            "movement_form": movement_form,
            "budget_version": budget_version(decision),
            "sources": movement_form.fields["source_line"].choices,
            "movements": decision.budget_movements.select_related(
                "source_line__envelope__decision__decision_type", "target_line"
            ).prefetch_related("target_line__allocations", "years"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitments(request: HttpRequest, pk: int) -> HttpResponse:
    """Contracts and grants awarded against the lines an approved decision set."""
    decision = internal_decision(request, pk)
    lines = list(
        BudgetLine.objects.active()
        .filter(set_by=decision)
        .select_related("envelope__decision__decision_type")
        .annotate(**COMMITTED)
        .order_by("envelope_id", "position")
    )
    choices = [
        (
            line,
            f"{line.get_route_display()} – {format_money(line.amount_pence)} "
            f"({format_money(line.amount_pence - line.committed_pence)} headroom)",
        )
        for line in lines
    ]
    # A page never offers what the server would refuse: reviewers see the lines only.
    can_record = policy.can_record_commitment(request.user, decision)
    if request.method == "POST" and not can_record:
        raise PermissionDenied(DomainError(Messages.COMMITMENT_NOT_ALLOWED).message)
    form = CommitmentForm(request.POST or None, lines=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line = next((line for line in lines if line.pk == data["line"]), None)
        try:
            commitment_create(
                user=request.user,
                line=line,
                kind=data["kind"],
                counterparty=data["counterparty"],
                max_value_pence=data["max_value"],
                awarded_on=data["awarded_on"],
                authorised_by=decision,
                description=data["description"],
                route=data["route"] or None,
            )
        except DomainError as error:
            if error.template in PERMISSION_MESSAGES:
                raise PermissionDenied(error.message) from error
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Commitment recorded.")
            return redirect("drafting:commitments", pk=decision.pk)
    envelope = lines[0].envelope if lines else None
    report = envelope_report(envelope, visible=Decision.objects.approved()) if envelope else None
    return render(
        request,
        "funding/commitments.html",
        {
            "decision": decision,
            "form": form,
            "report": report,
            "has_lines": bool(lines),
            "can_record": can_record,
        },
    )
