"""The checkpoint taken after each approval, by the task worker."""

from __future__ import annotations

from django_tasks import task

from core.tasks import retried
from transparency.services import checkpoint_publish


@task()
@retried
def checkpoint_after_approval() -> None:
    # Several approvals in a row queue several tasks: the first takes the checkpoint
    # covering them all, the others find nothing new.
    checkpoint_publish(only_if_changed=True)
