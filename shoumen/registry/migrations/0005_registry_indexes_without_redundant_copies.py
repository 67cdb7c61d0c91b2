"""Indexes that duplicated others: each cost every insert (a ledger import writes a
hundred thousand persons) and was never the one a query needed.

- The (grid, status, id) index existed twice on PostgreSQL, plain and with search_text
  included (0004); the covering one stays.
- Foreign keys on grid and household (persons) and on grid and building (households) had
  their own index beside a composite index that starts with the same column.
- db_index on text columns adds, on PostgreSQL, a second LIKE-prefix index; nothing
  matches ID or phone last 4, phone blind index or door number by prefix.
"""

import django.db.models.deletion
from django.db import migrations, models

SCOPE_INDEX = models.Index(
    fields=["grid", "status", "id"], include=["search_text"], name="registry_person_scope_search"
)


def _scope_index_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_index(apps.get_model("registry", "Person"), SCOPE_INDEX)


def _scope_index_remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(apps.get_model("registry", "Person"), SCOPE_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        ("registry", "0004_person_scope_search_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="registry_pe_grid_id_13743a_idx",
        ),
        migrations.AlterField(
            model_name="household",
            name="building",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="registry.building",
                verbose_name="building",
            ),
        ),
        migrations.AlterField(
            model_name="household",
            name="door_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="door number"),
        ),
        migrations.AlterField(
            model_name="household",
            name="grid",
            field=models.ForeignKey(
                db_index=False,
                limit_choices_to={"level": "grid"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="places.orgunit",
                verbose_name="grid",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="grid",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.orgunit",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="household",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="registry.household",
                verbose_name="household",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number_last4",
            field=models.CharField(blank=True, editable=False, max_length=4),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone_index",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone_last4",
            field=models.CharField(blank=True, editable=False, max_length=4),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["door_number"], name="household_door_number"),
        ),
        # On PostgreSQL this index exists since 0004 (made there with SQL): only the state
        # learns of it. Elsewhere it is made now, without the included column.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="person", index=SCOPE_INDEX)],
            database_operations=[migrations.RunPython(_scope_index_add, _scope_index_remove)],
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["id_number_last4"], name="person_id_number_last4"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone_last4"], name="person_phone_last4"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone_index"], name="person_phone_index"),
        ),
    ]
