import cartera.common.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="clientmetrics",
            name="open_receivable",
            field=cartera.common.fields.MoneyField(default=0, verbose_name="open receivables"),
        ),
        migrations.AddField(
            model_name="clientmetrics",
            name="oldest_open_due",
            field=models.DateField(
                blank=True,
                help_text="Due date of the oldest invoice not fully paid; empty: nothing owed.",
                null=True,
                verbose_name="oldest open due date",
            ),
        ),
        migrations.AddField(
            model_name="metricsrun",
            name="payments_version",
            field=models.BigIntegerField(default=0, verbose_name="payments data version"),
        ),
        migrations.AddIndex(
            model_name="clientmetrics",
            index=models.Index(
                fields=["oldest_open_due", "account"], name="metrics_oldest_open_due"
            ),
        ),
    ]
