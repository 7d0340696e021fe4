"""Notices the applicant must receive, sent when the act that causes them has committed.

For now one: the apology and new appointment (Mẫu 04) by e-mail, with the slip attached, to
applicants who gave an e-mail address (the others get the printed slip at the counter). The
notification outbox with retries, SMS and the portal inbox replace this direct sending later.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Apology, Dossier
from .slips import SLIP_LANGUAGE, Moment, render_slip, slip_filename

log = logging.getLogger(__name__)


def send_apology_notice(apology_id: int) -> bool:
    """E-mail the apology `apology_id` to its applicant; False when there is no address."""
    apology = Apology.objects.select_related(
        "dossier__procedure", "dossier__receiving_agency", "agency"
    ).get(pk=apology_id)
    dossier: Dossier = apology.dossier
    if not dossier.applicant_email:
        return False
    with translation.override(SLIP_LANGUAGE):
        subject = _("Apology and new appointment for dossier %(code)s") % {"code": dossier.code}
        body = render_to_string(
            "notices/apology.txt",
            {
                "dossier": dossier,
                "apology": apology,
                "previous": Moment.of(apology.previous_appointment),
                "new": Moment.of(apology.new_appointment),
            },
        )
        pdf = render_slip("apology", dossier)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[dossier.applicant_email],
        # One message per apology, so a repeated sending can be recognised by the receiver.
        headers={"Message-ID": f"<apology-{apology.pk}@{_mail_domain()}>"},
    )
    message.attach(slip_filename("apology", dossier), pdf, "application/pdf")
    message.send()
    log.info("apology %s of dossier %s sent to the applicant", apology.pk, dossier.code)
    return True


def _mail_domain() -> str:
    return urlsplit(settings.MOTCUA_PUBLIC_URL).hostname or "motcua.localhost"
