from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from .periodic import register_job
        from .services import orphan_attachments_delete

        register_job(
            "notifications.orphan_attachments", orphan_attachments_delete, daily_at=time(2, 0)
        )
