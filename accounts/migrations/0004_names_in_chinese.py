"""The access log's periodic task and the second-factor devices under Chinese names: committee
admins read them in the admin, which is Chinese like the rest of the portal."""

from django.db import migrations

RENAMES = {
    ("django_celery_beat", "PeriodicTask"): {
        "Prune the access log past its retention (daily, 03:45)": "清理超过保存期限的访问日志（每天 03:45）",
    },
    # accounts.twofactor names the devices it makes so from now on.
    ("otp_totp", "TOTPDevice"): {"authenticator": "动态口令"},
    ("otp_static", "StaticDevice"): {"recovery codes": "恢复码"},
}


def forwards(apps, schema_editor, reverse=False):
    for (app_label, model_name), renames in RENAMES.items():
        model = apps.get_model(app_label, model_name)
        for old, new in renames.items():
            if reverse:
                old, new = new, old
            model.objects.filter(name=old).update(name=new)


def backwards(apps, schema_editor):
    forwards(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_schedule_access_log_pruning"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
