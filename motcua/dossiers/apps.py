from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        # The applicant notices' events, for the message templates' admin and preview.
        from . import notices

        notices.register()
        # The officials' reminders: their notice events and periodic jobs (run by the worker).
        from . import reminders

        reminders.register()
        from . import acceptance_alerts  # online dossiers past their acceptance deadline

        acceptance_alerts.register()
        # The officials' notice of an assignment (phân công).
        from . import assignment

        assignment.register()
        # The applicant's notice of an e-receipt issued for a fee paid.
        from . import payment_receipts

        payment_receipts.register()
        from . import payment_jobs  # lost gateway notifications, e-receipts to retry

        payment_jobs.register()
