"""Money moved between lines takes its financial years with it: a line's allocations
add up to the line after every approved move, reports add up to the lines, and the
decision the money came from still shows (and signs) what it approved.

Every expectation here is worked out from the figures these tests create.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError, Messages
from decisions.digest import decision_content_digest
from decisions.models import Decision
from decisions.services import (
    decision_approve,
    decision_clear,
    decision_link_create,
    decision_sign,
    decision_submit,
)
from funding.models import Allocation, BudgetLine
from funding.reports import envelope_report, financial_year_report
from funding.selectors import budget_content, decision_budget_table, movements_exceeding_source
from funding.services import (
    LineSpec,
    budget_movement_propose,
    budget_movements_apply,
    envelope_create,
)
from tests.factories import UserFactory, complete_draft
from tests.helpers import page_text
from tests.test_budget_step import shown_version

POUND = 100
# The amended decision's budget: a grant line by year, and a line with no years
# (like PCD 1406's open-procurement line).
GRANT = {2024: 600 * POUND, 2025: 400 * POUND}
OPEN = 500 * POUND
TOTAL = sum(GRANT.values()) + OPEN


def approve(officer, decision):
    decision = decision_submit(user=officer, decision=decision)
    decision = decision_clear(user=UserFactory(role=Role.HEAD_OF_SERVICE), decision=decision)
    decision = decision_sign(user=UserFactory(role=Role.CHIEF_EXECUTIVE), decision=decision)
    return decision_approve(user=UserFactory(role=Role.DMPC), decision=decision)


@pytest.fixture
def amended(officer):
    draft = complete_draft(user=officer, title="Support budget")
    envelope_create(
        user=officer, decision=draft, description="Support", funding_source="Core",
        total_pence=TOTAL,
        lines=[LineSpec("grant", sum(GRANT.values()), allocations=GRANT),
               LineSpec("open_procurement", OPEN)],
    )  # fmt: skip
    return approve(officer, draft)


def amendment(officer, amended, title="Moves money"):
    draft = complete_draft(user=officer, title=title)
    decision_link_create(
        user=officer, decision=draft, target_reference=amended.reference, kind="amends"
    )
    return Decision.objects.get(pk=draft.pk)


def line(amended, route):
    return BudgetLine.objects.get(set_by=amended, route=route)


def _budget_page(officer, draft):
    client = Client()
    client.force_login(officer)
    return client.get(reverse("drafting:budget", kwargs={"pk": draft.pk}))


def allocations_of(line_):
    """Year -> pence, read from the rows."""
    return {
        a.financial_year: a.amount_pence
        for a in Allocation.objects.filter(line=line_).order_by("financial_year")
    }


def test_an_approved_move_takes_its_years_out_of_the_source(officer, amended):
    digest_before = decision_content_digest(amended)
    content_before = budget_content(amended)
    draft = amendment(officer, amended)
    taken = {2024: 100 * POUND, 2025: 300 * POUND}
    budget_movement_propose(
        user=officer, decision=draft, source_line=line(amended, "grant"),
        amount_pence=sum(taken.values()), route="direct_award", allocations=taken,
    )  # fmt: skip
    # A line with no years gives money with no years: nothing to take from a year.
    budget_movement_propose(
        user=officer, decision=draft, source_line=line(amended, "open_procurement"),
        amount_pence=200 * POUND, route="framework", allocations={2026: 200 * POUND},
    )  # fmt: skip
    assert allocations_of(line(amended, "grant")) == GRANT  # nothing moves before approval
    client_text = page_text(_budget_page(officer, draft))
    assert (
        "Taken from these years of the "
        + amended.reference
        + " line: 2024/25: £100 · 2025/26: £300"
        in client_text
    )
    approve(officer, draft)

    grant = line(amended, "grant")
    assert grant.amount_pence == 600 * POUND
    assert allocations_of(grant) == {2024: 500 * POUND, 2025: 100 * POUND}
    assert line(amended, "open_procurement").amount_pence == 300 * POUND
    lines = list(BudgetLine.objects.filter(envelope__decision=amended, active=True))
    assert len(lines) == 4
    for each in lines:
        years = allocations_of(each)
        assert not years or sum(years.values()) == each.amount_pence, each
    assert sum(each.amount_pence for each in lines) == TOTAL  # moved, never copied

    # Reports add up to the lines.
    report = financial_year_report(Decision.objects.approved())
    assert {row.year: row.total_pence for row in report.rows} == {
        2024: 500 * POUND + 100 * POUND,
        2025: 100 * POUND + 300 * POUND,
        2026: 200 * POUND,
    }
    assert report.total_pence == TOTAL - 300 * POUND  # all but the open line's years
    envelope = envelope_report(amended.budget_envelope, visible=Decision.objects.approved())
    assert envelope.total_pence == TOTAL
    assert sum(each.amount_pence for each in envelope.lines) == TOTAL
    by_route = {each.line.route: each for each in envelope.lines}
    assert by_route["grant"].amount_pence == 600 * POUND
    assert {a.financial_year: a.amount_pence for a in by_route["grant"].allocations} == {
        2024: 500 * POUND, 2025: 100 * POUND,
    }  # fmt: skip

    # The amended decision still shows and signs what it approved.
    amended = Decision.objects.get(pk=amended.pk)
    assert decision_content_digest(amended) == digest_before
    for sign_off in amended.sign_offs.all():
        assert sign_off.content_digest == digest_before
    assert budget_content(amended) == content_before
    assert decision_budget_table(amended).rows[0].amounts == [600 * POUND, 400 * POUND]
    # So does its open data: the line at the amount and years it approved.
    detail = Client().get(f"/api/decisions/{amended.slug}/").json()
    grant_line = next(each for each in detail["budget"]["lines"] if each["route"] == "grant")
    assert grant_line["amount"]["pence"] == sum(GRANT.values())
    assert {a["financial_year"]: a["amount"]["pence"] for a in grant_line["allocations"]} == {
        "2024/25": GRANT[2024], "2025/26": GRANT[2025],
    }  # fmt: skip


def test_readers_who_cannot_see_the_amendment_see_the_money_where_it_was(officer, amended):
    draft = amendment(officer, amended)
    budget_movement_propose(
        user=officer, decision=draft, source_line=line(amended, "grant"),
        amount_pence=400 * POUND, route="direct_award", allocations={2025: 400 * POUND},
    )  # fmt: skip
    approve(officer, draft)
    assert allocations_of(line(amended, "grant")) == {2024: 600 * POUND, 2025: 0}
    only_amended = Decision.objects.filter(pk=amended.pk)
    report = financial_year_report(only_amended)
    assert {row.year: row.total_pence for row in report.rows} == GRANT
    envelope = envelope_report(amended.budget_envelope, visible=only_amended)
    (grant,) = [each for each in envelope.lines if each.line.route == "grant"]
    assert grant.amount_pence == sum(GRANT.values())
    assert {a.financial_year: a.amount_pence for a in grant.allocations} == GRANT


@pytest.mark.parametrize(
    ("allocations", "template"),
    [
        ({}, Messages.MOVE_YEARS_REQUIRED),  # the source has years: say which
        ({2025: 500 * POUND}, Messages.MOVE_YEAR_EXCEEDS_SOURCE),  # 2025 holds £400
        ({2027: 100 * POUND, 2024: 400 * POUND}, Messages.MOVE_YEAR_EXCEEDS_SOURCE),  # no 2027
    ],
)
def test_a_move_must_fit_the_years_of_its_source(officer, amended, allocations, template):
    draft = amendment(officer, amended)
    with pytest.raises(DomainError) as error:
        budget_movement_propose(
            user=officer, decision=draft, source_line=line(amended, "grant"),
            amount_pence=sum(allocations.values()) or 100 * POUND, route="grant",
            allocations=allocations,
        )  # fmt: skip
    assert error.value.template == template
    assert error.value.field == "financial_year"
    assert not BudgetLine.objects.filter(set_by=draft).exists()


def test_two_drafts_cannot_both_take_the_same_year(officer, amended):
    first, second = amendment(officer, amended, "First"), amendment(officer, amended, "Second")
    for draft in (first, second):
        budget_movement_propose(
            user=officer, decision=draft, source_line=line(amended, "grant"),
            amount_pence=300 * POUND, route="grant", allocations={2025: 300 * POUND},
        )  # fmt: skip
    approve(officer, first)
    assert [m.decision_id for m in movements_exceeding_source(second)] == [second.pk]
    with pytest.raises(DomainError) as error:
        decision_submit(user=officer, decision=second)
    assert error.value.template == Messages.SUBMISSION_BLOCKED
    # And approval checks again (in the approval's transaction: no savepoint of its own).
    with pytest.raises(DomainError) as error, transaction.atomic():
        budget_movements_apply(user=officer, decision=second, at=timezone.now())
    assert error.value.template == Messages.MOVE_YEAR_EXCEEDS_SOURCE
    assert allocations_of(line(amended, "grant")) == {2024: 600 * POUND, 2025: 100 * POUND}


def test_the_budget_page_shows_a_short_year_beside_its_amount(client, officer, amended):
    draft = amendment(officer, amended)
    client.force_login(officer)
    version = shown_version(client, draft)
    response = client.post(
        reverse("drafting:budget", kwargs={"pk": draft.pk}),
        {"form": "movement", "version": version, "source_line": line(amended, "grant").pk,
         "amount": "£500.01", "route": "grant", "move-year-0": "2024/25", "move-amount-0": "£100",
         "move-year-1": "2025/26", "move-amount-1": "£400.01"},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_move-amount-1-error"' in body
    assert "You cannot take £400.01 from 2025/26" in page_text(response)
    assert 'value="£400.01"' in body  # nothing typed is lost
    assert not BudgetLine.objects.filter(set_by=draft).exists()
