import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_channels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.BooleanField(default=True, verbose_name="by e-mail")),
                ("sms", models.BooleanField(default=False, verbose_name="by SMS")),
                ("inbox", models.BooleanField(default=True, verbose_name="in the portal inbox")),
                (
                    "language",
                    models.CharField(
                        choices=[("vi", "Vietnamese"), ("en", "English")],
                        default="vi",
                        max_length=5,
                        verbose_name="language",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
            },
        ),
        migrations.CreateModel(
            name="MessageTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event", models.CharField(max_length=100, verbose_name="event")),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "E-mail"), ("sms", "SMS"), ("inbox", "Portal inbox")],
                        max_length=20,
                        verbose_name="channel",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("vi", "Vietnamese"), ("en", "English")],
                        max_length=5,
                        verbose_name="language",
                    ),
                ),
                ("subject", models.CharField(blank=True, max_length=300, verbose_name="subject")),
                ("body", models.TextField(verbose_name="body")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "message template",
                "verbose_name_plural": "message templates",
                "ordering": ["event", "channel", "language"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "channel", "language"),
                        name="notifications_template_unique",
                    )
                ],
            },
        ),
    ]
