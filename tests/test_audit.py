"""History rows on every change, and the append-only event log."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from decisions.models import DecisionEvent, Paragraph
from decisions.services import decision_update, paragraph_add
from funding.models import BudgetLine
from tests.factories import draft_decision


def test_edits_write_history_rows_with_user_and_reason(officer):
    decision = draft_decision(user=officer, title="First title")
    decision_update(
        user=officer,
        decision=decision,
        title="Second title",
        executive_summary="Now with a summary",
    )
    newest, older = decision.history.all()[:2]
    assert (newest.title, older.title) == ("Second title", "First title")
    assert newest.history_user == officer
    assert newest.history_change_reason == "Title and summary edited"
    delta = newest.diff_against(older)
    assert {change.field for change in delta.changes} >= {"title", "executive_summary"}


def test_paragraph_history_records_creation(officer):
    decision = draft_decision(user=officer)
    paragraph = paragraph_add(user=officer, decision=decision, section_kind=2, text="Issue one")
    record = Paragraph.history.get(id=paragraph.pk)
    assert (record.history_type, record.text, record.history_user) == ("+", "Issue one", officer)


def test_money_moves_are_in_the_line_history(pcd_1406, pcd_1620):
    line = BudgetLine.objects.get(envelope__decision=pcd_1406, route="open_procurement")
    amounts = [record.amount_pence for record in line.history.order_by("history_date")]
    assert amounts[0] == 17_200_000_00 and amounts[-1] == 15_400_000_00


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_event_table_refuses_update_and_delete(officer):
    decision = draft_decision(user=officer)
    event = DecisionEvent.objects.get(decision=decision)
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        DecisionEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with (
        pytest.raises(DatabaseError, match="append-only: DELETE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM decisions_decisionevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.comment == ""
    assert DecisionEvent.objects.filter(decision=decision).count() == 1


def test_history_lists_every_change_field_by_field(officer):
    """The history page's "Changes" list: what changed, how, by whom and why, with each
    field's old and new value; rows whose only change is bookkeeping are left out."""
    from decisions.models import DeclarationKind
    from decisions.selectors.history import decision_edits
    from decisions.services import (
        declaration_confirm,
        part2_save,
        recommendation_add,
        recommendation_remove,
        recommendation_update,
    )

    decision = draft_decision(user=officer, title="First title", summary="")
    decision = decision_update(
        user=officer,
        decision=decision,
        title="Second title",
        executive_summary="Now a summary",
    )
    recommendation = recommendation_add(user=officer, decision=decision, text="Agree the plan.")
    recommendation_update(user=officer, recommendation=recommendation, text="Agree it, revised.")
    paragraph_add(user=officer, decision=decision, section_kind=2, text="Issue one")
    recommendation_remove(user=officer, recommendation=recommendation)
    part2_save(user=officer, decision=decision, content="Secret terms", legal_rationale="s.43")
    declaration_confirm(user=officer, decision=decision, kind="financial")
    decision.refresh_from_db()
    confirmed_at = decision.declarations.get(kind="financial").confirmed_at

    name = officer.display_name
    edits = [
        (e.what, e.kind, e.who, e.reason, [(c.field, c.label, c.old, c.new) for c in e.changes])
        for e in decision_edits(decision, include_part2=True)
    ]
    when = timezone.localtime(confirmed_at)
    confirmed_on = f"{when.day} {when:%B %Y, %H:%M}"
    assert edits[:8] == [
        ("Declaration: Financial Advice", "Changed", name, "Financial Advice confirmed",
         [("confirmed_by_name", "Confirmed by", "", name),
          ("confirmed_at", "Confirmed on", "", confirmed_on)]),
        ("Decision", "Changed", name, "Part 2 saved", [("has_part2", "Has a Part 2", "", "Yes")]),
        ("Part 2", "Added", name, "Part 2 saved",
         [("content", "Part 2 content", "", "Secret terms"),
          ("legal_rationale", "Legal rationale for non-publication", "", "s.43")]),
        ("Recommendation 1", "Removed", name, "Recommendation 1 removed", []),
        ("Paragraph 2.1", "Added", name, "Paragraph 2.1 added",
         [("text", "Text", "", "Issue one")]),
        ("Recommendation 1", "Changed", name, "Recommendation 1 edited",
         [("text", "Text", "Agree the plan.", "Agree it, revised.")]),
        ("Recommendation 1", "Added", name, "Recommendation 1 added",
         [("text", "Text", "", "Agree the plan.")]),
        ("Decision", "Changed", name, "Title and summary edited",
         [("title", "Title", "First title", "Second title"),
          ("executive_summary", "Executive summary", "", "Now a summary")]),
    ]  # fmt: skip
    # A text edit is shown word by word.
    edited = decision_edits(decision, include_part2=True)[5].changes[0]
    assert [(s.op, s.text) for s in edited.diff] == [
        ("same", "Agree "), ("del", "the plan."), ("same", " "), ("ins", "it, revised."),
    ]  # fmt: skip
    # Then the draft's creation: its eight declaration rows (newest first), then itself.
    created = edits[8:]
    assert [(what, kind, reason) for what, kind, _, reason, _ in created] == [
        *((f"Declaration: {label}", "Added", "Draft created")
          for label in reversed(DeclarationKind.labels)),
        ("Decision", "Added", "Draft created"),
    ]  # fmt: skip
    assert created[0][4] == [
        ("statement", "Statement", "", decision.declarations.get(kind="head_of_service").statement),
    ]
    assert created[-1][4] == [
        ("title", "Title", "", "First title"),
        ("state", "Stage", "", "Draft"),
        ("recommendations_lead_in", "How the recommendations begin", "", "is recommended to:"),
        ("decision_type", "Decision type", "", decision.decision_type.name),
        ("drafted_by", "Drafted by", "", name),
    ]
    # Without the Part 2 permission: the same list, without Part 2's own rows.
    without = [e.what for e in decision_edits(decision, include_part2=False)]
    assert without == [edit[0] for edit in edits if edit[0] != "Part 2"]
