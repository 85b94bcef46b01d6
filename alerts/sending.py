"""The one place alert emails are sent (issue 15 moves it onto a task queue): every
message carries its unsubscribe link in the text and in the List-Unsubscribe headers,
with one-click unsubscribing (RFC 8058)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage


def alert_email_send(*, to: str, subject: str, body: str, unsubscribe_url: str) -> None:
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.send(fail_silently=False)
