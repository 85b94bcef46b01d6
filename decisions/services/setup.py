from __future__ import annotations

from django.db import transaction

from decisions.models import DecisionType, SignOffWording
from decisions.reference_data import DECISION_TYPES


@transaction.atomic
def decision_types_ensure(*, using: str = "default") -> None:
    """Add any missing reference series and sign-off wording; never overwrite a row."""
    for fields in DECISION_TYPES:
        fields = dict(fields)
        wordings = fields.pop("wordings")
        decision_type, _ = DecisionType.objects.using(using).get_or_create(
            code=fields["code"], defaults=fields
        )
        for wording in wordings:
            SignOffWording.objects.using(using).get_or_create(
                decision_type=decision_type, role=wording["role"], defaults=wording
            )
