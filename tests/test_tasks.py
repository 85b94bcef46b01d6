"""Background work on the task queue (issue 15, point 3): emails are queued with the
change that causes them, sent by the worker, retried when sending fails, and failed
tasks are listed in the back office and can be queued again."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.roles import Role
from core.tasks import MAX_ATTEMPTS, RETRY_DELAYS
from decisions.services import decision_submit
from tests.factories import UserFactory, complete_draft
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


class FailingBackend(EmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def head(db):
    return UserFactory(username="head", role=Role.HEAD_OF_SERVICE, email="head@example.org")


@pytest.fixture
def submitted_draft(officer, head):
    """A draft about to be submitted; submitting it tells the Head of Service."""
    return complete_draft(user=officer)


def _email_tasks():
    """The workflow's email tasks (who is told is read when they run)."""
    return DBTaskResult.objects.filter(
        task_path="decisions.notifications.transition_email_send"
    ).order_by("enqueued_at")


def test_the_email_is_queued_with_the_step_and_sent_by_the_worker(officer, submitted_draft, head):
    decision_submit(user=officer, decision=submitted_draft)
    assert mail.outbox == []
    (queued,) = _email_tasks()
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["kwargs"]["decision_id"] == submitted_draft.pk
    assert run_tasks() == 1
    (sent,) = mail.outbox
    assert sent.to == [head.email] and submitted_draft.title in sent.body
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert run_tasks() == 0  # sent once


def test_a_step_that_is_rolled_back_queues_nothing(officer, submitted_draft, head):
    with pytest.raises(RuntimeError), transaction.atomic():
        decision_submit(user=officer, decision=submitted_draft)
        raise RuntimeError("something after the step failed")
    assert not _email_tasks().exists()
    assert run_tasks() == 0 and mail.outbox == []


def test_a_failed_send_is_retried_later_then_given_up(settings, officer, submitted_draft, head):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    start = timezone.now()
    decision_submit(user=officer, decision=submitted_draft)
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert run_tasks() == 1, attempt
            assert run_tasks() == 0  # the next attempt waits
            ready = list(_email_tasks().filter(status=TaskResultStatus.READY))
            if attempt < MAX_ATTEMPTS:
                # Queued again, with the next delay, as attempt + 1.
                (latest,) = ready
                assert latest.args_kwargs["kwargs"]["attempt"] == attempt + 1
                wait = dt.timedelta(seconds=RETRY_DELAYS[attempt - 1])
                assert latest.run_after == timezone.now() + wait
                clock.shift(wait)
            else:
                assert ready == []
    results = list(_email_tasks())
    assert [r.status for r in results] == [TaskResultStatus.FAILED] * MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in results[-1].exception_class_path
    assert mail.outbox == []
    # The mail server is back: the attempts already made do not send anything by themselves.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_tasks() == 0


def test_a_records_manager_sees_failed_tasks_and_queues_one_again(
    client, settings, officer, submitted_draft, head
):
    records_manager = UserFactory(role=Role.RECORDS_MANAGER, is_staff=True)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    decision_submit(user=officer, decision=submitted_draft)
    run_tasks()
    failed = _email_tasks().get(status=TaskResultStatus.FAILED)
    client.force_login(records_manager)
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status=FAILED")
    assert listing.status_code == 200
    cell = '<td class="field-task_in_words">Email about a workflow step</td>'
    assert cell in listing.content.decode()
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert "SMTPServerDisconnected" in detail.content.decode()  # the traceback

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    done = client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "queue_again", "_selected_action": [str(failed.pk)]},
        follow=True,
    )
    assert "1 failed task(s) queued again." in done.content.decode()
    # Two are ready now: the automatic retry (in a minute) and this one (now).
    assert run_tasks() == 1
    (sent,) = mail.outbox
    assert sent.to == [head.email]


def test_officers_do_not_see_the_tasks(client, officer):
    client.force_login(officer)
    response = client.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code in (302, 403)
