"""policy.visible_q(user) is can_see(user, decision) as a filter: the two agree for
every kind of user and every state a decision can be in, and the internal reports'
approved_decisions_visible_to is built on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.roles import Role
from decisions import policy
from decisions.models import Decision
from decisions.selectors import approved_decisions_visible_to
from tests.factories import (
    UserFactory,
    approved_decision,
    awaiting_approval_decision,
    cleared_decision,
    deferred_decision,
    draft_decision,
    publication_withdrawn_decision,
    rejected_decision,
    reviewers_create,
    submitted_decision,
    withdrawn_decision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(officer, other_officer, records_manager):
    """Decisions in every state, by two officers (one shares a draft), and users of
    every role (an inactive officer and a user with no role too)."""
    reviewers = reviewers_create()
    shared = draft_decision(user=other_officer, title="Shared draft")
    shared.shared_with.add(officer)
    later = timezone.localdate() + dt.timedelta(days=30)
    decisions = [
        draft_decision(user=officer, title="Own draft"),
        shared,
        draft_decision(user=other_officer, title="Someone else's draft"),
        submitted_decision(user=other_officer, title="Submitted"),
        cleared_decision(user=other_officer, reviewers=reviewers, title="Cleared"),
        awaiting_approval_decision(user=other_officer, reviewers=reviewers, title="Awaiting"),
        approved_decision(user=other_officer, reviewers=reviewers, title="Published"),
        approved_decision(
            user=other_officer,
            reviewers=reviewers,
            decision=deferred_decision(user=other_officer, until=later, title="Deferred"),
        ),
        approved_decision(
            user=officer,
            reviewers=reviewers,
            decision=deferred_decision(user=officer, until=later, title="Own deferred"),
        ),
        publication_withdrawn_decision(
            user=other_officer,
            records_manager=records_manager,
            reviewers=reviewers,
            title="Taken down",
        ),
        rejected_decision(user=other_officer, reviewers=reviewers, title="Rejected"),
        withdrawn_decision(user=other_officer, title="Withdrawn"),
    ]
    inactive = UserFactory(role=Role.OFFICER)
    inactive.is_active = False
    inactive.save()
    users = {
        "anonymous": AnonymousUser(),
        "officer": officer,
        "other officer": other_officer,
        "inactive officer": inactive,
        "no role": UserFactory(),
        "head": reviewers.head,
        "chief executive": reviewers.chief_executive,
        "dmpc": reviewers.dmpc,
        "records manager": records_manager,
    }
    return users, decisions


def test_visible_q_agrees_with_can_see(matrix):
    users, decisions = matrix
    ids = [d.pk for d in decisions]
    for name, user in users.items():
        expected = {d.pk for d in Decision.objects.filter(pk__in=ids) if policy.can_see(user, d)}
        found = set(
            Decision.objects.filter(pk__in=ids)
            .filter(policy.visible_q(user))
            .values_list("pk", flat=True)
        )
        assert found == expected, name


def test_approved_decisions_visible_to_is_published_or_seen(matrix):
    users, decisions = matrix
    ids = [d.pk for d in decisions]
    published = set(Decision.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    for name, user in users.items():
        expected = published | {
            d.pk for d in Decision.objects.approved().filter(pk__in=ids) if policy.can_see(user, d)
        }
        visible = approved_decisions_visible_to(user).filter(pk__in=ids)
        found = set(visible.values_list("pk", flat=True))
        assert found == expected, name
