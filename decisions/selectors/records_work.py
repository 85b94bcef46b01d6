"""A records manager's work, on their work area home and the back office index:
deferred decisions falling due, what was published or taken off the public site
lately, and what the apps built on decisions add (funding: contracts and grants to
record)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from decisions import extensions, policy
from decisions.models import Decision
from decisions.selectors.home_lists import RECORDS_LIMIT, HomeGroup, HomeRow, work_url

# How far ahead deferred decisions falling due are shown, and how far back what was
# published or taken down.
DUE_WITHIN_DAYS = 30
RECENT_DAYS = 30


def records_groups(user: User) -> list[HomeGroup]:
    """A records manager's work: deferred decisions falling due, what was published or
    taken down lately, and what the apps built on decisions add (funding: contracts
    and grants to record)."""
    if not policy.is_records_manager(user):
        return []
    today = timezone.localdate()
    recent = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    due = (
        Decision.objects.approved()
        .with_type()
        .filter(
            deferred=True,
            publication_withdrawn_at__isnull=True,
            deferred_until__gt=today - dt.timedelta(days=7),
            deferred_until__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS),
        )
        .order_by("deferred_until", "pk")
    )
    published = (
        Decision.objects.published()
        .with_type()
        .filter(Q(approved_at__gte=recent) | Q(deferred_until__gte=recent.date()))
        .order_by("-approved_at", "-pk")
    )
    taken_down = (
        Decision.objects.approved()
        .with_type()
        .filter(publication_withdrawn_at__gte=recent)
        .order_by("-publication_withdrawn_at", "-pk")
    )
    may_withdraw = policy.can_withdraw_publication(user)
    groups = [
        HomeGroup(
            "falling-due",
            "Deferred decisions falling due",
            [
                HomeRow(
                    d,
                    d.title,
                    work_url("review", d),
                    d.deferred_until,
                    when_label="Became public on" if d.deferred_until <= today else "Publishes on",
                )
                for d in due[:RECORDS_LIMIT]
            ],
            "",
            "",
            hint=(
                f"Approved decisions whose deferral ends in the next {DUE_WITHIN_DAYS} days "
                "or ended in the last week. They become public on the date by themselves: "
                "check nothing has changed that means one should not be published."
            ),
            total=due.count(),
        ),
        HomeGroup(
            "recently-published",
            "Recently published",
            [
                HomeRow(
                    d,
                    d.title,
                    d.get_absolute_url(),
                    d.published_on,
                    detail="Withdraw from publication" if may_withdraw else "",
                    detail_href=work_url("withdraw_publication", d) if may_withdraw else "",
                )
                for d in published[:RECORDS_LIMIT]
            ],
            "Published",
            "",
            hint=f"Decisions that became public in the last {RECENT_DAYS} days.",
            total=published.count(),
        ),
        HomeGroup(
            "taken-down",
            "Recently taken off the public site",
            [
                HomeRow(
                    d,
                    d.title,
                    work_url("history", d),
                    d.publication_withdrawn_at,
                    note=d.publication_withdrawal_reason,
                    note_by="Reason",
                )
                for d in taken_down[:RECORDS_LIMIT]
            ],
            "Taken off",
            "",
            total=taken_down.count(),
        ),
    ]
    return groups + extensions.records_work(user)
