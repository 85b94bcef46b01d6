"""Create the table of the rendered-page cache (settings.CACHES["pages"], used when
REDIS_URL is not set): `createcachetable` makes every database cache's table that is
missing, and does nothing for Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("security", "0003_cache_table")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
