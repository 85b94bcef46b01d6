"""Saving audited models so that django-simple-history records who and why."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from core.errors import DomainError, Messages


def save_audited(instance: models.Model, *, user: Any, reason: str, **save_kwargs: Any) -> None:
    """Validate and save ``instance``, writing a history row with the user and reason.

    Every write of an audited model goes through here, never through
    ``QuerySet.update()`` or bulk writes, which simple-history cannot see.
    """
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(Messages.FIELD_INVALID, field=field, detail=messages[0]) from error
    instance._history_user = user if getattr(user, "pk", None) else None
    instance._change_reason = reason
    instance.save(**save_kwargs)


def delete_audited(instance: models.Model, *, user: Any, reason: str) -> None:
    instance._history_user = user if getattr(user, "pk", None) else None
    instance._change_reason = reason
    instance.delete()
