"""The one authorisation policy (decisions/policy.py), its tables written out here
from DESIGN.md, and the rules that hang on it: what the pages offer is what the
services accept; decisions never imports funding or transparency; each workflow step is whole."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.roles import Role
from decisions import policy
from decisions.selectors import decisions_for_home
from decisions.services import (
    decision_clear,
    decision_reject,
    decision_sign,
    decision_submit,
    decision_withdraw,
)
from decisions.services.workflow import decision_approve
from decisions.workflow import TRANSITIONS, State
from tests.factories import UserFactory, complete_draft
from tests.helpers import signing_data

ROLES = {
    "drafter": [Role.OFFICER],
    "co_drafter": [Role.OFFICER],
    "other_officer": [Role.OFFICER],
    "head": [Role.HEAD_OF_SERVICE],
    "ceo": [Role.CHIEF_EXECUTIVE],
    "dmpc": [Role.DMPC],
    "records": [Role.RECORDS_MANAGER],
    "nobody": [],
}
OFFICERS = {"drafter", "co_drafter"}
# DESIGN.md 1 and 6: officers see their own and shared decisions; reviewers what is
# with them and after; records managers everything.
SEES = {
    State.DRAFT: OFFICERS | {"records"},
    State.SUBMITTED: OFFICERS | {"records", "head"},
    State.CLEARED: OFFICERS | {"records", "head", "ceo"},
    State.AWAITING_APPROVAL: OFFICERS | {"records", "head", "ceo", "dmpc"},
    State.APPROVED: OFFICERS | {"records", "head", "ceo", "dmpc"},
    State.REJECTED: OFFICERS | {"records", "head", "ceo", "dmpc"},
    State.WITHDRAWN: OFFICERS | {"records"},
}
# A PCD: who may take which action in each state.
TAKES = {
    State.DRAFT: {"drafter": {"submit", "withdraw"}, "co_drafter": {"submit", "withdraw"}},
    State.SUBMITTED: {"head": {"clear", "return"}},
    State.CLEARED: {"ceo": {"sign", "return"}},
    State.AWAITING_APPROVAL: {"dmpc": {"approve", "reject", "return"}},
}


@pytest.fixture
def people(db):
    return {name: UserFactory(username=name, role=roles) for name, roles in ROLES.items()}


def pcd_in(state, people):
    decision = complete_draft(user=people["drafter"])
    decision.shared_with.add(people["co_drafter"])
    if state == State.WITHDRAWN:
        return decision_withdraw(user=people["drafter"], decision=decision, comment="Not needed.")
    steps = [
        (State.SUBMITTED, lambda d: decision_submit(user=people["drafter"], decision=d)),
        (State.CLEARED, lambda d: decision_clear(user=people["head"], decision=d)),
        (State.AWAITING_APPROVAL, lambda d: decision_sign(user=people["ceo"], decision=d)),
    ]
    for reached, step in steps:
        if decision.state == state:
            break
        decision = step(decision)
        assert decision.state == reached
    if state == State.APPROVED:
        decision = decision_approve(user=people["dmpc"], decision=decision)
    if state == State.REJECTED:
        decision = decision_reject(user=people["dmpc"], decision=decision, comment="No.")
    assert decision.state == state
    return decision


@pytest.mark.parametrize("state", list(State))
def test_who_sees_who_edits_and_who_acts_in_each_state(people, state):
    decision = pcd_in(state, people)
    for name, user in people.items():
        assert policy.can_see(user, decision) == (name in SEES[state]), name
        assert policy.can_edit(user, decision) == (state == State.DRAFT and name in OFFICERS), name
        assert set(policy.actions_for(user, decision)) == TAKES.get(state, {}).get(name, set()), (
            name
        )


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.AWAITING_APPROVAL])
def test_the_review_page_answers_as_the_policy_says(client, people, state):
    decision = pcd_in(state, people)
    for name, user in people.items():
        client.force_login(user)
        status = client.get(reverse("drafting:review", kwargs={"pk": decision.pk})).status_code
        assert status == (200 if name in SEES[state] else 404), name


def test_one_person_takes_one_review_step_and_is_not_offered_another(client, people):
    both = UserFactory(role=[Role.HEAD_OF_SERVICE, Role.CHIEF_EXECUTIVE])
    decision = complete_draft(user=people["drafter"])
    decision = decision_submit(user=people["drafter"], decision=decision)
    decision = decision_clear(user=both, decision=decision)
    assert "sign" not in policy.actions_for(both, decision)
    assert policy.actions_for(people["ceo"], decision) == ["sign", "return"]
    client.force_login(both)
    page = client.get(reverse("drafting:review", kwargs={"pk": decision.pk}))
    assert page.status_code == 200
    assert b'id="action-sign"' not in page.content
    assert decision not in decisions_for_home(both).waiting_for_me
    refused = client.post(reverse("drafting:act", kwargs={"pk": decision.pk, "action": "sign"}))
    assert refused.status_code == 403


def test_co_drafters_never_wait_to_review_their_own_decision(people):
    reviewer_co_drafter = UserFactory(role=[Role.OFFICER, Role.HEAD_OF_SERVICE])
    decision = complete_draft(user=people["drafter"])
    decision.shared_with.add(reviewer_co_drafter)
    decision = decision_submit(user=people["drafter"], decision=decision)
    assert decision not in decisions_for_home(reviewer_co_drafter).waiting_for_me
    assert decision in decisions_for_home(reviewer_co_drafter).with_others
    assert decision in decisions_for_home(people["head"]).waiting_for_me


@pytest.mark.parametrize("state", [State.DRAFT, State.APPROVED])
def test_who_records_commitments(people, state):
    decision = pcd_in(state, people)
    allowed = {"drafter", "co_drafter", "records"}
    for name, user in people.items():
        assert policy.can_record_commitment(user, decision) == (name in allowed), name


def test_anonymous_users_may_do_nothing(people):
    from django.contrib.auth.models import AnonymousUser

    decision = pcd_in(State.APPROVED, people)
    anonymous = AnonymousUser()
    assert not policy.can_see(anonymous, decision)
    assert not policy.can_edit(anonymous, decision)
    assert not policy.can_record_commitment(anonymous, decision)
    assert not policy.can_view_part2(anonymous)
    assert policy.actions_for(anonymous, decision) == []


def test_every_workflow_step_is_whole():
    for action, transition in TRANSITIONS.items():
        assert transition.action == action
        assert transition.label and transition.past_participle and transition.success_message
        assert import_string(transition.form)
        assert transition.after_url(SimpleNamespace(pk=1, reference="PCD 1", title="T"))
        assert transition.notify in ("", "next", "officers")
        assert transition.confirms in ("", "head_of_service", "sign_off")
        assert transition.button in ("", "secondary", "warning")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):  # every import, at module level or inside a function
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_decisions_never_imports_funding_or_transparency():
    # Both build on decisions and plug in through decisions/extensions.py.
    above = ("funding", "transparency")
    root = Path(__file__).resolve().parent.parent / "decisions"
    offenders = {
        str(path.relative_to(root.parent)): sorted(
            name
            for name in _imported_modules(path)
            if name in above or name.startswith(tuple(f"{app}." for app in above))
        )
        for path in root.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_pages_offer_only_what_the_policy_allows(client, people):
    decision = pcd_in(State.APPROVED, people)
    home = {}
    for name in ("drafter", "head", "records"):
        client.force_login(people[name])
        home[name] = client.get(reverse("drafting:home")).content.decode()
        history = client.get(reverse("drafting:history", kwargs={"pk": decision.pk}))
        assert ("Withdraw from publication" in history.content.decode()) == (name == "records")
    assert "Start a new decision" in home["drafter"] and "Waiting for me" not in home["drafter"]
    assert "Waiting for me" in home["head"] and "Start a new decision" not in home["head"]
    assert "Start a new decision" not in home["records"]


def test_step_labels_name_the_approver_from_the_decision_type(client, people):
    from decisions.models import DecisionType

    decision = pcd_in(State.CLEARED, people)
    DecisionType.objects.filter(code="PCD").update(approver_title="Policing Board")
    client.force_login(people["ceo"])
    page = client.get(reverse("drafting:review", kwargs={"pk": decision.pk})).content.decode()
    assert "Sign and send to the Policing Board" in page
    url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "sign"})
    data = {"confirm": "on", "password": "correct horse battery staple"}
    done = client.post(url, signing_data(people["ceo"], data))
    assert done.status_code == 302
    assert "Signed and sent to the Policing Board." in client.get(done.url).content.decode()


def test_signers_open_the_draft_pdf_of_what_they_sign(client, people):
    decision = pcd_in(State.AWAITING_APPROVAL, people)
    url = reverse("drafting:preview_pdf", kwargs={"pk": decision.pk})
    for name, user in people.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == (200 if name in SEES[State.AWAITING_APPROVAL] else 404)
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF-")
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
