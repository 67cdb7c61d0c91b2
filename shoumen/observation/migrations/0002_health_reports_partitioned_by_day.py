"""Health reports, partitioned by day on PostgreSQL (an ordinary table elsewhere)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from shoumen.lib.partitions import create_partitioned_by_day


def create_table(apps, schema_editor):
    create_partitioned_by_day(
        schema_editor, apps.get_model("observation", "HealthReport"), column="date"
    )


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("observation", "HealthReport"))


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0001_observations_and_report_links"),
        ("places", "0001_initial"),
        ("registry", "0004_person_scope_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HealthReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "slot",
                            models.CharField(
                                choices=[("am", "Morning"), ("pm", "Afternoon")],
                                max_length=2,
                                verbose_name="slot",
                            ),
                        ),
                        (
                            "temperature",
                            models.DecimalField(
                                blank=True,
                                decimal_places=1,
                                max_digits=3,
                                null=True,
                                verbose_name="temperature (°C)",
                            ),
                        ),
                        ("fever", models.BooleanField(default=False, verbose_name="fever")),
                        ("cough", models.BooleanField(default=False, verbose_name="cough")),
                        (
                            "sore_throat",
                            models.BooleanField(default=False, verbose_name="sore throat"),
                        ),
                        ("fatigue", models.BooleanField(default=False, verbose_name="fatigue")),
                        ("diarrhoea", models.BooleanField(default=False, verbose_name="diarrhoea")),
                        (
                            "loss_of_smell_taste",
                            models.BooleanField(
                                default=False, verbose_name="loss of smell or taste"
                            ),
                        ),
                        (
                            "short_of_breath",
                            models.BooleanField(default=False, verbose_name="shortness of breath"),
                        ),
                        (
                            "other_symptoms",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="other symptoms"
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("self", "Self-report"),
                                    ("proxy", "Household member"),
                                    ("worker_phone", "Worker by phone"),
                                    ("worker_visit", "Worker visit"),
                                    ("worker_video", "Worker by video"),
                                    ("checkpoint", "Checkpoint"),
                                ],
                                max_length=16,
                                verbose_name="source",
                            ),
                        ),
                        (
                            "reached",
                            models.BooleanField(blank=True, null=True, verbose_name="reached"),
                        ),
                        ("client_uuid", models.UUIDField(default=uuid.uuid4)),
                        ("recorded_at", models.DateTimeField()),
                        (
                            "grid",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="places.orgunit",
                                db_index=False,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="registry.person",
                                verbose_name="person",
                                db_index=False,
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "observation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="observation.observation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "health report",
                        "verbose_name_plural": "health reports",
                        "indexes": [
                            models.Index(fields=["grid", "date"], name="healthreport_grid_date")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("person", "date", "slot"), name="healthreport_one_per_slot"
                            ),
                            models.UniqueConstraint(
                                fields=("client_uuid", "date"), name="healthreport_client_uuid"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("temperature__isnull", True),
                                    models.Q(("temperature__gte", 34), ("temperature__lte", 43)),
                                    _connector="OR",
                                ),
                                name="healthreport_temperature_range",
                            ),
                        ],
                    },
                )
            ],
        ),
        migrations.RunPython(create_table, drop_table),
    ]
