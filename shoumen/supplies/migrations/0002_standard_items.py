from django.db import migrations

# The standard list every community starts from (names and units as ledgers write them).
STANDARD = [
    ("医用外科口罩", "mask", "个"),
    ("KN95口罩", "mask", "个"),
    ("84消毒液", "disinfectant", "瓶"),
    ("75%酒精", "disinfectant", "瓶"),
    ("红外体温枪", "thermometer", "把"),
    ("防护服", "protective_suit", "套"),
    ("抗原检测试剂", "test_kit", "份"),
    ("免洗手消毒液", "sanitiser", "瓶"),
]


def add(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    for name, kind, unit in STANDARD:
        Item.objects.get_or_create(name=name, unit=unit, org_unit=None, defaults={"kind": kind})


def remove(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    for name, _kind, unit in STANDARD:
        Item.objects.filter(name=name, unit=unit, org_unit=None, movements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_supplies_and_stock_ledger")]
    operations = [migrations.RunPython(add, remove)]
