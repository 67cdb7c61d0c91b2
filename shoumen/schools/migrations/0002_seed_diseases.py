from django.db import migrations


def seed(apps, schema_editor):
    from shoumen.schools.diseases import default_disease_rows

    Disease = apps.get_model("schools", "Disease")
    for row in default_disease_rows():
        Disease.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
