"""Adding to a decision's conversation. The comment box sits on the task list and
the review page; a comment that cannot be added comes back on a page of its own,
with the error beside the box and the typed text kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from decisions import policy
from decisions.forms_review import ConversationForm
from decisions.models import Decision
from decisions.services import comment_add
from decisions.views.base import internal_decision
from decisions.views.review import refused_response


def _back_url(request: HttpRequest, decision: Decision, back: str) -> str:
    """The page the comment was written on: the task list only for its own officers
    (anyone else has no task list), otherwise the review page."""
    user = request.user
    if back == "overview" and policy.is_officer(user) and policy.is_drafter(user, decision):
        return reverse("drafting:overview", kwargs={"pk": decision.pk})
    return reverse("drafting:review", kwargs={"pk": decision.pk})


@login_required
@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    decision = internal_decision(request, pk)
    refused = policy.comment_refusal(request.user, decision)
    if refused is not None:
        return refused_response(request, decision, refused)
    data = request.POST if request.method == "POST" else None
    form = ConversationForm(
        data, initial={"back": request.GET.get("back", "review")}, auto_id="id_conversation_%s"
    )
    if data is not None and form.is_valid():
        try:
            comment_add(decision=decision, user=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            if error.field != "text":
                return refused_response(request, decision, error)
            form.add_error("text", error.message)
        else:
            messages.success(request, "Your comment has been added to the conversation.")
            back = _back_url(request, decision, form.cleaned_data.get("back") or "review")
            return redirect(f"{back}#conversation")
    back = form["back"].value() or "review"
    return render(
        request,
        "review/comment.html",
        {"decision": decision, "form": form, "back_url": _back_url(request, decision, back)},
    )
