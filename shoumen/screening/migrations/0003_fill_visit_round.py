from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Visit = apps.get_model("screening", "Visit")
    VisitTask = apps.get_model("screening", "VisitTask")
    Visit.objects.filter(round__isnull=True).update(
        round=Subquery(VisitTask.objects.filter(pk=OuterRef("task_id")).values("round_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_visit_round_and_fewer_task_indexes")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
