"""Fill the keyed index of the ID number's last 4 from the decrypted numbers (the data key
is needed, as for every page that shows a person); the reverse puts the plain last 4 back."""

from django.db import migrations

from shoumen.lib import crypto

# The values of shoumen.registry.models at the time of this migration.
ID_CONTEXT = "person.id_number"
ID_LAST4_CONTEXT = "person.id_number.last4"
BATCH = 2000


def _numbers(Person, fields):
    rows = (
        Person.objects.exclude(id_number_encrypted=None)
        .only("pk", "id_number_encrypted", *fields)
        .order_by("pk")
    )
    for person in rows.iterator(chunk_size=BATCH):
        yield person, crypto.decrypt(person.id_number_encrypted, context=ID_CONTEXT)


def _save(Person, batch, field):
    if batch:
        Person.objects.bulk_update(batch, [field], batch_size=BATCH)
    batch.clear()


def fill_index(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    batch = []
    for person, number in _numbers(Person, ["id_number_last4_index"]):
        person.id_number_last4_index = crypto.blind_index(
            number[-4:].upper(), context=ID_LAST4_CONTEXT
        )
        batch.append(person)
        if len(batch) >= BATCH:
            _save(Person, batch, "id_number_last4_index")
    _save(Person, batch, "id_number_last4_index")


def fill_plain(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    batch = []
    for person, number in _numbers(Person, ["id_number_last4"]):
        person.id_number_last4 = number[-4:]
        batch.append(person)
        if len(batch) >= BATCH:
            _save(Person, batch, "id_number_last4")
    _save(Person, batch, "id_number_last4")


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_person_id_number_last4_index")]

    operations = [migrations.RunPython(fill_index, fill_plain)]
