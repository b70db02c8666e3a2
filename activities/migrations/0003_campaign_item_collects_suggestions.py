from django.db import migrations, models


def mark_suggestion_drives(apps, schema_editor):
    """The report's suggestion drive is an item of its campaigns: count it from the suggestions."""
    apps.get_model("activities", "CampaignItem").objects.filter(name="我为项目献一策").update(
        collects_suggestions=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_default_activity_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaignitem",
            name="collects_suggestions",
            field=models.BooleanField(
                default=False,
                help_text="The suggestions (我为项目献一策) submitted in a branch during the campaign count under this item, with no activity to log.",
                verbose_name="counts the suggestions",
            ),
        ),
        migrations.RunPython(mark_suggestion_drives, migrations.RunPython.noop),
    ]
