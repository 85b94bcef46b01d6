"""History rows that cannot be rewritten unnoticed: every audited model's history
table is a hash chain.

Each history row carries ``prev_hash`` (the ``row_hash`` of the row before it in
the same table, in ``history_id`` order; "" for the first) and ``row_hash``, the
keyed seal (core/seals.py) of every field of the row — the model's fields and who,
when, why and how it changed — together with ``prev_hash``. A row changed by SQL
no longer matches its ``row_hash``; a row removed or inserted out of turn breaks
the next row's ``prev_hash``. (Removing the newest rows of a table leaves a shorter
chain that is still whole: the event chain and the seals on published records are
what notice that.) ``history_id`` itself is not sealed: it is only given by the
insert; the order it gives is what the chain checks.

Every audited model uses ``ChainedHistoricalRecords`` instead of simple-history's
``HistoricalRecords``; ``decisions.selectors.integrity`` checks the chains.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from simple_history.models import HistoricalRecords

from core.seals import chain_lock, field_value, seal

# Not sealed: the chain fields themselves, and the id the insert gives.
UNSEALED_FIELDS = frozenset({"history_id", "row_hash", "prev_hash"})


def history_purpose(model: type[models.Model]) -> str:
    return f"history:{model._meta.db_table}"


def history_row_content(row: models.Model) -> dict[str, Any]:
    """What a history row's seal covers (see the module docstring)."""
    values = {
        field.attname: field_value(field, getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if field.attname not in UNSEALED_FIELDS
    }
    return {"fields": values, "prev": row.prev_hash}


def history_row_seal(row: models.Model) -> str:
    return seal(history_purpose(type(row)), history_row_content(row))


class ChainedHistory(models.Model):
    """The abstract base of every chained history model."""

    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    row_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            # Our own transaction, so the lock is held until the row is in, even when
            # the caller is not in one; within the caller's, no savepoint (two round
            # trips a row): a failure here fails the caller's transaction anyway.
            with transaction.atomic(savepoint=False):
                chain_lock(history_purpose(type(self)))
                last = type(self).objects.order_by("-history_id").only("row_hash").first()
                self.prev_hash = last.row_hash if last else ""
                self.row_hash = history_row_seal(self)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)


class ChainedHistoricalRecords(HistoricalRecords):
    """simple-history's HistoricalRecords whose rows form a sealed chain."""

    def __init__(self, *args: Any, bases: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, bases=[ChainedHistory, *bases], **kwargs)
