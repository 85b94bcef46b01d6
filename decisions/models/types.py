from django.db import models
from django.db.models import Q

from accounts.roles import Role
from core.history import ChainedHistoricalRecords


class SignOffRole(models.TextChoices):
    """The capacities in which a decision is signed, with the title printed on it."""

    CHIEF_EXECUTIVE = Role.CHIEF_EXECUTIVE.value, "Chief Executive Officer"
    DMPC = Role.DMPC.value, "Deputy Mayor for Policing and Crime"


class DecisionType(models.Model):
    """A kind of decision with its own reference series and final approver.

    The scheme of delegation limit is data: a decision of this type worth
    ``delegation_limit_pence`` or more must go to a type approved by the DMPC.
    """

    code = models.CharField(max_length=10, unique=True, help_text="Reference prefix, e.g. PCD.")
    name = models.CharField(max_length=100)
    # Only a signer can be a final approver (a user administrator never approves).
    final_approver = models.CharField(max_length=30, choices=SignOffRole.choices)
    approver_title = models.CharField(
        max_length=200, help_text="e.g. Deputy Mayor for Policing and Crime"
    )
    # The form's headings may name the approver more briefly ("PART I – … ADVICE TO
    # THE DMPC").
    approver_short_title = models.CharField(
        max_length=100,
        blank=True,
        help_text="How the form's headings name the approver, e.g. DMPC (blank: the title).",
    )
    recommendation_preamble = models.CharField(max_length=300)
    delegation_limit_pence = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Decisions of this value or more cannot be taken under this type.",
    )
    last_number = models.PositiveIntegerField(
        default=0, help_text="The last reference number given from this series."
    )

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2,10}$"), name="decisiontype_code_uppercase"
            ),
            models.CheckConstraint(
                condition=Q(delegation_limit_pence__isnull=True) | Q(delegation_limit_pence__gt=0),
                name="decisiontype_delegation_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(final_approver__in=SignOffRole.values),
                name="decisiontype_approver_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def approver_role(self) -> SignOffRole:
        return SignOffRole(self.final_approver)

    @property
    def approver_heading(self) -> str:
        """The approver as the form's headings name them."""
        return self.approver_short_title or self.approver_title


class SignOffWording(models.Model):
    """What a signer of this type of decision signs: stored once per type and role.

    Every sign-off copies the statement and approval line as they were when it was
    signed; pages and PDFs print the stored sign-off, or this wording before then.
    """

    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.PROTECT, related_name="wordings"
    )
    role = models.CharField(max_length=30, choices=SignOffRole.choices)
    statement = models.TextField(max_length=2_000)
    # The final approver's line under the statement ("The above request has my
    # approval."); blank for a signature that sends the decision on.
    approval_line = models.CharField(max_length=300, blank=True)
    records_interests = models.BooleanField(
        default=False, help_text="The signer records any personal or prejudicial interest."
    )

    history = ChainedHistoricalRecords()

    class Meta:
        verbose_name = "sign-off wording"
        ordering = ["decision_type", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_type", "role"], name="signoffwording_one_per_type_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=SignOffRole.values), name="signoffwording_role_valid"
            ),
            models.CheckConstraint(
                condition=~Q(statement=""), name="signoffwording_statement_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_type.code}: {self.get_role_display()}"
