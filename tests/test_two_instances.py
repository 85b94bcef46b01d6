"""Two application servers side by side (issue 15, part 5): two gunicorn instances on
loopback ports sharing one PostgreSQL database (made by this test: migrate, then a few
decisions), one Redis (a redis-server of the test's own, with an append-only file) and
one S3 endpoint (moto's server), and a task worker (`manage.py db_worker`).

- a decision approved through A has its page and PDF (SHA-256 checked) served by B;
- a page cached through A answers 410 on A at once after a withdrawal through B;
- sign-in failures through A and B count against one limit;
- killing A (SIGKILL, workers and all) under load leaves B serving with no error;
- restarting Redis loses no entry and the next requests succeed;
- the emails are sent by the worker.

About a minute, most of it `migrate`. `-m "not two_instances"` skips it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.backends import free_port, s3_bucket_create, s3_client, s3_env

pytestmark = pytest.mark.two_instances

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "correct horse battery staple"
FAILURE_LIMIT = 3
# The keys of the two second-factor devices the set-up gives (20 bytes, hex).
DMPC_KEY = "11" * 20
RECORDS_KEY = "22" * 20

SETUP = f"""
import json
import django
django.setup()
from accounts.roles import Role
from accounts.second_factor import second_factor_device_set
from tests.factories import (
    UserFactory, approved_decision, awaiting_approval_decision, reviewers_create
)
officer = UserFactory(role=Role.OFFICER, username="officer2i")
reviewers = reviewers_create()
records = UserFactory(role=Role.RECORDS_MANAGER, username="records2i")
second_factor_device_set(user=reviewers.dmpc, key="{DMPC_KEY}")
second_factor_device_set(user=records, key="{RECORDS_KEY}")
waiting = awaiting_approval_decision(user=officer, reviewers=reviewers, title="Approved through A")
steady = approved_decision(user=officer, reviewers=reviewers, title="Served under load")
print(json.dumps({{
    "dmpc": reviewers.dmpc.username,
    "waiting": waiting.pk,
    "waiting_reference": waiting.reference,
    "waiting_slug": waiting.slug,
    "steady": steady.get_absolute_url(),
}}))
"""


def run(command: list[str], env: dict, timeout: float) -> str:
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise AssertionError(f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_for(check, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            found = check()
            if found:
                return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.2)


@contextlib.contextmanager
def process(command: list[str], env: dict, log: Path):
    """A process in a session of its own (so it and its children stop together)."""
    with log.open("wb") as out:
        started = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield started
    finally:
        stop(started)


def stop(started: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if started.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(started.pid, sig)
        try:
            started.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(started.pid, signal.SIGKILL)
            started.wait(timeout=5)


def redis_command(port: int, *args: str) -> str:
    return run(["redis-cli", "-p", str(port), *args], dict(os.environ), timeout=10).strip()


@contextlib.contextmanager
def redis_instance(work: Path):
    """A redis-server of this test's own, persisting to an append-only file in `work`."""
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(work),
               "--appendonly", "yes", "--appendfsync", "always", "--save", ""]  # fmt: skip
    state = {"process": None}

    def start():
        state["process"] = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, start_new_session=True
        )
        wait_for(lambda: redis_command(port, "ping") == "PONG", timeout=15, what="redis")

    start()
    try:
        yield port, start
    finally:
        with contextlib.suppress(Exception):
            redis_command(port, "shutdown", "nosave")
        if state["process"] is not None:
            stop(state["process"])


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def code(key: str, offset: int) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key), step=30, t0=0, digits=6, drift=offset):06d}"


def codes_safe_now() -> None:
    """Two codes (this step's and the one before) must stay valid for the next few
    seconds: not at the end of a 30-second step."""
    while 30 - time.time() % 30 < 8:
        time.sleep(0.5)


def sign_in(base: str, username: str, *, password: str = PASSWORD, key: str | None = None):
    session = requests.Session()
    token = csrf(session, f"{base}/accounts/login/")
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    if key is not None and answer.status_code == 302:
        token = csrf(session, f"{base}/accounts/two-factor/")
        answer = session.post(
            f"{base}/accounts/two-factor/",
            data={"csrfmiddlewaretoken": token, "code": code(key, -1)},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:2000]
    return session, answer


class Load:
    """Clients asking one server for a page and a PDF as fast as they can, counting
    answers and errors, until stopped."""

    def __init__(self, base: str, paths: list[str], clients: int = 2) -> None:
        self.base, self.paths = base, paths
        self.requests = self.errors = 0
        self.lock, self.done = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def _client(self) -> None:
        session = requests.Session()
        while not self.done.is_set():
            for path in self.paths:
                try:
                    ok = session.get(f"{self.base}{path}", timeout=10).status_code == 200
                except requests.RequestException:
                    ok = False
                with self.lock:
                    self.requests += 1
                    self.errors += not ok

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=15)


def test_two_instances_share_everything(s3_server, tmp_path, record_property):
    started = time.monotonic()
    figures: dict[str, object] = {}
    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    server = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{host}:{port}"
    name = f"two_instances_{os.getpid()}"
    admin = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    psql = ["psql", "-h", host, "-p", str(port),
            "-U", s["USER"], "-d", "postgres", "-q", "-c"]  # fmt: skip
    run([*psql, f"DROP DATABASE IF EXISTS {name}"], admin, timeout=60)
    run([*psql, f"CREATE DATABASE {name}"], admin, timeout=60)
    bucket = s3_bucket_create(s3_server)
    mail = tmp_path / "mail"
    mail.mkdir()
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    try:
        with redis_instance(redis_dir) as (redis_port, redis_start):
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings_two_instances",
                "DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "0",
                "DATABASE_URL": f"{server}/{name}",
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                **s3_env(s3_server, bucket),
                # Nothing may land on a local disk; if it did, not in the checkout.
                "MEDIA_ROOT": str(tmp_path / "media"),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(mail),
                "LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
                "LOG_LEVEL": "WARNING",
                "GUNICORN_LOG_LEVEL": "warning",
                "WEB_CONCURRENCY": "2",
            }
            env.pop("PYTEST_XDIST_WORKER", None)
            mark = time.monotonic()
            run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env, timeout=240)
            figures["migrate_s"] = round(time.monotonic() - mark, 1)
            import json

            data = json.loads(run([PYTHON, "-c", SETUP], env, timeout=180).strip().splitlines()[-1])
            port_a, port_b = free_port(), free_port()
            a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"

            def gunicorn(port: int) -> list[str]:
                return [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                        "--access-logfile", "/dev/null"]  # fmt: skip

            worker_command = [PYTHON, "manage.py", "db_worker", "--queue-name", "*",
                              "--interval", "0.5", "--no-startup-delay"]  # fmt: skip
            with (
                process(gunicorn(port_a), env, tmp_path / "a.log") as instance_a,
                process(gunicorn(port_b), env, tmp_path / "b.log"),
                process(worker_command, env, tmp_path / "worker.log"),
            ):
                for base in (a, b):
                    wait_for(
                        lambda base=base: (
                            requests.get(f"{base}/readyz", timeout=5).status_code == 200
                        ),
                        timeout=60,
                        what=f"{base}/readyz",
                    )
                _approved_on_a_served_by_b(a, b, data, s3_server, bucket, figures)
                _withdrawn_on_b_gone_on_a_at_once(a, b, data)
                _failures_on_a_and_b_count_together(a, b)
                _emails_sent_by_the_worker(mail, data)
                _a_killed_under_load_b_serves(instance_a, a, b, data, figures)
                _redis_restarted_nothing_lost(b, data, redis_port, redis_start, figures)
    finally:
        with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
            run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], admin, timeout=60)
    figures["total_s"] = round(time.monotonic() - started, 1)
    for key, value in figures.items():
        record_property(key, value)
    print("two instances:", figures)


def _approved_on_a_served_by_b(a, b, data, s3_server, bucket, figures) -> None:
    page = f"/decisions/{data['waiting_slug']}/"
    # Not published yet: B has nothing to show (and caches nothing).
    assert requests.get(f"{b}{page}", timeout=30).status_code == 404
    codes_safe_now()
    session, _ = sign_in(a, data["dmpc"], key=DMPC_KEY)
    act = f"{a}/work/decisions/{data['waiting']}/act/approve/"
    # The review page's form posts there; its token is the CSRF cookie's.
    token = session.cookies["csrftoken"]
    mark = time.monotonic()
    answer = session.post(
        act,
        data={
            "csrfmiddlewaretoken": token,
            "has_interests": "no",
            "confirm": "on",
            "password": PASSWORD,
            "code": code(DMPC_KEY, 0),
        },
        allow_redirects=False,
        timeout=60,
    )
    figures["approval_s"] = round(time.monotonic() - mark, 1)
    assert answer.status_code == 302, answer.text[:3000]
    shown = requests.get(f"{b}{page}", timeout=30)
    assert shown.status_code == 200 and data["waiting_reference"] in shown.text
    pdf = requests.get(f"{b}{page}pdf/", timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert pdf.headers["X-Checksum-SHA256"] == digest
    # The bytes are the bucket's, under their hash.
    stored = s3_client(s3_server).get_object(Bucket=bucket, Key=f"published/{digest}.pdf")
    assert stored["Body"].read() == pdf.content


def _withdrawn_on_b_gone_on_a_at_once(a, b, data) -> None:
    page = f"{a}/decisions/{data['waiting_slug']}/"
    assert requests.get(page, timeout=30).status_code == 200
    assert requests.get(page, timeout=30).status_code == 200  # now from Redis
    codes_safe_now()
    session, _ = sign_in(b, "records2i", key=RECORDS_KEY)
    url = f"{b}/work/decisions/{data['waiting']}/withdraw-publication/"
    token = csrf(session, url)
    answer = session.post(
        url,
        data={"csrfmiddlewaretoken": token, "reason": "Published in error."},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:3000]
    assert requests.get(page, timeout=30).status_code == 410
    assert requests.get(f"{page}pdf/", timeout=30).status_code == 404


def _failures_on_a_and_b_count_together(a, b) -> None:
    for attempt in range(FAILURE_LIMIT):
        base = (a, b)[attempt % 2]
        _, answer = sign_in(base, "officer2i", password=f"wrong {attempt}")
        assert answer.status_code == 200
    for base in (a, b):
        _, answer = sign_in(base, "officer2i")
        assert answer.status_code != 302, "signed in past the limit"
        assert "Too many failed sign-in attempts" in answer.text


def _emails_sent_by_the_worker(mail: Path, data) -> None:
    def approval_mail():
        texts = [path.read_text(errors="replace") for path in mail.iterdir()]
        return [text for text in texts if data["waiting_reference"] in text]

    assert wait_for(approval_mail, timeout=30, what="the approval's email")


def _a_killed_under_load_b_serves(instance_a, a, b, data, figures) -> None:
    paths = [data["steady"], f"{data['steady']}pdf/"]
    with Load(a, paths) as on_a, Load(b, paths) as on_b:
        time.sleep(1.5)
        assert on_a.requests and on_b.requests
        mark = time.monotonic()
        os.killpg(instance_a.pid, signal.SIGKILL)
        instance_a.wait(timeout=10)
        figures["kill_s"] = round(time.monotonic() - mark, 2)
        before = on_b.requests
        time.sleep(2)
    assert on_b.requests > before, "B stopped answering"
    figures.update(b_requests=on_b.requests, b_errors=on_b.errors)
    figures.update(a_requests=on_a.requests, a_errors_after_kill=on_a.errors)
    assert on_b.errors == 0
    assert requests.get(f"{b}{data['steady']}", timeout=10).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{a}/healthz", timeout=5)


def _redis_restarted_nothing_lost(b, data, redis_port, redis_start, figures) -> None:
    page = f"{b}{data['steady']}"
    assert requests.get(page, timeout=10).status_code == 200
    keys = int(redis_command(redis_port, "dbsize"))
    assert keys > 0
    mark = time.monotonic()
    redis_command(redis_port, "shutdown")
    redis_start()
    figures["redis_restart_s"] = round(time.monotonic() - mark, 2)
    assert int(redis_command(redis_port, "dbsize")) == keys
    for path in (data["steady"], f"{data['steady']}pdf/", "/readyz"):
        assert requests.get(f"{b}{path}", timeout=10).status_code == 200, path
