"""The search columns move off decisions_decision into decisions_decisionsearch (one
row a decision, keyed by it): every query that loads a decision read them before."""

import django.db.models.deletion
from django.db import migrations, models

import decisions.models.search

NEW_INDEX = "decisionsearch_vector_gin"
OLD_INDEX = "decision_search_vector_gin"


def copy_to_table(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO decisions_decisionsearch (decision_id, text, vector) "
        "SELECT id, search_text, search_vector FROM decisions_decision "
        "WHERE search_text <> '' OR search_vector IS NOT NULL",
        params=None,
    )


def copy_back(apps, schema_editor):
    schema_editor.execute(
        "UPDATE decisions_decision SET "
        "search_text = (SELECT s.text FROM decisions_decisionsearch s "
        "WHERE s.decision_id = decisions_decision.id), "
        "search_vector = (SELECT s.vector FROM decisions_decisionsearch s "
        "WHERE s.decision_id = decisions_decision.id) "
        "WHERE id IN (SELECT decision_id FROM decisions_decisionsearch)",
        params=None,
    )


def create_new_index(apps, schema_editor):
    # GIN index for full-text search; PostgreSQL only (SQLite stores plain text).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {NEW_INDEX} ON decisions_decisionsearch USING gin (vector)",
            params=None,
        )


def drop_new_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NEW_INDEX}", params=None)


def recreate_old_index(apps, schema_editor):
    # Backwards only: the old column's index went with the column.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {OLD_INDEX} ON decisions_decision USING gin (search_vector)",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0011_decisiontype_approver_signer"),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionSearch",
            fields=[
                (
                    "decision",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="decisions.decision",
                    ),
                ),
                ("text", models.TextField(blank=True)),
                ("vector", decisions.models.search.SearchVectorColumn(blank=True, null=True)),
            ],
            options={
                "verbose_name": "decision search index",
                "verbose_name_plural": "decision search indexes",
            },
        ),
        migrations.RunPython(copy_to_table, copy_back),
        migrations.RunPython(create_new_index, drop_new_index),
        migrations.RunPython(migrations.RunPython.noop, recreate_old_index),
        migrations.RemoveField(model_name="decision", name="search_text"),
        migrations.RemoveField(model_name="decision", name="search_vector"),
    ]
