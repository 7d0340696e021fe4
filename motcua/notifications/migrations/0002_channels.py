import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import motcua.notifications.models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="deliveryattempt",
            name="duration_ms",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="duration (ms)"),
        ),
        migrations.AddField(
            model_name="deliveryattempt",
            name="external_id",
            field=models.CharField(blank=True, max_length=200, verbose_name="receiver's id"),
        ),
        migrations.AddField(
            model_name="deliveryattempt",
            name="response",
            field=models.TextField(blank=True, verbose_name="response"),
        ),
        migrations.AddField(
            model_name="deliveryattempt",
            name="status_code",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="HTTP status"
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="data"),
        ),
        migrations.AddField(
            model_name="message",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="channel",
            field=models.CharField(
                choices=[
                    ("email", "E-mail"),
                    ("sms", "SMS"),
                    ("inbox", "Portal inbox"),
                    ("webhook", "Webhook"),
                ],
                max_length=20,
                verbose_name="channel",
            ),
        ),
        migrations.CreateModel(
            name="WebhookSubscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("url", models.URLField(max_length=500, verbose_name="URL")),
                (
                    "secret",
                    models.CharField(
                        default=motcua.notifications.models.webhook_secret,
                        max_length=100,
                        verbose_name="secret",
                    ),
                ),
                ("event_types", models.JSONField(default=list, verbose_name="event types")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook subscription",
                "verbose_name_plural": "webhook subscriptions",
                "ordering": ["name", "pk"],
            },
        ),
        migrations.AddField(
            model_name="message",
            name="subscription",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="messages",
                to="notifications.webhooksubscription",
                verbose_name="webhook subscription",
            ),
        ),
        migrations.CreateModel(
            name="InboxItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(max_length=300, verbose_name="subject")),
                ("body", models.TextField(verbose_name="body")),
                ("link", models.CharField(blank=True, max_length=500, verbose_name="link")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                (
                    "message",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inbox_item",
                        to="notifications.message",
                        verbose_name="message",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inbox_items",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "inbox item",
                "verbose_name_plural": "inbox items",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["user", "read_at"], name="notificatio_user_id_1b1d4e_idx")
                ],
            },
        ),
    ]
