"""The plain last 4 of ID numbers is gone: beside the plain birth date (needed for the age
tags) and a guessed region code it rebuilt most ID numbers from a database dump."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_fill_id_number_last4_index")]

    operations = [
        migrations.RemoveIndex(model_name="person", name="person_id_number_last4"),
        migrations.RemoveField(model_name="person", name="id_number_last4"),
    ]
