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

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from core.page_cache import pages_invalidate
from decisions.models import Decision, DecisionLink


def decision_page_paths(*, decisions: list[Decision]) -> list[str]:
    """The paths of the pages (and PDFs) of these decisions and of every decision
    linked to them either way."""
    ids = [decision.pk for decision in decisions]
    # The links first (an index each way), then those decisions by primary key: one
    # query joining decisions to their links both ways read every decision.
    linked = DecisionLink.objects.filter(Q(source__in=ids) | Q(target__in=ids))
    every = set(ids).union(*linked.values_list("source_id", "target_id"))
    related = Decision.objects.filter(pk__in=sorted(every), reference_number__isnull=False)
    return [
        reverse(name, kwargs={"slug": f"{code.lower()}-{number}"})
        for code, number in related.values_list("decision_type__code", "reference_number")
        for name in ("decisions:detail", "decisions:pdf")
    ]


def decision_pages_invalidate(*, decisions: list[Decision], paths: list[str] | None = None) -> None:
    """Drop the cached pages of these decisions and of every decision linked to them,
    now and again once the transaction commits.

    `paths`: `decision_page_paths` as the caller read it before it locked anything
    (an approval, issue 12): then nothing is done under its locks, neither a query
    nor a cache write; once committed, those pages and those of the decisions then
    linked are dropped, in one cache write. Until the commit the rows the pages show
    are the old ones, so an old page served meanwhile is right; a page rendered from
    them and stored after the commit was stored under a generation this replaces (the
    middleware reads the generations before it renders). Only if the process dies
    between the commit and this does an old page outlive the change, for TTL at most."""
    if paths is None:
        pages_invalidate(decision_page_paths(decisions=decisions))
        return
    known = list(paths)
    transaction.on_commit(
        lambda: pages_invalidate(
            {*known, *decision_page_paths(decisions=decisions)}, after_commit=False
        ),
        robust=True,
    )
