"""Who holds power, and how it changes: office holders, change requests that a
second user administrator confirms, and the append-only audit of every change."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import PERSON_NAME_MAX_LENGTH
from decisions.models import DecisionType, SignOffRole

REASON_MAX_LENGTH = 1_000
# A request not confirmed within this time can no longer be confirmed: an old,
# forgotten request must not be waved through later.
REQUEST_LIFETIME = dt.timedelta(days=7)


class OfficeHolder(models.Model):
    """A person in an office that signs decisions (DMPC, Chief Executive), from a
    date until a date. Records take the signer's name and title from here, never
    from the user's editable profile."""

    role = models.CharField(max_length=30, choices=SignOffRole.choices)
    name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH)
    title = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offices_held"
    )
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "-from_date"]
        permissions = [
            ("administer_people", "Request and confirm changes of roles, rules and office holders"),
            ("view_governance_audit", "Read the audit of role, rule and office holder changes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=SignOffRole.values), name="officeholder_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                name="officeholder_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(title=""), name="officeholder_name_title_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"

    def in_office_on(self, day: dt.date) -> bool:
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)


class ChangeKind(models.TextChoices):
    ROLE_GRANT = "role_grant", "Give a role"
    ROLE_REMOVE = "role_remove", "Remove a role"
    RULE_CHANGE = "rule_change", "Change a decision type's rules"
    OFFICE_HOLDER_ADD = "office_holder_add", "Add an office holder"
    OFFICE_HOLDER_END = "office_holder_end", "End an office holder's term"
    SECOND_FACTOR_RESET = "second_factor_reset", "Reset an authenticator app"


class ChangeState(models.TextChoices):
    PENDING = "pending", "Waiting for a second user administrator"
    CONFIRMED = "confirmed", "Confirmed"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Cancelled"


class ChangeRequest(models.Model):
    """One change of power, asked for by a user administrator with a reason. It has
    no effect until a different user administrator confirms it."""

    kind = models.CharField(max_length=30, choices=ChangeKind.choices)
    state = models.CharField(max_length=20, choices=ChangeState.choices, default="pending")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    # What is to change: a person and a role; a decision type's rules; an office.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=30, blank=True)
    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Rule changes: {field: new value}, checked against governance.rules.RULE_FIELDS.
    new_rules = models.JSONField(default=dict, blank=True)
    office_holder = models.ForeignKey(
        OfficeHolder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH, blank=True)
    holder_title = models.CharField(max_length=200, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="changerequest_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ChangeState.values), name="changerequest_state_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="changerequest_reason_required"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("requested_at")),
                name="changerequest_expires_after_request",
            ),
            # Pending: nobody has decided. Decided: by whom and when, after the request.
            models.CheckConstraint(
                condition=(
                    Q(state="pending", decided_by__isnull=True, decided_at__isnull=True)
                    | (
                        ~Q(state="pending")
                        & Q(decided_by__isnull=False, decided_at__gte=F("requested_at"))
                    )
                ),
                name="changerequest_decision_matches_state",
            ),
            # The two-person rule: nobody confirms (or refuses) their own request;
            # withdrawing it is a cancellation, by the requester only.
            models.CheckConstraint(
                condition=(
                    ~Q(state__in=["confirmed", "refused"]) | ~Q(decided_by=F("requested_by"))
                ),
                name="changerequest_confirmer_not_requester",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | Q(decided_by=F("requested_by")),
                name="changerequest_cancelled_by_requester",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(decided_at__lte=F("expires_at")),
                name="changerequest_confirmed_before_expiry",
            ),
            # Nobody asks for anything about themselves.
            models.CheckConstraint(
                condition=Q(subject__isnull=True) | ~Q(subject=F("requested_by")),
                name="changerequest_not_about_requester",
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(kind__in=["role_grant", "role_remove"])
                    | (Q(subject__isnull=False) & ~Q(role=""))
                ),
                name="changerequest_role_change_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rule_change") | Q(decision_type__isnull=False),
                name="changerequest_rule_change_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="office_holder_add")
                | (
                    Q(subject__isnull=False, from_date__isnull=False, role__in=SignOffRole.values)
                    & ~Q(holder_name="")
                    & ~Q(holder_title="")
                ),
                name="changerequest_office_holder_add_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="office_holder_end")
                | Q(office_holder__isnull=False, to_date__isnull=False),
                name="changerequest_office_holder_end_complete",
            ),
            # Whose app is to be reset: someone, never the requester (above).
            models.CheckConstraint(
                condition=~Q(kind="second_factor_reset") | Q(subject__isnull=False),
                name="changerequest_second_factor_reset_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (request {self.pk})"


class GovernanceAuditEntry(models.Model):
    """One change of power that took effect: who asked, who confirmed, when, why,
    and what it was before and after. Append-only (a PostgreSQL trigger refuses
    UPDATE, DELETE and TRUNCATE); names are copied so the row reads the same
    whatever later happens to the people."""

    change = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="audit_entry"
    )
    kind = models.CharField(max_length=30, choices=ChangeKind.choices)
    requested_by_name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH)
    requested_at = models.DateTimeField()
    confirmed_by_name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH)
    confirmed_at = models.DateTimeField()
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    subject = models.CharField(max_length=400)
    before = models.TextField(max_length=2_000)
    after = models.TextField(max_length=2_000)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name_plural = "governance audit entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__gte=F("requested_at")),
                name="governanceaudit_confirmed_after_request",
            ),
            models.CheckConstraint(
                condition=~Q(confirmed_by_name="") & ~Q(reason=""),
                name="governanceaudit_who_and_why_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
