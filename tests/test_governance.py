"""Who can grant power (issue 11, Why 1–2): records managers manage records, not
people or rules; user administrators hold no decision role; every change needs a
second user administrator, and is audited (append-only) and security-logged."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import DECISION_ROLES, ROLE_PERMISSIONS, Role
from core.errors import DomainError
from decisions import policy as decisions_policy
from decisions.models import DecisionType
from governance import policy
from governance.messages import GovernanceMessages as M
from governance.models import ChangeRequest, GovernanceAuditEntry
from governance.services import (
    change_request_cancel,
    change_request_confirm,
    change_request_refuse,
    role_change_request,
    rule_change_request,
)
from tests.factories import UserFactory, submitted_decision
from tests.helpers import page_text


@pytest.fixture
def admins(db):
    return (
        UserFactory(role=Role.USER_ADMIN, first_name="Ada", last_name="Asker"),
        UserFactory(role=Role.USER_ADMIN, first_name="Cy", last_name="Confirmer"),
    )


@pytest.fixture
def newcomer(db):
    return UserFactory(first_name="Nia", last_name="Newcomer")


def _grant(asker, subject, role=Role.DMPC, reason="Appointed by the Mayor"):
    return role_change_request(user=asker, subject=subject, role=role, grant=True, reason=reason)


def _roles(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


# --- The roles ---------------------------------------------------------------------------


def test_a_user_administrator_holds_no_decision_permission(admins):
    admin = admins[0]
    held = set(Group.objects.get(name=Role.USER_ADMIN.label).permissions.values_list(
        "content_type__app_label", flat=True))  # fmt: skip
    assert held == {"governance"}
    assert not decisions_policy.is_staff_member(admin)
    assert not decisions_policy.is_records_manager(admin)
    assert not decisions_policy.can_view_part2(admin)
    assert policy.is_user_admin(admin)


def test_records_managers_have_no_power_over_people_or_rules(records_manager):
    wanted = set(ROLE_PERMISSIONS[Role.RECORDS_MANAGER])
    for power in ("accounts.add_user", "accounts.change_user", "decisions.change_decisiontype"):
        assert power not in wanted
        assert not records_manager.has_perm(power)
    # They still read people and types, and the audit of changes.
    assert records_manager.has_perm("accounts.view_user")
    assert records_manager.has_perm("decisions.view_decisiontype")
    assert policy.can_view_audit(records_manager)
    assert not policy.is_user_admin(records_manager)


# --- The two-person rule ---------------------------------------------------------------


def test_one_user_administrator_alone_changes_nothing(admins, newcomer):
    asker, _ = admins
    change = _grant(asker, newcomer)
    assert change.state == "pending"
    assert Role.DMPC.label not in _roles(newcomer)
    assert not GovernanceAuditEntry.objects.exists()
    with pytest.raises(DomainError) as refused:
        change_request_confirm(user=asker, change=change)
    assert refused.value.template == M.OWN_REQUEST
    change.refresh_from_db()
    assert change.state == "pending"
    assert Role.DMPC.label not in _roles(newcomer)


def test_a_second_user_administrator_confirms_and_the_audit_says_so(admins, newcomer):
    asker, confirmer = admins
    change = _grant(asker, newcomer, reason="Appointed by the Mayor on 1 April")
    change_request_confirm(user=confirmer, change=change)
    assert _roles(newcomer) == {Role.DMPC.label}
    entry = GovernanceAuditEntry.objects.get()
    assert entry.change_id == change.pk
    assert (entry.requested_by_name, entry.confirmed_by_name) == (
        asker.display_name, confirmer.display_name)  # fmt: skip
    assert entry.reason == "Appointed by the Mayor on 1 April"
    assert (entry.before, entry.after) == ("No roles", Role.DMPC.label)
    assert newcomer.display_name in entry.subject
    change.refresh_from_db()
    assert (change.state, change.decided_by) == ("confirmed", confirmer)


def test_removal_refusal_and_cancellation(admins, newcomer):
    asker, confirmer = admins
    change_request_confirm(user=confirmer, change=_grant(asker, newcomer, Role.OFFICER))
    removal = role_change_request(
        user=asker, subject=newcomer, role=Role.OFFICER, grant=False, reason="Left"
    )
    change_request_refuse(user=confirmer, change=removal, note="Not yet")
    assert Role.OFFICER.label in _roles(newcomer)
    with pytest.raises(DomainError) as late:
        change_request_confirm(user=confirmer, change=removal)
    assert late.value.template == M.NOT_PENDING
    again = role_change_request(
        user=asker, subject=newcomer, role=Role.OFFICER, grant=False, reason="Left, really"
    )
    with pytest.raises(DomainError):
        change_request_cancel(user=confirmer, change=again)  # only its requester cancels
    change_request_cancel(user=asker, change=again)
    assert Role.OFFICER.label in _roles(newcomer)
    last = role_change_request(
        user=asker, subject=newcomer, role=Role.OFFICER, grant=False, reason="Left, at last"
    )
    change_request_confirm(user=confirmer, change=last)
    assert _roles(newcomer) == set()
    assert GovernanceAuditEntry.objects.count() == 2  # the grant and the removal only


def test_nobody_grants_themselves_anything(admins):
    asker, confirmer = admins
    with pytest.raises(DomainError) as refused:
        role_change_request(
            user=asker, subject=asker, role=Role.RECORDS_MANAGER, grant=True, reason="Me"
        )
    assert refused.value.template == M.ABOUT_YOURSELF
    # Nor confirms a grant to themselves that someone else asked for.
    change = role_change_request(
        user=asker, subject=confirmer, role=Role.USER_ADMIN, grant=False, reason="Rotation"
    )
    with pytest.raises(DomainError) as own:
        change_request_confirm(user=confirmer, change=change)
    assert own.value.template == M.ABOUT_YOURSELF


def test_a_user_administrator_cannot_also_hold_a_decision_role(admins, newcomer):
    asker, confirmer = admins
    third = UserFactory(role=Role.USER_ADMIN)
    for role in DECISION_ROLES:
        with pytest.raises(DomainError) as refused:
            _grant(asker, third, role)
        assert refused.value.template == M.DECISION_ROLE_FOR_ADMIN
    officer = UserFactory(role=Role.OFFICER)
    with pytest.raises(DomainError) as refused:
        _grant(asker, officer, Role.USER_ADMIN)
    assert refused.value.template == M.ADMIN_HOLDS_DECISION_ROLE
    # Should both ever meet in one account (outside the flow), it grants nothing.
    both = UserFactory(role=[Role.USER_ADMIN, Role.OFFICER])
    assert not policy.is_user_admin(both)
    with pytest.raises(DomainError) as refused:
        _grant(both, newcomer, Role.HEAD_OF_SERVICE)
    assert refused.value.template == M.NOT_USER_ADMIN
    # Checked again at confirmation: the person may have gained a role since.
    change = _grant(asker, newcomer, Role.USER_ADMIN)
    newcomer.groups.add(Group.objects.get(name=Role.OFFICER.label))
    with pytest.raises(DomainError):
        change_request_confirm(user=confirmer, change=change)
    assert Role.USER_ADMIN.label not in _roles(newcomer)


def test_only_user_administrators_ask_or_confirm(admins, newcomer, records_manager):
    asker, _ = admins
    with pytest.raises(DomainError) as refused:
        _grant(records_manager, newcomer)
    assert refused.value.template == M.NOT_USER_ADMIN
    change = _grant(asker, newcomer)
    for outsider in (records_manager, UserFactory(is_superuser=True, is_staff=True)):
        with pytest.raises(DomainError):
            change_request_confirm(user=outsider, change=change)
    assert Role.DMPC.label not in _roles(newcomer)


def test_requests_expire(admins, newcomer):
    asker, confirmer = admins
    change = _grant(asker, newcomer)
    assert change.expires_at - change.requested_at == dt.timedelta(days=7)
    ChangeRequest.objects.filter(pk=change.pk).update(
        requested_at=change.requested_at - dt.timedelta(days=8),
        expires_at=change.expires_at - dt.timedelta(days=8),
    )
    with pytest.raises(DomainError) as refused:
        change_request_confirm(user=confirmer, change=change)
    assert refused.value.template == M.EXPIRED
    assert Role.DMPC.label not in _roles(newcomer)


def test_the_database_keeps_the_two_person_rule(admins, newcomer):
    asker, confirmer = admins
    change = _grant(asker, newcomer)
    now = timezone.now()
    attempts = [
        {"state": "confirmed", "decided_by_id": asker.pk, "decided_at": now},  # own request
        {"state": "confirmed", "decided_by_id": None, "decided_at": None},  # by nobody
        {"state": "cancelled", "decided_by_id": confirmer.pk, "decided_at": now},
        {"state": "confirmed", "decided_by_id": confirmer.pk,
         "decided_at": change.expires_at + dt.timedelta(seconds=1)},  # after expiry
        {"subject_id": asker.pk},  # about the requester
        {"reason": ""},
    ]  # fmt: skip
    for values in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            ChangeRequest.objects.filter(pk=change.pk).update(**values)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_the_audit_is_append_only(admins, newcomer):
    asker, confirmer = admins
    change_request_confirm(user=confirmer, change=_grant(asker, newcomer))
    for statement in (
        "UPDATE governance_governanceauditentry SET reason = 'forged'",
        "DELETE FROM governance_governanceauditentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert GovernanceAuditEntry.objects.get().reason == "Appointed by the Mayor"


def test_each_step_is_security_logged(admins, newcomer, records_manager, caplog):
    asker, confirmer = admins
    caplog.set_level("INFO", logger="security")
    change = _grant(asker, newcomer)
    change_request_confirm(user=confirmer, change=change)
    refused = _grant(asker, newcomer, Role.CHIEF_EXECUTIVE)
    change_request_refuse(user=confirmer, change=refused)
    with pytest.raises(DomainError):
        change_request_confirm(user=asker, change=_grant(asker, newcomer, Role.OFFICER))
    with pytest.raises(DomainError):
        _grant(records_manager, newcomer, Role.RECORDS_MANAGER)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "security"]
    seen = [(line["action"], line["outcome"], line["user"]) for line in lines]
    assert seen == [
        ("role_grant", "requested", asker.username),
        ("role_grant", "success", confirmer.username),
        ("role_grant", "requested", asker.username),
        ("role_grant", "refused", confirmer.username),
        ("role_grant", "requested", asker.username),
        ("role_grant", "refused", asker.username),
        ("role_grant", "refused", records_manager.username),
    ]


# --- Rules -------------------------------------------------------------------------------


def test_rule_changes_need_a_second_administrator(admins, officer):
    asker, confirmer = admins
    pcd = DecisionType.objects.get(code="PCD")
    change = rule_change_request(
        user=asker,
        decision_type=pcd,
        rules={"final_approver": "chief_executive", "delegation_limit_pence": 50_000_000},
        reason="New scheme of delegation",
    )
    pcd.refresh_from_db()
    assert pcd.final_approver == "dmpc" and pcd.delegation_limit_pence is None
    change_request_confirm(user=confirmer, change=change)
    pcd.refresh_from_db()
    assert (pcd.final_approver, pcd.delegation_limit_pence) == ("chief_executive", 50_000_000)
    entry = GovernanceAuditEntry.objects.get()
    assert "Deputy Mayor for Policing and Crime" in entry.before and "No limit" in entry.before
    assert "Chief Executive Officer" in entry.after and "£500,000" in entry.after
    assert pcd.history.first().history_user == confirmer


def test_last_number_only_moves_forward(admins, officer):
    asker, _ = admins
    decision = submitted_decision(user=officer)
    pcd = DecisionType.objects.get(code="PCD")
    with pytest.raises(DomainError) as refused:
        rule_change_request(
            user=asker,
            decision_type=pcd,
            rules={"last_number": decision.reference_number - 1},
            reason="Rewind",
        )
    assert refused.value.template == M.LAST_NUMBER_BACKWARDS
    with pytest.raises(DomainError) as same:
        rule_change_request(
            user=asker, decision_type=pcd, rules={"last_number": pcd.last_number}, reason="No-op"
        )
    assert same.value.template == M.NO_RULE_CHANGE


# --- The pages ---------------------------------------------------------------------------


def test_records_managers_and_officers_cannot_use_the_pages(
    client, records_manager, officer, newcomer
):
    pcd = DecisionType.objects.get(code="PCD")
    posts = {
        reverse("governance:person", args=[newcomer.pk]): {
            "change": "grant", "role": "dmpc", "reason": "Because"},
        reverse("governance:decision_type", args=["PCD"]): {
            "final_approver": "chief_executive", "approver_title": "CEO",
            "last_number": pcd.last_number, "reason": "Because"},
    }  # fmt: skip
    for user in (records_manager, officer):
        client.force_login(user)
        for url in (reverse("governance:people"), reverse("governance:requests"), *posts):
            assert client.get(url).status_code == 403, url
        for url, data in posts.items():
            assert client.post(url, data).status_code == 403, url
    assert not ChangeRequest.objects.exists()
    client.force_login(records_manager)
    assert client.get(reverse("governance:audit")).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("governance:audit")).status_code == 403


def test_the_two_person_flow_through_the_pages(client, admins, newcomer):
    asker, confirmer = admins
    client.force_login(asker)
    person = reverse("governance:person", args=[newcomer.pk])
    missing = client.post(person, {"change": "grant", "role": "dmpc", "reason": ""})
    assert "Enter why this change is needed." in page_text(missing)
    response = client.post(person, {"change": "grant", "role": "dmpc", "reason": "Appointed"})
    change = ChangeRequest.objects.get()
    assert response.url == reverse("governance:change", args=[change.pk])
    page = client.get(response.url)
    assert "within 7 days" in page_text(page)
    assert 'value="confirm"' not in page.content.decode()  # not to its requester
    own = client.post(response.url, {"decision": "confirm"})
    assert M.OWN_REQUEST in page_text(own)
    assert Role.DMPC.label not in _roles(newcomer)

    client.force_login(confirmer)
    assert 'value="confirm"' in client.get(response.url).content.decode()
    client.post(response.url, {"decision": "confirm"})
    assert Role.DMPC.label in _roles(newcomer)
    confirmed = page_text(client.get(response.url))
    assert "Confirmed by" in confirmed and "Before No roles" in confirmed
    audit = page_text(client.get(reverse("governance:audit")))
    assert "Appointed" in audit and asker.display_name in audit
    assert confirmer.display_name in audit


def test_rule_change_through_the_pages(client, admins):
    asker, confirmer = admins
    client.force_login(asker)
    url = reverse("governance:decision_type", args=["CEOD"])
    ceod = DecisionType.objects.get(code="CEOD")
    data = {"final_approver": ceod.final_approver, "approver_title": ceod.approver_title,
            "delegation_limit": "£1,000,000,000", "last_number": ceod.last_number,
            "reason": "Raise it"}  # fmt: skip
    client.post(url, data)
    change = ChangeRequest.objects.get()
    assert change.new_rules == {"delegation_limit_pence": 100_000_000_000}
    bad = client.post(url, {**data, "delegation_limit": "lots"})
    assert bad.status_code == 200 and "Enter an amount in pounds" in page_text(bad)
    ceod.refresh_from_db()
    assert ceod.delegation_limit_pence == 50_000_000
    client.force_login(confirmer)
    client.post(reverse("governance:change", args=[change.pk]), {"decision": "confirm"})
    ceod.refresh_from_db()
    assert ceod.delegation_limit_pence == 100_000_000_000


def test_every_page_opens_for_a_user_administrator(client, demo):
    from demo.loader import demo_user_admins

    asker, confirmer = demo_user_admins()
    change = _grant(asker, UserFactory(), Role.OFFICER)
    holder = demo[Role.DMPC].offices_held.get()
    client.force_login(confirmer)
    home = page_text(client.get("/work/"))
    assert "People and their roles" in home and "Office holders" in home
    for name, args in [
        ("people", []), ("person", [demo[Role.DMPC].pk]), ("requests", []),
        ("change", [change.pk]), ("office_holders", []), ("office_holder_end", [holder.pk]),
        ("decision_types", []), ("decision_type", ["PCD"]), ("audit", []),
    ]:  # fmt: skip
        response = client.get(reverse(f"governance:{name}", args=args))
        assert response.status_code == 200, name
    people = page_text(client.get(reverse("governance:people")))
    assert demo[Role.DMPC].display_name in people and "User administrator" in people
    audit = page_text(client.get(reverse("governance:audit")))
    assert "Demo data: the office holders the demo records are signed by" in audit
    assert client.get(reverse("governance:decision_type", args=["NOPE"])).status_code == 404
    assert client.get(reverse("governance:change", args=[change.pk + 999])).status_code == 404


def test_the_first_two_user_administrators_are_made_at_the_server(db):
    from django.core.management import CommandError, call_command

    first, second, third = UserFactory(), UserFactory(), UserFactory()
    officer = UserFactory(role=Role.OFFICER)
    with pytest.raises(CommandError):
        call_command("user_admin_bootstrap", officer.username)
    call_command("user_admin_bootstrap", first.username)
    call_command("user_admin_bootstrap", second.username)
    assert policy.is_user_admin(first) and policy.is_user_admin(second)
    # After that the command is no way round the two-person rule.
    with pytest.raises(CommandError):
        call_command("user_admin_bootstrap", third.username)
    assert not policy.is_user_admin(User.objects.get(pk=third.pk))
