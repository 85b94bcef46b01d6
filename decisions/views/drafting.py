"""The officer's own pages: their work, a new draft, its task list (where it is
submitted), how its recommendations begin, and its preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from core.dates import uk_datetime
from core.errors import PERMISSION_MESSAGES, DomainError, Messages
from decisions import policy
from decisions.forms import DecisionCreateForm, RecommendationsLeadInForm
from decisions.forms_review import action_form
from decisions.models import Decision
from decisions.pdf import decision_pdf_response
from decisions.selectors import (
    Problem,
    decision_page,
    decision_tasks,
    decisions_for_home,
    full_decision,
    submission_problems,
)
from decisions.selectors.drafting import task_progress
from decisions.selectors.history import role_title
from decisions.selectors.public import decision_internal_links
from decisions.selectors.standing import decision_returned_by, decision_standing, preview_banner
from decisions.services import decision_create, decision_submit, recommendations_lead_in_set
from decisions.views.base import (
    call_service,
    edit_step,
    internal_decision,
    officer_decision,
    officer_required,
)
from decisions.views.steps import step_url
from decisions.workflow import TRANSITIONS


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "drafting/home.html", {"lists": decisions_for_home(request.user)})


@officer_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = DecisionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, decision = call_service(
            form,
            lambda: decision_create(
                user=request.user,
                type_code=form.cleaned_data["type_code"],
                title=form.cleaned_data["title"],
            ),
        )
        if ok:
            return redirect("drafting:overview", pk=decision.pk)
    return render(request, "drafting/create.html", {"form": form})


@officer_required
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The task list. POST asks to submit: refused, the page comes back with what
    still blocks submission in an error summary, and the officer's comment kept."""
    decision = officer_decision(request, pk, editable=False)
    if request.method == "GET":
        return _overview_page(request, decision)
    form = action_form("submit", decision, request.POST, user=request.user)
    if not form.is_valid():
        return _overview_page(request, decision, submit_form=form)
    try:
        decision_submit(user=request.user, decision=decision, comment=form.cleaned_data["comment"])
    except DomainError as error:
        if error.template in PERMISSION_MESSAGES:
            raise PermissionDenied(error.message) from error
        decision.refresh_from_db()
        blocked = error.template == Messages.SUBMISSION_BLOCKED
        # Each blocking problem links to where it is fixed; any other refusal
        # (no longer a draft, over the delegation limit) is said as it is.
        errors = (submission_problems(decision) if blocked else []) or [Problem(error.message, "")]
        return _overview_page(request, decision, submit_form=form, errors=errors)
    transition = TRANSITIONS["submit"]
    messages.success(request, transition.success_message_for(decision))
    return redirect(transition.after_url(decision))


def _overview_page(
    request: HttpRequest,
    decision: Decision,
    *,
    submit_form: Form | None = None,
    errors: list[Problem] | None = None,
) -> HttpResponse:
    actions = policy.actions_for(request.user, decision)
    # Past the draft, the steps cannot be opened: the page says where it stands.
    groups = decision_tasks(decision) if decision.is_editable else []
    returned = decision_returned_by(decision)
    submit = None
    if "submit" in actions:
        submit = {
            "label": TRANSITIONS["submit"].label_for(decision),
            "form": submit_form or action_form("submit", decision, user=request.user),
        }
    return render(
        request,
        "drafting/overview.html",
        {
            "decision": decision,
            "panels": [
                {
                    "action": action,
                    "transition": TRANSITIONS[action],
                    "label": TRANSITIONS[action].label_for(decision),
                    "form": action_form(action, decision, user=request.user),
                }
                for action in actions
                if action != "submit"
            ],
            "groups": groups,
            "progress": task_progress(groups),
            "standing": decision_standing(decision),
            "returned": returned
            and {
                "by": returned.actor_name,
                "role": role_title(returned.actor_role, decision.decision_type),
                "on": uk_datetime(returned.created_at),
                "comment": returned.comment,
            },
            "submit": submit,
            "problems": submission_problems(decision) if decision.is_editable else [],
            "errors": errors or [],
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def recommendations_lead_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The choice at the top of the recommendations step; it has a page of its own
    for when it needs one (an error, a conflict)."""
    decision = officer_decision(request, pk)

    def save(data):
        updated = recommendations_lead_in_set(
            user=request.user,
            decision=decision,
            lead_in=data["lead_in"],
            expected_version=data["version"],
        )
        messages.success(
            request, f"The recommendations now begin “{updated.recommendations_preamble}”"
        )
        return updated

    return edit_step(
        request,
        decision=decision,
        form_class=RecommendationsLeadInForm,
        form_kwargs={"decision_type": decision.decision_type},
        initial={"lead_in": decision.recommendations_lead_in},
        service=save,
        theirs=lambda d: [
            {"key": "The recommendations begin", "value": d.recommendations_preamble}
        ],
        template="drafting/recommendations_lead_in.html",
        success_url=step_url("recommendations", decision),
    )


def _page_of(decision: Decision, *, user):
    decision = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    return decision_page(decision, links=decision_internal_links(decision, user=user))


def _draft_page(request: HttpRequest, pk: int):
    return _page_of(officer_decision(request, pk, editable=False), user=request.user)


@officer_required
@require_safe
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    page = _draft_page(request, pk)
    return render(
        request,
        "drafting/preview.html",
        {
            "page": page,
            "decision": page.decision,
            "key_information": page.key_information,
            "banner": preview_banner(page.decision),
        },
    )


@login_required
@require_safe
def preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft PDF, for anyone who may see the decision: its officers, and the
    reviewers and signers it has reached (they sign what they can read)."""
    return decision_pdf_response(
        _page_of(internal_decision(request, pk), user=request.user), draft=True
    )
