from django.db import migrations, models

TOPICS = ("sales", "payments", "activities", "accounts")


def create_topics(apps, schema_editor):
    DataVersion = apps.get_model("common", "DataVersion")
    DataVersion.objects.bulk_create(DataVersion(topic=t, version=0) for t in TOPICS)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "topic",
                    models.CharField(
                        max_length=20, primary_key=True, serialize=False, verbose_name="topic"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={"verbose_name": "data version", "verbose_name_plural": "data versions"},
        ),
        migrations.RunPython(create_topics, migrations.RunPython.noop),
    ]
