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
from decisions.forms import AddForm, VersionedForm
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


def _conflict(request: HttpRequest, error: DomainError, theirs: list) -> dict[str, Any]:
    """What the conflict banner says: what changed, who saved it and when (if the
    history knows), and the version saved now."""
    saved_by = error.params.get("saved_by")
    return {
        "what": error.params.get("what", "This decision"),
        "message": error.message,
        "saved_by": saved_by,
        "saved_at": error.params.get("saved_at"),
        "by_you": saved_by is not None and saved_by.pk == request.user.pk,
        "theirs": theirs,
    }


def _initial(form_class: type[Form], decision: Decision, initial: dict[str, Any]) -> dict:
    """A step form starts from its fields' version now; an add form gets a fresh token."""
    start = dict(initial)
    if issubclass(form_class, VersionedForm):
        start.setdefault("version", form_class.version_of(decision))
    if issubclass(form_class, AddForm):
        start["token"] = AddForm.new_token()
    return start


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

    Bad input re-shows the form with the user's text and the errors. If the same
    thing (this paragraph, this step's fields) was saved since the form was shown,
    the page answers 409 with the saved version and this editor's text kept, ready
    to save again on top of it. An add form sent twice adds once: the second time
    says which item it is (same text), or keeps the new text with a fresh token.
    """
    form_kwargs = form_kwargs or {}
    context = {**(context or {}), "decision": decision}
    status = 200
    if request.method != "POST":
        form = form_class(initial=_initial(form_class, decision, initial), **form_kwargs)
        return render(request, template, {**context, "form": form}, status=status)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if form.is_valid():
        try:
            service(form.cleaned_data)
        except DomainError as error:
            if error.template == Messages.ALREADY_ADDED:
                messages.info(request, error.message)
                return redirect(success_url)
            data = request.POST.copy()
            if error.template in (Messages.ITEM_CONFLICT, Messages.EDIT_CONFLICT):
                decision.refresh_from_db()
                # Saving again now replaces the version shown in the banner.
                data["version"] = str(error.params.get("version", decision.version))
                context["conflict"] = _conflict(request, error, theirs(decision) if theirs else [])
                status = 409
            elif error.template == Messages.FORM_ALREADY_USED:
                data["token"] = str(AddForm.new_token())
            if data != request.POST:
                form = form_class(data, **form_kwargs)
                form.is_valid()
            if status != 409:
                form.add_error(form_field_for(form, error), error.message)
        else:
            if success_message:
                messages.success(request, success_message)
            return redirect(success_url)
    return render(request, template, {**context, "form": form}, status=status)
