from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("time", models.DateTimeField(db_index=True)),
                ("action", models.CharField(max_length=64)),
                ("outcome", models.CharField(max_length=16)),
                ("user", models.CharField(blank=True, max_length=200)),
                ("address", models.CharField(blank=True, max_length=64)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("detail", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "ordering": ["-time", "-id"],
                "indexes": [
                    models.Index(
                        fields=["action", "outcome", "-time"], name="security_action_outcome"
                    )
                ],
            },
        ),
    ]
