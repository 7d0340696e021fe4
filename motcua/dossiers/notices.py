"""Notices the applicant must receive, put in the notification outbox by the act that causes
them, inside its transaction (a rolled-back act sends nothing; a committed one cannot lose its
notice: the worker delivers it, with retries, see motcua.notifications).

For now two, by e-mail to applicants who gave an address: the receipt of an online submission,
and the apology and new appointment (Mẫu 04) with the slip attached (applicants without an
address get the printed slip at the counter). SMS and the portal inbox come later.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.notifications.models import Message
from motcua.notifications.services import Attachment, enqueue_email

from .models import Apology, Dossier
from .slips import SLIP_LANGUAGE, Moment, render_slip, slip_filename


def enqueue_apology_notice(apology: Apology) -> Message | None:
    """Queue the e-mail of `apology` to its applicant; None when there is no address."""
    dossier: Dossier = apology.dossier
    if not dossier.applicant_email:
        return None
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
    # One message per apology (its Message-ID <apology-N@host>), so a repeat can be dropped.
    return enqueue_email(
        key=f"apology-{apology.pk}",
        to=dossier.applicant_email,
        subject=subject,
        body=body,
        attachments=[Attachment(slip_filename("apology", dossier), pdf, "application/pdf")],
    )


def enqueue_submission_receipt(dossier: Dossier) -> Message | None:
    """Queue the e-mail telling the applicant that their online dossier arrived (not yet
    accepted: the one-stop desk checks it and the appointment comes with acceptance); None
    without an address."""
    if not dossier.applicant_email:
        return None
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
    return enqueue_email(
        key=f"submitted-{dossier.uid}", to=dossier.applicant_email, subject=subject, body=body
    )
