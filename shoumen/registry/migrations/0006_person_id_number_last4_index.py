"""A keyed blind index of the ID number's last 4 characters, beside the plain last 4 it
replaces (filled by 0007, the plain column dropped by 0008)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_registry_indexes_without_redundant_copies")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_number_last4_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["id_number_last4_index"], name="person_id_last4_index"),
        ),
    ]
