"""Concurrent appends keep one chain: events written at the same instant by many
transactions (on different decisions, so no row lock orders them) still link each
to the one before it, and history rows written at once do the same."""

import threading

import pytest
from django.db import connection, transaction

from accounts.roles import Role
from decisions.models import Decision, DecisionEvent
from decisions.selectors.integrity import event_log_breaks, history_breaks
from decisions.services.events import event_record
from tests.factories import UserFactory, draft_decision

THREADS = 12

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]


def test_simultaneous_appends_keep_one_chain():
    officer = UserFactory(role=Role.OFFICER)
    decisions = [draft_decision(user=officer, title=f"Chain {n}") for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def append(decision):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with transaction.atomic():
                event_record(
                    decision=decision,
                    user=officer,
                    action="comment",
                    from_state="draft",
                    to_state="draft",
                    comment="At the same moment.",
                )
                # A history row in the same transaction, as every workflow step writes.
                locked = Decision.objects.select_for_update().get(pk=decision.pk)
                locked._change_reason = "Touched"
                locked.save()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=append, args=(d,)) for d in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert DecisionEvent.objects.filter(action="comment").count() == THREADS
    assert event_log_breaks() == []
    assert history_breaks() == []
    links = list(DecisionEvent.objects.values_list("table_prev_hash", flat=True))
    assert len(set(links)) == len(links)  # no two events follow the same one: no fork


def test_simultaneous_history_rows_keep_one_chain():
    officer = UserFactory(role=Role.OFFICER)
    decisions = [draft_decision(user=officer, title=f"History {n}") for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def touch(decision):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with transaction.atomic():
                locked = Decision.objects.select_for_update().get(pk=decision.pk)
                locked._change_reason = "Touched"
                locked.save()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=touch, args=(d,)) for d in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert history_breaks() == []
    links = list(Decision.history.values_list("prev_hash", flat=True))
    assert len(set(links)) == len(links)
