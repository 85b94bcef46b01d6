"""Pages for user administrators (and, for the audit, records managers): people
and their roles, requests waiting for a second administrator, office holders,
decision-type rules and the audit of changes. Thin: forms in, services out."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from accounts.roles import Role
from accounts.second_factor import has_device
from decisions.models import DecisionType
from decisions.views.base import call_service
from governance import policy, selectors
from governance.forms import (
    DecideForm,
    OfficeHolderAddForm,
    OfficeHolderEndForm,
    RoleChangeForm,
    RuleChangeForm,
    SecondFactorResetForm,
)
from governance.messages import GovernanceMessages as M
from governance.models import REQUEST_LIFETIME, OfficeHolder
from governance.rules import RULE_FIELDS, rule_value_text, rules_of
from governance.services import (
    change_request_cancel,
    change_request_confirm,
    change_request_refuse,
    office_holder_add_request,
    office_holder_end_request,
    role_change_request,
    rule_change_request,
    second_factor_reset_request,
)

LIFETIME_DAYS = REQUEST_LIFETIME.days
PENDING_NOTE = (
    f"Nothing changes until a second user administrator confirms it, within {LIFETIME_DAYS} days."
)


def user_admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not policy.is_user_admin(request.user):
            if request.method in ("GET", "HEAD"):
                # A page, not an action: say so, and point to what they may read.
                context = {"can_view_audit": policy.can_view_audit(request.user)}
                return render(request, "governance/403.html", context, status=403)
            raise PermissionDenied(M.NOT_USER_ADMIN)
        return view(request, *args, **kwargs)

    return wrapped


def _requested(request: HttpRequest, change) -> HttpResponse:
    messages.success(request, f"Your request has been sent (request {change.pk}). {PENDING_NOTE}")
    return redirect("governance:change", pk=change.pk)


@user_admin_required
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/people.html", {"people": selectors.people()})


def _role_change(request: HttpRequest, subject: User, form: RoleChangeForm):
    return role_change_request(
        user=request.user,
        subject=subject,
        role=form.cleaned_data["role"],
        grant=form.cleaned_data["change"] == "grant",
        reason=form.cleaned_data["reason"],
        http_request=request,
    )


def _app_reset(request: HttpRequest, subject: User, form: SecondFactorResetForm):
    return second_factor_reset_request(
        user=request.user, subject=subject, reason=form.cleaned_data["reason"], http_request=request
    )


@user_admin_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's roles and offices; ask to change a role, or to reset their
    authenticator app (two forms: the button pressed says which was sent)."""
    subject = get_object_or_404(User, pk=pk)
    posted = request.POST if request.method == "POST" else None
    resetting = posted is not None and posted.get("ask") == "reset"
    form = RoleChangeForm(None if resetting else posted)
    reset_form = SecondFactorResetForm(posted if resetting else None)
    sent, service = (reset_form, _app_reset) if resetting else (form, _role_change)
    if posted is not None and sent.is_valid():
        ok, change = call_service(sent, lambda: service(request, subject, sent))
        if ok:
            return _requested(request, change)
    context = {
        "subject": subject,
        "roles": selectors.roles_of(subject),
        "offices": subject.offices_held.order_by("-from_date"),
        "pending": selectors.pending_for_person(subject),
        "form": form,
        "reset_form": reset_form,
        "has_app": has_device(subject),
        "is_self": subject.pk == request.user.pk,
        "lifetime_days": LIFETIME_DAYS,
    }
    return render(request, "governance/person.html", context)


@user_admin_required
@require_safe
def requests(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": selectors.pending_requests(),
        "closed": selectors.closed_requests(),
        "lifetime_days": LIFETIME_DAYS,
    }
    return render(request, "governance/requests.html", context)


@user_admin_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what it would change and why; confirm or refuse it (another user
    administrator) or cancel it (its requester)."""
    found = selectors.change_request(pk)
    if found is None:
        raise Http404("There is no request with that number.")
    form = DecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        services = {
            "confirm": lambda: change_request_confirm(
                user=request.user, change=found, http_request=request
            ),
            "refuse": lambda: change_request_refuse(
                user=request.user,
                change=found,
                note=form.cleaned_data["note"],
                http_request=request,
            ),
            "cancel": lambda: change_request_cancel(
                user=request.user,
                change=found,
                note=form.cleaned_data["note"],
                http_request=request,
            ),
        }
        if decision not in services:
            form.add_error(None, "Choose whether to confirm, refuse or cancel the request.")
        elif form.is_valid():
            ok, _ = call_service(form, services[decision])
            if ok:
                done = {"confirm": "confirmed: it has taken effect", "refuse": "refused",
                        "cancel": "cancelled"}[decision]  # fmt: skip
                messages.success(request, f"Request {found.pk} has been {done}.")
                return redirect("governance:change", pk=found.pk)
    found = selectors.change_request(pk)
    context = {
        "change": found,
        "rows": _change_rows(found),
        "open": policy.decisions_open_to(request.user, found),
        "why_not": policy.decide_refusal(request.user, found, decision="confirm"),
        "form": form,
        "lifetime_days": LIFETIME_DAYS,
    }
    return render(request, "governance/change.html", context)


def _change_rows(change) -> list[dict]:
    rows = [{"key": "What", "value": change.get_kind_display()}]
    if change.subject_id:
        rows.append({"key": "Person", "value": f"{change.subject.display_name} "
                     f"({change.subject.get_username()})"})  # fmt: skip
    if change.role:
        rows.append({"key": "Role or office", "value": Role(change.role).label})
    if change.decision_type_id:
        decision_type = change.decision_type
        rows.append({"key": "Decision type", "value": str(decision_type)})
        for field, value in change.new_rules.items():
            new = rule_value_text(decision_type, field, value)
            if change.state == "pending":
                now = rule_value_text(decision_type, field, getattr(decision_type, field))
                new = f"{now} → {new}"
            rows.append({"key": RULE_FIELDS[field], "value": new})
    if change.holder_name:
        rows.append({"key": "Name and title on records",
                     "value": f"{change.holder_name}, {change.holder_title}"})  # fmt: skip
    if change.from_date:
        rows.append({"key": "In office from", "value": f"{change.from_date:%-d %B %Y}"})
    if change.to_date:
        rows.append({"key": "In office until", "value": f"{change.to_date:%-d %B %Y}"})
    entry = getattr(change, "audit_entry", None) if change.state == "confirmed" else None
    if entry is not None:  # what it was, and became, when it took effect
        rows += [{"key": "Before", "value": entry.before}, {"key": "After", "value": entry.after}]
    return rows


@user_admin_required
@require_safe
def decision_types(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "type": decision_type,
            "rules": [
                {"key": RULE_FIELDS[field], "value": rule_value_text(decision_type, field, value)}
                for field, value in rules_of(decision_type).items()
            ],
        }
        for decision_type in selectors.decision_types()
    ]
    return render(request, "governance/decision_types.html", {"types": rows})


@user_admin_required
@require_http_methods(["GET", "POST"])
def decision_type(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(DecisionType, code=code)
    form = RuleChangeForm(
        request.POST if request.method == "POST" else None,
        initial=RuleChangeForm.initial_for(found),
    )
    if request.method == "POST" and form.is_valid():
        ok, change = call_service(
            form,
            lambda: rule_change_request(
                user=request.user,
                decision_type=found,
                rules=form.rules(),
                reason=form.cleaned_data["reason"],
                http_request=request,
            ),
        )
        if ok:
            return _requested(request, change)
    rules = [
        {"key": RULE_FIELDS[field], "value": rule_value_text(found, field, value)}
        for field, value in rules_of(found).items()
    ]
    context = {"decision_type": found, "rules": rules, "form": form, "lifetime_days": LIFETIME_DAYS}
    return render(request, "governance/decision_type.html", context)


def _signers():
    labels = [Role.DMPC.label, Role.CHIEF_EXECUTIVE.label]
    return (
        User.objects.filter(Q(groups__name__in=labels), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@user_admin_required
@require_http_methods(["GET", "POST"])
def office_holders(request: HttpRequest) -> HttpResponse:
    form = OfficeHolderAddForm(
        request.POST if request.method == "POST" else None, people=_signers()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, change = call_service(
            form,
            lambda: office_holder_add_request(
                user=request.user,
                subject=data["person"],
                role=data["role"],
                name=data["name"],
                title=data["title"],
                from_date=data["from_date"],
                to_date=data["to_date"],
                reason=data["reason"],
                http_request=request,
            ),
        )
        if ok:
            return _requested(request, change)
    context = {"holders": selectors.office_holders(), "form": form, "lifetime_days": LIFETIME_DAYS}
    return render(request, "governance/office_holders.html", context)


@user_admin_required
@require_http_methods(["GET", "POST"])
def office_holder_end(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_object_or_404(OfficeHolder.objects.select_related("user"), pk=pk)
    form = OfficeHolderEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ok, change = call_service(
            form,
            lambda: office_holder_end_request(
                user=request.user,
                office_holder=holder,
                to_date=form.cleaned_data["to_date"],
                reason=form.cleaned_data["reason"],
                http_request=request,
            ),
        )
        if ok:
            return _requested(request, change)
    context = {"holder": holder, "form": form, "lifetime_days": LIFETIME_DAYS}
    return render(request, "governance/office_holder_end.html", context)


@login_required
@require_safe
def audit(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_audit(request.user):
        raise PermissionDenied(M.NOT_ALLOWED_TO_VIEW)
    return render(request, "governance/audit.html", {"entries": selectors.audit_entries()[:200]})
