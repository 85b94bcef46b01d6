"""The search vector kept in its row (issue 12).

A decision's tsvector is about 4 KB, over PostgreSQL's 2 KB TOAST threshold, and a
tsvector does not compress: with the default storage every vector was moved to the
TOAST table, and each match test or rank read it there (an index lookup and two or
three chunk reads a row). A filtered search tests and ranks a few thousand rows:
30 ms at 100,000 decisions, most of it those reads. With STORAGE MAIN the vector
stays in the row (out of line only when a row would not otherwise fit in a page):
the same tests take less than half the time. The text, read only for the 20
snippets of a page, keeps the default.

Existing vectors are rewritten in the row: STORAGE applies to values stored after
it, and an UPDATE that keeps a value keeps where it is stored. `vector || ''` is the
same vector, as a new value.
"""

from django.db import migrations


def vector_in_row(apps, schema_editor):
    # PostgreSQL only: SQLite (`make run`) has no TOAST and no search vector column.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE decisions_decisionsearch ALTER COLUMN vector SET STORAGE MAIN", params=None
    )
    schema_editor.execute(
        "UPDATE decisions_decisionsearch SET vector = vector || ''::tsvector "
        "WHERE vector IS NOT NULL",
        params=None,
    )


def vector_toasted(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE decisions_decisionsearch ALTER COLUMN vector SET STORAGE EXTENDED",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0020_archive_import"),
    ]

    operations = [migrations.RunPython(vector_in_row, vector_toasted)]
