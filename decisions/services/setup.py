from __future__ import annotations

from django.db import transaction

from decisions.models import DecisionType
from decisions.reference_data import DECISION_TYPES


@transaction.atomic
def decision_types_ensure(*, using: str = "default") -> None:
    """Add any missing reference series; never overwrite a records manager's edits."""
    for fields in DECISION_TYPES:
        DecisionType.objects.using(using).get_or_create(code=fields["code"], defaults=fields)
