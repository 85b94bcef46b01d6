"""Make the decision event log append-only in the database itself (PostgreSQL).

The application never updates or deletes events; this trigger makes sure nothing
else does either, short of a superuser dropping it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION decisions_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'decisions_decisionevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER decisions_decisionevent_append_only
    BEFORE UPDATE OR DELETE ON decisions_decisionevent
    FOR EACH ROW EXECUTE FUNCTION decisions_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS decisions_decisionevent_append_only ON decisions_decisionevent;
DROP FUNCTION IF EXISTS decisions_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
