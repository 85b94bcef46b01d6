"""Funding pushes each approved decision's value into its search row
(decisions_decisionsearch.value_pence, decisions 0014), as the approval does from
now on: its envelope's total plus the money it moves (selectors.decision_value_pence).
decisions never reads the budget tables for its value filter."""

from django.db import migrations

FILL = """
UPDATE decisions_decisionsearch SET value_pence =
    COALESCE((SELECT e.total_pence FROM funding_budgetenvelope e
              WHERE e.decision_id = decisions_decisionsearch.decision_id), 0)
  + COALESCE((SELECT SUM(m.amount_pence) FROM funding_budgetmovement m
              WHERE m.decision_id = decisions_decisionsearch.decision_id), 0)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0005_funding_history_chain"),
        # Renumbered with it if decisions' migration is.
        ("decisions", "0016_decisionsearch_value"),
    ]

    operations = [migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop)]
