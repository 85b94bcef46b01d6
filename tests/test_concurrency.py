"""Two people acting on one decision at the same moment never both succeed."""

import threading

import pytest
from django.db import connection

from accounts.roles import Role
from core.errors import DomainError, Messages
from decisions.models import DecisionEvent
from decisions.services import decision_approve, decision_clear, decision_sign, decision_submit
from tests.factories import UserFactory, complete_draft

ROUNDS = 20
THREADS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
]


def race(decision, users):
    """Fire one approval per user at the same instant; return the outcomes."""
    barrier = threading.Barrier(len(users))
    outcomes = []
    lock = threading.Lock()

    def approve(user):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            decision_approve(user=user, decision=decision)
            result = "approved"
        except DomainError as error:
            result = error.template
        finally:
            thread_connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_simultaneous_approvals_twenty_times():
    officer = UserFactory(role=Role.OFFICER)
    head = UserFactory(role=Role.HEAD_OF_SERVICE)
    ceo = UserFactory(role=Role.CHIEF_EXECUTIVE)
    deputies = [UserFactory(role=Role.DMPC) for _ in range(THREADS)]
    for round_number in range(ROUNDS):
        decision = complete_draft(user=officer, title=f"Race {round_number}")
        decision = decision_submit(user=officer, decision=decision)
        decision = decision_clear(user=head, decision=decision)
        decision = decision_sign(user=ceo, decision=decision)
        outcomes = race(decision, deputies)
        assert len(outcomes) == THREADS
        assert outcomes.count("approved") == 1, outcomes
        assert set(outcomes) - {"approved"} == {Messages.ACTION_NOT_ALLOWED}
        assert DecisionEvent.objects.filter(decision=decision, action="approve").count() == 1
        assert decision.sign_offs.filter(role="dmpc").count() == 1
