"""Schedule the re-queue pass of reminder deliveries in django-celery-beat, every minute
(editable in the admin): it hands over again what a dead worker or sweep left pending, the
retries that have come due, and deliveries whose worker died while sending."""

from django.db import migrations

TASK = "assessments.tasks.requeue_deliveries"
NAME = "Reminder deliveries: re-queue what is due (every minute)"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    # A pass not started within its minute is dropped: the next one does the same work, and
    # workers back from an outage need not run a pile of them.
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_minute, "expire_seconds": 60}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_reminder_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
