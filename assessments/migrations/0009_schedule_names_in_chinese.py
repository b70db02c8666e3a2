"""The periodic tasks of the reminders under Chinese names."""

from django.db import migrations

# The names committee admins read in the admin (periodic tasks): Chinese, like the rest of it.
RENAMES = {
    "Reminder sweep (daily, 08:00)": "发送到期提醒（每天 08:00）",
    "Reminder deliveries: re-queue what is due (every minute)": "重新交付未送达的提醒（每分钟）",
}


def rename(model_names, renames):
    def forwards(apps, schema_editor):
        for app_label, model_name, field in model_names:
            model = apps.get_model(app_label, model_name)
            for old, new in renames.items():
                model.objects.filter(**{field: old}).update(**{field: new})

    def backwards(apps, schema_editor):
        for app_label, model_name, field in model_names:
            model = apps.get_model(app_label, model_name)
            for old, new in renames.items():
                model.objects.filter(**{field: new}).update(**{field: old})

    return forwards, backwards


forwards, backwards = rename([("django_celery_beat", "PeriodicTask", "name")], RENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_labels_for_the_admin"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
