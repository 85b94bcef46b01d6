"""Office holders: signers' names and titles on records come from the maintained list
for the day they sign, not from their profile; someone not in office cannot sign."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError, Messages
from decisions.models import SignOff
from decisions.services import decision_approve, decision_sign
from demo.loader import OFFICE_HOLDERS_SINCE
from governance.messages import GovernanceMessages as M
from governance.models import GovernanceAuditEntry, OfficeHolder
from governance.services import (
    change_request_confirm,
    office_holder_add_request,
    office_holder_end_request,
)
from tests.factories import (
    UserFactory,
    awaiting_approval_decision,
    cleared_decision,
    draft_decision,
    user_admins,
)
from tests.helpers import page_text

PASSWORD_FOR_TESTS = "correct horse battery staple"  # UserFactory's


def _role_only(role: Role, **fields):
    """Someone given the role (the group) but never recorded in its office."""
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role.label))
    return user


def _appoint(user, role, *, name, title, since, until=None):
    asker, confirmer = user_admins()
    change = office_holder_add_request(
        user=asker,
        subject=user,
        role=role,
        name=name,
        title=title,
        from_date=since,
        to_date=until,
        reason="Appointed",
    )
    return change_request_confirm(user=confirmer, change=change)


def test_the_record_names_the_office_holder_not_the_profile(officer, reviewers, client):
    dmpc = reviewers.dmpc
    holder = OfficeHolder.objects.get(user=dmpc, role=Role.DMPC)
    # The profile is edited afterwards (by its owner, or anyone who can edit users).
    dmpc.first_name, dmpc.last_name, dmpc.job_title = "Mallory", "Forger", "Supreme Approver"
    dmpc.save()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    decision = decision_approve(user=dmpc, decision=decision)
    sign_off = SignOff.objects.get(decision=decision, role=Role.DMPC)
    assert (sign_off.signer_name, sign_off.signer_title) == (holder.name, holder.title)
    public = page_text(client.get(f"/decisions/{decision.slug}/"))
    assert holder.name in public
    assert "Mallory" not in public and "Supreme Approver" not in public


def test_a_dmpc_not_in_office_cannot_approve(officer, reviewers, client):
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    impostor = _role_only(Role.DMPC, first_name="Ian", last_name="Impostor")
    with pytest.raises(DomainError) as refused:
        decision_approve(user=impostor, decision=decision)
    assert refused.value.template == Messages.NOT_OFFICE_HOLDER
    # The review page says why, and offers no approval.
    client.force_login(impostor)
    page = client.get(reverse("drafting:review", args=[decision.pk]))
    text = page_text(page)
    assert "You are not recorded as the Deputy Mayor for Policing and Crime in office" in text
    assert 'value="approve"' not in page.content.decode()
    response = client.post(
        reverse("drafting:act", args=[decision.pk, "approve"]),
        {"has_interests": "no", "password": PASSWORD_FOR_TESTS},
    )
    assert response.status_code == 409
    assert "You are not recorded as the Deputy Mayor" in page_text(response)
    decision.refresh_from_db()
    assert decision.state == "awaiting_approval"


def test_an_imported_signature_needs_the_office_holder_of_that_day(officer, reviewers):
    """Historical signatures too: the service refuses whoever was not in office then."""
    from decisions.services import sign_off_import

    records = UserFactory(role=Role.RECORDS_MANAGER)
    decision = draft_decision(user=officer)  # being completed as the historical record
    impostor = _role_only(Role.DMPC)
    signed_at = timezone.now() - dt.timedelta(days=3)
    with pytest.raises(DomainError) as refused:
        sign_off_import(
            user=records, decision=decision, role=Role.DMPC, signer=impostor,
            signed_at=signed_at, statement="I approve.",
        )  # fmt: skip
    assert refused.value.template == Messages.NOT_OFFICE_HOLDER
    sign_off = sign_off_import(
        user=records, decision=decision, role=Role.DMPC, signer=reviewers.dmpc,
        signed_at=signed_at, statement="I approve.",
    )  # fmt: skip
    assert sign_off.signer_name == OfficeHolder.objects.get(user=reviewers.dmpc).name
    # Content of the draft, as any other: a new version of it.
    version = decision.version
    decision.refresh_from_db()
    assert decision.version == version + 1


def test_no_signature_is_imported_onto_a_decision_in_the_workflow(officer, reviewers):
    from decisions.services import sign_off_import

    records = UserFactory(role=Role.RECORDS_MANAGER)
    decision = cleared_decision(user=officer, reviewers=reviewers)
    with pytest.raises(DomainError) as refused:
        sign_off_import(
            user=records, decision=decision, role=Role.DMPC, signer=reviewers.dmpc,
            signed_at=timezone.now(), statement="I approve.",
        )  # fmt: skip
    assert refused.value.template == Messages.NOT_EDITABLE
    assert not decision.sign_offs.filter(role=Role.DMPC).exists()


def test_a_chief_executive_whose_term_ended_cannot_sign(officer, reviewers):
    ceo = reviewers.chief_executive
    holder = OfficeHolder.objects.get(user=ceo, role=Role.CHIEF_EXECUTIVE)
    asker, confirmer = user_admins()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    change = office_holder_end_request(
        user=asker, office_holder=holder, to_date=yesterday, reason="Left the post"
    )
    decision = cleared_decision(user=officer, reviewers=reviewers)
    decision_sign(user=ceo, decision=decision)  # still in office until confirmed
    later = cleared_decision(user=officer, reviewers=reviewers, title="Later decision")
    change_request_confirm(user=confirmer, change=change)
    with pytest.raises(DomainError) as refused:
        decision_sign(user=ceo, decision=later)
    assert refused.value.template == Messages.NOT_OFFICE_HOLDER
    entry = GovernanceAuditEntry.objects.filter(kind="office_holder_end").get()
    assert "no end date" in entry.before and f"{yesterday:%-d %B %Y}" in entry.after


def test_the_office_holder_on_the_day_of_signing(officer, reviewers):
    """A term that starts tomorrow does not let them sign today."""
    newcomer = _role_only(Role.DMPC, first_name="Nell", last_name="Next")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _appoint(newcomer, Role.DMPC, name="Nell Next", title="Deputy Mayor", since=tomorrow)
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    with pytest.raises(DomainError):
        decision_approve(user=newcomer, decision=decision)


def test_office_holder_rules(db):
    asker, _ = user_admins()
    no_role = UserFactory()
    dmpc = _role_only(Role.DMPC)
    start = dt.date(2026, 1, 1)
    add = {"role": Role.DMPC, "name": "Dana", "title": "DMPC", "from_date": start, "reason": "R"}
    cases = [
        ({**add, "subject": no_role}, M.HOLDER_USER_ROLE),
        ({**add, "subject": dmpc, "name": " "}, M.HOLDER_NAME_REQUIRED),
        ({**add, "subject": dmpc, "title": "x" * 201}, M.HOLDER_TOO_LONG),
        ({**add, "subject": dmpc, "to_date": start - dt.timedelta(days=1)}, M.HOLDER_DATES),
        ({**add, "subject": dmpc, "role": Role.OFFICER}, M.ROLE_INVALID),
        ({**add, "subject": asker}, M.ABOUT_YOURSELF),
        ({**add, "subject": dmpc, "reason": ""}, M.REASON_REQUIRED),
    ]
    for kwargs, message in cases:
        with pytest.raises(DomainError) as refused:
            office_holder_add_request(user=asker, **kwargs)
        assert refused.value.template == message, kwargs
    _appoint(dmpc, Role.DMPC, name="Dana", title="DMPC", since=start)
    with pytest.raises(DomainError) as overlap:
        office_holder_add_request(
            user=asker, subject=dmpc, **{**add, "from_date": start + dt.timedelta(days=30)}
        )
    assert overlap.value.template == M.HOLDER_OVERLAP


def test_the_database_keeps_office_holders_consistent(db):
    dmpc = _role_only(Role.DMPC)
    bad = [
        {"role": "officer"},
        {"to_date": dt.date(2025, 12, 31)},
        {"name": ""},
    ]
    for values in bad:
        fields = {"role": "dmpc", "name": "N", "title": "T", "user": dmpc,
                  "from_date": dt.date(2026, 1, 1), **values}  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            OfficeHolder.objects.create(**fields)


def test_office_holders_through_the_pages(client, db):
    asker, confirmer = user_admins()
    dmpc = _role_only(Role.DMPC, first_name="Dee", last_name="Deputy")
    client.force_login(asker)
    url = reverse("governance:office_holders")
    data = {"role": "dmpc", "person": dmpc.pk, "name": "Dee Deputy",
            "title": "Deputy Mayor for Policing and Crime", "from_date_day": "1",
            "from_date_month": "4", "from_date_year": "2026", "reason": "Appointed"}  # fmt: skip
    bad = client.post(url, {**data, "name": ""})
    assert bad.status_code == 200
    assert "Enter the office holder's name as printed on records." in page_text(bad)
    response = client.post(url, data)
    assert response.status_code == 302
    assert not OfficeHolder.objects.filter(user=dmpc).exists()  # not until confirmed
    client.force_login(confirmer)
    client.post(response.url, {"decision": "confirm"})
    holder = OfficeHolder.objects.get(user=dmpc)
    assert (holder.name, holder.from_date, holder.to_date) == (
        "Dee Deputy",
        dt.date(2026, 4, 1),
        None,
    )
    assert "Dee Deputy" in page_text(client.get(url))
    records = UserFactory(role=Role.RECORDS_MANAGER)
    client.force_login(records)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403


def test_the_demo_signers_are_in_office(demo):
    for role in (Role.DMPC, Role.CHIEF_EXECUTIVE):
        user = demo[role]
        holder = OfficeHolder.objects.get(user=user, role=role)
        assert (holder.name, holder.title) == (user.display_name, user.job_title)
        assert holder.from_date == OFFICE_HOLDERS_SINCE and holder.to_date is None
    signed = SignOff.objects.filter(role=Role.DMPC)
    assert signed.exists()
    assert set(signed.values_list("signer_name", flat=True)) == {demo[Role.DMPC].display_name}
