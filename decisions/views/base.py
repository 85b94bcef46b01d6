"""What every drafting view shares: who may use it, and how service errors reach
the form. Deny by default: officers only, their own or shared drafts only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import DomainError, Messages
from decisions import policy
from decisions.models import Decision
from decisions.selectors import decision_for_officer
from decisions.selectors.drafting import decision_for_internal_user


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else to the login page) and holding the officer permission (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policy.is_officer(request.user):
            raise PermissionDenied("Only officers can draft decisions.")
        return view(request, *args, **kwargs)

    return wrapped


def officer_decision(request: HttpRequest, pk: int, *, editable: bool = True) -> Decision:
    """The decision, if this officer drafted it or it was shared with them.

    Someone else's unshared draft is a 404 (its existence is not revealed); a
    decision that is no longer a draft cannot be edited (403).
    """
    decision = decision_for_officer(request.user, pk)
    if decision is None:
        raise Http404("No draft of yours has that number.")
    if editable and not decision.is_editable:
        raise PermissionDenied(
            f"{decision.reference or 'This decision'} is "
            f"{decision.get_state_display().lower()}: only drafts can be changed."
        )
    return decision


def internal_decision(request: HttpRequest, pk: int) -> Decision:
    """A decision this signed-in user may see (as its officer or as a reviewer), else 404."""
    decision = decision_for_internal_user(request.user, pk)
    if decision is None:
        raise Http404("No decision you can see has that number.")
    return decision


def form_field_for(form: Form, error: DomainError) -> str | None:
    return error.field if error.field in form.fields else None


def call_service(form: Form, service: Callable[[], Any]) -> tuple[bool, Any]:
    """Run the service; on a DomainError put its message on the form's field.

    Returns (ok, result). The form keeps everything the user typed.
    """
    try:
        return True, service()
    except DomainError as error:
        if error.template == Messages.EDIT_CONFLICT:
            raise
        form.add_error(form_field_for(form, error), error.message)
        return False, None


def edit_step(
    request: HttpRequest,
    *,
    decision: Decision,
    form_class: type[Form],
    initial: dict[str, Any],
    service: Callable[[dict[str, Any]], Any],
    template: str,
    success_url: str,
    theirs: Callable[[Decision], list[dict[str, str]]] | None = None,
    context: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    success_message: str = "",
) -> HttpResponse:
    """GET shows the form; POST validates, calls one service, redirects or re-shows.

    Bad input re-shows the form with the user's text and the errors. If someone
    else saved first (stale version), the page answers 409 with both versions and
    this editor's text kept, ready to save again on top of the newer version.
    """
    form_kwargs = form_kwargs or {}
    context = {**(context or {}), "decision": decision}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                ok, _ = call_service(form, lambda: service(form.cleaned_data))
            except DomainError:
                decision.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(decision.version)
                form = form_class(data, **form_kwargs)
                form.is_valid()
                context["conflict"] = {
                    "message": Messages.EDIT_CONFLICT,
                    "theirs": theirs(decision) if theirs else [],
                }
                status = 409
            else:
                if ok:
                    if success_message:
                        messages.success(request, success_message)
                    return redirect(success_url)
    else:
        form = form_class(initial={**initial, "version": decision.version}, **form_kwargs)
    return render(request, template, {**context, "form": form}, status=status)
