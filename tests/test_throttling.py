"""Password guessing is throttled on stores every process shares (django-axes in the
database, the signing throttle in the database cache), by the real client's address
behind our proxies, and softly: an attacker locks only their own (username,
address) pair, and each lock-out of the same pair waits twice as long."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from accounts.forms import TOO_MANY_ATTEMPTS, TOO_MANY_FROM_ADDRESS
from accounts.roles import Role
from core.errors import Messages
from tests.factories import UserFactory, awaiting_approval_decision
from tests.helpers import page_text

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"
WRONG_LOGIN = "Enter a correct username and password."


@pytest.fixture(autouse=True)
def _fresh_stores(db):
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, user, password, address="127.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": user.username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _wait(seconds: int) -> str:
    minutes = seconds // 60
    return f"{minutes} minutes" if minutes < 120 else f"{minutes // 60} hours"


@pytest.mark.storage
def test_the_stores_are_shared_by_every_process():
    # The database cache by default, Redis with REDIS_URL (and in the suite's S3 and
    # Redis runs): never a cache of one process.
    shared = {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
        "core.redis_cache.SharedClientRedisCache",  # Django's, one client per pool
    }
    assert {settings.CACHES[name]["BACKEND"] for name in ("default", "pages")} <= shared
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_redis_is_the_cache_when_redis_url_is_set():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip() == "core.redis_cache.SharedClientRedisCache"


def test_two_processes_together_get_no_more_than_the_limit(db):
    dmpc = UserFactory(role=Role.DMPC)
    first, second = Client(), Client()
    answers = []
    for attempt in range(2 * settings.LOGIN_FAILURE_LIMIT):
        client = first if attempt % 2 == 0 else second
        answers.append(page_text(_sign_in(client, dmpc, f"guess {attempt}")))
    checked = [text for text in answers if WRONG_LOGIN in text]
    # The limit-th guess is checked and answered with the lock-out; none after it.
    assert len(checked) == settings.LOGIN_FAILURE_LIMIT - 1
    assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == (
        settings.LOGIN_FAILURE_LIMIT
    )
    for client in (first, second):
        _sign_in(client, dmpc, PASSWORD)
        assert not _signed_in(client)


def test_the_signing_throttle_is_shared_through_the_cache(db, monkeypatch):
    decision = awaiting_approval_decision(user=UserFactory(role=Role.OFFICER))
    approver = UserFactory(role=Role.DMPC)
    url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "approve"})
    first, second = Client(), Client()
    first.force_login(approver)
    second.force_login(approver)
    guesses = {"has_interests": "no", "password": "guess"}
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        first.post(url, guesses)
    # The second "process" has a cache object of its own, on the same table (or Redis).
    monkeypatch.setattr(throttle, "cache", caches.create_connection("default"))
    assert "The password is not correct." in page_text(second.post(url, guesses))
    response = second.post(url, {"has_interests": "no", "password": PASSWORD})
    assert Messages.SIGNING_THROTTLED in page_text(response)
    decision.refresh_from_db()
    assert decision.state == "awaiting_approval"


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings, db):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = UserFactory()
    # A client-written address on the left is ignored: the rightmost address our
    # proxies did not add is the client.
    forwarded = "203.0.113.9, 198.51.100.7, 10.1.2.3"
    _sign_in(client, user, "wrong", address="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


def test_an_untrusted_peer_cannot_choose_its_address(client, settings, db):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = UserFactory()
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        # A new forged address each time: still counted under the real peer.
        _sign_in(
            client, user, "wrong", address="198.51.100.20", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    _sign_in(client, user, PASSWORD, address="198.51.100.20")
    assert not _signed_in(client)


def test_without_trusted_proxies_forwarded_for_is_ignored(client, settings, db):
    settings.TRUSTED_PROXIES = []
    _sign_in(client, UserFactory(), "wrong", address="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.5"]


def test_an_attacker_cannot_lock_the_dmpc_out_from_elsewhere(db):
    dmpc = UserFactory(role=Role.DMPC)
    attacker, office = Client(), Client()
    for _ in range(3 * settings.LOGIN_FAILURE_LIMIT):
        answer = _sign_in(attacker, dmpc, "guess", address="203.0.113.66")
    wait = _wait(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    assert TOO_MANY_ATTEMPTS.format(wait=wait) in page_text(answer)
    _sign_in(office, dmpc, PASSWORD, address="198.51.100.10")
    assert _signed_in(office)


def test_one_persons_lock_out_does_not_lock_their_colleagues_at_the_same_address(db):
    clumsy, colleague = UserFactory(), UserFactory()
    first, second = Client(), Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _sign_in(first, clumsy, "wrong", address="198.51.100.50")
    _sign_in(first, clumsy, PASSWORD, address="198.51.100.50")
    assert not _signed_in(first)
    _sign_in(second, colleague, PASSWORD, address="198.51.100.50")
    assert _signed_in(second)


def test_one_address_guessing_many_usernames_meets_the_address_limit(client, settings, db):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2 * settings.LOGIN_FAILURE_LIMIT + 1
    user = UserFactory()
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"guess{number}", "password": "x"})
    response = _sign_in(client, user, PASSWORD)
    wait = _wait(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    assert TOO_MANY_FROM_ADDRESS.format(wait=wait) in page_text(response)
    assert not _signed_in(client)
    # Elsewhere the same user signs in.
    _sign_in(client, user, PASSWORD, address="198.51.100.99")
    assert _signed_in(client)


def _lock_out(client, user, address):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = _sign_in(client, user, "wrong", address=address)
    return page_text(response)


def test_each_lock_out_of_the_same_pair_waits_twice_as_long(client, db):
    user = UserFactory()
    base = settings.LOGIN_FAILURE_WINDOW_SECONDS
    address = "203.0.113.77"
    start = timezone.now()
    moment = start
    for round_ in range(3):
        wait = base * 2**round_
        with time_machine.travel(moment, tick=False):
            text = _lock_out(client, user, address)
            assert TOO_MANY_ATTEMPTS.format(wait=_wait(wait)) in text, round_
        # Still locked just before the wait is over, even with the right password...
        with time_machine.travel(moment + dt.timedelta(seconds=wait - 60), tick=False):
            _sign_in(client, user, PASSWORD, address=address)
            assert not _signed_in(client), round_
        moment += dt.timedelta(seconds=wait + 1)
    # ...and free after it: the right password signs in, and starts the pair afresh.
    with time_machine.travel(moment, tick=False):
        _sign_in(client, user, PASSWORD, address=address)
        assert _signed_in(client)
    client.logout()
    with time_machine.travel(moment + dt.timedelta(minutes=1), tick=False):
        text = _lock_out(client, user, address)
        assert TOO_MANY_ATTEMPTS.format(wait=_wait(base)) in text


def test_the_back_office_sign_in_is_locked_too_without_lengthening_the_wait(client, db):
    user = UserFactory(role=Role.RECORDS_MANAGER, is_staff=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _lock_out(client, user, "203.0.113.12")
        for _ in range(3):
            client.post(
                "/admin/login/",
                {"username": user.username, "password": PASSWORD},
                REMOTE_ADDR="203.0.113.12",
            )
            assert not _signed_in(client)
    assert throttle.lockouts(user.username, "203.0.113.12") == 1
    wait = settings.LOGIN_FAILURE_WINDOW_SECONDS
    with time_machine.travel(start + dt.timedelta(seconds=wait + 1), tick=False):
        _sign_in(client, user, PASSWORD, address="203.0.113.12")
        assert _signed_in(client)


def test_a_longer_wait_survives_other_sign_ins_cleaning_up(db):
    # Axes deletes expired attempts whenever anyone fails; a pair on its second,
    # longer lock-out must not be freed when the first, shorter wait has passed.
    user, other = UserFactory(), UserFactory()
    base = settings.LOGIN_FAILURE_WINDOW_SECONDS
    start = timezone.now()
    attacker = Client()
    with time_machine.travel(start, tick=False):
        _lock_out(attacker, user, "203.0.113.5")
    second = start + dt.timedelta(seconds=base + 1)
    with time_machine.travel(second, tick=False):
        _lock_out(attacker, user, "203.0.113.5")
    with time_machine.travel(second + dt.timedelta(seconds=base + 60), tick=False):
        _sign_in(Client(), other, "wrong", address="198.51.100.1")  # triggers the clean-up
        _sign_in(attacker, user, PASSWORD, address="203.0.113.5")
        assert not _signed_in(attacker)


def test_the_waiting_message_counts_down(client, db):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _lock_out(client, user, "203.0.113.8")
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        text = page_text(_sign_in(client, user, PASSWORD, address="203.0.113.8"))
    remaining = settings.LOGIN_FAILURE_WINDOW_SECONDS - 10 * 60
    assert TOO_MANY_ATTEMPTS.format(wait=_wait(remaining)) in text


def test_usernames_differing_only_in_case_share_a_count(client, db):
    user = UserFactory()
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        name = user.username.upper() if number % 2 else f" {user.username}"
        client.post(LOGIN, {"username": name, "password": "wrong"})
    _sign_in(client, user, PASSWORD)
    assert not _signed_in(client)


_OTHER_PROCESS = """
import django
django.setup()
from django.test import Client
from accounts.throttle import signing_failed

class Signer:
    pk = {pk}

client = Client()
for number in range({failures}):
    client.post("/accounts/login/", {{"username": "{username}", "password": "wrong"}})
    signing_failed(Signer)
"""


@pytest.mark.storage
@pytest.mark.django_db(transaction=True)
def test_a_second_real_process_shares_both_counts():
    import os
    import subprocess
    import sys

    from django.db import connection

    user = UserFactory()
    failures = settings.LOGIN_FAILURE_LIMIT - 1
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    script = _OTHER_PROCESS.format(pk=user.pk, failures=failures, username=user.username)
    # DEBUG: pages without the hashed static manifest (no collectstatic in tests).
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
    }
    cache = settings.CACHES["default"]
    if "Redis" in cache["BACKEND"]:
        # The same Redis database and key prefix as this test's (tests/backends.py).
        env |= {"REDIS_URL": cache["LOCATION"], "CACHE_KEY_PREFIX": cache["KEY_PREFIX"]}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=settings.BASE_DIR)
    assert not throttle.signing_blocked(user)
    throttle.signing_failed(user)
    assert throttle.signing_blocked(user)
    client = Client()
    assert WRONG_LOGIN not in page_text(_sign_in(client, user, "wrong"))
    _sign_in(client, user, PASSWORD)
    assert not _signed_in(client)


def test_a_superuser_can_see_and_lift_lock_outs_in_the_back_office(client, db):
    user = UserFactory()
    _lock_out(Client(), user, "203.0.113.30")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and user.username in page_text(page)
    records = UserFactory(role=Role.RECORDS_MANAGER, is_staff=True)
    client.force_login(records)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
