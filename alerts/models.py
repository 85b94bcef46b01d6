"""Email alerts for visitors without an account: a search or a decision followed.

Neither model has history (simple-history would keep an address after its owner
unsubscribed): an address is stored only while its subscription exists, and
unsubscribing deletes the row and what was sent to it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from decisions.models import Decision


class AlertKind(models.TextChoices):
    SEARCH = "search", "New decisions matching a search"
    DECISION = "decision", "Changes to one decision"


class Subscription(models.Model):
    email = models.EmailField(max_length=254)
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    # A search: the list's query string, in a fixed order ("" is every new decision).
    query = models.CharField(max_length=600, blank=True)
    # A decision followed ("tell me when this is amended").
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Random, in the confirmation and unsubscribe links (signed): a link to a deleted
    # subscription never works for a new one at the same address.
    key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Double opt-in: nothing is sent until the visitor confirms by the emailed link;
    # decisions published from this moment on are news to it.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="search", decision__isnull=True)
                | Q(kind="decision", decision__isnull=False, query=""),
                name="alert_subscription_kind_target",
            ),
            models.UniqueConstraint(
                fields=["email", "query"],
                condition=Q(kind="search"),
                name="alert_subscription_one_per_search",
            ),
            models.UniqueConstraint(
                fields=["email", "decision"],
                condition=Q(kind="decision"),
                name="alert_subscription_one_per_decision",
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at", "created_at"], name="alert_sub_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'confirmed' if self.confirmed_at else 'unconfirmed'})"


class Change(models.TextChoices):
    NEW = "new", "Newly published"
    AMENDED = "amended", "Amended"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Delivery(models.Model):
    """What one subscription has been sent: each decision (and change) once, ever.

    Written in the transaction that sends the email, so running `send_alerts` again
    (or two at once) never sends the same news twice."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=12, choices=Change.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "decision", "change"], name="alert_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change} {self.decision_id}"


class EmailKind(models.TextChoices):
    CONFIRM = "confirm", "Confirmation"
    DIGEST = "digest", "New decisions matching a search"
    DECISION = "decision", "Changes to a followed decision"


class EmailView(models.Model):
    """One alert email, to read in a browser by the "View this email in your browser"
    link in it: no account, the link's random token is the key (only its SHA-256 is
    stored, so the table does not hold working links).

    Holds no address and no words of its own: what the email listed (decision ids, in
    order) is read again from the public record when viewed, so a decision no longer
    public drops out. It goes with its subscription: unsubscribing (or a request never
    confirmed) deletes it, and its link then answers 404 like a wrong one."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="email_views"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=EmailKind.choices)
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField(default=timezone.now)
    # [[decision id, change, link description], ...] in the email's order ([] for a
    # confirmation); `more`: the digest was full, the rest waited for the next one.
    items = models.JSONField(default=list, blank=True)
    more = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} email of {self.sent_at:%Y-%m-%d}"
