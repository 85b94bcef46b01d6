from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from security.forms import SecurityLogFilterForm, action_label, detail_label, outcome_label
from security.policy import can_view_security_log
from security.selectors import PAGE_LIMIT, security_event_actions, security_events_latest


def _row(event) -> dict:
    detail = event.detail or {}
    # What the event was about, in words: the page or form refused, or a reason.
    about = " ".join(str(detail[key]) for key in ("method", "path") if detail.get(key))
    reasons = [detail_label(str(detail[key])) for key in ("reason", "scope") if detail.get(key)]
    return {
        "time": event.time,
        "user": event.user,
        "address": event.address,
        "action": action_label(event.action),
        "outcome": outcome_label(event.outcome),
        "outcome_code": event.outcome,
        "request_id": event.request_id,
        "about": "; ".join(part for part in [about, *reasons] if part),
    }


@login_required
@require_safe
def integrity(request: HttpRequest) -> HttpResponse:
    if not can_view_security_log(request.user):
        raise PermissionDenied("Only administrators and records managers can see the security log.")
    form = SecurityLogFilterForm(request.GET or None, actions=security_event_actions())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = security_events_latest(
        action=filters.get("action", ""), outcome=filters.get("outcome", "")
    )
    return render(
        request,
        "security/integrity.html",
        {
            "form": form,
            "rows": [_row(event) for event in events],
            "limit": PAGE_LIMIT,
            "filtered": bool(filters.get("action") or filters.get("outcome")),
        },
    )
