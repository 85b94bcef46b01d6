"""Which cached public pages a change to a decision makes stale (core/page_cache.py).

A decision's page shows the decision and every decision linked to or from it
(references, and links only to those that are public); PCD 1406's page also shows
its budget envelope as later decisions amended it, and every such decision links
to it (a budget movement needs an "amends" link: funding/services/movements.py).
So every event of a decision drops its own page and the page of each decision
linked to it either way (``event_record`` calls this: every state change writes an
event — approval, withdrawal, deferral, amendment...).

What changes a published page without an event, and how each is handled:
- a deferral ending at midnight (a linked decision becomes public): the page key
  holds today's date;
- a contract or grant recorded after approval (the envelope's "Committed" and
  "Headroom"): funding/services/commitments.py calls this for the line's decisions;
- a decision type's rules (the approver's title heads the final signature, the
  type's name the caption): governance/effects.py drops every page;
- a backup restored: core/backup.py drops every page;
- office holders: not read by published pages (a sign-off keeps the name and
  title signed), so nothing to do;
- code and templates: the static manifest is in the key; otherwise bump
  core.page_cache.VERSION (or wait for TTL);
- rows altered by SQL (a tamper): no hook can see it; the next miss checks the
  seals again and TTL bounds how long a cached copy outlives it.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from core.page_cache import pages_invalidate
from decisions.models import Decision


def decision_pages_invalidate(*, decisions: list[Decision]) -> None:
    """Drop the cached pages of these decisions and of every decision linked to them."""
    ids = [decision.pk for decision in decisions]
    related = (
        Decision.objects.filter(
            Q(pk__in=ids) | Q(links_out__target__in=ids) | Q(links_in__source__in=ids),
            reference_number__isnull=False,
        )
        .values_list("decision_type__code", "reference_number")
        .distinct()
    )
    pages_invalidate(
        reverse(name, kwargs={"slug": f"{code.lower()}-{number}"})
        for code, number in related
        for name in ("decisions:detail", "decisions:pdf")
    )
