"""Why 1–2 of issue 11 in the back office: a records manager cannot add a user with
a group, add a group to themselves or change a decision type's rules; roles and
rules are read-only in the admin even for superusers (GET shows no field, a POST of
them is refused or ignored)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from decisions.models import DecisionType
from tests.factories import UserFactory


def _roles(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


@pytest.fixture
def records_client(client, demo):
    client.force_login(demo[Role.RECORDS_MANAGER])
    return client


def test_a_records_manager_cannot_add_a_user_with_a_group(records_client):
    dmpc = Group.objects.get(name=Role.DMPC.label)
    before = User.objects.count()
    assert records_client.get("/admin/accounts/user/add/").status_code == 403
    response = records_client.post(
        "/admin/accounts/user/add/",
        {"username": "fake", "password1": "Xy7!long-pass-1", "password2": "Xy7!long-pass-1",
         "groups": [dmpc.pk], "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 403
    assert User.objects.count() == before


def test_a_records_manager_cannot_add_a_group_to_themselves(records_client, demo):
    me = demo[Role.RECORDS_MANAGER]
    url = f"/admin/accounts/user/{me.pk}/change/"
    page = records_client.get(url)
    assert page.status_code == 200  # they may still read it
    assert 'name="groups"' not in page.content.decode()
    dmpc = Group.objects.get(name=Role.DMPC.label)
    response = records_client.post(url, {"username": me.username, "groups": [dmpc.pk]})
    assert response.status_code == 403
    assert Role.DMPC.label not in _roles(me)


@pytest.mark.parametrize(
    "field, value",
    [("final_approver", "chief_executive"), ("delegation_limit_pence", 10**14),
     ("last_number", 1)],
)  # fmt: skip
def test_a_records_manager_cannot_change_a_decision_types_rules(records_client, field, value):
    pcd = DecisionType.objects.get(code="PCD")
    ceod = DecisionType.objects.get(code="CEOD")
    before = {
        t.code: (t.final_approver, t.delegation_limit_pence, t.last_number) for t in (pcd, ceod)
    }
    for decision_type in (pcd, ceod):
        url = f"/admin/decisions/decisiontype/{decision_type.pk}/change/"
        page = records_client.get(url)
        assert page.status_code == 200
        assert f'name="{field}"' not in page.content.decode()
        data = {"code": decision_type.code, "name": decision_type.name, field: value}
        assert records_client.post(url, data).status_code == 403
    after = {
        t.code: (t.final_approver, t.delegation_limit_pence, t.last_number)
        for t in DecisionType.objects.filter(code__in=["PCD", "CEOD"])
    }
    assert after == before


@pytest.fixture
def superuser_client(client, demo):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_even_a_superuser_cannot_change_roles_or_rules_in_the_admin(superuser_client, demo):
    records = demo[Role.RECORDS_MANAGER]
    dmpc = Group.objects.get(name=Role.DMPC.label)
    url = f"/admin/accounts/user/{records.pk}/change/"
    page = superuser_client.get(url).content.decode()
    for field in ("groups", "user_permissions", "is_superuser", "is_staff"):
        assert f'name="{field}"' not in page
    joined = timezone.localtime(records.date_joined)
    response = superuser_client.post(
        url,
        {"username": records.username, "first_name": "Rory", "last_name": "Renamed",
         "email": records.email, "is_active": "on", "groups": [dmpc.pk], "is_superuser": "on",
         "date_joined_0": f"{joined:%Y-%m-%d}", "date_joined_1": f"{joined:%H:%M:%S}",
         "job_title": records.job_title, "team": records.team},
    )  # fmt: skip
    assert response.status_code == 302  # the harmless fields were saved ...
    records.refresh_from_db()
    assert records.last_name == "Renamed"
    assert Role.DMPC.label not in _roles(records)  # ... the power ones ignored
    assert not records.is_superuser

    pcd = DecisionType.objects.get(code="PCD")
    url = f"/admin/decisions/decisiontype/{pcd.pk}/change/"
    response = superuser_client.post(
        url,
        {"code": "PCD", "name": pcd.name, "recommendation_preamble": pcd.recommendation_preamble,
         "final_approver": "chief_executive", "last_number": 1,
         "delegation_limit_pence": 10**14},
    )  # fmt: skip
    assert response.status_code == 302
    fresh = DecisionType.objects.get(pk=pcd.pk)
    assert (fresh.final_approver, fresh.last_number, fresh.delegation_limit_pence) == (
        pcd.final_approver, pcd.last_number, pcd.delegation_limit_pence)  # fmt: skip
    assert superuser_client.get("/admin/decisions/decisiontype/add/").status_code == 403
    # Reverting to an old version would rewind the rules: refused.
    version = pcd.history.order_by("history_id").first()
    revert = f"/admin/decisions/decisiontype/{pcd.pk}/history/{version.history_id}/"
    assert superuser_client.post(revert, {"code": "PCD"}).status_code == 403
    group = Group.objects.get(name=Role.OFFICER.label)
    assert (
        superuser_client.post(
            f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": []}
        ).status_code
        == 403
    )


def test_the_back_office_still_works_for_records_managers(records_client, demo):
    for url in ("/admin/", "/admin/accounts/user/", "/admin/decisions/decisiontype/",
                "/admin/decisions/decision/", "/admin/auth/group/"):  # fmt: skip
        assert records_client.get(url).status_code == 200, url
