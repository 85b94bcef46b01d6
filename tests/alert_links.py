"""Email-alert links for the access matrix and the query counts: a confirmed alert
following a published decision, with ``size`` deliveries, and its two links."""

from __future__ import annotations

import secrets

from django.utils import timezone


def alert_links(decision, *, size: int = 1) -> dict[str, dict]:
    from alerts.models import Change, Delivery, Subscription
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
    return {
        "alert_confirm": {"token": confirm_token(follow)},
        "alert_unsubscribe": {"token": unsubscribe_token(follow)},
    }
