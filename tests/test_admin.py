"""The back office: every model is there with its history; decided content is frozen."""

import re

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.roles import Role
from decisions.models import Decision, Paragraph, SignOff, SignOffWording
from tests.factories import UserFactory, draft_decision
from tests.helpers import page_text


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def records_client(client, demo):
    client.force_login(demo[Role.RECORDS_MANAGER])
    return client


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_has_an_admin_with_history(client, superuser, demo):
    client.force_login(superuser)
    for app_label in ("decisions", "funding", "accounts"):
        for model in [m for m in admin.site._registry if m._meta.app_label == app_label]:
            assert client.get(_url(model, "changelist")).status_code == 200, model
            obj = model.objects.first()
            if obj is not None:
                assert client.get(_url(model, "change", obj.pk)).status_code == 200, model
                if hasattr(model, "history"):
                    assert client.get(_url(model, "history", obj.pk)).status_code == 200, model
    registered = {m._meta.model_name for m in admin.site._registry}
    assert {
        "decision",
        "paragraph",
        "budgetline",
        "allocation",
        "commitment",
        "part2",
    } <= registered


@pytest.fixture
def records_manager_who_may_change(demo):
    """A records manager also granted the change permissions: only the frozen-content
    rule stands between them and an approved decision."""
    from django.contrib.auth.models import Permission

    user = demo[Role.RECORDS_MANAGER]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="decisions",
            codename__in=["change_decision", "change_paragraph"],
        )
    )
    return type(user).objects.get(pk=user.pk)  # a fresh object: no cached permissions


@pytest.mark.parametrize("who", ["superuser", "records_manager_who_may_change"])
def test_approved_decision_cannot_be_changed_in_the_admin(client, request, who, pcd_1620):
    user = request.getfixturevalue(who)
    # They hold the permissions, so only the frozen-content rule can refuse them.
    assert user.has_perm("decisions.change_decision")
    assert user.has_perm("decisions.change_paragraph")
    client.force_login(user)
    paragraph = Paragraph.objects.filter(section__decision=pcd_1620).first()
    # A complete, valid change: without the frozen-content rule it would be saved.
    valid = {"section": paragraph.section_id, "position": paragraph.position, "text": "Altered"}
    response = client.post(_url(Paragraph, "change", paragraph.pk), valid)
    assert response.status_code == 403
    response = client.post(
        _url(Decision, "change", pcd_1620.pk), {"title": "Changed behind everyone's back"}
    )
    assert response.status_code == 403
    pcd_1620.refresh_from_db()
    paragraph.refresh_from_db()
    assert pcd_1620.title.startswith("Children and Young Adult")
    assert paragraph.text != "Altered"


def test_drafts_are_changeable_by_superuser(client, superuser, officer):
    decision = draft_decision(user=officer)
    client.force_login(superuser)
    page = client.get(_url(Decision, "change", decision.pk))
    assert page.status_code == 200
    assert b'name="title"' in page.content


def test_part2_admin_needs_the_part2_permission(client, demo):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_decision"))
    client.force_login(staff)
    assert client.get("/admin/decisions/decision/").status_code == 200
    assert client.get("/admin/decisions/part2/").status_code == 403
    assert b"Part 2" not in client.get("/admin/").content


def test_admin_requires_login(client, demo):
    response = client.get("/admin/decisions/decision/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_records_manager_cannot_make_superusers_or_set_passwords(records_client, demo):
    records = demo[Role.RECORDS_MANAGER]
    dmpc = demo[Role.DMPC]
    page = records_client.get(_url(type(records), "change", records.pk)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    response = records_client.get(f"/admin/accounts/user/{dmpc.pk}/password/")
    assert response.status_code == 403
    response = records_client.post(
        f"/admin/accounts/user/{dmpc.pk}/password/",
        {"password1": "n3w-Passw0rd-x", "password2": "n3w-Passw0rd-x"},
    )
    assert response.status_code == 403
    dmpc.refresh_from_db()
    assert dmpc.check_password("dmpc-demo-2026")


@pytest.mark.parametrize("model", [SignOff, SignOffWording], ids=["signoff", "wording"])
def test_viewing_history_is_not_a_way_to_revert_a_record(records_client, pcd_1620, model):
    """simple-history saves a posted "revert" form for anyone who may view the history:
    a records manager must not rewrite a signature or a wording that way."""
    obj = model.objects.first()
    record = obj.history.first()
    before = model_to_dict(obj)
    data = {
        key: value
        for key, value in {**model_to_dict(obj), "statement": "Forged."}.items()
        if value is not None
    }
    assert records_client.get(_url(model, "history", obj.pk)).status_code == 200
    url = _url(model, "simple_history", obj.pk, record.history_id)
    assert records_client.post(url, data).status_code == 403
    obj.refresh_from_db()
    assert model_to_dict(obj) == before


def test_back_office_is_branded_as_the_product(records_client):
    from django.test import Client

    pages = {
        "index": records_client.get("/admin/"),
        "list": records_client.get(_url(Decision, "changelist")),
        "sign-in": Client().get("/admin/login/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "<title>" in html and "Decision records — back office</title>" in html, name
        assert "Django administration" not in html and "Django site admin" not in html, name
    index = page_text(pages["index"])
    assert index.count("Decision records — back office") >= 2  # the header and the heading


# --- Words for people, not codes (issue 10) ---------------------------------------------

# What each stored action is called for the people reading the log.
ACTION_WORDS = {
    "create": "Created",
    "submit": "Submitted",
    "clear": "Cleared",
    "return": "Returned",
    "withdraw": "Withdrawn",
    "comment": "Commented",
}


@pytest.fixture
def back_office_records_manager(db):
    return UserFactory(role=Role.RECORDS_MANAGER, is_staff=True, first_name="Rory")


def _cells(response, column: str) -> list[str]:
    """The text of a change list's cells in one list_display column."""
    html = response.content.decode()
    return [
        page_text(cell)
        for cell in re.findall(rf'<td class="field-{column}[^"]*">(.*?)</td>', html, re.S)
    ]


def test_event_list_says_what_happened_in_words(client, back_office_records_manager, officer):
    from decisions.models import DecisionEvent
    from decisions.services.conversation import comment_add
    from tests.factories import cleared_decision, returned_decision, withdrawn_decision

    returned = returned_decision(user=officer, title="Sent back")
    cleared_decision(user=officer, title="Cleared one")
    withdrawn = withdrawn_decision(user=officer, title="Gone")
    comment_add(decision=returned, user=officer, text="Revised as asked.")
    client.force_login(back_office_records_manager)

    response = client.get(_url(DecisionEvent, "changelist"))
    assert response.status_code == 200
    actions = _cells(response, "action_label")
    stored = list(
        DecisionEvent.objects.order_by(*DecisionEvent._meta.ordering).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(ACTION_WORDS[code] for code in stored)
    # The filter offers the same words, each narrowing the list to its events.
    html = response.content.decode()
    for code in set(stored):
        assert f'<a href="?action={code}">{ACTION_WORDS[code]}</a>' in html, code
    assert not re.search(r'<a href="\?action=\w+">[a-z]', html)

    only_returns = client.get(_url(DecisionEvent, "changelist"), {"action": "return"})
    assert _cells(only_returns, "action_label") == ["Returned"]
    assert str(returned.reference_number) in page_text(only_returns)
    withdrawal = withdrawn.events.get(action="withdraw")
    page = page_text(client.get(_url(DecisionEvent, "change", withdrawal.pk)))
    assert "Action: Withdrawn" in page and "Withdrawn: Draft → Withdrawn" in page


def test_decision_names_people_and_hides_internal_fields(
    client, back_office_records_manager, officer, other_officer, superuser
):
    from decisions.services import decision_share

    decision = draft_decision(user=officer, title="Whose is it")
    decision_share(user=officer, decision=decision, colleague=other_officer)
    client.force_login(back_office_records_manager)

    listing = client.get(_url(Decision, "changelist"))
    assert _cells(listing, "drafted_by_name") == ["Violet Alvarez"]
    page = page_text(client.get(_url(Decision, "change", decision.pk)))
    assert "Drafted by: Violet Alvarez" in page
    assert "Shared with: Oscar Other" in page
    assert officer.username not in page and other_officer.username not in page
    assert "Version" not in page

    # Someone who may change the draft picks people by name and never sees the version.
    client.force_login(superuser)
    form = client.get(_url(Decision, "change", decision.pk)).content.decode()
    assert 'name="drafted_by"' in form and 'name="version"' not in form
    assert ">Oscar Other</option>" in form


def test_back_office_index_names_models_plainly_and_itself_once(
    client, back_office_records_manager
):
    client.force_login(back_office_records_manager)
    html = client.get("/admin/").content.decode()
    assert "<title>Decision records — back office</title>" in html
    text = page_text(html)
    assert "Sign-off wordings" in text and "Sign-offs" in text
    assert "Budget moves by financial year" in text
    assert "Sign off" not in text and "Budget movement years" not in text
    assert "Background tasks" in text and "Tasks Database Backend" not in text


def test_background_tasks_are_named_in_words(client, back_office_records_manager, officer):
    """The task list says what each task does, not its function's name."""
    from django_tasks_db.models import DBTaskResult

    from core.admin_tasks import TASK_WORDS
    from decisions.services import decision_submit
    from tests.factories import complete_draft

    decision_submit(user=officer, decision=complete_draft(user=officer))  # queues an email
    names = {
        path.rsplit(".", 1)[-1] for path in DBTaskResult.objects.values_list("task_path", flat=True)
    }
    assert "transition_email_send" in names
    client.force_login(back_office_records_manager)
    response = client.get(_url(DBTaskResult, "changelist"))
    assert response.status_code == 200
    assert _cells(response, "task_in_words") == ["Email about a workflow step"]
    assert "transition_email_send" not in page_text(response)
    # Every task the code defines has its words.
    from core.mail import email_send
    from decisions.notifications import transition_email_send
    from decisions.services.archive_queue import archive_import_run
    from transparency.tasks import checkpoint_after_approval

    tasks = (email_send, transition_email_send, archive_import_run, checkpoint_after_approval)
    assert {task.name for task in tasks} == set(TASK_WORDS)


def test_money_and_financial_years_in_back_office_lists_read_as_on_the_site(records_client):
    """Pounds with commas and years as 2024/25, as every other page writes them: not a
    column "Amount pence" of 1540000000 or a year 2024."""
    from funding.models import Allocation, BudgetLine

    def pounds(pence: int) -> str:
        assert pence % 100 == 0, pence  # the demo's money is in whole pounds
        return f"£{pence // 100:,}"

    response = records_client.get(_url(BudgetLine, "changelist"))
    lines = BudgetLine.objects.all()
    assert lines
    assert sorted(_cells(response, "amount_pence_as_money")) == sorted(
        pounds(line.amount_pence) for line in lines
    )
    assert "Amount pence" not in page_text(response)

    response = records_client.get(_url(Allocation, "changelist"))
    allocations = Allocation.objects.all()
    assert allocations
    assert sorted(_cells(response, "financial_year_as_written")) == sorted(
        f"{a.financial_year}/{(a.financial_year + 1) % 100:02d}" for a in allocations
    )
    assert sorted(_cells(response, "amount_pence_as_money")) == sorted(
        pounds(a.amount_pence) for a in allocations
    )
