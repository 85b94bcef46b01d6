# The published counts' trigger functions (migration 0023) run as their owner, the
# role that migrates (SECURITY DEFINER), so that the application role, which fires
# them by writing decisions, may only read the count table (TRIGGER_WRITTEN_TABLES,
# `manage.py db_app_role`). As PostgreSQL advises for such functions, the schemas
# they look names up in are fixed: this one, then pg_temp last, so a temporary table
# cannot stand in for the count table; and no one but the owner may attach them to
# a table.
from django.db import migrations

FUNCTIONS = [
    f"decisions_published_count_{operation}()" for operation in ("insert", "update", "delete")
]


def run_as_owner(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # no triggers on SQLite (migration 0023)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    for function in FUNCTIONS:
        schema_editor.execute(
            f"ALTER FUNCTION {function} SECURITY DEFINER "
            f"SET search_path = {schema_editor.quote_name(schema)}, pg_temp"
        )
        # Only the owner may attach them to a table: anyone may by default, and a
        # role could then fire one as the owner from a table of its own. (A trigger's
        # function is checked for EXECUTE when the trigger is made, not when it fires.)
        schema_editor.execute(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC")


def run_as_invoker(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in FUNCTIONS:
        schema_editor.execute(f"GRANT EXECUTE ON FUNCTION {function} TO PUBLIC")
        schema_editor.execute(f"ALTER FUNCTION {function} SECURITY INVOKER RESET search_path")


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0023_published_counts"),
    ]

    operations = [migrations.RunPython(run_as_owner, run_as_invoker)]
