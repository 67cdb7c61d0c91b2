from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledgers", "0002_import_files_encrypted_and_previewed"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="kind",
            field=models.CharField(default="residents", max_length=32, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="options",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
