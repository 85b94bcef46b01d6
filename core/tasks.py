"""Background work on Django's tasks API: django-tasks (the backport of Django 6's
`django.tasks`) with its database backend (django-tasks-db), so no server beyond
PostgreSQL is needed. `manage.py db_worker` runs the queue (`make run` starts one
beside the server).

A task is queued in the transaction of the change that causes it: the database
backend writes its row in that transaction, so the work exists exactly when the
change was committed (a rolled-back approval sends nothing; a committed one is never
left without its email, even if the process dies a moment later).

A task that raises is recorded as failed (the back office lists failed tasks, with
their traceback) and queued again after a growing delay, up to MAX_ATTEMPTS; a
records manager can queue any failed task again from the back office. A failure
that trying again cannot mend (a bad file) raises NotRetried: recorded as failed at
once, never queued again.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Seconds to wait before attempt 2, 3, 4 and 5; a fifth failure stays failed.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class NotRetried(Exception):
    """Raised by a task body for a failure that the same work cannot get past by
    running again (the input itself is wrong): the task fails at once, for good."""


def retried(
    function: Callable[..., Any] | None = None,
    *,
    given_up: Callable[..., None] | None = None,
) -> Callable[..., Any]:
    """Wrap a task body (keyword arguments only) so that a failure queues the task
    again with `attempt` + 1 after the next delay, then fails as it would have.
    NotRetried fails at once. After the last attempt, ``given_up(error=…, **kwargs)``
    (if given) records what the work was for, as a body that fails cannot.

    Used under `@task()` (as ``@retried`` or ``@retried(given_up=…)``): the task is
    found again by its module path, as the worker finds it."""
    if function is None:
        return functools.partial(retried, given_up=given_up)

    @functools.wraps(function)
    def run(*, attempt: int = 1, **kwargs: Any) -> Any:
        try:
            return function(**kwargs)
        except NotRetried:
            logger.warning("Task %s failed; running it again cannot help", function.__name__)
            raise
        except Exception as error:
            if attempt < MAX_ATTEMPTS:
                task = import_string(f"{function.__module__}.{function.__name__}")
                delay = dt.timedelta(seconds=RETRY_DELAYS[attempt - 1])
                task.using(run_after=timezone.now() + delay).enqueue(attempt=attempt + 1, **kwargs)
                logger.warning(
                    "Task %s failed (attempt %s of %s); it runs again in %s",
                    function.__name__,
                    attempt,
                    MAX_ATTEMPTS,
                    delay,
                )
            else:
                logger.error(
                    "Task %s failed for good after %s attempts", function.__name__, attempt
                )
                if given_up is not None:
                    given_up(error=error, **kwargs)
            raise

    return run


def task_retry(*, result: Any) -> None:
    """Queue a failed task's work again, as a first attempt (the back office's retry)."""
    kwargs = {k: v for k, v in result.args_kwargs["kwargs"].items() if k != "attempt"}
    result.task.using(run_after=None).enqueue(*result.args_kwargs["args"], **kwargs)
