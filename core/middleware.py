import functools
import ipaddress
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict

from core.security_log import TEXT_LIMIT, current_request, security_event

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def forwarded_client(peer: str, forwarded_for: str) -> str:
    """The client's address: the rightmost address in X-Forwarded-For that is not one
    of our proxies, walking back from the immediate peer. Only our own proxies' word
    is taken; whatever a client wrote further left is ignored, so it cannot pick the
    address it is counted under."""
    client = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not is_trusted_proxy(client):
            break
        try:
            client = str(ipaddress.ip_address(hop))
        except ValueError:
            # A proxy of ours passed on something that is not an address: the
            # last address we can vouch for is the one that sent it.
            break
    return client


class TrustedProxyMiddleware:
    """First in the chain: REMOTE_ADDR becomes the real client's address when the
    immediate peer is a trusted proxy (settings.TRUSTED_PROXIES), so throttling, the
    security log and everything else see one consistent address. From any other peer
    X-Forwarded-For is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        request.via_trusted_proxy = is_trusted_proxy(peer)
        if request.via_trusted_proxy:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            request.META["REMOTE_ADDR"] = forwarded_client(peer, forwarded)
        return self.get_response(request)


REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's request id may look like (uuid, hex, nginx's $request_id): anything
# else is replaced, so a log line cannot be forged through the header.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Gives every request an id (ours, or a trusted proxy's so its access log and ours
    line up), echoes it in the response, and logs every refused request (403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        if getattr(request, "via_trusted_proxy", False) and REQUEST_ID_PATTERN.fullmatch(incoming):
            request.request_id = incoming
        else:
            request.request_id = uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            # Views that logged their own refusal (CSRF) mark the request.
            if response.status_code == 403 and not getattr(request, "security_logged", False):
                security_event(
                    "request_refused",
                    outcome="refused",
                    request=request,
                    method=request.method,
                    path=request.path[:TEXT_LIMIT],
                )
        finally:
            current_request.reset(token)
        response.headers[REQUEST_ID_HEADER] = request.request_id
        return response


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
