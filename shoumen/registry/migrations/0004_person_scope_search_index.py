"""On PostgreSQL, a covering index lets scoped name search filter without reading the table.

Search within a street or district filters persons by grid and status and then by
``search_text``; with ``search_text`` included in the (grid, status, id) index, short
queries that the trigram index cannot serve (two characters, such as 王伟 or wj) are
answered by an index-only scan. Other databases do not support included columns.
"""

from django.db import migrations


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_person_scope_search "
            "ON registry_person (grid_id, status, id) INCLUDE (search_text)"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_scope_search")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_search_text_unbounded")]

    operations = [migrations.RunPython(_create, _drop)]
