"""Finding decisions (issue 14): the list sorted by reference reads an index, as the
newest-first list does; "did you mean" reads a trigram index of titles (pg_trgm)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TITLE_INDEX = "decision_title_trigram_gin"


def create_title_index(apps, schema_editor):
    # PostgreSQL only: SQLite (`make run`) has no pg_trgm and suggests nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TITLE_INDEX} ON decisions_decision USING gin (title gin_trgm_ops) "
            "WHERE state = 'approved' AND publication_withdrawn_at IS NULL",
            params=None,
        )


def drop_title_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_INDEX}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0016_decisionsearch_value"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                condition=models.Q(
                    ("publication_withdrawn_at__isnull", True), ("state", "approved")
                ),
                fields=["decision_type", "reference_number", "id"],
                include=("deferred", "deferred_until", "approved_at"),
                name="decision_published_reference",
            ),
        ),
        TrigramExtension(),
        migrations.RunPython(create_title_index, drop_title_index),
    ]
