"""Review and sign-off pages, refusals as 403/409, the history page and digest check."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from decisions.models import DecisionEvent
from decisions.services import decision_clear, decision_sign, decision_submit
from tests.factories import UserFactory, complete_draft
from tests.helpers import page_text, signing_data

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(db):
    return {
        "officer": UserFactory(role=Role.OFFICER, email="o@example.org"),
        "head": UserFactory(role=Role.HEAD_OF_SERVICE),
        "ceo": UserFactory(role=Role.CHIEF_EXECUTIVE, job_title="Chief Executive Officer"),
        "dmpc": UserFactory(role=Role.DMPC, job_title="Deputy Mayor for Policing and Crime"),
    }


@pytest.fixture
def awaiting(people):
    decision = complete_draft(user=people["officer"])
    decision = decision_submit(user=people["officer"], decision=decision)
    decision = decision_clear(user=people["head"], decision=decision)
    return decision_sign(user=people["ceo"], decision=decision)


def url(name, decision, **kwargs):
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk, **kwargs})


def test_sign_off_page_shows_everything_the_dmpc_signs(client, people, awaiting):
    client.force_login(people["dmpc"])
    text = page_text(client.get(url("review", awaiting)))
    assert "The decision as it will be published" in text
    assert "1.1. Text 1." in text
    assert "I confirm I have considered whether or not I have any personal" in text
    assert "Your password" in text and "Approve" in text and "Reject" in text


def test_approving_needs_the_password_again(client, people, awaiting):
    client.force_login(people["dmpc"])
    data = {"has_interests": "no", "password": "wrong-Secret-42", "comment": ""}
    response = client.post(
        url("act", awaiting, action="approve"), signing_data(people["dmpc"], data)
    )
    assert response.status_code == 200
    assert "The password is not correct." in page_text(response)
    assert "wrong-Secret-42" not in response.content.decode()  # never sent back
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_approval"
    response = client.post(
        url("act", awaiting, action="approve"),
        signing_data(
            people["dmpc"], {"has_interests": "yes", "interests": "", "password": PASSWORD}
        ),
    )
    assert "Enter the interests to record" in page_text(response)
    response = client.post(
        url("act", awaiting, action="approve"),
        signing_data(
            people["dmpc"],
            {
                "has_interests": "yes",
                "interests": "Trustee of a youth charity",
                "password": PASSWORD,
            },
        ),
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.state == "approved"
    assert awaiting.sign_offs.get(role="dmpc").interests == "Trustee of a youth charity"


def test_wrong_role_is_403_and_wrong_moment_is_409(client, people, awaiting):
    client.force_login(people["head"])
    response = client.post(
        url("act", awaiting, action="approve"), {"password": PASSWORD, "has_interests": "no"}
    )
    assert response.status_code == 403
    assert "Only the DMPC can do this." in page_text(response)
    client.force_login(people["ceo"])
    response = client.post(url("act", awaiting, action="return"), {"comment": "No"})
    assert response.status_code == 403  # returning is the DMPC's at this step
    response = client.post(
        url("act", awaiting, action="sign"), {"confirm": "on", "password": PASSWORD}
    )
    assert response.status_code == 409  # already signed: the decision has moved on
    assert "cannot be signed now" in page_text(response)
    client.force_login(people["officer"])
    response = client.post(url("act", awaiting, action="submit"), {})
    assert response.status_code == 409
    assert DecisionEvent.objects.filter(decision=awaiting, action="return").count() == 0


def test_drafter_holding_a_reviewer_role_is_refused_with_403(client, people):
    both = UserFactory(role=[Role.OFFICER, Role.HEAD_OF_SERVICE])
    decision = complete_draft(user=both)
    decision = decision_submit(user=both, decision=decision)
    client.force_login(both)
    response = client.post(url("act", decision, action="clear"), {"confirm": "on"})
    assert response.status_code == 403
    assert "You cannot review, sign or approve a decision you drafted." in page_text(response)


def test_return_needs_a_comment_on_the_page(client, people, awaiting):
    client.force_login(people["dmpc"])
    response = client.post(url("act", awaiting, action="return"), {"comment": ""})
    assert response.status_code == 200
    assert "Enter what the officer needs to change." in page_text(response)


def test_reviewers_see_only_what_reached_them(client, people):
    decision = complete_draft(user=people["officer"])
    client.force_login(people["head"])
    assert client.get(url("review", decision)).status_code == 404
    decision = decision_submit(user=people["officer"], decision=decision)
    assert client.get(url("review", decision)).status_code == 200
    client.force_login(people["dmpc"])
    assert client.get(url("review", decision)).status_code == 404


def test_officer_submits_from_the_task_list(client, people):
    decision = complete_draft(user=people["officer"])
    client.force_login(people["officer"])
    text = page_text(client.get(url("overview", decision)))
    assert "Everything the form needs is complete" in text and "Submit" in text
    response = client.post(url("act", decision, action="submit"), {"comment": ""})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == "submitted" and decision.reference


# Who may take each action from each state (DESIGN.md section 3), written out rather
# than read from the workflow table under test. A PCD is signed by the Chief Executive
# and approved by the DMPC; a CEOD is approved by the Chief Executive, unsigned.
_BEFORE_THE_APPROVER = {
    ("draft", "submit"): "officer",
    ("draft", "withdraw"): "officer",
    ("submitted", "clear"): "head",
    ("submitted", "return"): "head",
}
EXPECTED_ACTOR = {
    "PCD": {
        **_BEFORE_THE_APPROVER,
        ("cleared", "sign"): "ceo",
        ("cleared", "return"): "ceo",
        ("awaiting_approval", "approve"): "dmpc",
        ("awaiting_approval", "reject"): "dmpc",
        ("awaiting_approval", "return"): "dmpc",
    },
    "CEOD": {
        **_BEFORE_THE_APPROVER,
        ("cleared", "approve"): "ceo",
        ("cleared", "reject"): "ceo",
        ("cleared", "return"): "ceo",
    },
}
ACTIONS = ["submit", "clear", "sign", "approve", "reject", "return", "withdraw"]
# How each state is reached, and by whom each step is taken.
PATH_TO = {
    "PCD": {"draft": [], "submitted": ["submit"], "cleared": ["submit", "clear"],
            "awaiting_approval": ["submit", "clear", "sign"],
            "approved": ["submit", "clear", "sign", "approve"]},
    "CEOD": {"draft": [], "submitted": ["submit"], "cleared": ["submit", "clear"],
             "approved": ["submit", "clear", "approve"]},
}  # fmt: skip
STEP_TAKER = {
    "PCD": {"submit": "officer", "clear": "head", "sign": "ceo", "approve": "dmpc"},
    "CEOD": {"submit": "officer", "clear": "head", "approve": "ceo"},
}


def test_every_workflow_action_is_tried_through_the_views():
    from decisions.workflow import TRANSITIONS

    assert set(TRANSITIONS) == set(ACTIONS)


@pytest.mark.parametrize(
    ("type_code", "state"),
    [(type_code, state) for type_code, paths in PATH_TO.items() for state in paths],
)
def test_every_action_through_the_views_answers_302_403_409_or_404(
    client, people, type_code, state
):
    """Through HTTP: the expected actor's action redirects to a page they may open and
    writes one event; anyone
    else gets 403 (or 404 if the decision is not theirs to see); an action the state
    does not allow gets 409 (or 404). Refusals write nothing."""
    from decisions.services import ACTION_SERVICES

    data = {"comment": "Because.", "confirm": "on", "has_interests": "no", "password": PASSWORD}
    decision = None
    for action in ACTIONS:
        if decision is None:  # a fresh decision once the last one has moved on
            decision = complete_draft(
                user=people["officer"], type_code=type_code, title=f"{state} {action}"
            )
            for step in PATH_TO[type_code][state]:
                ACTION_SERVICES[step](user=people[STEP_TAKER[type_code][step]], decision=decision)
            decision.refresh_from_db()
            assert decision.state == state
        expected = EXPECTED_ACTOR[type_code].get((state, action))
        for name in ("officer", "head", "ceo", "dmpc"):
            events = DecisionEvent.objects.filter(decision=decision).count()
            client.force_login(people[name])
            response = client.post(
                url("act", decision, action=action), signing_data(people[name], data)
            )
            if name == expected:
                assert response.status_code == 302, (state, action, name)
                # Where the step sends its actor opens for them (no dead end).
                assert client.get(response.url).status_code == 200, (action, response.url)
                assert DecisionEvent.objects.filter(decision=decision).count() == events + 1
                assert DecisionEvent.objects.filter(decision=decision).latest("pk").action == (
                    action
                )
                decision = None
                break
            if expected is None:  # not allowed from this state, whoever asks
                assert response.status_code in (404, 409), (state, action, name)
            else:
                assert response.status_code in (403, 404), (state, action, name)
            assert DecisionEvent.objects.filter(decision=decision).count() == events
        else:
            assert expected is None, (state, action)  # the expected actor was tried


def test_the_chief_executive_signs_with_their_password(client, people):
    decision = complete_draft(user=people["officer"])
    decision = decision_submit(user=people["officer"], decision=decision)
    decision = decision_clear(user=people["head"], decision=decision)
    client.force_login(people["ceo"])
    response = client.post(url("act", decision, action="sign"), {"confirm": "on"})
    assert response.status_code == 200
    assert "Enter your password to sign" in page_text(response)
    decision.refresh_from_db()
    assert decision.state == "cleared"


def test_wrong_signing_passwords_are_throttled(client, people, awaiting):
    from django.core.cache import cache

    cache.clear()
    client.force_login(people["dmpc"])
    for _ in range(5):
        client.post(url("act", awaiting, action="approve"),
                    {"has_interests": "no", "password": "guess"})  # fmt: skip
    response = client.post(
        url("act", awaiting, action="approve"), {"has_interests": "no", "password": PASSWORD}
    )
    assert "Too many wrong passwords" in page_text(response)
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_approval"
    cache.clear()


def test_one_person_takes_one_review_step(client, people):
    everyone = UserFactory(role=[Role.HEAD_OF_SERVICE, Role.CHIEF_EXECUTIVE, Role.DMPC])
    decision = complete_draft(user=people["officer"])
    decision = decision_submit(user=people["officer"], decision=decision)
    client.force_login(everyone)
    assert client.post(url("act", decision, action="clear"), {"confirm": "on"}).status_code == 302
    response = client.post(
        url("act", decision, action="sign"), {"confirm": "on", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "clearing, signing and approving need different people" in page_text(response)
    decision.refresh_from_db()
    assert decision.state == "cleared"


def test_movement_ids_from_another_decision_are_not_found(client, people, pcd_1406):
    from decisions.services import decision_link_create
    from funding.models import BudgetMovement
    from funding.services import budget_movement_propose

    theirs = complete_draft(user=people["officer"], title="Theirs")
    decision_link_create(user=people["officer"], decision=theirs, target_reference="PCD 1406",
                         kind="amends")  # fmt: skip
    source = pcd_1406.budget_envelope.lines.get(route="open_procurement")
    movement = budget_movement_propose(
        user=people["officer"], decision=theirs, source_line=source, amount_pence=100,
        route="grant", over_commitment_reason="ok",
    )  # fmt: skip
    intruder = UserFactory(role=Role.OFFICER)
    mine = complete_draft(user=intruder, title="Mine")
    client.force_login(intruder)
    for version in range(1, 40):
        response = client.post(
            reverse("drafting:budget", kwargs={"pk": mine.pk}),
            {"form": "remove-movement", "movement": movement.pk, "version": version},
        )
        assert response.status_code == 404
    for bad in ({"movement": "abc", "version": "1"}, {"movement": "1", "version": "abc"}):
        response = client.post(
            reverse("drafting:budget", kwargs={"pk": mine.pk}), {"form": "remove-movement", **bad}
        )
        assert response.status_code == 404
    assert BudgetMovement.objects.filter(pk=movement.pk).exists()


# --- Confirmation pages for the final, destructive steps ------------------------------


def test_withdraw_is_on_its_own_page_with_a_required_reason(client, people):
    decision = complete_draft(user=people["officer"])
    client.force_login(people["officer"])
    overview = client.get(url("overview", decision)).content.decode()
    # The task list links to the confirmation page; it has no one-click withdraw form.
    assert url("confirm", decision, action="withdraw") in overview
    assert url("act", decision, action="withdraw") not in overview
    page = page_text(client.get(url("confirm", decision, action="withdraw")))
    assert "Withdraw the draft?" in page and "This cannot be undone." in page
    assert "Why are you withdrawing this draft?" in page
    for blank in ({}, {"comment": "   "}):
        response = client.post(url("confirm", decision, action="withdraw"), blank)
        assert response.status_code == 200
        assert "Enter the reason for withdrawing this draft." in page_text(response)
    decision.refresh_from_db()
    assert decision.state == "draft"
    assert not decision.events.filter(action="withdraw").exists()
    response = client.post(
        url("confirm", decision, action="withdraw"), {"comment": "Merged into PCD 1700."}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == "withdrawn"
    assert decision.events.get(action="withdraw").comment == "Merged into PCD 1700."


def test_reject_is_on_its_own_page_and_keeps_the_typed_text(client, people, awaiting):
    client.force_login(people["dmpc"])
    review = client.get(url("review", awaiting)).content.decode()
    assert url("confirm", awaiting, action="reject") in review
    assert url("act", awaiting, action="reject") not in review
    page = page_text(client.get(url("confirm", awaiting, action="reject")))
    assert "Reject the decision?" in page and "This cannot be undone." in page
    assert "return it to the officer instead" in page
    response = client.post(url("confirm", awaiting, action="reject"), {"comment": "  "})
    assert response.status_code == 200
    assert "Enter the reason for rejecting this decision." in page_text(response)
    # A reason too long for the record comes back beside the box, as typed.
    too_long = "The figures do not add up. " * 200
    response = client.post(url("confirm", awaiting, action="reject"), {"comment": too_long})
    assert response.status_code == 200
    text = page_text(response)
    assert "Your comment must be 5,000 characters or fewer." in text
    assert too_long.strip() in text
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_approval"
    response = client.post(
        url("confirm", awaiting, action="reject"), {"comment": "Not affordable this year."}
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.state == "rejected"
    assert awaiting.events.get(action="reject").comment == "Not affordable this year."


def test_confirmation_pages_answer_as_the_policy_says(client, people, awaiting):
    client.force_login(people["ceo"])  # the DMPC's step, not the Chief Executive's
    assert client.get(url("confirm", awaiting, action="reject")).status_code == 403
    client.force_login(people["dmpc"])
    assert client.get(url("confirm", awaiting, action="approve")).status_code == 404
    assert client.get(url("confirm", awaiting, action="withdraw")).status_code == 409
    assert client.get(url("confirm", awaiting, action="nonsense")).status_code == 404


def test_the_reason_is_required_by_the_service_too(people):
    from core.errors import DomainError
    from decisions.services import decision_withdraw

    decision = complete_draft(user=people["officer"])
    with pytest.raises(DomainError):
        decision_withdraw(user=people["officer"], decision=decision, comment="  ")
    decision.refresh_from_db()
    assert decision.state == "draft"


# --- The review page -------------------------------------------------------------------


def test_buttons_say_what_they_do(client, people):
    decision = complete_draft(user=people["officer"])
    decision = decision_submit(user=people["officer"], decision=decision)
    client.force_login(people["head"])
    assert "Clear and send to the Chief Executive" in page_text(client.get(url("review", decision)))
    response = client.post(url("act", decision, action="clear"), {"confirm": "on"})
    assert "Cleared and sent to the Chief Executive." in page_text(client.get(response.url))
    decision.refresh_from_db()
    client.force_login(people["ceo"])
    text = page_text(client.get(url("review", decision)))
    assert "Sign and send to the Deputy Mayor for Policing and Crime" in text
    assert "Return to the officer" in text


def test_review_page_starts_with_a_summary_and_a_way_to_the_action(client, people, awaiting):
    decision = awaiting
    client.force_login(people["dmpc"])
    response = client.get(url("review", decision))
    html = response.content.decode()
    text = page_text(response)
    assert 'href="#your-decision"' in html and 'id="your-decision"' in html
    assert "Skip to your decision" in text
    for anchor in ("summary", "conversation", "the-decision"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    # The summary comes before the decision, which comes before the actions.
    order = [
        html.index(f'id="{anchor}"') for anchor in ("summary", "the-decision", "your-decision")
    ]
    assert order == sorted(order)
    summary = text[text.index("Summary Reference") : text.index("Conversation Notes and comments")]
    assert decision.reference in summary and decision.title in summary
    head = people["head"].display_name
    assert f"Director/Head of Service {head}," in summary
    assert f"Drafting Officer {people['officer'].display_name}," in summary
    assert "Draft PDF" in text


def test_review_summary_shows_value_and_budget_by_year(client, pcd_1620):
    """PCD 1620 moves £1.8m, allocated 2024/25 £450,000, 2025/26 £600,000, 2026/27
    £600,000 and 2027/28 £150,000 (DESIGN.md section 4)."""
    client.force_login(UserFactory(role=Role.DMPC))
    text = page_text(client.get(url("review", pcd_1620)))
    summary = text[text.index("Summary Reference") : text.index("Conversation Notes and comments")]
    assert "Value £1,800,000" in summary
    years = "2024/25 £450,000 2025/26 £600,000 2026/27 £600,000 2027/28 £150,000 Total £1,800,000"
    assert years in summary


def test_after_approval_the_page_says_so_and_links_to_the_public_record(client, people, awaiting):
    client.force_login(people["dmpc"])
    client.post(
        url("act", awaiting, action="approve"),
        signing_data(people["dmpc"], {"has_interests": "no", "password": PASSWORD}),
    )
    awaiting.refresh_from_db()
    response = client.get(url("review", awaiting))
    text, html = page_text(response), response.content.decode()
    assert "Approved and published" in text
    assert "as it will be published" not in text and "Draft PDF" not in text
    assert f'href="/decisions/{awaiting.slug}/"' in html
    assert f'href="/decisions/{awaiting.slug}/pdf/"' in html
    assert client.get(f"/decisions/{awaiting.slug}/pdf/").status_code == 200


def test_a_deferred_approval_says_when_it_will_be_published(client, people):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import Reviewers, approved_decision, deferred_decision

    until = timezone.localdate() + dt.timedelta(days=40)
    decision = deferred_decision(user=people["officer"], until=until)
    reviewers = Reviewers(head=people["head"], chief_executive=people["ceo"], dmpc=people["dmpc"])
    decision = approved_decision(user=people["officer"], decision=decision, reviewers=reviewers)
    client.force_login(people["dmpc"])
    text = page_text(client.get(url("review", decision)))
    assert f"Publication is deferred until {until.day} {until:%B %Y}" in text
    assert "View the published decision" not in text and "Draft PDF" not in text


def test_rejected_and_withdrawn_pages_say_so(client, people):
    from tests.factories import Reviewers, rejected_decision, withdrawn_decision

    reviewers = Reviewers(head=people["head"], chief_executive=people["ceo"], dmpc=people["dmpc"])
    rejected = rejected_decision(user=people["officer"], reviewers=reviewers)
    client.force_login(people["dmpc"])
    text = page_text(client.get(url("review", rejected)))
    assert f"Rejected by {people['dmpc'].display_name} on" in text
    assert "The decision as rejected" in text and "as it will be published" not in text
    withdrawn = withdrawn_decision(user=people["officer"])
    client.force_login(people["officer"])
    text = page_text(client.get(url("review", withdrawn)))
    assert f"Withdrawn by {people['officer'].display_name} on" in text


def test_the_part2_summary_is_shown_only_with_the_part2_permission(client, people):
    from django.contrib.auth.models import Group, Permission

    from decisions.services import part2_save

    decision = complete_draft(user=people["officer"], title="With a confidential annex")
    part2_save(
        user=people["officer"], decision=decision, content="Bidder prices", legal_rationale="s.43"
    )
    decision = decision_submit(user=people["officer"], decision=decision)
    client.force_login(people["head"])
    assert "Bidder prices" in page_text(client.get(url("review", decision)))
    # The role without the Part 2 permission (roles are data): the review page, not Part 2.
    permission = Permission.objects.get(codename="view_part2", content_type__app_label="decisions")
    Group.objects.get(name=Role.HEAD_OF_SERVICE.label).permissions.remove(permission)
    response = client.get(url("review", decision))
    assert response.status_code == 200
    assert "Bidder prices" not in page_text(response)
