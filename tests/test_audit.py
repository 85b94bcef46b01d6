"""History rows on every change, and the append-only event log."""

import pytest
from django.db import DatabaseError, connection, transaction

from decisions.models import DecisionEvent, Paragraph
from decisions.services import decision_update, paragraph_add
from funding.models import BudgetLine
from tests.factories import draft_decision


def test_edits_write_history_rows_with_user_and_reason(officer):
    decision = draft_decision(user=officer, title="First title")
    decision_update(
        user=officer,
        decision=decision,
        expected_version=decision.version,
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
