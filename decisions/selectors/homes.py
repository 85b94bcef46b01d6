"""Reads for the work area's home page: an officer's decisions grouped by where they
are, what waits for a reviewer and what they did lately (and a records manager's work,
from records_work.py).

Every list is read in a fixed number of queries, however many decisions there are:
the last move of each decision comes from subqueries, who may act next from one
query per role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.dates import uk_date
from decisions import policy
from decisions.models import Decision, DecisionEvent
from decisions.selectors.drafting import decisions_for_officer
from decisions.selectors.home_lists import (
    RECENT_LIMIT,
    HomeGroup,
    HomeRow,
    role_title,
    work_url,
)
from decisions.selectors.records_work import records_groups
from decisions.workflow import REVIEW_STEPS, ROLE_PERMISSION, TRANSITIONS, State, next_role


@dataclass(frozen=True)
class HomeLists:
    officer_groups: list[HomeGroup] = field(default_factory=list)
    waiting_for_me: list[Decision] = field(default_factory=list)
    waiting: HomeGroup | None = None
    done_by_me: HomeGroup | None = None
    records_groups: list[HomeGroup] = field(default_factory=list)
    # User administrators: the change requests this one may confirm (others asked).
    changes_to_confirm: list = field(default_factory=list)
    security_log: bool = False

    @property
    def has_officer_decisions(self) -> bool:
        return any(group.rows for group in self.officer_groups)

    @property
    def with_others(self) -> list[Decision]:
        """The officer's decisions with a reviewer or signer now."""
        return [
            row.decision
            for group in self.officer_groups
            if group.slug.startswith(("with-", "awaiting-"))
            for row in group.rows
        ]


def _with_last_move(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """Each decision with its last move between states (not comments or other events
    that leave it where it was): when, what, who and what they said."""
    moves = DecisionEvent.objects.filter(decision=OuterRef("pk")).exclude(from_state=F("to_state"))
    last = moves.order_by("-created_at", "-pk")

    def latest(name: str) -> Subquery:
        return Subquery(last.values(name)[:1])

    return queryset.annotate(
        moved_at=latest("created_at"),
        moved_by=latest("actor_name"),
        moved_by_id=latest("actor"),
        moved_by_role=latest("actor_role"),
        move_action=latest("action"),
        move_comment=latest("comment"),
        is_due=Exists(Decision.objects.due().filter(pk=OuterRef("pk"))),
        is_public=Exists(Decision.objects.published().filter(pk=OuterRef("pk"))),
    )


class _Holders:
    """Who may act next, by role, read once per role (not once per decision)."""

    def __init__(self) -> None:
        self._by_role: dict[str, list[User]] = {}

    def _people(self, role: Role) -> list[User]:
        if role not in self._by_role:
            self._by_role[role] = list(
                User.objects.with_perm(
                    ROLE_PERMISSION[role], is_active=True, include_superusers=False
                ).order_by("pk")
            )
        return self._by_role[role]

    def describe(self, decision: Decision) -> str:
        """The role's title, and the person's name when only one person holds it."""
        approver = decision.decision_type.final_approver
        role = next_role(decision.state, approver)
        if role is None:
            return ""
        title = decision.decision_type.approver_title if role == approver else role_title(role)
        drafters = {decision.drafted_by_id, *(u.pk for u in decision.shared_with.all())}
        people = [p for p in self._people(role) if p.pk not in drafters]
        if len(people) == 1:
            return f"{people[0].display_name} ({title})"
        return title


def _mover(decision: Decision, user: User | None = None) -> str:
    """Who made the decision's last move: "you", or their name and role."""
    if user is not None and decision.moved_by_id == user.pk:
        return "you"
    title = role_title(decision.moved_by_role)
    return f"{decision.moved_by} ({title})" if title else decision.moved_by


def _group_key(decision: Decision) -> str:
    """Where a decision is, as the officer sees it."""
    if decision.state == State.DRAFT:
        return "returned" if decision.move_action == "return" else "drafting"
    if decision.state == State.APPROVED:
        if decision.publication_withdrawn_at is not None:
            return "ended"
        return "published" if decision.is_due else "deferred"
    if decision.state in (State.REJECTED, State.WITHDRAWN):
        return "ended"
    if decision.state == State.AWAITING_APPROVAL:
        # One group per approver title: the scheme of delegation is data.
        return "awaiting-" + decision.decision_type.approver_title
    return "with-" + decision.state


def where_now(decision: Decision) -> str:
    """Where a decision is now, in words (not the raw state), to follow "now"."""
    if decision.state == State.AWAITING_APPROVAL:
        return f"awaiting approval by the {decision.decision_type.approver_title}"
    if decision.state == State.DRAFT:
        return "back with the officer"
    if decision.state == State.APPROVED:
        if decision.publication_withdrawn_at is not None:
            return "taken off the public site"
        if decision.published_on > timezone.localdate():
            return f"approved, to be published on {uk_date(decision.published_on)}"
        return "published"
    label = decision.get_state_display()
    return label[0].lower() + label[1:]


def _officer_row(decision: Decision, key: str, user: User, holders: _Holders) -> HomeRow:
    # Drafts open on their task list; everything else on the decision as reviewers see it.
    href = work_url("overview" if key in ("drafting", "returned") else "review", decision)
    row = HomeRow(decision, decision.title, href, decision.moved_at)
    if key == "drafting":
        drafter = "you" if decision.drafted_by_id == user.pk else decision.drafted_by.display_name
        return replace(row, detail=drafter)
    if key == "returned":
        # Who returned it, and what they asked for, under the title.
        return replace(row, note=decision.move_comment, note_by=_mover(decision))
    if key == "published":
        return replace(
            row,
            when=decision.published_on,
            detail="See it on the public site" if decision.is_public else "",
            detail_href=decision.get_absolute_url() if decision.is_public else "",
        )
    if key == "deferred":
        return replace(row, when=decision.approved_at, detail=uk_date(decision.deferred_until))
    if key == "ended" and decision.state == State.APPROVED:
        # Approved, then taken off the public site by a records manager.
        return replace(
            row,
            when=decision.publication_withdrawn_at,
            detail="Taken off the public site",
            note=decision.publication_withdrawal_reason,
            note_by="Reason",
        )
    if key == "ended":
        verb = "Withdrawn" if decision.state == State.WITHDRAWN else "Rejected"
        return replace(
            row,
            detail=f"{verb} by {_mover(decision, user)}",
            note=decision.move_comment,
            note_by="Reason" if decision.move_comment else "",
        )
    return replace(row, detail=holders.describe(decision))


def _officer_groups(user: User) -> list[HomeGroup]:
    decisions = list(
        _with_last_move(decisions_for_officer(user))
        .select_related("drafted_by")
        .prefetch_related("shared_with")
        .order_by("-updated_at", "-pk")
    )
    holders = _Holders()
    by_key: dict[str, list[HomeRow]] = {}
    for decision in decisions:
        key = _group_key(decision)
        by_key.setdefault(key, []).append(_officer_row(decision, key, user, holders))
    for rows in by_key.values():  # most recent move first
        rows.sort(key=lambda row: _sortable(row.when), reverse=True)

    def group(key: str, heading: str, when: str, detail: str, **kwargs) -> HomeGroup:
        return HomeGroup(key, heading, by_key.get(key, []), when, detail, **kwargs)

    approvers = sorted(
        key.removeprefix("awaiting-") for key in by_key if key.startswith("awaiting-")
    )
    return [
        group("drafting", "Drafting", "Started", "Drafted by"),
        group(
            "returned",
            "Returned to you",
            "Returned",
            "",
            hint="Make the changes asked for, then submit the decision again.",
        ),
        group("with-submitted", State.SUBMITTED.label, "Submitted", "With"),
        group("with-cleared", State.CLEARED.label, "Cleared", "With"),
        *(
            HomeGroup(
                f"awaiting-{index}",
                f"Awaiting approval by the {title}",
                by_key["awaiting-" + title],
                "Sent for approval",
                "With",
            )
            for index, title in enumerate(approvers, start=1)
        ),
        group("deferred", "Approved, publication deferred", "Approved", "Publishes on"),
        group("published", "Published", "Published", ""),
        group("ended", "Withdrawn or rejected", "Ended", ""),
    ]


def _sortable(when: dt.date | dt.datetime | None) -> dt.datetime:
    if when is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    if isinstance(when, dt.datetime):
        return when
    return dt.datetime.combine(when, dt.time.max, tzinfo=timezone.get_current_timezone())


def _waiting(user: User) -> list[Decision]:
    """Decisions this reviewer may clear, sign, approve, return or reject now, oldest
    first; never one they drafted or co-draft (separation of duties)."""
    candidates = (
        _with_last_move(Decision.objects.filter(state__in=policy.reviewer_states(user)))
        .exclude(Q(drafted_by=user) | Q(shared_with=user))
        .with_type()
        .order_by("updated_at")
    )
    candidates = list(candidates)
    facts = policy.ReviewFacts(user, candidates)
    return [
        decision
        for decision in candidates
        if any(policy.can_take(user, decision, action, facts=facts) for action in REVIEW_STEPS)
    ]


def _waiting_group(decisions: list[Decision]) -> HomeGroup:
    return HomeGroup(
        "waiting",
        "Waiting for me",
        [
            HomeRow(d, d.title, work_url("review", d), d.moved_at, _mover(d))
            for d in sorted(decisions, key=lambda d: _sortable(d.moved_at))
        ],
        "Since",
        "Sent by",
    )


# What a reviewer or signer has done, said as a verb.
DONE_ACTIONS = (*sorted(REVIEW_STEPS), "return", "reject")


def _done_by_me(user: User, waiting: list[Decision]) -> HomeGroup:
    """What this reviewer last did to each decision, newest first: once per decision,
    and not the ones waiting for them again (those are in "Waiting for me")."""
    skip = {decision.pk for decision in waiting}
    events = (
        DecisionEvent.objects.filter(actor=user, action__in=DONE_ACTIONS)
        .exclude(decision__in=skip)  # (the loop skips them too: this keeps the window full)
        .select_related("decision__decision_type")
        # A few more than shown: a decision cleared twice (returned between) is one row.
        .order_by("-created_at", "-pk")[: RECENT_LIMIT * 3]
    )
    rows: list[HomeRow] = []
    for event in events:
        decision = event.decision
        if decision.pk in skip or len(rows) == RECENT_LIMIT:
            continue
        skip.add(decision.pk)
        visible = policy.can_see(user, decision)  # a returned draft is the officer's again
        rows.append(
            HomeRow(
                decision,
                decision.title,
                work_url("review", decision) if visible else "",
                event.created_at,
                f"Now {where_now(decision)}",
                when_label=TRANSITIONS[event.action].past_participle.capitalize(),
            )
        )
    return HomeGroup("done", "Recently done by me", rows, "", "")


def decisions_for_home(user: User) -> HomeLists:
    """Everything the home page lists for this person, by the roles they hold."""
    officer_groups = _officer_groups(user) if policy.is_officer(user) else []
    waiting: list[Decision] = []
    waiting_group = done_group = None
    if policy.is_reviewer(user):
        waiting = _waiting(user)
        waiting_group, done_group = _waiting_group(waiting), _done_by_me(user, waiting)
    return HomeLists(
        officer_groups=officer_groups,
        waiting_for_me=waiting,
        waiting=waiting_group,
        done_by_me=done_group,
        records_groups=records_groups(user),
        changes_to_confirm=_changes_to_confirm(user),
        security_log=_can_view_security_log(user),
    )


# Governance and the security log build on decisions, hence the late imports.
def _changes_to_confirm(user: User) -> list:
    from governance.selectors import requests_to_confirm

    return list(requests_to_confirm(user))


def _can_view_security_log(user: User) -> bool:
    from security.policy import can_view_security_log

    return can_view_security_log(user)
