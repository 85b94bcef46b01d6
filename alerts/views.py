"""Email alerts for visitors without an account: ask (any search, or one decision),
confirm by the emailed link, unsubscribe in one click."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from alerts import emails, selectors, services
from alerts.forms import AlertEmailForm
from alerts.tokens import CONFIRM_WITHIN, read_confirm_token, read_unsubscribe_token
from core.security_log import client_address
from decisions.views.base import call_service


def _breadcrumbs(text: str, decision=None) -> list[dict]:
    items = [{"text": "Decisions", "href": reverse("decisions:list")}]
    if decision is not None:
        items.append({"text": decision.reference, "href": decision.get_absolute_url()})
    return [*items, {"text": text}]


def _target(data) -> tuple[str, object, list[str]]:
    """(canonical query, decision or None, the search in words) from a request's data."""
    slug = (data.get("decision") or "").strip()
    if slug:
        decision = selectors.followable_decision(slug)
        if decision is None:
            raise Http404("No published decision has that reference.")
        return "", decision, []
    query = data.get("query")
    form = selectors.search_form(query if query is not None else data)
    form.is_valid()
    return selectors.canonical_query(form), None, selectors.search_description(form)


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    query, decision, description = _target(source)
    initial = {"query": query, "decision": decision.slug if decision else ""}
    form = AlertEmailForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = call_service(
            form,
            lambda: services.subscription_request(
                user=request.user,
                email=form.cleaned_data["email"],
                query=query,
                decision=decision,
                client_address=client_address(request),
            ),
        )
        if ok:
            return redirect("alerts:requested")
    if decision is not None:
        back = decision.get_absolute_url()
    else:
        back = reverse("decisions:list") + (f"?{query}" if query else "")
    return render(
        request,
        "alerts/subscribe.html",
        {"form": form, "decision": decision, "description": description, "back": back,
         "breadcrumbs": _breadcrumbs("Get email alerts", decision)},
    )  # fmt: skip


@require_safe
def requested(request: HttpRequest) -> HttpResponse:
    hours = int(CONFIRM_WITHIN.total_seconds() // 3600)
    return render(
        request,
        "alerts/requested.html",
        {"hours": hours, "breadcrumbs": _breadcrumbs("Check your email")},
    )


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alerts/link_invalid.html",
        {"breadcrumbs": _breadcrumbs("Link not valid")},
        status=404,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a mail scanner opening the link confirms nothing); POST
    confirms."""
    found = read_confirm_token(token)
    subscription = selectors.subscription_for_key(*found) if found else None
    if subscription is None:
        return _invalid_link(request)
    context = {
        "what": emails.describe(subscription),
        "subscription": subscription,
        "breadcrumbs": _breadcrumbs("Confirm your email alert"),
    }
    if request.method == "POST":
        services.subscription_confirm(user=request.user, subscription=subscription)
        return render(request, "alerts/confirmed.html", context)
    return render(request, "alerts/confirm.html", context)


@csrf_exempt  # One-click unsubscribe (RFC 8058): mail clients POST without a token.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST (the button, or a mail client's one-click request)
    deletes the subscription and its address."""
    found = read_unsubscribe_token(token)
    if found is None:
        return _invalid_link(request)
    subscription = selectors.subscription_for_key(*found)
    context = {"breadcrumbs": _breadcrumbs("Unsubscribe")}
    if subscription is None:
        return render(request, "alerts/unsubscribed.html", {**context, "already": True})
    context["what"] = emails.describe(subscription)
    if request.method == "POST":
        services.subscription_cancel(user=request.user, subscription=subscription)
        return render(request, "alerts/unsubscribed.html", context)
    return render(request, "alerts/unsubscribe.html", context)


@never_cache
@require_safe
def email_view(request: HttpRequest, token: str) -> HttpResponse:
    """An alert email in the browser, by the random link in it. 404 for a wrong link,
    and once its alert is gone (unsubscribed, or never confirmed): it holds what the
    alert followed, which goes with the address (alerts/emails.py says what it shows)."""
    view = emails.email_view_for_token(token)
    if view is None:
        return render(
            request,
            "alerts/email_view_missing.html",
            {"breadcrumbs": _breadcrumbs("Email not found")},
            status=404,
        )
    context = emails.email_context(view)
    return render(
        request,
        "alerts/email_view.html",
        {**context, "view": view, "body_template": f"{emails.TEMPLATES[view.kind]}.html",
         "breadcrumbs": _breadcrumbs("Email alert")},
    )  # fmt: skip
