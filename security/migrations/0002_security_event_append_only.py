"""Make the security log append-only in the database itself (PostgreSQL), as the
decision event log is (decisions/migrations/0002)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION security_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'security_securityevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER security_securityevent_append_only
    BEFORE UPDATE OR DELETE ON security_securityevent
    FOR EACH ROW EXECUTE FUNCTION security_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS security_securityevent_append_only ON security_securityevent;
DROP FUNCTION IF EXISTS security_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
