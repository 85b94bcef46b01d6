"""The one place alert emails are sent: queued on the task queue (core/mail.py) in the
transaction that records the delivery, so an alert is sent once the delivery is
committed, and exactly once. Every message is text with an HTML alternative, and
carries its unsubscribe link in both and in the List-Unsubscribe headers, with
one-click unsubscribing (RFC 8058)."""

from __future__ import annotations

from alerts.models import Subscription
from core.mail import email_enqueue, email_tasks_forget


def alert_email_send(*, to: str, subject: str, body: str, html: str, unsubscribe_url: str) -> None:
    email_enqueue(
        subject=subject,
        body=body,
        html=html,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def alert_address_forget(*, email: str) -> None:
    """Once an address has no subscription left, the queue keeps no email to it either
    (addresses are stored only while subscribed)."""
    if not Subscription.objects.filter(email=email).exists():
        email_tasks_forget(address=email)
