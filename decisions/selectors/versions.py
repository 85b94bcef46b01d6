"""What an edit form was built from, per thing edited, so that only two edits of the
same thing conflict.

A paragraph or recommendation carries its own version number. A step that edits
fields of the decision itself (title and summary, public access, Part 2, the
declaration) is versioned by a fingerprint of the values that step shows: saving
another step, or adding a paragraph, leaves it unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db.models import QuerySet

from decisions.models import REVIEWER_DECLARATIONS, Decision, Part2

SUMMARY_FIELDS = ("title", "executive_summary")
PUBLIC_ACCESS_FIELDS = ("deferred", "deferral_reason", "deferred_until", "has_part2")
PART2_FIELDS = ("content", "legal_rationale")
DECLARATION_FIELDS = ("kind", "statement", "confirmed_at")
LEAD_IN_FIELDS = ("recommendations_lead_in",)


def fingerprint(values) -> str:
    """A short, stable digest of some values (not a security measure: a change check)."""
    canonical = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def _values(instance, fields) -> list:
    return [getattr(instance, name) for name in fields]


def summary_version(decision: Decision) -> str:
    return fingerprint(_values(decision, SUMMARY_FIELDS))


def public_access_version(decision: Decision) -> str:
    return fingerprint(_values(decision, PUBLIC_ACCESS_FIELDS))


def lead_in_version(decision: Decision) -> str:
    return fingerprint(_values(decision, LEAD_IN_FIELDS))


def part2_version(decision: Decision) -> str:
    part2 = Part2.objects.filter(decision_id=decision.pk).first()
    return fingerprint(_values(part2, PART2_FIELDS) if part2 else None)


def declarations_version(decision: Decision) -> str:
    rows = (
        decision.declarations.exclude(kind__in=REVIEWER_DECLARATIONS)
        .order_by("position")
        .values_list(*DECLARATION_FIELDS)
    )
    return fingerprint([[kind, statement, bool(confirmed)] for kind, statement, confirmed in rows])


def last_saved(history: QuerySet, fields) -> tuple[object | None, dt.datetime | None]:
    """Who saved the values a row holds now, and when: the oldest history row of the
    newest run of rows with those values (later rows changed other fields only).
    Without ``fields``: the newest row's."""
    saved_by, saved_at, current = None, None, None
    rows = history.select_related("history_user").order_by("-history_date", "-history_id")
    if not fields:
        newest = rows.first()
        return (newest.history_user, newest.history_date) if newest else (None, None)
    for record in rows.iterator():
        values = _values(record, fields)
        if current is None:
            current = values
        elif values != current:
            break
        saved_by, saved_at = record.history_user, record.history_date
    return saved_by, saved_at


def items_version(items: QuerySet) -> str:
    """Whole-list edits (a section or the recommendations pasted in one box): every
    item's id, place, version and flag, so an edit, move, add or removal of any of
    them since the box was opened is a conflict."""
    fields = ["pk", "position", "version"]
    if items.model.__name__ == "Paragraph":
        fields.append("budget_table_follows")
    return fingerprint(list(items.order_by("position").values_list(*fields)))
