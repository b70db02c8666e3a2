"""The dues rates of the rules on collecting, using and managing Party dues (2008), as the first
version of the rate table: a change of rates is a new version with its own effective date."""

from decimal import Decimal

from django.db import migrations

SALARIED = [(Decimal("3000.00"), "0.5"), (Decimal("5000.00"), "1"), (Decimal("10000.00"), "1.5"),
            (None, "2")]  # fmt: skip
RETIRED = [(Decimal("5000.00"), "0.5"), (None, "1")]


def add_rates(apps, schema_editor):
    Table = apps.get_model("members", "DuesRateTable")
    Bracket = apps.get_model("members", "DuesRateBracket")
    if Table.objects.exists():
        return
    table = Table.objects.create(
        name="党费收缴标准",
        effective_from="2008-01-01",
        low_income_amount=Decimal("0.20"),
        farmer_minimum=Decimal("0.20"),
        farmer_maximum=Decimal("1.00"),
    )
    for kind, rows in (("salaried", SALARIED), ("retired", RETIRED)):
        for up_to, percent in rows:
            Bracket.objects.create(table=table, kind=kind, up_to=up_to, percent=Decimal(percent))


class Migration(migrations.Migration):
    dependencies = [("members", "0004_party_dues")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
