from django.db import migrations

from activities.defaults import KINDS, ensure_default_kinds


def create(apps, schema_editor):
    ensure_default_kinds(apps.get_model("activities", "ActivityKind"))


def remove(apps, schema_editor):
    apps.get_model("activities", "ActivityKind").objects.filter(
        code__in=[kind[0] for kind in KINDS], logs__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
