"""Make the governance audit append-only in the database itself (PostgreSQL), as
decisions/migrations/0002 does for decision events (core/append_only.py)."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [
        append_only_trigger(
            table="governance_governanceauditentry",
            function="governance_audit_append_only",
            trigger="governance_audit_append_only",
        )
    ]
