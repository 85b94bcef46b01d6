"""Email-alert links for the access matrix and the query counts: a confirmed alert
following a published decision, with ``size`` deliveries, its two links, and the web
view of an email listing ``size`` pieces of news."""

from __future__ import annotations

import secrets

from django.utils import timezone


def alert_links(decision, *, size: int = 1) -> dict[str, dict]:
    from alerts.emails import token_sha256
    from alerts.models import Change, Delivery, EmailKind, EmailView, Subscription
    from alerts.tokens import confirm_token, unsubscribe_token

    follow = Subscription.objects.create(
        email=f"reader-{secrets.token_hex(4)}@example.org",
        kind="decision",
        decision=decision,
        key=secrets.token_urlsafe(24),
        confirmed_at=timezone.now(),
    )
    Delivery.objects.bulk_create(
        Delivery(subscription=follow, decision=decision, change=change)
        for change in list(Change)[:size]
    )
    token = secrets.token_urlsafe(32)
    EmailView.objects.create(
        subscription=follow,
        token_sha256=token_sha256(token),
        kind=EmailKind.DECISION,
        subject=f"{decision.reference} has changed",
        items=[[decision.pk, Change.AMENDED, f"news {n}"] for n in range(size)],
    )
    return {
        "alert_email_view": {"token": token},
        "alert_confirm": {"token": confirm_token(follow)},
        "alert_unsubscribe": {"token": unsubscribe_token(follow)},
    }
