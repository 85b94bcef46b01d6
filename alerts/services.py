"""Every write of email alerts: asking for one (double opt-in), confirming it,
unsubscribing, and sending what is news (`manage.py send_alerts`)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alerts import selectors, throttle
from alerts.emails import Links, email_render, token_sha256
from alerts.models import AlertKind, Change, Delivery, EmailKind, EmailView, Subscription
from alerts.sending import alert_address_forget, alert_email_send
from alerts.tokens import CONFIRM_WITHIN, confirm_token, unsubscribe_token
from core.errors import DomainError, Messages
from decisions.models import Decision

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError(Messages.ALERT_EMAIL_INVALID, field="email") from error
    if len(email) > 254:
        raise DomainError(Messages.ALERT_EMAIL_INVALID, field="email")
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def subscription_request(
    *, user, email: str, query: str = "", decision: Decision | None = None, client_address: str
) -> None:
    """Ask for an alert on a search (``query``, canonical) or on a published decision,
    and email the link that confirms it. Says nothing about whether the address was
    already subscribed (the page is the same): a confirmed alert is left as it is,
    an unconfirmed one gets its link again.

    The request is counted first, outside the transaction (the database cache would
    otherwise forget a refused request's count with the rollback)."""
    email = _normalise_email(email)
    if not throttle.request_allowed(client_address, email):
        raise DomainError(Messages.ALERT_TOO_MANY, field="email")
    _subscription_store(email=email, query=query, decision=decision)


@transaction.atomic
def _subscription_store(*, email: str, query: str, decision: Decision | None) -> None:
    if decision is not None:
        target = {"kind": AlertKind.DECISION, "decision": decision, "query": ""}
    else:
        target = {"kind": AlertKind.SEARCH, "decision": None, "query": query[:600]}
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        email=email, **target, defaults={"key": secrets.token_urlsafe(24)}
    )
    if subscription.confirmed_at is not None:
        return
    if not created and subscription.created_at < timezone.now() - CONFIRM_WITHIN:
        subscription.created_at = timezone.now()
        subscription.save(update_fields=["created_at"])
    confirm_url = site_url(reverse("alerts:confirm", args=[confirm_token(subscription)]))
    _send(
        subscription, kind=EmailKind.CONFIRM, subject="Confirm your email alert",
        confirm_url=confirm_url,
    )  # fmt: skip


@transaction.atomic
def subscription_confirm(*, user, subscription: Subscription) -> Subscription:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, user, subscription: Subscription) -> None:
    """Unsubscribe: the row goes, with the address and what was sent to it."""
    email = subscription.email
    subscription.delete()
    alert_address_forget(email=email)


def _send(
    subscription: Subscription,
    *,
    kind: EmailKind,
    subject: str,
    items: list[tuple[Decision, str, str]] = (),
    more: bool = False,
    confirm_url: str = "",
) -> None:
    """Record the email's web view (its token's hash, and the decisions it lists) and
    queue the email, text and HTML, both rendered from that record (alerts/emails.py)."""
    token = secrets.token_urlsafe(32)
    view = EmailView.objects.create(
        subscription=subscription,
        token_sha256=token_sha256(token),
        kind=kind,
        subject=subject,
        items=[[decision.pk, change, description] for decision, change, description in items],
        more=more,
    )
    unsubscribe_url = site_url(
        reverse("alerts:unsubscribe", args=[unsubscribe_token(subscription)])
    )
    links = Links(
        view_url=site_url(reverse("alerts:email_view", args=[token])),
        unsubscribe_url=unsubscribe_url,
        confirm_url=confirm_url,
    )
    text, html = email_render(view, links=links)
    alert_email_send(
        to=subscription.email,
        subject=f"Decision records: {view.subject}",
        body=text,
        html=html,
        unsubscribe_url=unsubscribe_url,
    )


@dataclass
class SendSummary:
    emails: int = 0
    expired: int = 0


def alerts_send(*, user=None, batch: int = 500) -> SendSummary:
    """Delete unconfirmed requests older than CONFIRM_WITHIN, then send each confirmed
    subscription what is news to it, one transaction (and email) per subscription."""
    summary = SendSummary()
    expired = selectors.expired_requests(timezone.now() - CONFIRM_WITHIN)
    addresses = set(expired.values_list("email", flat=True))
    summary.expired, _ = expired.delete()
    for email in addresses:
        alert_address_forget(email=email)
    after = 0
    while ids := selectors.confirmed_subscription_ids(after, batch=batch):
        for pk in ids:
            summary.emails += subscription_alert_send(user=user, subscription_id=pk)
        after = ids[-1]
    return summary


@transaction.atomic
def subscription_alert_send(*, user, subscription_id: int) -> int:
    """Send one subscription its news, if any, and record it as sent in the same
    transaction: 1 if an email went, else 0. A subscription another run holds is
    skipped (that run sends it); a failed send records nothing, to be sent next run."""
    subscription = (
        Subscription.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("decision__decision_type")
        .filter(pk=subscription_id, confirmed_at__isnull=False)
        .first()
    )
    if subscription is None:
        return 0
    if subscription.kind == AlertKind.SEARCH:
        decisions = selectors.search_news(subscription)
        rows = [(decision, Change.NEW, "") for decision in decisions]
        subject = f"{len(decisions)} new decision{'s' if len(decisions) != 1 else ''}"
        kind, more = EmailKind.DIGEST, len(decisions) == selectors.DIGEST_LIMIT
    else:
        news = selectors.follow_news(subscription)
        rows = [(item.decision, item.change, item.description) for item in news]
        subject = f"{subscription.decision.reference} has changed"
        kind, more = EmailKind.DECISION, False
    if not rows:
        return 0
    Delivery.objects.bulk_create(
        [Delivery(subscription=subscription, decision=d, change=c) for d, c, _ in rows]
    )
    _send(subscription, kind=kind, subject=subject, items=rows, more=more)
    return 1
