"""Appendices, the originating officer declarations, sign-offs and the event log."""

from __future__ import annotations

import hashlib
import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import PERSON_NAME_MAX_LENGTH
from core.history import ChainedHistoricalRecords
from decisions.models.decision import Decision
from decisions.models.types import SignOffRole
from decisions.workflow import State, event_action_label

SHA256_HEX = r"^[0-9a-f]{64}$"
SHA256_HEX_OR_BLANK = r"^([0-9a-f]{64})?$"


def file_sha256(file) -> str:
    """The SHA-256 of a stored or uploaded file, read in chunks (never whole)."""
    digest = hashlib.sha256()
    file.open("rb")
    try:
        file.seek(0)
        for chunk in file.chunks():
            digest.update(chunk)
    finally:
        file.seek(0)
    return digest.hexdigest()


def appendix_upload_to(instance: Appendix, filename: str) -> str:
    # Never the uploaded name (untrusted, may collide): the content's SHA-256 given
    # by the service (core.storage.store_once), or a random one.
    name = filename if re.fullmatch(r"[0-9a-f]{64}\.pdf", filename) else f"{uuid.uuid4().hex}.pdf"
    return f"appendices/{name}"


class Appendix(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="appendices")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=appendix_upload_to, blank=True, max_length=200)
    # The file's SHA-256, taken when it is saved: signed with the content, and
    # checked before the file is served.
    sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    published = models.BooleanField(default=True)
    # The one-time token of the form that added it: Back + resubmit adds nothing.
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["decision", "position"]
        verbose_name_plural = "appendices"
        constraints = [
            models.UniqueConstraint(fields=["form_token"], name="appendix_form_token_unique"),
            models.UniqueConstraint(
                fields=["decision", "position"], name="appendix_unique_position"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="appendix_position_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="appendix_title_present"),
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_HEX_OR_BLANK), name="appendix_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # A new file (uploaded, not yet committed) or one never hashed gets its hash.
        if not self.file:
            self.sha256 = ""
        elif not self.sha256 or not getattr(self.file, "_committed", True):
            self.sha256 = file_sha256(self.file)
        super().save(*args, **kwargs)


class DeclarationKind(models.TextChoices):
    """The eight rows of the originating officer declaration, in the form's order."""

    FINANCIAL = "financial", "Financial Advice"
    LEGAL = "legal", "Legal Advice"
    EQUALITIES = "equalities", "Equalities Advice"
    PUBLIC_HEALTH = "public_health", "Public Health Approach"
    COMMERCIAL = "commercial", "Commercial Issues"
    GDPR = "gdpr", "GDPR/Data Privacy"
    DRAFTING_OFFICER = "drafting_officer", "Drafting Officer"
    HEAD_OF_SERVICE = "head_of_service", "Director/Head of Service"


# Confirmed by the Head of Service when clearing, not by the drafting officer.
REVIEWER_DECLARATIONS = frozenset({DeclarationKind.HEAD_OF_SERVICE})

DECLARATION_ORDER = {kind: index for index, kind in enumerate(DeclarationKind.values, start=1)}

# The form's standard statement for each row; officers may adapt it (e.g. "Legal
# advice is not required."). {officer} is the drafting officer's name.
DEFAULT_DECLARATION_STATEMENTS = {
    DeclarationKind.FINANCIAL: (
        "The Strategic Finance and Resource Management Team has been consulted on this proposal."
    ),
    DeclarationKind.LEGAL: "The MOPAC legal team has been consulted on the proposal.",
    DeclarationKind.EQUALITIES: (
        "Equality and diversity issues are covered in the body of the report."
    ),
    DeclarationKind.PUBLIC_HEALTH: (
        "Due diligence has been given to determine whether the programme sits within the "
        "Violence Reduction Unit's public approach to reducing violence."
    ),
    DeclarationKind.COMMERCIAL: (
        "The Procurement Contract and Grants Team has been consulted on the commercial issues "
        "within this report. The proposal is in keeping with the GLA Group Responsible "
        "Procurement Policy."
    ),
    DeclarationKind.GDPR: "GDPR compliance issues are covered in the body of the report.",
    DeclarationKind.DRAFTING_OFFICER: (
        "{officer} has drafted this report in accordance with MOPAC procedures."
    ),
    DeclarationKind.HEAD_OF_SERVICE: (
        "The Head of Policy and Commissioning has reviewed the request and is satisfied it is "
        "correct and consistent with the MOPAC's plans and priorities."
    ),
}


class OfficerDeclaration(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="declarations")
    kind = models.CharField(max_length=30, choices=DeclarationKind.choices)
    position = models.PositiveSmallIntegerField()
    statement = models.TextField(max_length=2_000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name as it stood when confirmed (also for imported historical records).
    confirmed_by_name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind"], name="officerdeclaration_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DeclarationKind.values), name="officerdeclaration_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(statement=""), name="officerdeclaration_statement_present"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by_name="")
                | (Q(confirmed_at__isnull=False) & ~Q(confirmed_by_name="")),
                name="officerdeclaration_confirmation_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def heading(self) -> str:
        return DeclarationKind(self.kind).label

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SignOff(models.Model):
    """A signature: who, in what capacity, when, on what statement and content."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="sign_offs")
    role = models.CharField(max_length=30, choices=SignOffRole.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH)
    signer_title = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    statement = models.TextField(max_length=2_000)
    approval_line = models.CharField(max_length=300, blank=True)
    # The DMPC's declared personal or prejudicial interests; blank means none.
    interests = models.TextField(blank=True, max_length=2_000)
    content_digest = models.CharField(max_length=64)
    # The keyed seal of the signature itself: who, as what, when, on which statement
    # and interests, over which content digest (decisions/digest.py).
    seal = models.CharField(max_length=64, blank=True, default="", editable=False)

    history = ChainedHistoricalRecords()

    class Meta:
        verbose_name = "sign-off"
        ordering = ["decision", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "role"], name="signoff_one_per_role"),
            models.CheckConstraint(
                condition=Q(role__in=SignOffRole.values), name="signoff_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(content_digest__regex=SHA256_HEX), name="signoff_digest_sha256"
            ),
            models.CheckConstraint(
                condition=~Q(statement="") & ~Q(signer_name="") & ~Q(signer_title=""),
                name="signoff_complete",
            ),
            models.CheckConstraint(
                condition=Q(seal__regex=SHA256_HEX_OR_BLANK), name="signoff_seal_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.signer_name}"


class DecisionEvent(models.Model):
    """One transition of a decision. Append-only: on PostgreSQL a trigger refuses
    UPDATE and DELETE, so the log cannot be rewritten even by the application.

    Two hash chains (decisions/services/events.py): each event names the seal of the
    event before it of the same decision and of the event before it in the table,
    and its own ``row_hash`` seals all its fields with both."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=PERSON_NAME_MAX_LENGTH)
    actor_role = models.CharField(max_length=30, blank=True)
    comment = models.TextField(blank=True, max_length=5_000)
    content_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    decision_prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    table_prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    row_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["decision", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(row_hash__regex=SHA256_HEX_OR_BLANK)
                & Q(decision_prev_hash__regex=SHA256_HEX_OR_BLANK)
                & Q(table_prev_hash__regex=SHA256_HEX_OR_BLANK),
                name="decisionevent_chain_hex",
            ),
            models.CheckConstraint(
                condition=Q(content_digest__regex=SHA256_HEX), name="decisionevent_digest_sha256"
            ),
            models.CheckConstraint(
                condition=Q(to_state__in=State.values), name="decisionevent_to_state_valid"
            ),
        ]

    def __str__(self) -> str:
        moved = ""
        if self.from_state and self.from_state != self.to_state:
            moved = f"{State(self.from_state).label} → "
        return f"{event_action_label(self.action)}: {moved}{State(self.to_state).label}"


def published_pdf_upload_to(instance: PublishedDocument, filename: str) -> str:
    return f"published/{filename}"


class PublishedDocument(models.Model):
    """The decision's PDF, rendered once at approval and never re-rendered."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="published_document"
    )
    file = models.FileField(upload_to=published_pdf_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The keyed seal of the published record: the content digest, reference,
    # approval time, every signature's seal and this PDF's SHA-256.
    record_seal = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Who digitally signed the PDF, as the certificate names them (core/signing.py);
    # blank for a PDF published before PDFs were signed, or an archived original
    # (sealed beside it instead: ArchivedRecord.document_seal).
    signed_by = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        # /verify/ finds a document by its bytes' SHA-256.
        indexes = [models.Index(fields=["sha256"], name="publisheddocument_by_sha256")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_HEX), name="publisheddocument_sha256"
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0), name="publisheddocument_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(record_seal__regex=SHA256_HEX_OR_BLANK),
                name="publisheddocument_record_seal_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.file.name
