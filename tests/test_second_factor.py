"""The second factor (issue 11, What to build 5): who needs a code, the sign-in gate,
setting up the app, codes at signing, refusal of a code used twice, throttling, the
security log, and the demo's codes.

These tests sign in through the pages (password, then code): `force_login` would
pass the second factor by itself (tests/conftest.py).
"""

from __future__ import annotations

import json
import re
import time
from base64 import b32decode

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.second_factor import (
    CODE_FORMAT,
    CODE_REQUIRED,
    CODE_USED,
    CODE_WRONG,
    USER_ADMINISTRATOR_GROUP,
    second_factor_required,
    secret_for_typing,
)
from decisions.models import Decision
from tests.factories import UserFactory, awaiting_approval_decision, cleared_decision
from tests.helpers import page_text, second_factor_device

PASSWORD = "correct horse battery staple"
TWO_FACTOR = "/accounts/two-factor/"
SET_UP = "/accounts/two-factor/set-up/"


@pytest.fixture(autouse=True)
def _clear_throttle(db):
    cache.clear()
    yield
    cache.clear()


def code_now(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app holding the device's key shows at this time."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def password_sign_in(client, user) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, page_text(response)


def security_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "security"]


@pytest.fixture
def dmpc(db):
    user = UserFactory(role=Role.DMPC)
    second_factor_device(user)  # has set up their app
    return user


# --- Who needs a code ----------------------------------------------------------------


def test_signers_records_managers_and_administrators_need_a_second_factor(db):
    Group.objects.get_or_create(name=USER_ADMINISTRATOR_GROUP)
    needing = [
        UserFactory(role=Role.DMPC),
        UserFactory(role=Role.CHIEF_EXECUTIVE),
        UserFactory(role=Role.RECORDS_MANAGER),
        UserFactory(role=[Role.OFFICER, Role.DMPC]),
        UserFactory(is_superuser=True),
    ]
    administrator = UserFactory()
    administrator.groups.add(Group.objects.get(name=USER_ADMINISTRATOR_GROUP))
    needing.append(administrator)
    not_needing = [UserFactory(role=Role.OFFICER), UserFactory(role=Role.HEAD_OF_SERVICE)]
    assert [second_factor_required(user) for user in needing] == [True] * len(needing)
    assert [second_factor_required(user) for user in not_needing] == [False, False]


def test_an_officer_signs_in_with_a_password_only(client, officer):
    password_sign_in(client, officer)
    assert client.get("/work/").status_code == 200
    assert client.get(TWO_FACTOR).status_code == 302  # nothing to ask them


# --- The sign-in gate ------------------------------------------------------------------


def test_a_dmpc_with_only_a_password_reaches_nothing_but_the_code_page(client, dmpc):
    password_sign_in(client, dmpc)
    for path in ("/work/", "/admin/", "/work/new/", "/decisions/", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(TWO_FACTOR + "?next="), path
    # A form posted before the code is refused too, and writes nothing.
    response = client.post("/work/new/", {"title": "Sneaked in", "decision_type": "PCD"})
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)
    assert not Decision.objects.filter(title="Sneaked in").exists()
    page = client.get(TWO_FACTOR + "?next=/work/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Enter the code from your authenticator app" in page_text(page)
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # Signing out is always open.
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/work/")["Location"].startswith("/accounts/login/")


def test_a_records_manager_needs_the_code_for_the_back_office(client, records_manager):
    records_manager.is_staff = True
    records_manager.save()
    device = second_factor_device(records_manager)
    password_sign_in(client, records_manager)
    assert client.get("/admin/")["Location"] == TWO_FACTOR + "?next=%2Fadmin%2F"
    password_only_session = client.session.session_key
    response = client.post(TWO_FACTOR, {"code": code_now(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    # Passing the second factor gives the session a new key (a session fixed by
    # someone else before the code does not gain what the code grants).
    assert client.session.session_key != password_only_session
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_beside_the_field_and_a_right_one_lets_them_in(
    client, dmpc, caplog
):
    caplog.set_level("INFO", logger="security")
    device = TOTPDevice.objects.get(user=dmpc)
    password_sign_in(client, dmpc)
    response = client.post(TWO_FACTOR, {"code": "", "next": "/work/"})
    assert CODE_REQUIRED in page_text(response)
    response = client.post(TWO_FACTOR, {"code": "12345a", "next": "/work/"})
    assert CODE_FORMAT in page_text(response)
    now = time.time()
    with time_machine.travel(now, tick=False):
        right = code_now(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = client.post(TWO_FACTOR, {"code": wrong, "next": "/work/"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: " in html
        assert re.search(
            r'class="govuk-error-message">\s*<span[^>]*>Error:</span> The code is', html
        )
        assert CODE_WRONG in page_text(response)
        assert client.get("/work/").status_code == 302
        # django-otp's throttling: straight after a wrong code even the right one waits.
        response = client.post(TWO_FACTOR, {"code": right, "next": "/work/"})
        assert "Wait 1 second before trying another code." in page_text(response)
    with time_machine.travel(now + 2, tick=False):
        response = client.post(TWO_FACTOR, {"code": code_now(device), "next": "/work/"})
        assert response.status_code == 302 and response["Location"] == "/work/"
        assert client.get("/work/").status_code == 200
    outcomes = [
        (line["outcome"], line.get("purpose"), line["user"])
        for line in security_lines(caplog)
        if line["action"] == "second_factor"
    ]
    assert outcomes == [
        ("failure", "sign_in", dmpc.username),  # "12345a"
        ("failure", "sign_in", dmpc.username),  # the wrong code
        ("failure", "sign_in", dmpc.username),  # throttled
        ("success", "sign_in", dmpc.username),
    ]


def test_a_code_already_used_is_refused(client, dmpc):
    device = TOTPDevice.objects.get(user=dmpc)
    now = time.time()
    with time_machine.travel(now, tick=False):
        code = code_now(device)
        password_sign_in(client, dmpc)
        assert client.post(TWO_FACTOR, {"code": code})["Location"] == "/work/"
        # Someone who saw the password and the code, signing in elsewhere at once.
        other = type(client)()
        password_sign_in(other, dmpc)
        response = other.post(TWO_FACTOR, {"code": code})
        # Refused, saying why: not a wrong code, a used one.
        assert response.status_code == 200 and CODE_USED in page_text(response)
        assert CODE_WRONG not in page_text(response)
        assert other.get("/work/").status_code == 302


def test_the_next_page_must_be_on_this_site(client, dmpc):
    password_sign_in(client, dmpc)
    device = TOTPDevice.objects.get(user=dmpc)
    response = client.post(TWO_FACTOR, {"code": code_now(device), "next": "https://evil.example/"})
    assert response["Location"] == "/work/"


# --- Setting up the app ----------------------------------------------------------------


def test_setting_up_the_app_end_to_end(client, db, caplog):
    caplog.set_level("INFO", logger="security")
    chief = UserFactory(role=Role.CHIEF_EXECUTIVE)
    password_sign_in(client, chief)
    response = client.get("/work/")
    assert response["Location"] == SET_UP + "?next=%2Fwork%2F"
    assert client.get(TWO_FACTOR)["Location"].startswith(SET_UP)
    page = client.get(SET_UP + "?next=/work/")
    html = page.content.decode()
    key = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1)
    groups = key.split(" ")
    assert all(len(group) == 4 for group in groups[:-1]) and 1 <= len(groups[-1]) <= 4
    assert f"otpauth://totp/Decision%20records%3A{chief.username}?secret=" in html
    # The key shown is the one being set up, and stays the same on reload.
    secret = key.replace(" ", "")
    assert (
        re.search(r'id="setup-key">([A-Z2-7 ]+)<', client.get(SET_UP).content.decode()).group(1)
        == key
    )
    app = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    assert not TOTPDevice.objects.filter(user=chief, confirmed=True).exists()
    wrong = f"{(app.token() + 1) % 1_000_000:06d}"
    response = client.post(SET_UP, {"code": wrong, "next": "/work/"})
    assert CODE_WRONG in page_text(response)
    assert not TOTPDevice.objects.filter(user=chief, confirmed=True).exists()
    with time_machine.travel(time.time() + 2, tick=False):
        app.time = time.time()
        response = client.post(SET_UP, {"code": f"{app.token():06d}", "next": "/work/"})
        assert response["Location"] == "/work/"
        home = client.get("/work/")
    assert home.status_code == 200
    assert "Your authenticator app is set up" in page_text(home)
    assert TOTPDevice.objects.filter(user=chief).count() == 1
    assert TOTPDevice.objects.get(user=chief).confirmed
    # Once set up, the page cannot show or change the key again.
    assert client.get(SET_UP).status_code == 302
    outcomes = [
        (line["outcome"], line.get("purpose"))
        for line in security_lines(caplog)
        if line["action"] == "second_factor"
    ]
    assert outcomes == [("failure", "enrolment"), ("success", "enrolment")]


def test_someone_with_a_device_is_not_offered_a_new_key(client, dmpc):
    password_sign_in(client, dmpc)
    assert client.get(SET_UP)["Location"].startswith(TWO_FACTOR)
    assert TOTPDevice.objects.filter(user=dmpc).count() == 1


def test_a_lost_phone_is_reset_in_the_back_office_without_showing_keys(
    client, dmpc, records_manager, caplog
):
    caplog.set_level("INFO", logger="security")
    device = TOTPDevice.objects.get(user=dmpc)
    records_manager.is_staff = True
    records_manager.save()
    client.force_login(records_manager)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and dmpc.username in page_text(listing)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert secret_for_typing(device).split(" ")[0] not in page.content.decode()
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=dmpc).exists()
    resets = [line for line in security_lines(caplog) if line.get("purpose") == "reset"]
    assert [(r["user"], r["subject"]) for r in resets] == [(superuser.username, dmpc.username)]
    other = type(client)()
    password_sign_in(other, dmpc)
    assert other.get("/work/")["Location"].startswith(SET_UP)


# --- At signing ------------------------------------------------------------------------


def _approve(client, decision, **data):
    url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "approve"})
    return client.post(url, {"has_interests": "no", "password": PASSWORD, **data})


def test_signing_needs_a_current_code_checked_on_the_server(client, officer, reviewers, caplog):
    caplog.set_level("INFO", logger="security")
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    dmpc = reviewers.dmpc
    device = second_factor_device(dmpc)
    client.force_login(dmpc)  # signed in with password and code
    review = page_text(client.get(reverse("drafting:review", kwargs={"pk": decision.pk})))
    assert "Code from your authenticator app" in review
    response = _approve(client, decision)
    assert CODE_REQUIRED in page_text(response)
    right = code_now(device)
    response = _approve(client, decision, code=f"{(int(right) + 1) % 1_000_000:06d}")
    assert CODE_WRONG in page_text(response)
    decision.refresh_from_db()
    assert (
        decision.state == "awaiting_approval"
        and not decision.sign_offs.filter(role="dmpc").exists()
    )
    with time_machine.travel(time.time() + 2, tick=False):
        response = _approve(client, decision, code=code_now(device))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == "approved"
    signing = [
        (line["outcome"], line["user"], line["address"])
        for line in security_lines(caplog)
        if line["action"] == "second_factor" and line.get("purpose") == "signing"
    ]
    assert signing == [
        ("failure", dmpc.username, "127.0.0.1"),
        ("success", dmpc.username, "127.0.0.1"),
    ]


def test_a_code_used_to_sign_in_cannot_sign(client, reviewers, officer):
    decision = cleared_decision(user=officer, reviewers=reviewers)
    chief = reviewers.chief_executive
    device = second_factor_device(chief)
    now = time.time()
    with time_machine.travel(now, tick=False):
        code = code_now(device)
        password_sign_in(client, chief)
        assert client.post(TWO_FACTOR, {"code": code})["Location"] == "/work/"
        url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "sign"})
        response = client.post(url, {"confirm": "on", "password": PASSWORD, "code": code})
    # The right code, used already: the page says to wait for the next one.
    assert CODE_USED in page_text(response) and CODE_WRONG not in page_text(response)
    decision.refresh_from_db()
    assert decision.state == "cleared"


def test_a_wrong_password_does_not_spend_the_code(client, officer, reviewers):
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    device = second_factor_device(reviewers.dmpc)
    client.force_login(reviewers.dmpc)
    now = time.time()
    with time_machine.travel(now, tick=False):
        code = code_now(device)
        response = _approve(client, decision, password="wrong", code=code)
        assert "The password is not correct." in page_text(response)
        assert _approve(client, decision, code=code).status_code == 302
    decision.refresh_from_db()
    assert decision.state == "approved"


def test_the_head_of_service_clears_without_a_code(client, officer, reviewers):
    from tests.factories import submitted_decision

    decision = submitted_decision(user=officer)
    client.force_login(reviewers.head)
    url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "clear"})
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewers.head).exists()


# --- The demo ----------------------------------------------------------------------------


def demo_users_needing_a_code() -> set[str]:
    """The demo's users whose roles need a second factor (signers, records managers,
    user administrators), from the demo's own list of users."""
    from accounts.models import User
    from demo.loader import DEMO_USERS

    users = User.objects.filter(username__in=[spec.username for spec in DEMO_USERS])
    return {user.username for user in users if second_factor_required(user)}


def test_demo_codes_prints_a_code_that_signs_the_dmpc_in(client, demo, settings, capsys):
    # Someone who set up their own app: their code is theirs alone, never printed.
    second_factor_device(UserFactory(role=Role.DMPC, username="realdmpc"))
    settings.DEBUG = True
    now = time.time()
    with time_machine.travel(now, tick=False):
        call_command("demo_codes")
        output = capsys.readouterr().out
        names = {line.split(" ")[0] for line in output.splitlines()[1:]}
        assert names == demo_users_needing_a_code()
        code = re.search(r"^dmpc \(DMPC\): (\d{6}) ", output, flags=re.M).group(1)
        settings.DEBUG = False
        client.post(reverse("accounts:login"), {"username": "dmpc", "password": "dmpc-demo-2026"})
        assert client.post(TWO_FACTOR, {"code": code})["Location"] == "/work/"
        assert client.get("/work/").status_code == 200


def test_demo_codes_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_codes")


def test_load_demo_says_how_to_get_the_codes(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    output = capsys.readouterr().out
    line = next(line for line in output.splitlines() if line.startswith("Second factor"))
    needing = demo_users_needing_a_code()
    assert ", ".join(sorted(needing)) in line and "manage.py demo_codes" in line
    enrolled = {device.user.username for device in TOTPDevice.objects.filter(confirmed=True)}
    assert enrolled == needing
