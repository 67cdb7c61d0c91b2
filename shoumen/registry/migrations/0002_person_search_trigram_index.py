"""On PostgreSQL, a trigram index makes name and pinyin substring search indexed."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_person_search_trgm "
            "ON registry_person USING gin (search_text gin_trgm_ops)"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_create, _drop),
    ]
