"""Make the security log append-only in the database itself (PostgreSQL), as the
decision event log is (decisions/migrations/0002, core/append_only.py)."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [
        append_only_trigger(
            table="security_securityevent",
            function="security_event_append_only",
            trigger="security_securityevent_append_only",
        )
    ]
