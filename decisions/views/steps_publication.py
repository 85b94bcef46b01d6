"""The drafting steps about publication and declarations: public access answers, the
confidential Part 2, the originating officer declaration, and sharing the draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from core.errors import DomainError, Messages
from decisions import forms, policy
from decisions.forms_public import PublicAccessForm
from decisions.models import Part2
from decisions.services import (
    decision_public_access_set,
    decision_share,
    declarations_set,
    part2_save,
)
from decisions.views.base import edit_step, officer_decision, officer_required
from decisions.views.steps import GET_POST, overview_url, step_url


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


@officer_required
@GET_POST
def public_access(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)

    def save(data):
        updated = decision_public_access_set(
            user=request.user,
            decision=decision,
            deferred=data["deferred"],
            reason=data["deferral_reason"],
            until=data["deferred_until"],
            has_part2=data["has_part2"],
            expected_version=data["version"],
        )
        return updated

    needs_part2 = request.method == "POST" and request.POST.get("has_part2") == "yes"
    return edit_step(
        request,
        decision=decision,
        form_class=PublicAccessForm,
        initial={
            "deferred": _yes_no(decision.deferred),
            "deferral_reason": decision.deferral_reason,
            "deferred_until": decision.deferred_until,
            "has_part2": _yes_no(decision.has_part2),
        },
        service=save,
        template="drafting/public_access.html",
        success_url=step_url("part2", decision) if needs_part2 else overview_url(decision),
        success_message="Public access answers saved.",
    )


@officer_required
@GET_POST
def part2(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    if not policy.can_view_part2(request.user):
        raise_part2_denied()
    existing = Part2.objects.filter(decision=decision).first()
    return edit_step(
        request,
        decision=decision,
        form_class=forms.Part2Form,
        initial={
            "content": existing.content if existing else "",
            "legal_rationale": existing.legal_rationale if existing else "",
        },
        service=lambda data: part2_save(
            user=request.user,
            decision=decision,
            content=data["content"],
            legal_rationale=data["legal_rationale"],
            expected_version=data["version"],
        ),
        template="drafting/part2.html",
        success_url=overview_url(decision),
        success_message="Part 2 saved.",
    )


def raise_part2_denied() -> None:
    raise PermissionDenied("Part 2 is confidential: you do not have permission to read it.")


@officer_required
@GET_POST
def declarations(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    return edit_step(
        request,
        decision=decision,
        form_class=forms.DeclarationsForm,
        form_kwargs={"decision": decision},
        initial={},
        service=lambda data: declarations_set(
            user=request.user,
            decision=decision,
            answers=_answers(data),
            expected_version=data["version"],
        ),
        theirs=lambda d: [
            {
                "key": row.heading,
                "value": f"{row.statement} ({'' if row.is_confirmed else 'not '}confirmed)",
            }
            for row in d.declarations.all()
        ],
        template="drafting/declarations.html",
        context={
            "head_of_service": decision.declarations.get(kind="head_of_service"),
        },
        success_url=overview_url(decision),
        success_message="Declarations saved.",
    )


def _answers(data: dict) -> dict[str, tuple[str, bool]]:
    kinds = {key.rsplit("-", 1)[0] for key in data if key.endswith("-statement")}
    return {kind: (data[f"{kind}-statement"], data[f"{kind}-confirmed"]) for kind in kinds}


@officer_required
@GET_POST
def sharing(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    form = forms.ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        colleague = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
        if colleague is None:
            form.add_error(
                "username",
                Messages.UNKNOWN_USER.format(username=form.cleaned_data["username"].strip()),
            )
        else:
            try:
                decision_share(user=request.user, decision=decision, colleague=colleague)
            except DomainError as error:
                form.add_error("username", error.message)
            else:
                messages.success(request, f"Shared with {colleague.display_name}.")
                return redirect(step_url("sharing", decision))
    return render(
        request,
        "drafting/sharing.html",
        {"decision": decision, "form": form, "shared_with": decision.shared_with.all()},
    )
