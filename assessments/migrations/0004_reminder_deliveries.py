"""Reminders: what leaves the portal becomes a Delivery per channel (claimed before it is sent,
retried, resent by staff); the e-mail state of each existing reminder moves onto its e-mail
delivery."""

import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def move_email_state(apps, schema_editor):
    """Pending and failed e-mails of the last three days are retried as the new rules say (the
    old ones gave up after four attempts in minutes); older ones stay failed, for staff to see
    and resend, rather than reminding anyone of a stale deadline."""
    Notification = apps.get_model("assessments", "Notification")
    Delivery = apps.get_model("assessments", "Delivery")
    now = timezone.now()
    recent = now - datetime.timedelta(days=3)
    rows = []
    notifications = Notification.objects.exclude(email_status="none").values_list(
        "pk", "email_status", "email_attempts", "email_error", "created_at"
    )
    for pk, status, attempts, error, created_at in notifications.iterator():
        if status != "sent" and created_at >= recent:
            status = "pending"
        elif status != "sent":
            status, error = "failed", error or "Not sent before deliveries were tracked"
        rows.append(
            Delivery(
                notification_id=pk,
                channel="email",
                status=status,
                next_attempt_at=now,
                attempts=attempts,
                last_error="" if status == "sent" else error,
                failing_since=now if status != "sent" and (attempts or status == "failed") else None,
                sent_at=created_at if status == "sent" else None,
            )
        )
        if len(rows) == 1000:
            Delivery.objects.bulk_create(rows)
            rows = []
    Delivery.objects.bulk_create(rows)


def restore_email_state(apps, schema_editor):
    Notification = apps.get_model("assessments", "Notification")
    for delivery in apps.get_model("assessments", "Delivery").objects.filter(channel="email"):
        status = "pending" if delivery.status == "sending" else delivery.status
        Notification.objects.filter(pk=delivery.notification_id).update(
            email_status=status, email_attempts=delivery.attempts, email_error=delivery.last_error
        )


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_score_evidence_label'),
    ]

    operations = [
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(max_length=40, verbose_name='channel')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('next_attempt_at', models.DateTimeField(verbose_name='next attempt')),
                ('queued_at', models.DateTimeField(blank=True, null=True)),
                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt')),
                ('failing_since', models.DateTimeField(blank=True, null=True, verbose_name='failing since')),
                ('last_error', models.CharField(blank=True, max_length=300, verbose_name='error')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='assessments.notification', verbose_name='reminder')),
            ],
            options={
                'verbose_name': 'delivery',
                'verbose_name_plural': 'deliveries',
                'ordering': ['created_at', 'pk'],
                'indexes': [models.Index(condition=models.Q(('status__in', ['pending', 'sending', 'failed'])), fields=['next_attempt_at'], name='delivery_unsent_due'), models.Index(condition=models.Q(('status__in', ['pending', 'sending', 'failed'])), fields=['created_at', 'id'], name='delivery_unsent_age')],
                'constraints': [models.UniqueConstraint(fields=('notification', 'channel'), name='delivery_once_per_channel'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'sending'), _negated=True), ('claimed_until__isnull', False), _connector='OR'), name='delivery_sending_has_lease')],
            },
        ),
        migrations.RunPython(move_email_state, restore_email_state),
        migrations.RemoveField(
            model_name='notification',
            name='email_attempts',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='email_error',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='email_status',
        ),
    ]
