"""Funding records the financial years each indexed (approved) decision spends in
(decisions_decisionfinancialyear, decisions 0022), as the approval does from now on:
the years of the allocations of the lines it sets (selectors.decision_financial_years).
decisions never reads the budget tables for its financial-year filter."""

from django.db import migrations

FILL = """
INSERT INTO decisions_decisionfinancialyear (decision_id, financial_year)
SELECT DISTINCT l.set_by_id, a.financial_year
FROM funding_allocation a
JOIN funding_budgetline l ON l.id = a.line_id
JOIN decisions_decisionsearch s ON s.decision_id = l.set_by_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0006_decision_values_into_search"),
        ("decisions", "0022_decision_financial_years"),
    ]

    operations = [migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop)]
