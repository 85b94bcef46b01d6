import html
import re


def body_bytes(response) -> bytes:
    """A response's bytes, streamed (a file the view opened) or whole (the page cache
    keeps a whole PDF)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def page_text(response_or_html) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    if getattr(response_or_html, "streaming", False):  # a streamed download (CSV)
        content = b"".join(response_or_html.streaming_content)
    else:
        content = getattr(response_or_html, "content", response_or_html)
    if isinstance(content, bytes):
        content = content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- Second factor ------------------------------------------------------------------
# Users who need one (accounts.second_factor.second_factor_required) give a code at
# sign-in and at signing. These helpers give a test the code the user's app would
# show: `force_login` passes the second factor by itself (tests/conftest.py).


def second_factor_device(user):
    """The user's confirmed device, set up (random key) if they have none; None for
    users who need no second factor."""
    from django_otp.util import random_hex

    from accounts.second_factor import (
        confirmed_device,
        second_factor_device_set,
        second_factor_required,
    )

    if not second_factor_required(user):
        return None
    return confirmed_device(user) or second_factor_device_set(user=user, key=random_hex(20))


def second_factor_code(user) -> str:
    """The code the user's app shows now. A code is accepted once per 30-second step:
    so that a test may sign in or sign several times within one step, the device is
    first told no code has been used yet (as if the next step had come)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = second_factor_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def signing_data(user, data: dict) -> dict:
    """A signing form's fields, with the current code for users who need one."""
    from accounts.second_factor import second_factor_required

    if second_factor_required(user):
        return {**data, "code": second_factor_code(user)}
    return dict(data)


def browser_second_factor(page, username: str) -> None:
    """After the password step in a browser: if the code page is shown, type the code
    (computed from the user's demo key) and continue."""
    from accounts.models import User

    # Wait until the password step has answered (the page has left the sign-in form).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/" not in page.url:
        return
    code = second_factor_code(User.objects.get(username=username))
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


def browser_signing_code(form, username: str) -> None:
    """At signing in a browser: type the user's current code into the signing form
    (``form``: the page or the action's region)."""
    from accounts.models import User

    code = second_factor_code(User.objects.get(username=username))
    form.get_by_label("Code from your authenticator app").fill(code)


def run_tasks() -> int:
    """Run every queued task that is due, as `manage.py db_worker` does (its own task
    runner, which records success or failure), in this test's transaction. Returns
    how many ran. (db_worker itself would close the test's database connection.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim("test")
        worker.run_task(result)
        ran += 1
    return ran
