from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.roles import Role


class DecisionType(models.Model):
    """A kind of decision with its own reference series and final approver.

    The scheme of delegation limit is data: a decision of this type worth
    ``delegation_limit_pence`` or more must go to a type approved by the DMPC.
    """

    code = models.CharField(max_length=10, unique=True, help_text="Reference prefix, e.g. PCD.")
    name = models.CharField(max_length=100)
    final_approver = models.CharField(max_length=30, choices=Role.choices)
    approver_title = models.CharField(
        max_length=200, help_text="e.g. Deputy Mayor for Policing and Crime"
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

    history = HistoricalRecords()

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
                condition=Q(final_approver__in=Role.values), name="decisiontype_approver_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
