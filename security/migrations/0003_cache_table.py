"""Create the database cache's table (settings.CACHES, the shared store of the
signing throttle and lock-out counts) wherever the schema is migrated: a fresh
deployment, `make run` and the test database alike. Same as `manage.py
createcachetable`, which is a no-op when the table exists or the cache is Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("security", "0002_security_event_append_only")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
