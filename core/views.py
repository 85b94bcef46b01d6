from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.security_log import TEXT_LIMIT, security_event


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or missing form token: a plain explanation, not Django's debug page."""
    # Logged here with Django's reason; the refused-request log skips it (no double).
    security_event(
        "csrf_failure",
        outcome="refused",
        request=request,
        method=request.method,
        path=request.path[:TEXT_LIMIT],
        reason=reason,
    )
    request.security_logged = True
    return render(request, "403_csrf.html", status=403)
