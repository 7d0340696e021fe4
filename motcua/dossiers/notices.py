"""Notices the applicant must receive, sent when the act that causes them has committed.

For now two, by e-mail to applicants who gave an address: the receipt of an online submission,
and the apology and new appointment (Mẫu 04) with the slip attached (applicants without an
address get the printed slip at the counter). The
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


def send_submission_receipt(dossier_id: int) -> bool:
    """E-mail the applicant that their online dossier arrived (not yet accepted: the one-stop
    desk checks it and the appointment comes with acceptance); False without an address."""
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier_id)
    if not dossier.applicant_email:
        return False
    with translation.override(SLIP_LANGUAGE):
        subject = _("Your dossier was submitted: %(procedure)s") % {
            "procedure": dossier.procedure.name
        }
        body = render_to_string(
            "notices/submitted.txt",
            {
                "dossier": dossier,
                "submitted": Moment.of(dossier.submitted_at),
                "link": f"{settings.MOTCUA_PUBLIC_URL}/ho-so-cua-toi/{dossier.key}/",
            },
        )
    EmailMessage(
        subject=subject,
        body=body,
        to=[dossier.applicant_email],
        headers={"Message-ID": f"<submitted-{dossier.uid}@{_mail_domain()}>"},
    ).send()
    log.info("receipt of online dossier %s sent to the applicant", dossier.uid)
    return True


def _mail_domain() -> str:
    return urlsplit(settings.MOTCUA_PUBLIC_URL).hostname or "motcua.localhost"
