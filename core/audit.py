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
        instance.full_clean(
            exclude=_loaded_relations(instance), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(Messages.FIELD_INVALID, field=field, detail=messages[0]) from error
    instance._history_user = user if getattr(user, "pk", None) else None
    instance._change_reason = reason
    instance.save(**save_kwargs)


def _loaded_relations(instance: models.Model) -> list[str]:
    """Foreign keys whose object the instance already holds, read from the database
    (or saved) with the key it names: full_clean would query each again to check it
    exists. The database's own foreign key constraint still checks it on save. (Not
    for a key with rules of its own, limit_choices_to or validators: those still run.)"""
    loaded = []
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or not field.is_cached(instance):
            continue
        if field.get_limit_choices_to() or field.validators:
            continue
        related = field.get_cached_value(instance)
        key = getattr(instance, field.attname)
        if (
            related is not None
            and not related._state.adding
            and key is not None
            and key == getattr(related, field.target_field.attname)
        ):
            loaded.append(field.name)
    return loaded


def delete_audited(instance: models.Model, *, user: Any, reason: str) -> None:
    instance._history_user = user if getattr(user, "pk", None) else None
    instance._change_reason = reason
    instance.delete()
