"""Make the decision event log append-only in the database itself (PostgreSQL).

The application never updates or deletes events; this trigger makes sure nothing
else does either, short of a superuser dropping it (core/append_only.py).
"""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [
        append_only_trigger(
            table="decisions_decisionevent",
            function="decisions_event_append_only",
            trigger="decisions_decisionevent_append_only",
        )
    ]
