"""The migration operation that makes a table append-only in the database itself
(PostgreSQL): a trigger refusing UPDATE and DELETE, whoever asks. TRUNCATE is left to
the database roles (the app's role is not granted it): a trigger on it would also
stop the test runner flushing the database between tests. Used by each app that has
an append-only table (decision events, the governance audit, the security log)."""

from __future__ import annotations

from django.db import migrations


def append_only_trigger(*, table: str, function: str, trigger: str) -> migrations.RunPython:
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {trigger}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {trigger} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)
