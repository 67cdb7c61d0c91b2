# The hash chain is verified in seq order; nothing looks an event up by its hash.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_indexes_without_like_prefix_copies"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="auditevent",
            name="audit_event_unique_hash",
        ),
    ]
