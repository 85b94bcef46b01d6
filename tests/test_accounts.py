"""Signing in and out: Argon2, throttling, idle sessions, roles."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.forms import TOO_MANY_ATTEMPTS, TOO_MANY_FROM_ADDRESS
from accounts.roles import ROLE_PERMISSIONS, Role
from tests.factories import UserFactory
from tests.helpers import page_text

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clear_throttle(request):
    # The cache is in the database now: only tests that use the database touch it.
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    request.getfixturevalue("db")
    cache.clear()
    yield
    cache.clear()


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} minutes"


def test_sign_in_and_out(client, officer):
    response = client.post("/accounts/login/", {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/work/").status_code == 302


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2(db):
    from tests.factories import UserFactory

    assert UserFactory().password.startswith("argon2")


def test_wrong_password_is_a_clear_error_that_keeps_the_username(client, officer):
    typed = "My-Secret-Typo-1"
    response = client.post("/accounts/login/", {"username": officer.username, "password": typed})
    assert response.status_code == 200
    assert "Enter a correct username and password." in page_text(response)
    assert f'value="{officer.username}"' in response.content.decode()
    # The password typed is never sent back in the page (it would sit in the HTML, the
    # browser's cache and anything that logs responses).
    assert typed not in response.content.decode()


def test_sign_in_is_throttled_after_repeated_failures(client, officer):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": officer.username, "password": "wrong"})
    # Even the right password is refused while the throttle holds.
    response = client.post("/accounts/login/", {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 200
    wait = _minutes(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    assert TOO_MANY_ATTEMPTS.format(wait=wait) in page_text(response)
    assert "_auth_user_id" not in client.session


def test_throttle_counts_per_address_too(client, db, settings):
    # Guessing across many usernames from one address is throttled too, at a higher
    # limit, so people sharing an address are not locked out by one person's typos.
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3 * settings.LOGIN_FAILURE_LIMIT
    user = UserFactory()
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"typo{number}", "password": "x"})
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"guess{number}", "password": "x"})
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    wait = _minutes(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    assert TOO_MANY_FROM_ADDRESS.format(wait=wait) in page_text(response)
    assert "_auth_user_id" not in client.session


def test_sessions_expire_when_idle():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_sessions_end_a_working_day_after_sign_in_however_active():
    assert settings.SESSION_ABSOLUTE_SECONDS <= 8 * 60 * 60


def test_an_old_session_is_signed_out_even_if_in_use(client, officer):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    signed_in = timezone.now()
    limit = dt.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    with time_machine.travel(signed_in, tick=False):
        response = client.post(
            "/accounts/login/", {"username": officer.username, "password": PASSWORD}
        )
        assert response.status_code == 302
    # Busy all day: a request every 20 minutes keeps the idle timeout at bay...
    moment = signed_in
    while moment + dt.timedelta(minutes=20) < signed_in + limit:
        moment += dt.timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert client.get("/work/").status_code == 200
    # ...but once the working day since signing in is over, the session ends.
    with time_machine.travel(signed_in + limit + dt.timedelta(seconds=1), tick=False):
        response = client.get("/work/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_roles_are_groups_with_their_permissions(db):
    for role in Role:
        group = Group.objects.get(name=role.label)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(ROLE_PERMISSIONS[role]), role


def test_a_user_may_hold_several_roles(db):
    user = UserFactory(role=[Role.OFFICER, Role.HEAD_OF_SERVICE])
    assert user.has_perm("decisions.draft_decision") and user.has_perm("decisions.review_decision")
    assert user.has_role(Role.HEAD_OF_SERVICE) and not user.has_role(Role.DMPC)


@pytest.mark.django_db
def test_signing_in_with_empty_boxes_says_what_to_enter(client):
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    text = page_text(response)
    assert response.status_code == 200
    # Each message once in the error summary and once beside its box.
    assert text.count("Enter your username") == 2
    assert text.count("Enter your password") == 2
    assert "This field is required" not in text
    assert 'href="#id_username"' in response.content.decode()
