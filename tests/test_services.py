"""Services refuse broken rules with a named message and leave nothing half-written."""

import datetime as dt

import pytest

from core.errors import DomainError, Messages
from decisions.models import Decision, DecisionEvent, Part2
from decisions.services import (
    decision_create,
    decision_link_create,
    decision_public_access_set,
    decision_update,
    declaration_confirm,
    paragraph_add,
    part2_save,
    recommendation_add,
    reference_reserve,
)
from funding.models import Allocation, BudgetEnvelope, BudgetLine, BudgetMovement
from funding.services import (
    LineSpec,
    allocation_create,
    budget_movement_propose,
    envelope_create,
)
from tests.factories import UserFactory, draft_decision


def raises(template):
    class _Raises:
        def __enter__(self):
            self.ctx = pytest.raises(DomainError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            assert self.info.value.template == template, self.info.value.message
            return handled

    return _Raises()


def test_create_gives_a_draft_with_the_forms_structure(officer):
    decision = decision_create(user=officer, type_code="pcd", title="  New service ")
    assert decision.state == "draft" and decision.reference == ""
    assert decision.title == "New service"
    assert [s.heading for s in decision.sections.all()][:2] == [
        "Introduction and background",
        "Issues for consideration",
    ]
    assert decision.sections.count() == 9
    assert decision.declarations.count() == 8
    drafting = decision.declarations.get(kind="drafting_officer")
    assert drafting.statement.startswith("Violet Alvarez has drafted this report")
    event = DecisionEvent.objects.get(decision=decision)
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "create",
        "",
        "draft",
        officer,
    )
    record = decision.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        officer,
        "Draft created",
    )


def test_create_refuses_unknown_type_and_empty_title(officer):
    with raises(Messages.UNKNOWN_DECISION_TYPE):
        decision_create(user=officer, type_code="XYZ", title="A")
    with raises(Messages.TEXT_REQUIRED) as error:
        decision_create(user=officer, type_code="PCD", title="   ")
    assert error.value.field == "title"
    with raises(Messages.TEXT_TOO_LONG):
        decision_create(user=officer, type_code="PCD", title="x" * 301)
    assert not Decision.objects.exists()


def test_references_follow_the_series_and_are_never_reused(records_manager, officer):
    first, second = draft_decision(user=officer), draft_decision(user=officer)
    first = reference_reserve(user=records_manager, decision=first, number=1620)
    second = reference_reserve(user=officer, decision=second)
    assert (first.reference, second.reference) == ("PCD 1620", "PCD 1621")
    third = draft_decision(user=officer)
    with raises(Messages.DUPLICATE_REFERENCE) as error:
        reference_reserve(user=records_manager, decision=third, number=1620)
    assert error.value.message.startswith("PCD 1620 is already in use")
    third.refresh_from_db()
    assert third.reference_number is None


def test_stale_edit_is_refused(officer):
    from decisions.selectors.versions import summary_version

    decision = draft_decision(user=officer)
    version = summary_version(decision)
    decision_update(
        user=officer, decision=decision, expected_version=version, title="B", executive_summary=""
    )
    with raises(Messages.ITEM_CONFLICT) as error:
        decision_update(
            user=officer,
            decision=decision,
            expected_version=version,
            title="C",
            executive_summary="",
        )
    assert error.value.params["saved_by"] == officer
    decision.refresh_from_db()
    assert decision.title == "B"


def test_html_in_text_is_refused_with_a_clear_message(officer):
    decision = draft_decision(user=officer)
    with raises(Messages.HTML_NOT_ALLOWED) as error:
        paragraph_add(
            user=officer,
            decision=decision,
            section_kind=1,
            text="Safe <script>alert('x')</script> & sound",
        )
    assert error.value.message.startswith("The paragraph cannot contain HTML such as <script>")
    assert not decision.sections.get(kind=1).paragraphs.exists()
    # Comparisons and Markdown autolinks are not HTML.
    paragraph = paragraph_add(
        user=officer,
        decision=decision,
        section_kind=1,
        text="Costs < £5 and > £1, see <https://www.london.gov.uk/>\r\n\r\n\r\nNext",
    )
    assert paragraph.text == "Costs < £5 and > £1, see <https://www.london.gov.uk/>\n\nNext"
    assert paragraph.number == "1.1"


def test_public_access_rules(officer):
    decision = draft_decision(user=officer)
    today = dt.date(2026, 1, 1)

    def answer(**kwargs):
        return decision_public_access_set(
            user=officer, decision=decision, has_part2=False, today=today, **kwargs
        )

    with raises(Messages.DEFERRAL_REASON_REQUIRED) as error:
        answer(deferred=True, until=dt.date(2026, 6, 1))
    assert error.value.field == "deferral_reason"
    with raises(Messages.DEFERRAL_DATE_REQUIRED) as error:
        answer(deferred=True, reason="Reason")
    assert error.value.field == "deferred_until"
    with raises(Messages.DEFERRAL_DATE_PAST):
        answer(deferred=True, reason="Reason", until=dt.date(2025, 12, 31))
    with raises(Messages.DEFERRAL_DATE_PAST):
        answer(deferred=True, reason="Reason", until=today)
    answer(deferred=True, reason="Contract signature pending", until=dt.date(2026, 6, 1))
    decision.refresh_from_db()
    assert (decision.deferred, decision.deferred_until) == (True, dt.date(2026, 6, 1))
    answer(deferred=False, reason="left over", until=dt.date(2026, 6, 1))
    decision.refresh_from_db()
    assert (decision.deferred, decision.deferral_reason, decision.deferred_until) == (
        False,
        "",
        None,
    )


def test_part2_lives_in_its_own_table(officer):
    decision = draft_decision(user=officer)
    with raises(Messages.TEXT_REQUIRED) as error:
        part2_save(user=officer, decision=decision, content="Secret", legal_rationale=" ")
    assert error.value.field == "legal_rationale"
    part2_save(
        user=officer,
        decision=decision,
        content="Secret facts",
        legal_rationale="Commercially sensitive (FOIA s.43)",
    )
    decision.refresh_from_db()
    assert decision.has_part2 and decision.part2.content == "Secret facts"
    decision_public_access_set(user=officer, decision=decision, deferred=False, has_part2=False)
    decision.refresh_from_db()
    assert decision.has_part2 is False
    assert not Part2.objects.filter(decision=decision).exists()
    assert [r.history_type for r in Part2.history.order_by("history_date")] == ["+", "-"]


def test_links_need_a_known_approved_decision(officer, pcd_1406):
    decision = draft_decision(user=officer)
    with raises(Messages.UNKNOWN_REFERENCE) as error:
        decision_link_create(
            user=officer, decision=decision, target_reference="PCD 9999", kind="amends"
        )
    assert error.value.message == "There is no decision with the reference PCD 9999."
    with raises(Messages.REFERENCE_FORMAT):
        decision_link_create(
            user=officer, decision=decision, target_reference="1406", kind="amends"
        )
    other = draft_decision(user=officer)
    other = reference_reserve(user=officer, decision=other)
    with raises(Messages.LINK_TARGET_NOT_APPROVED):
        decision_link_create(
            user=officer, decision=decision, target_reference=other.reference, kind="amends"
        )
    link = decision_link_create(
        user=officer, decision=decision, target_reference="pcd1406", kind="amends"
    )
    assert link.target == pcd_1406
    with raises(Messages.LINK_DUPLICATE):
        decision_link_create(
            user=officer, decision=decision, target_reference="PCD 1406", kind="amends"
        )


def test_approved_decisions_cannot_be_edited(officer, pcd_1620):
    for call in (
        lambda: recommendation_add(user=officer, decision=pcd_1620, text="More"),
        lambda: paragraph_add(user=officer, decision=pcd_1620, section_kind=1, text="More"),
        lambda: declaration_confirm(user=officer, decision=pcd_1620, kind="legal"),
    ):
        with raises(Messages.NOT_EDITABLE) as error:
            call()
        assert error.value.message == "PCD 1620 is approved: its content can no longer be changed."


def _envelope(officer, decision, *, total, lines):
    return envelope_create(
        user=officer,
        decision=decision,
        description="Support services",
        funding_source="Core funding",
        total_pence=total,
        lines=lines,
    )


def test_envelope_lines_must_add_up(officer):
    decision = draft_decision(user=officer)
    with raises(Messages.LINES_UNBALANCED) as error:
        _envelope(
            officer,
            decision,
            total=1_000_00,
            lines=[LineSpec("grant", 600_00), LineSpec("open_procurement", 300_00)],
        )
    assert error.value.message == (
        "The budget lines add up to £900 but the envelope total is £1,000."
    )
    assert not BudgetEnvelope.objects.exists() and not BudgetLine.objects.exists()


def test_allocations_must_add_up_to_their_line(officer):
    decision = draft_decision(user=officer)
    with raises(Messages.ALLOCATIONS_UNBALANCED) as error:
        _envelope(
            officer,
            decision,
            total=1_000_00,
            lines=[LineSpec("grant", 1_000_00, allocations={"2024/25": 400_00, 2025: 500_00})],
        )
    assert "£900 but the line is £1,000" in error.value.message
    assert not BudgetEnvelope.objects.exists() and not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("allocations", "template"),
    [
        ({"2024/26": 100_00}, Messages.FINANCIAL_YEAR_INVALID),
        ({"2024-26": 100_00}, Messages.FINANCIAL_YEAR_INVALID),
        ({"2024/25": 50_00, 2024: 50_00}, Messages.FINANCIAL_YEAR_REPEATED),
        ({"2024/25": -100_00}, Messages.MONEY_NEGATIVE),
    ],
)
def test_bad_allocations_are_refused(officer, allocations, template):
    decision = draft_decision(user=officer)
    with raises(template):
        _envelope(
            officer,
            decision,
            total=100_00,
            lines=[LineSpec("grant", 100_00, allocations=allocations)],
        )
    assert not BudgetLine.objects.exists()


def test_negative_and_zero_money_is_refused(officer):
    decision = draft_decision(user=officer)
    with raises(Messages.MONEY_NEGATIVE):
        _envelope(officer, decision, total=-5, lines=[])
    with raises(Messages.MONEY_NOT_POSITIVE):
        _envelope(
            officer, decision, total=100, lines=[LineSpec("grant", 100), LineSpec("grant", 0)]
        )
    envelope = _envelope(officer, decision, total=100_00, lines=[LineSpec("grant", 100_00)])
    with raises(Messages.MONEY_NEGATIVE):
        allocation_create(
            user=officer, line=envelope.lines.get(), financial_year="2024/25", amount_pence=-1
        )
    with raises(Messages.FINANCIAL_YEAR_INVALID):
        allocation_create(
            user=officer, line=envelope.lines.get(), financial_year="2024/2026", amount_pence=1
        )
    version = Decision.objects.get(pk=decision.pk).version
    allocation_create(
        user=officer, line=envelope.lines.get(), financial_year="2024/25", amount_pence=1
    )
    # A change of the draft's content, as any other: a new version of it.
    assert Decision.objects.get(pk=decision.pk).version == version + 1


def test_a_move_larger_than_the_source_line_is_refused(officer, pcd_1406):
    decision = draft_decision(user=officer)
    decision_link_create(
        user=officer, decision=decision, target_reference="PCD 1406", kind="amends"
    )
    source = pcd_1406.budget_envelope.lines.get(route="open_procurement")
    with raises(Messages.MOVE_EXCEEDS_SOURCE) as error:
        budget_movement_propose(
            user=officer,
            decision=decision,
            source_line=source,
            amount_pence=20_000_000_00,
            route="grant",
            over_commitment_reason="Even with a reason",
        )
    assert "£20,000,000" in error.value.message
    # £15.4m left against a £16m contract: no headroom, so any move needs a reason.
    with raises(Messages.MOVE_EXCEEDS_SOURCE) as error:
        budget_movement_propose(
            user=officer, decision=decision, source_line=source, amount_pence=100_00, route="grant"
        )
    assert "holds £0 that is not yet committed" in error.value.message
    assert not BudgetMovement.objects.filter(decision=decision).exists()


def test_a_proposed_move_changes_nothing_until_approval(officer, pcd_1406):
    decision = draft_decision(user=officer)
    decision_link_create(
        user=officer, decision=decision, target_reference="PCD 1406", kind="amends"
    )
    source = pcd_1406.budget_envelope.lines.get(route="open_procurement")
    movement = budget_movement_propose(
        user=officer,
        decision=decision,
        source_line=source,
        amount_pence=100_000_00,
        route="grant",
        allocations={"2026/27": 100_000_00},
        over_commitment_reason="Agreed with finance",
    )
    source.refresh_from_db()
    assert source.amount_pence == 15_400_000_00
    assert movement.target_line.active is False
    assert pcd_1406.budget_envelope.lines.active().total_pence() == 17_200_000_00


def test_a_move_needs_an_amends_link(officer, pcd_1406):
    decision = draft_decision(user=officer)
    source = pcd_1406.budget_envelope.lines.get(route="open_procurement")
    with raises(Messages.MOVE_WRONG_ENVELOPE):
        budget_movement_propose(
            user=officer, decision=decision, source_line=source, amount_pence=1, route="grant"
        )


def test_part2_can_be_removed_only_by_someone_allowed_to_read_it(officer):
    from django.contrib.auth.models import Permission

    decision = draft_decision(user=officer)
    part2_save(user=officer, decision=decision, content="Secret", legal_rationale="s.43")
    drafter = UserFactory()
    drafter.user_permissions.add(Permission.objects.get(codename="draft_decision"))
    decision.shared_with.add(drafter)
    with raises(Messages.PART2_PERMISSION):
        decision_public_access_set(user=drafter, decision=decision, deferred=False, has_part2=False)
    assert Part2.objects.filter(decision=decision).exists()


def test_a_draft_cannot_be_shared_with_its_own_officer(officer):
    from decisions.services import decision_share

    with raises(Messages.SHARE_WITH_SELF):
        decision_share(user=officer, decision=draft_decision(user=officer), colleague=officer)


def test_budget_line_text_refuses_html(officer):
    # (commitments: tests/test_commitments.py test_commitment_text_refuses_html)
    decision = draft_decision(user=officer)
    with raises(Messages.HTML_NOT_ALLOWED):
        _envelope(officer, decision, total=100, lines=[LineSpec("grant", 100,
                  description="<b>bold</b>")])  # fmt: skip
