"""Review, clearance and sign-off; and the internal history of a decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import PERMISSION_MESSAGES, DomainError
from decisions import policy
from decisions.forms_review import WithdrawPublicationForm, action_form
from decisions.models import Decision, SignOffWording
from decisions.selectors import decision_page, full_decision
from decisions.selectors.history import decision_edits, decision_integrity
from decisions.selectors.public import decision_internal_links
from decisions.selectors.review import decision_outcome, review_summary
from decisions.services import ACTION_SERVICES, decision_publication_withdraw
from decisions.views.base import internal_decision
from decisions.views.public import appendix_file_response
from decisions.workflow import TRANSITIONS


def _panel(request, decision: Decision, action: str, form) -> dict:
    """One action on the review page, as its entry in the transitions table says."""
    transition = TRANSITIONS[action]
    statement = ""
    if transition.confirms == "head_of_service":
        statement = decision.declarations.get(kind="head_of_service").statement
    wording = None
    if transition.confirms == "sign_off":
        wording = SignOffWording.objects.get(
            decision_type=decision.decision_type, role=policy.acting_role(decision, action)
        )
    return {
        "action": action,
        "transition": transition,
        "label": transition.label_for(decision),
        "form": form or action_form(action, decision, user=request.user),
        "statement": statement,
        "wording": wording,
    }


def _review_page(request, decision: Decision, *, bound: dict | None = None, status: int = 200):
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    bound = bound or {}
    page = decision_page(full, links=decision_internal_links(full, user=request.user))
    return render(
        request,
        "review/review.html",
        {
            "decision": full,
            "page": page,
            "key_information": page.key_information,
            "summary": review_summary(full, page, user=request.user),
            "outcome": decision_outcome(full),
            "panels": [
                _panel(request, full, action, bound.get(action))
                for action in policy.actions_for(request.user, full)
            ],
            "office_refusals": policy.signatures_refused_for_office(request.user, full),
        },
        status=status,
    )


@login_required
@require_safe
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, internal_decision(request, pk))


def refused_response(request, decision: Decision, error: DomainError) -> HttpResponse:
    """Not this person (403), or not now (409, saying why)."""
    if error.template in PERMISSION_MESSAGES:
        raise PermissionDenied(error.message) from error
    return render(
        request, "review/refused.html", {"decision": decision, "message": error.message}, status=409
    )


def _confirm_page(request, decision: Decision, action: str, form, status: int = 200):
    transition = TRANSITIONS[action]
    return render(
        request,
        "review/confirm.html",
        {
            "decision": decision,
            "action": action,
            "transition": transition,
            "step_label": transition.label_for(decision),
            "consequences": transition.consequences_for(decision),
            "form": form,
        },
        status=status,
    )


def _act(request: HttpRequest, decision: Decision, action: str) -> HttpResponse:
    """Take the action with the posted form. Invalid input goes back to the page the
    action is taken on (its confirmation page, or the review page), typing kept."""
    transition = TRANSITIONS[action]

    def again(form) -> HttpResponse:
        if transition.confirm_page:
            return _confirm_page(request, decision, action, form)
        return _review_page(request, decision, bound={action: form})

    form = action_form(action, decision, request.POST, user=request.user, request=request)
    if not form.is_valid():
        return again(form)
    extra = {}
    if action == "approve" and "interests" in form.cleaned_data:
        extra["interests"] = form.cleaned_data["interests"]
    try:
        ACTION_SERVICES[action](
            user=request.user, decision=decision, comment=form.cleaned_data["comment"], **extra
        )
    except DomainError as error:
        if error.field and error.field in form.fields:
            form.add_error(error.field, error.message)
            return again(form)
        return refused_response(request, decision, error)
    decision.refresh_from_db()
    messages.success(request, transition.success_message_for(decision))
    return redirect(transition.after_url(decision))


def _allowed(request, pk: int, action: str) -> tuple[Decision, HttpResponse | None]:
    """The decision, and the refusal to answer with if this user may not act now.
    Who may act is asked before any form: nobody is asked for a password (or gets a
    throttled guess) for a step they may not take."""
    if action not in ACTION_SERVICES:
        raise Http404("No such action.")
    decision = internal_decision(request, pk)
    refused = policy.refusal(request.user, decision, action)
    return decision, (refused_response(request, decision, refused) if refused is not None else None)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    decision, refused = _allowed(request, pk, action)
    return refused or _act(request, decision, action)


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A final, destructive step (withdraw, reject) on its own page: GET says what will
    happen and asks for the reason; POST takes the step."""
    if action not in TRANSITIONS or not TRANSITIONS[action].confirm_page:
        raise Http404("That step has no confirmation page.")
    decision, refused = _allowed(request, pk, action)
    if refused:
        return refused
    if request.method == "POST":
        return _act(request, decision, action)
    form = action_form(action, decision, user=request.user)
    return _confirm_page(request, decision, action, form)


@login_required
@require_safe
def history(request: HttpRequest, pk: int) -> HttpResponse:
    decision = internal_decision(request, pk)
    return render(
        request,
        "review/history.html",
        {
            "decision": decision,
            "integrity": decision_integrity(decision),
            "edits": decision_edits(decision, include_part2=policy.can_view_part2(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """A records manager takes a published record down, giving the public a reason."""
    if not policy.can_withdraw_publication(request.user):
        raise PermissionDenied("Only records managers can withdraw a published decision.")
    decision = internal_decision(request, pk)
    form = WithdrawPublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision_publication_withdraw(
                user=request.user, decision=decision, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, f"{decision.reference} has been withdrawn from publication.")
            return redirect("drafting:history", pk=decision.pk)
    return render(request, "review/withdraw_publication.html", {"decision": decision, "form": form})


@login_required
@require_safe
def appendix_file(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """An appendix's uploaded PDF, for anyone who may see the decision internally."""
    decision = internal_decision(request, pk)
    appendix = decision.appendices.filter(pk=item).exclude(file="").first()
    if appendix is None:
        raise Http404("That appendix has no file.")
    label = decision.reference.replace(" ", "-") if decision.reference else f"draft-{decision.pk}"
    return appendix_file_response(
        request,
        appendix,
        decision=decision,
        filename=f"{label}-appendix-{appendix.position}.pdf",
        public=False,
    )
