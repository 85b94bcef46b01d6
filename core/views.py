import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from core.context_processors import site
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


# While the database restarts or fails over, requests fail with these: that is the
# service being briefly unavailable (503, try again shortly), not a fault in the code.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called inside Django's exception handling, so the exception being
    handled says which page to show. Rendered without the request (like Django's own
    500 view): the database, sessions and the signed-in user may all be unreachable."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.get_template("503.html").render(site(None)), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(site(None)))
