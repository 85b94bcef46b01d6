"""The work area's home pages: an officer's decisions grouped by where they are, the
reviewers' "Waiting for me" and "Recently done by me", and the records manager's work
(also on the back office index)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from decisions.models import DecisionType
from decisions.selectors import decisions_for_home
from tests.factories import (
    UserFactory,
    approved_decision,
    awaiting_approval_decision,
    cleared_decision,
    deferred_decision,
    draft_decision,
    publication_withdrawn_decision,
    rejected_decision,
    returned_decision,
    submitted_decision,
    withdrawn_decision,
)
from tests.helpers import page_text

HOME = "/work/"


def uk_date(moment: dt.date | dt.datetime) -> str:
    """1 March 2024: the date people write, in London."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return f"{moment.day} {moment:%B %Y}"


def titles_by_heading(groups) -> dict[str, list[str]]:
    return {
        group.heading: sorted(row.title for row in group.rows) for group in groups if group.rows
    }


def section(text: str, heading: str, following: str | None) -> str:
    """The page text from a group's heading (its last mention: the first is the
    page's contents list) to the next group's."""
    start = text.rindex(heading)
    return text[start : text.index(following, start) if following else None]


@pytest.fixture
def every_stage(officer, reviewers, records_manager):
    """One decision of the officer's in every place a decision can be."""
    in_ten_days = timezone.localdate() + dt.timedelta(days=10)
    made = {
        "drafting": draft_decision(user=officer, title="Still drafting"),
        "returned": returned_decision(
            user=officer,
            reviewers=reviewers,
            title="Sent back",
            comment="Add the equality impact assessment to section 8.",
        ),
        "submitted": submitted_decision(user=officer, title="With the head"),
        "cleared": cleared_decision(user=officer, reviewers=reviewers, title="With the CE"),
        "cleared_ceod": cleared_decision(
            user=officer, reviewers=reviewers, type_code="CEOD", title="A CEOD to approve"
        ),
        "awaiting": awaiting_approval_decision(
            user=officer, reviewers=reviewers, title="With the deputy mayor"
        ),
        "published": approved_decision(user=officer, reviewers=reviewers, title="Out in public"),
        "deferred": approved_decision(
            user=officer,
            reviewers=reviewers,
            decision=deferred_decision(user=officer, until=in_ten_days, title="Held back"),
        ),
        "withdrawn": withdrawn_decision(user=officer, title="Dropped", comment="Superseded."),
        "rejected": rejected_decision(
            user=officer, reviewers=reviewers, title="Turned down", comment="Not this year."
        ),
        "taken_down": publication_withdrawn_decision(
            user=officer,
            records_manager=records_manager,
            reviewers=reviewers,
            title="Taken down",
            reason="Published in error.",
        ),
    }
    for decision in made.values():
        decision.refresh_from_db()
    return made


def test_officer_home_groups_every_decision_by_where_it_is(every_stage, officer, reviewers):
    pcd = DecisionType.objects.get(code="PCD")
    assert titles_by_heading(decisions_for_home(officer).officer_groups) == {
        "Drafting": ["Still drafting"],
        "Returned to you": ["Sent back"],
        "With the Head of Service": ["With the head"],
        # A CEOD awaiting its approval is with the Chief Executive, not "the DMPC".
        "With the Chief Executive": ["A CEOD to approve", "With the CE"],
        f"Awaiting approval by the {pcd.approver_title}": ["With the deputy mayor"],
        "Approved, publication deferred": ["Held back"],
        "Published": ["Out in public"],
        "Withdrawn or rejected": ["Dropped", "Taken down", "Turned down"],
    }

    # The Deputy Mayor's "Recently done by me" says where each decision they acted on is now.
    done = {
        row.title: (row.when_label, row.detail)
        for row in decisions_for_home(reviewers.dmpc).done_by_me.rows
    }
    until = uk_date(every_stage["deferred"].deferred_until)
    assert done == {
        "Out in public": ("Approved", "Now published"),
        "Held back": ("Approved", f"Now approved, to be published on {until}"),
        "Taken down": ("Approved", "Now taken off the public site"),
        "Turned down": ("Rejected", "Now rejected"),
    }


def test_each_row_says_since_when_who_has_it_and_links_to_it(
    client, every_stage, officer, reviewers
):
    client.force_login(officer)
    response = client.get(HOME)
    text = page_text(response)
    pcd = DecisionType.objects.get(code="PCD")
    submitted, awaiting = every_stage["submitted"], every_stage["awaiting"]

    with_head = section(text, "With the Head of Service (1)", "With the Chief Executive (2)")
    assert submitted.reference in with_head
    submit = submitted.events.get(action="submit")
    # The one Head of Service by name, with the role's title.
    assert f"Submitted {uk_date(submit.created_at)}" in with_head
    assert f"With {reviewers.head.display_name} (Head of Service)" in with_head

    awaiting_text = section(text, f"Awaiting approval by the {pcd.approver_title} (1)", "Approved")
    assert f"With {reviewers.dmpc.display_name} ({pcd.approver_title})" in awaiting_text
    signed = awaiting.events.get(action="sign")
    assert f"Sent for approval {uk_date(signed.created_at)}" in awaiting_text

    returned = section(text, "Returned to you (1)", "With the Head of Service (1)")
    assert f"{reviewers.head.display_name} (Head of Service): " in returned
    assert "“Add the equality impact assessment to section 8.”" in returned

    drafting = section(text, "Drafting (1)", "Returned to you (1)")
    assert "No reference yet" in drafting and "Drafted by you" in drafting

    deferred = every_stage["deferred"]
    held = section(text, "Approved, publication deferred (1)", "Published (1)")
    assert f"Publishes on {uk_date(deferred.deferred_until)}" in held
    published = every_stage["published"]
    out = section(text, "Published (1)", "Withdrawn or rejected (3)")
    assert f"Published {uk_date(published.approved_at)}" in out

    ended = section(text, "Withdrawn or rejected (3)", None)
    assert "Withdrawn by you" in ended and "“Superseded.”" in ended
    assert f"Rejected by {reviewers.dmpc.display_name}" in ended and "“Not this year.”" in ended
    assert "Taken off the public site" in ended and "“Published in error.”" in ended
    # No raw states, no ISO dates, no empty-group sentences that are not true.
    for raw in (
        "awaiting_approval",
        "Dmpc",
        "None of your decisions",
        str(timezone.now().year) + "-",
    ):
        assert raw not in text, raw

    # Drafts open on their task list, the others on the decision; published ones also
    # link to their public page.
    page = response.content.decode()

    def links_of(decision) -> set[str]:
        return {
            href
            for href, _ in re.findall(r'href="([^"]+)"[^>]*>([^<]*)', page)
            if f"/{decision.pk}/" in href or href == decision_public(decision)
        }

    def decision_public(decision) -> str:
        return f"/decisions/{decision.decision_type.code.lower()}-{decision.reference_number}/"

    for key in ("drafting", "returned"):
        assert links_of(every_stage[key]) == {f"/work/decisions/{every_stage[key].pk}/"}, key
    for key in ("submitted", "awaiting", "deferred", "taken_down", "rejected"):
        decision = every_stage[key]
        # Not public (yet, or any more): its internal page only.
        assert links_of(decision) == {f"/work/decisions/{decision.pk}/review/"}, key
    published = every_stage["published"]
    assert links_of(published) == {
        f"/work/decisions/{published.pk}/review/",
        decision_public(published),
    }
    assert client.get(decision_public(published)).status_code == 200


def test_a_comment_after_the_return_leaves_it_returned(officer, reviewers):
    """Only moves between states place a decision: a later event that leaves it where
    it is (an internal comment) does not make a returned draft an ordinary one."""
    from decisions.services import event_record

    decision = returned_decision(user=officer, reviewers=reviewers, title="Sent back")
    event_record(
        decision=decision,
        user=officer,
        action="comment",
        from_state="draft",
        to_state="draft",
        comment="On it.",
    )
    groups = titles_by_heading(decisions_for_home(officer).officer_groups)
    assert groups == {"Returned to you": ["Sent back"]}


def test_who_has_it_is_the_roles_title_when_several_people_hold_it(client, officer):
    UserFactory.create_batch(2, role=Role.HEAD_OF_SERVICE)
    submitted_decision(user=officer, title="With the heads")
    client.force_login(officer)
    text = section(page_text(client.get(HOME)), "With the Head of Service (1)", None)
    assert "With Head of Service" in text


def test_the_co_drafting_head_of_service_is_not_who_has_it(client, officer):
    """A Head of Service who co-drafts it may not clear it: the other one has it."""
    co_drafter = UserFactory(role=[Role.OFFICER, Role.HEAD_OF_SERVICE], first_name="Cora")
    head = UserFactory(role=Role.HEAD_OF_SERVICE, first_name="Hana")
    decision = draft_decision(user=officer, title="Shared")
    decision.shared_with.add(co_drafter)
    submitted_decision(user=officer, decision=decision)
    client.force_login(co_drafter)
    text = section(page_text(client.get(HOME)), "With the Head of Service (1)", None)
    assert f"With {head.display_name} (Head of Service)" in text
    assert "Drafted" not in text and co_drafter.display_name not in text


def test_an_officer_with_no_decisions_is_told_so_plainly(client, officer):
    client.force_login(officer)
    text = page_text(client.get(HOME))
    assert "You have no decisions yet." in text
    for heading in ("Drafting (", "Returned to you", "With the Head of Service"):
        assert heading not in text


def _home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_the_officer_home_reads_a_fixed_number_of_queries(client, officer, reviewers):
    colleague = UserFactory(role=Role.OFFICER)

    def some(n: int) -> None:
        for i in range(n):
            draft_decision(user=officer, title=f"Draft {i}")
            shared = draft_decision(user=colleague, title=f"Shared {i}")
            shared.shared_with.add(officer)
            cleared_decision(user=officer, reviewers=reviewers, title=f"Cleared {i}")

    some(1)
    with_three = _home_queries(client, officer)
    some(2)
    assert _home_queries(client, officer) == with_three  # nine decisions, not three


def test_reviewers_see_what_waits_and_what_they_did(client, officer, reviewers):
    returned = returned_decision(user=officer, reviewers=reviewers, title="Sent back")
    cleared = cleared_decision(user=officer, reviewers=reviewers, title="Cleared one")
    waiting = submitted_decision(user=officer, title="Waiting one")
    client.force_login(reviewers.head)
    response = client.get(HOME)
    text = page_text(response)

    mine = section(text, "Waiting for me (1)", "Recently done by me")
    submit = waiting.events.get(action="submit")
    assert "Waiting one" in mine and f"Since {uk_date(submit.created_at)}" in mine
    assert f"Sent by {officer.display_name} (Officer)" in mine

    done = section(text, "Recently done by me (2)", None)
    clear = cleared.events.get(action="clear")
    assert f"Cleared {uk_date(clear.created_at)} · Now with the Chief Executive" in done
    assert "Sent back" in done and "Now back with the officer" in done
    page = response.content.decode()
    assert f'href="/work/decisions/{cleared.pk}/review/"' in page
    # Back with its officer: no longer the head's to open.
    assert f"/work/decisions/{returned.pk}/" not in page
    assert "Start a new decision" not in text and "Your decisions" not in text


def test_a_decision_back_with_the_reviewer_is_listed_once(client, officer, reviewers):
    """Cleared, returned by the Chief Executive, resubmitted: it waits for the head
    again, and is not also among what the head did (nor twice there)."""
    from decisions.services import decision_clear, decision_return, decision_submit

    decision = cleared_decision(user=officer, reviewers=reviewers, title="Round again")
    decision = decision_return(user=reviewers.chief_executive, decision=decision, comment="No.")
    decision = decision_submit(user=officer, decision=decision)
    lists = decisions_for_home(reviewers.head)
    assert [row.title for row in lists.waiting.rows] == ["Round again"]
    assert lists.done_by_me.rows == []
    decision = decision_clear(user=reviewers.head, decision=decision)
    lists = decisions_for_home(reviewers.head)
    assert lists.waiting.rows == []
    assert [row.title for row in lists.done_by_me.rows] == ["Round again"]


# --- The records manager ------------------------------------------------------------


@pytest.fixture
def records_work(demo, reviewers):
    """The demo's records, a deferred decision falling due, one due later, one taken
    down: what a records manager is asked to look at."""
    officer, records = demo[Role.OFFICER], demo[Role.RECORDS_MANAGER]
    today = timezone.localdate()
    soon = approved_decision(
        user=officer,
        reviewers=reviewers,
        decision=deferred_decision(user=officer, until=today + dt.timedelta(days=12), title="Soon"),
    )
    later = approved_decision(
        user=officer,
        reviewers=reviewers,
        decision=deferred_decision(
            user=officer, until=today + dt.timedelta(days=60), title="Later"
        ),
    )
    taken_down = publication_withdrawn_decision(
        user=officer,
        records_manager=records,
        reviewers=reviewers,
        title="Taken down",
        reason="Named a witness.",
    )
    return {"soon": soon, "later": later, "taken_down": taken_down}


def test_records_manager_home_and_back_office_list_their_work(
    client, demo, records_work, pcd_1406, pcd_1620
):
    from funding.models import BudgetLine

    # The demo's PCD 1406 line has the Alliance contract; PCD 1620's line has nothing.
    assert BudgetLine.objects.get(set_by=pcd_1406).commitments.exists()
    assert not BudgetLine.objects.get(set_by=pcd_1620).commitments.exists()

    client.force_login(demo[Role.RECORDS_MANAGER])
    text = page_text(client.get(HOME))
    soon = records_work["soon"]
    due = section(text, "Deferred decisions falling due (1)", "Recently published")
    assert f"{soon.reference}" in due
    assert f"Publishes on {uk_date(soon.deferred_until)}" in due
    assert "Later" not in due  # sixty days away

    taken = section(text, "Recently taken off the public site (1)", "Contracts and grants")
    assert "Taken down" in taken and "“Named a witness.”" in taken

    published = section(text, "Recently published", "Recently taken off")
    assert "Withdraw from publication" in published
    assert "Soon" not in published and "Taken down" not in published  # not public

    commitments = section(text, "Contracts and grants to record", None)
    assert pcd_1620.reference in commitments and "£1,800,000" in commitments
    assert pcd_1406.reference not in commitments
    assert "Start a new decision" not in text and "Waiting for me" not in text

    # The same work heads the back office's index, above Django's list of models.
    text = page_text(client.get("/admin/"))
    assert "Your work" in text
    assert f"{soon.reference}: Soon" in text
    assert f"Publishes on {uk_date(soon.deferred_until)}" in text
    assert f"{pcd_1620.reference}: {pcd_1620.title}" in text
    assert text.index("Contracts and grants to record") < text.index("Budget lines")


def test_a_recorded_commitment_leaves_the_records_managers_list(client, demo, pcd_1620):
    from funding.models import BudgetLine

    client.force_login(demo[Role.RECORDS_MANAGER])
    line = BudgetLine.objects.get(set_by=pcd_1620)
    response = client.post(
        reverse("drafting:commitments", kwargs={"pk": pcd_1620.pk}),
        {"line": line.pk, "kind": "contract", "counterparty": "Host borough",
         "max_value": "£1.8m", "awarded_on": "1/4/2024"},
    )  # fmt: skip
    assert response.status_code == 302
    text = page_text(client.get(HOME))
    assert pcd_1620.reference not in section(text, "Contracts and grants to record", None)


def test_only_records_managers_get_the_records_lists(client, officer, demo):
    client.force_login(officer)
    assert "Contracts and grants to record" not in page_text(client.get(HOME))
    assert decisions_for_home(officer).records_groups == []
