"""Make the governance audit append-only in the database itself (PostgreSQL), as
decisions/migrations/0002 does for decision events. TRUNCATE is left to the
database roles (the app's role is not granted it, issue 11 point 2): a trigger on
it would also stop the test runner flushing the database between tests."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_governanceauditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER governance_audit_append_only
    BEFORE UPDATE OR DELETE ON governance_governanceauditentry
    FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_governanceauditentry;
DROP FUNCTION IF EXISTS governance_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
