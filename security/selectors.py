from __future__ import annotations

from django.db.models import QuerySet

from security.models import SecurityEvent

# The integrity page shows this many of the latest events.
PAGE_LIMIT = 200


def security_events_latest(*, action: str = "", outcome: str = "") -> QuerySet[SecurityEvent]:
    events = SecurityEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if outcome:
        events = events.filter(outcome=outcome)
    return events.order_by("-time", "-id")[:PAGE_LIMIT]


def security_event_actions() -> list[str]:
    return list(
        SecurityEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    )
