from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.history import ChainedHistoricalRecords
from decisions.models.types import DecisionType
from decisions.workflow import UNNUMBERED_STATES, State

TITLE_MAX_LENGTH = 300
SUMMARY_MAX_LENGTH = 10_000
TEXT_MAX_LENGTH = 20_000


class DecisionQuerySet(models.QuerySet):
    def with_type(self) -> DecisionQuerySet:
        return self.select_related("decision_type")

    def by_reference(self, code: str, number: int) -> DecisionQuerySet:
        return self.filter(decision_type__code=code.upper(), reference_number=number)

    def approved(self) -> DecisionQuerySet:
        return self.filter(state=State.APPROVED)

    def due(self, *, today=None) -> DecisionQuerySet:
        """Approved, and either not deferred or deferred until a date that has come."""
        today = today or timezone.localdate()
        return self.approved().filter(Q(deferred=False) | Q(deferred_until__lte=today))

    def published(self, *, today=None) -> DecisionQuerySet:
        """The only decisions any public surface may show: due, and not withdrawn."""
        return self.due(today=today).filter(publication_withdrawn_at__isnull=True)

    def by_slug(self, slug: str) -> DecisionQuerySet:
        """The decision whose public address is ``slug`` (``pcd-1620``), if any."""
        match = re.fullmatch(r"([a-z]{2,10})-(\d{1,7})", slug)
        return self.by_reference(match[1], int(match[2])) if match else self.none()


class LeadIn(models.TextChoices):
    """How the recommendations begin, in the forms in real use."""

    RECOMMENDED = "recommended", "is recommended to:"
    APPROVES = "approves", "approves:"


def lead_in_wording(decision_type: DecisionType, lead_in: str) -> str:
    """The line before the recommendations: the type's own preamble ("The Deputy Mayor
    for Policing and Crime is recommended to:"), or the approver approving outright."""
    if lead_in == LeadIn.APPROVES:
        return f"The {decision_type.approver_title} approves:"
    return decision_type.recommendation_preamble


class Decision(models.Model):
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT, related_name="+")
    reference_number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    executive_summary = models.TextField(blank=True, max_length=SUMMARY_MAX_LENGTH)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafted_decisions"
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_decisions"
    )
    recommendations_lead_in = models.CharField(
        "How the recommendations begin",
        max_length=20,
        choices=LeadIn.choices,
        default=LeadIn.RECOMMENDED,
    )
    # Public access to information. None: the officer has not answered yet.
    deferred = models.BooleanField("Part 1 publication deferred", null=True, blank=True)
    deferral_reason = models.TextField(blank=True, max_length=2_000)
    deferred_until = models.DateField(null=True, blank=True)
    # Part 2 confidentiality; the content itself lives in Part2, its own table.
    has_part2 = models.BooleanField("has a Part 2", null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency for drafting: each save of a draft bumps it.
    version = models.PositiveIntegerField(default=1)
    # A records manager may take a published record down again, saying why.
    publication_withdrawn_at = models.DateTimeField(null=True, blank=True)
    publication_withdrawal_reason = models.TextField(blank=True, max_length=2_000)
    # Keyword search: Part 1 as text and as a vector, in DecisionSearch (search_index).

    objects = DecisionQuerySet.as_manager()
    history = ChainedHistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-approved_at", "-created_at"]
        indexes = [
            # The public list's order, over the rows that can be published: the first
            # page reads 20 entries, the last page and the count read this index only
            # (the deferral, which depends on today's date, and the type are in it).
            models.Index(
                fields=["-approved_at", "-id"],
                name="decision_published_order",
                condition=Q(state=State.APPROVED, publication_withdrawn_at__isnull=True),
                include=["deferred", "deferred_until", "decision_type"],
            ),
            # The list sorted by reference (series, then number), the same way.
            models.Index(
                fields=["decision_type", "reference_number", "id"],
                name="decision_published_reference",
                condition=Q(state=State.APPROVED, publication_withdrawn_at__isnull=True),
                include=["deferred", "deferred_until", "approved_at"],
            ),
            # "Did you mean": a GIN trigram index on titles, PostgreSQL only, made by
            # migration 0017 (SQLite has no pg_trgm; it suggests nothing).
        ]
        permissions = [
            ("draft_decision", "Can draft decisions"),
            ("review_decision", "Can review decisions as Head of Service"),
            ("clear_decision", "Can sign decisions as Chief Executive"),
            ("approve_decision", "Can approve decisions as DMPC"),
            ("manage_records", "Can manage records, users and reference series"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_type", "reference_number"],
                name="decision_unique_reference_per_series",
                violation_error_message="This reference is already in use.",
            ),
            models.CheckConstraint(
                condition=Q(reference_number__isnull=True) | Q(reference_number__gt=0),
                name="decision_reference_number_positive",
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="decision_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(UNNUMBERED_STATES))
                | Q(reference_number__isnull=False),
                name="decision_reference_after_submission",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.APPROVED) | Q(approved_at__isnull=False),
                name="decision_approved_has_date",
            ),
            models.CheckConstraint(
                condition=(
                    (
                        (Q(deferred__isnull=True) | Q(deferred=False))
                        & Q(deferred_until__isnull=True, deferral_reason="")
                    )
                    | (Q(deferred=True, deferred_until__isnull=False) & ~Q(deferral_reason=""))
                ),
                name="decision_deferral_complete",
                violation_error_message=(
                    "A deferred decision needs a reason and a date; "
                    "one that is not deferred has neither."
                ),
            ),
            models.CheckConstraint(condition=~Q(title=""), name="decision_title_present"),
            models.CheckConstraint(
                condition=Q(recommendations_lead_in__in=LeadIn.values),
                name="decision_recommendations_lead_in_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(UNNUMBERED_STATES))
                | Q(deferred__isnull=False, has_part2__isnull=False),
                name="decision_public_access_answered",
            ),
            models.CheckConstraint(
                condition=Q(publication_withdrawn_at__isnull=True, publication_withdrawal_reason="")
                | (
                    Q(publication_withdrawn_at__isnull=False, state=State.APPROVED)
                    & ~Q(publication_withdrawal_reason="")
                ),
                name="decision_publication_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference_number else self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", kwargs={"slug": self.slug})

    @property
    def reference(self) -> str:
        """`PCD 1620`: prefix, one space, number ('' before one is assigned)."""
        if self.reference_number is None:
            return ""
        return f"{self.decision_type.code} {self.reference_number}"

    @property
    def slug(self) -> str:
        return f"{self.decision_type.code.lower()}-{self.reference_number}"

    @property
    def archive(self):
        """The ArchivedRecord of a decision taken before the system, or None. Only an
        approved decision can be one (no query for the others); read the list with
        select_related("archived_record") to spare a query a row."""
        if self.pk is None or self.state != State.APPROVED:
            return None
        try:
            return self.archived_record
        except ObjectDoesNotExist:
            return None

    @property
    def recommendations_preamble(self) -> str:
        return lead_in_wording(self.decision_type, self.recommendations_lead_in)

    @property
    def is_editable(self) -> bool:
        return self.state == State.DRAFT

    @property
    def published_on(self):
        """Date published: the later of approval and the end of any deferral."""
        if self.approved_at is None:
            return None
        approved_on = timezone.localtime(self.approved_at).date()
        if self.deferred and self.deferred_until and self.deferred_until > approved_on:
            return self.deferred_until
        return approved_on


class Recommendation(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    # Edit conflicts are per item: each edit of the text bumps it (moves do not).
    version = models.PositiveIntegerField(default=1)
    # The one-time token of the form that added it: Back + resubmit adds nothing.
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"], name="recommendation_unique_position"
            ),
            models.UniqueConstraint(fields=["form_token"], name="recommendation_form_token_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="recommendation_position_positive"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_text_present"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class SectionKind(models.IntegerChoices):
    """The nine numbered Part 1 sections of the form, in its order."""

    INTRODUCTION = 1, "Introduction and background"
    ISSUES = 2, "Issues for consideration"
    FINANCIAL = 3, "Financial Comments"
    LEGAL = 4, "Legal Comments"
    COMMERCIAL = 5, "Commercial Issues"
    PUBLIC_HEALTH = 6, "Public Health Approach"
    GDPR = 7, "GDPR and Data Privacy"
    EQUALITY = 8, "Equality Comments"
    BACKGROUND = 9, "Background/supporting papers"


class Section(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="sections")
    kind = models.PositiveSmallIntegerField(choices=SectionKind.choices)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["decision", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="section_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__gte=1, kind__lte=9), name="section_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}. {self.heading}"

    @property
    def heading(self) -> str:
        return SectionKind(self.kind).label


class Paragraph(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    # Where the generated budget table sits in the financial comments.
    budget_table_follows = models.BooleanField(default=False)
    # Edit conflicts are per item: each edit of the text bumps it (moves do not).
    version = models.PositiveIntegerField(default=1)
    # The one-time token of the form that added it: Back + resubmit adds nothing.
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="paragraph_unique_position"
            ),
            models.UniqueConstraint(fields=["form_token"], name="paragraph_form_token_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="paragraph_position_positive"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="paragraph_text_present"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    @property
    def number(self) -> str:
        return f"{self.section.kind}.{self.position}"


class LinkKind(models.TextChoices):
    AMENDS = "amends", "Amends"
    SUPERSEDES = "supersedes", "Supersedes"
    RELATED = "related", "Related to"


# How the other end of a link reads it ("Amended by PCD 1620").
INVERSE_LINK_LABELS = {
    LinkKind.AMENDS: "Amended by",
    LinkKind.SUPERSEDES: "Superseded by",
    LinkKind.RELATED: "Related to",
}


class DecisionLink(models.Model):
    source = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    description = models.CharField(max_length=500, blank=True)
    # The one-time token of the form that added it: Back + resubmit adds nothing.
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(fields=["form_token"], name="decisionlink_form_token_unique"),
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="decisionlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="decisionlink_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="decisionlink_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.target}"

    @property
    def inverse_label(self) -> str:
        return INVERSE_LINK_LABELS[LinkKind(self.kind)]


class Part2(models.Model):
    """The confidential Part 2 of a decision: never on any public surface.

    Reading it needs the model's own `decisions.view_part2` permission.
    """

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="part2")
    content = models.TextField(max_length=TEXT_MAX_LENGTH)
    legal_rationale = models.TextField(max_length=TEXT_MAX_LENGTH)

    history = ChainedHistoricalRecords()

    class Meta:
        verbose_name = "Part 2"
        verbose_name_plural = "Part 2 records"
        constraints = [
            models.CheckConstraint(
                condition=~Q(content="") & ~Q(legal_rationale=""), name="part2_complete"
            ),
        ]

    def __str__(self) -> str:
        return "Part 2 (confidential)"
