"""Every email the application sends goes out from the task queue (core/tasks.py),
never inside a request: a slow or failing mail server delays nobody and undoes
nothing, and a failed send is retried."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from core.tasks import retried


@task()
@retried
def email_send(
    *, subject: str, body: str, to: list[str], headers: dict[str, str], html: str = ""
) -> None:
    """Plain text, and ``html`` as its alternative (multipart/alternative) if given."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def email_tasks_forget(*, address: str) -> int:
    """Delete every queued or sent email task whose first recipient is ``address`` (an
    alert's only one): the queue must not keep an address its owner has taken back."""
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.filter(
        task_path=email_send.module_path, args_kwargs__kwargs__to__0=address
    ).delete()
    return deleted


def email_enqueue(
    *,
    subject: str,
    body: str,
    to: list[str],
    headers: dict[str, str] | None = None,
    html: str = "",
) -> None:
    """Queue one email, in the current transaction (it is sent once that commits)."""
    email_send.enqueue(
        subject=subject, body=body, to=sorted(set(to)), headers=headers or {}, html=html
    )
