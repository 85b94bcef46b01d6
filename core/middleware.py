import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict

# No inline script or style anywhere: GOV.UK Frontend is loaded from our own
# static files, so everything can come from 'self'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


# Powerful browser features the site never uses are switched off for every page, so
# injected or third-party script could not turn them on.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "hid",
        "midi",
        "magnetometer",
        "gyroscope",
        "accelerometer",
        "display-capture",
    )
)

# Internal pages carry confidential drafts, comments and Part 2 text: no browser or
# proxy may keep a copy (a shared computer's back button, a caching proxy). The
# sign-in page is included so a cached form never replays a token or a username.
CONFIDENTIAL_PREFIXES = ("/work/", "/admin/", "/accounts/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(CONFIDENTIAL_PREFIXES):
            # Set here, once, over whatever a view chose: the same value the draft
            # PDF and appendix views already send.
            response["Cache-Control"] = "private, no-store"
        return response


def _has_nul(query: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class RejectNulBytesMiddleware:
    """A NUL byte in a parameter is never real input, and PostgreSQL refuses it in a
    query with an error (a 500): answer the site's 400 page instead, everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API checks its own parameters (NUL included) and answers its documented
        # JSON 400 naming the field: an HTML page there would break that contract.
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            raise BadRequest("A parameter contains a NUL byte.")
        return self.get_response(request)


SIGNED_IN_AT = "signed_in_at"


def session_stamp_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """On sign-in (user_logged_in): note when, for the absolute timeout below."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class AbsoluteSessionTimeoutMiddleware:
    """Sign out a session SESSION_ABSOLUTE_SECONDS after sign-in, however active it is
    (the idle timeout alone renews on every request). A session with no sign-in time
    predates this rule and is ended too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            limit = settings.SESSION_ABSOLUTE_SECONDS
            if not isinstance(signed_in_at, int) or time.time() - signed_in_at > limit:
                logout(request)
        return self.get_response(request)
