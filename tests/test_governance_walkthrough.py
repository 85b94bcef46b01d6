"""Fixes from the walk-through of the governance and second-factor pages: resetting
someone's authenticator app (two user administrators), the requests table, the links
on "Your work" and in the back office, and the messages people read."""

import json
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.roles import Role
from accounts.throttle import TOO_MANY_ATTEMPTS, TOO_MANY_FROM_ADDRESS
from core.errors import DomainError
from decisions.models import DecisionType
from governance.messages import GovernanceMessages as M
from governance.models import REASON_MAX_LENGTH, ChangeRequest, GovernanceAuditEntry
from governance.selectors import requests_to_confirm
from governance.services import (
    change_request_confirm,
    role_change_request,
    second_factor_reset_request,
)
from tests.factories import UserFactory
from tests.helpers import page_text, second_factor_device

RESET_BUTTON = "Ask for their authenticator app to be reset"
NAV_LINK = r'<a class="govuk-link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>'


@pytest.fixture
def admins(db):
    return (
        UserFactory(role=Role.USER_ADMIN, first_name="Ada", last_name="Asker"),
        UserFactory(role=Role.USER_ADMIN, first_name="Cy", last_name="Confirmer"),
    )


@pytest.fixture
def lost_phone(db):
    """A records manager who has lost the phone with their authenticator app."""
    user = UserFactory(role=Role.RECORDS_MANAGER, first_name="Lo", last_name="Stphone")
    second_factor_device(user)
    return user


def _devices(user) -> int:
    return TOTPDevice.objects.filter(user=user).count()


def _security(caplog) -> list[tuple]:
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "security"]
    return [
        (line["action"], line["outcome"], line["user"], line.get("purpose"))
        for line in lines
        if line["action"] in ("second_factor", "second_factor_reset")
    ]


# --- Resetting an authenticator app ---------------------------------------------------


def test_a_reset_takes_effect_only_when_a_second_user_administrator_confirms(
    admins, lost_phone, caplog
):
    asker, confirmer = admins
    caplog.set_level("INFO", logger="security")
    change = second_factor_reset_request(
        user=asker, subject=lost_phone, reason="Lost their phone on the train"
    )
    assert change.kind == "second_factor_reset" and change.state == "pending"
    assert _devices(lost_phone) == 1  # one user administrator alone changes nothing

    change_request_confirm(user=confirmer, change=change)
    assert _devices(lost_phone) == 0
    entry = GovernanceAuditEntry.objects.get(change=change)
    assert entry.kind == "second_factor_reset"
    assert (entry.requested_by_name, entry.confirmed_by_name) == (
        asker.display_name,
        confirmer.display_name,
    )
    assert entry.reason == "Lost their phone on the train"
    assert lost_phone.get_username() in entry.subject
    assert entry.before == "Authenticator app set up" and "sign in" in entry.after
    assert _security(caplog) == [
        ("second_factor_reset", "requested", asker.username, None),
        ("second_factor", "success", confirmer.username, "reset"),
        ("second_factor_reset", "success", confirmer.username, None),
    ]


def test_nobody_resets_their_own_app_or_confirms_their_own_request(admins, lost_phone):
    asker, confirmer = admins
    second_factor_device(asker)
    with pytest.raises(DomainError) as own:
        second_factor_reset_request(user=asker, subject=asker, reason="Mine")
    assert own.value.template == M.ABOUT_YOURSELF
    change = second_factor_reset_request(user=asker, subject=lost_phone, reason="Lost it")
    with pytest.raises(DomainError) as confirm_own:
        change_request_confirm(user=asker, change=change)
    assert confirm_own.value.template == M.OWN_REQUEST
    assert _devices(lost_phone) == 1 and _devices(asker) == 1
    # The same reset twice waits once.
    with pytest.raises(DomainError) as twice:
        second_factor_reset_request(user=confirmer, subject=lost_phone, reason="Again")
    assert twice.value.template == M.ALREADY_PENDING


def test_only_user_administrators_ask_and_only_for_someone_with_an_app(
    admins, lost_phone, records_manager, officer
):
    with pytest.raises(DomainError) as not_admin:
        second_factor_reset_request(user=records_manager, subject=lost_phone, reason="Lost it")
    assert not_admin.value.template == M.NOT_USER_ADMIN
    with pytest.raises(DomainError) as nothing:
        second_factor_reset_request(user=admins[0], subject=officer, reason="Lost it")
    assert nothing.value.template == M.NO_AUTHENTICATOR_APP
    assert not ChangeRequest.objects.exists()


def test_a_reset_through_the_pages_sends_them_to_set_the_app_up_again(client, admins, lost_phone):
    asker, confirmer = admins
    them = client.__class__()
    them.force_login(lost_phone)
    assert them.get("/work/").status_code == 200

    client.force_login(asker)
    person = reverse("governance:person", args=[lost_phone.pk])
    assert RESET_BUTTON in page_text(client.get(person))
    missing = client.post(person, {"ask": "reset", "reset-reason": ""})
    html = missing.content.decode()
    assert missing.status_code == 200 and "<title>Error: " in html
    assert re.search(r'id="id_reset-reason-error"[^>]*>\s*<span[^>]*>Error:</span> Enter why', html)
    sent = client.post(person, {"ask": "reset", "reset-reason": "Lost their phone"})
    change = ChangeRequest.objects.get(kind="second_factor_reset")
    assert sent.url == reverse("governance:change", args=[change.pk])
    assert _devices(lost_phone) == 1

    client.force_login(confirmer)
    client.post(sent.url, {"decision": "confirm"})
    assert _devices(lost_phone) == 0
    # Their session's app is gone: the next page asks them to set one up again.
    answer = them.get("/work/")
    assert answer.status_code == 302
    assert answer.url.startswith(reverse("accounts:two_factor_set_up"))


def test_the_person_page_offers_no_reset_of_your_own_app_or_of_no_app(client, admins, officer):
    asker = admins[0]
    client.force_login(asker)
    own = page_text(client.get(reverse("governance:person", args=[asker.pk])))
    assert RESET_BUTTON not in own
    none = page_text(client.get(reverse("governance:person", args=[officer.pk])))
    assert RESET_BUTTON not in none and "has no authenticator app set up" in none


# --- The requests table -----------------------------------------------------------------


def _table(html: str, caption: str) -> str:
    start = html.index(f'aria-label="{caption} requests"')
    return html[start : html.index("</table>", start)]


def test_a_waiting_request_shows_when_it_expires_not_an_outcome(client, admins, officer):
    asker, confirmer = admins
    waiting = role_change_request(
        user=asker, subject=officer, role=Role.DMPC, grant=True, reason="Appointed"
    )
    decided = role_change_request(
        user=asker, subject=officer, role=Role.RECORDS_MANAGER, grant=True, reason="Moved"
    )
    change_request_confirm(user=confirmer, change=decided)
    client.force_login(confirmer)
    html = client.get(reverse("governance:requests")).content.decode()
    table = _table(html, "Waiting")
    assert f"Request {waiting.pk}" in table and f"Request {decided.pk}" not in table
    assert "Expires" in table and "Outcome" not in table and "Expired" not in table
    closed = _table(html, "Decided or expired")
    assert "Outcome" in closed and f"Confirmed by {confirmer.display_name}" in closed


# --- Links ------------------------------------------------------------------------------


def test_records_managers_and_user_administrators_find_the_security_log(
    client, admins, records_manager, officer
):
    integrity = reverse("security:integrity")
    for user in (records_manager, admins[0]):
        client.force_login(user)
        assert f'href="{integrity}"' in client.get("/work/").content.decode(), user
        assert client.get(integrity).status_code == 200
    # In the back office (staff status follows the records manager role).
    records_manager.is_staff = True
    records_manager.save()
    client.force_login(records_manager)
    assert f'href="{integrity}"' in client.get("/admin/").content.decode()
    client.force_login(officer)
    assert f'href="{integrity}"' not in client.get("/work/").content.decode()


def test_the_second_administrator_home_lists_what_they_may_confirm(client, admins, officer):
    asker, confirmer = admins
    changes = [
        role_change_request(user=asker, subject=officer, role=role, grant=True, reason="R")
        for role in (Role.DMPC, Role.RECORDS_MANAGER)
    ]
    about_confirmer = role_change_request(
        user=asker, subject=confirmer, role=Role.USER_ADMIN, grant=False, reason="Leaving"
    )
    assert list(requests_to_confirm(asker)) == []
    assert {c.pk for c in requests_to_confirm(confirmer)} == {c.pk for c in changes}

    client.force_login(confirmer)
    text = page_text(client.get("/work/"))
    html = client.get("/work/").content.decode()
    assert f"For you to confirm ({len(changes)})" in text
    for change in changes:
        assert f'href="{reverse("governance:change", args=[change.pk])}"' in html
    assert f'href="{reverse("governance:change", args=[about_confirmer.pk])}"' not in html
    client.force_login(asker)
    assert "For you to confirm (0)" in page_text(client.get("/work/"))


# --- Messages ---------------------------------------------------------------------------


def test_a_records_manager_opening_the_people_page_is_pointed_to_the_audit(
    client, records_manager, officer
):
    audit = reverse("governance:audit")
    client.force_login(records_manager)
    response = client.get(reverse("governance:people"))
    assert response.status_code == 403
    assert M.NOT_USER_ADMIN_PAGE in page_text(response)
    assert f'href="{audit}"' in response.content.decode()
    client.force_login(officer)
    response = client.get(reverse("governance:requests"))
    assert response.status_code == 403 and M.NOT_USER_ADMIN_PAGE in page_text(response)
    assert f'href="{audit}"' not in response.content.decode()


def test_second_factor_messages_are_whole_sentences():
    for message in (
        second_factor.CODE_REQUIRED,
        second_factor.CODE_FORMAT,
        second_factor.CODE_WRONG,
        second_factor.CODE_USED,
        second_factor.CODE_THROTTLED.format(wait="3 seconds"),
        second_factor.NO_DEVICE,
    ):
        assert message.endswith("."), message
    assert second_factor.CODE_THROTTLED.format(wait="3 seconds") == (
        "Wait 3 seconds before trying another code."
    )


def test_lock_out_messages_name_who_can_help():
    for message in (TOO_MANY_ATTEMPTS, TOO_MANY_FROM_ADDRESS):
        assert "governance team" not in message
        assert "user administrator" in message and "ends by itself" in message


def test_the_optional_note_hint_says_only_the_limit(client, admins, officer):
    asker, confirmer = admins
    change = role_change_request(
        user=asker, subject=officer, role=Role.DMPC, grant=True, reason="Appointed"
    )
    client.force_login(confirmer)
    text = page_text(client.get(reverse("governance:change", args=[change.pk])))
    assert f"Up to {REASON_MAX_LENGTH:,} characters." in text
    assert "Optional, up to" not in text


def test_a_delegation_limit_in_thousands_is_accepted(client, admins):
    ceod = DecisionType.objects.get(code="CEOD")
    client.force_login(admins[0])
    url = reverse("governance:decision_type", args=["CEOD"])
    data = {"final_approver": ceod.final_approver, "approver_title": ceod.approver_title,
            "delegation_limit": "£750k", "last_number": ceod.last_number,
            "reason": "New scheme of delegation"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)
    change = ChangeRequest.objects.get()
    assert change.new_rules == {"delegation_limit_pence": 750_000 * 100}


def test_the_people_pages_name_their_pages_as_your_work_does_and_mark_this_one(client, admins):
    client.force_login(admins[0])
    home = client.get("/work/").content.decode()
    pages = ["people", "requests", "office_holders", "decision_types", "audit"]
    for name in pages:
        html = client.get(reverse(f"governance:{name}")).content.decode()
        nav = html[html.index('<nav aria-label="People, roles and rules">') :]
        nav = nav[: nav.index("</nav>")]
        links = re.findall(NAV_LINK, nav)
        assert [href for href, current, _ in links if current] == [reverse(f"governance:{name}")]
        for href, _, label in links:
            assert f'href="{href}">{label}</a>' in home, label
