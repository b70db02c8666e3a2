"""The periodic tasks of core under Chinese names."""

from django.db import migrations

# The names committee admins read in the admin (periodic tasks): Chinese, like the rest of it.
RENAMES = {
    "Clear expired log-in sessions (daily, 03:30)": "清除过期的登录会话（每天 03:30）",
    "Hand waiting background jobs to the queue (every minute)": "将等待中的后台任务交给队列（每分钟）",
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
        ("core", "0003_schedule_outbox_pass"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
