"""Health reports remember every client UUID sent for their slot, not only the first.

A plain ADD COLUMN: on PostgreSQL it reaches every day partition of the table, fills the
rows already there with an empty list and keeps that as the column's default."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0002_health_reports_partitioned_by_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="healthreport",
            name="other_uuids",
            field=models.JSONField(blank=True, db_default=[], default=list, editable=False),
        ),
    ]
