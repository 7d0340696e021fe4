"""The e-receipt of a paid request, delivered (Decree 123/2020 Art. 31: issued when the fee is
collected; reference/wave2.md §3).

`receipt_deliver(request_id=)` runs after the payment commits (dossiers.payments.deliver_receipt)
and again from the worker's sweep for what `receipts_missing` lists. It

1. issues the receipt (payments.receipts.receipt_issue): numbered in the collecting agency's
   book, rendered with documents.pdf.render_pdf and signed with the agency's organisation
   credential, the one that seals e-results (dossiers.results.organisation_credential), else
   unsigned and marked so;
2. in one transaction, the receipt row locked: keeps it in the applicant's e-warehouse (a
   dossier file of purpose "receipt" pointing at the receipt's stored bytes, and a warehouse
   document of kind "receipt", as dossiers.warehouse keeps e-results) and queues the notice
   "dossiers.receipt_issued" to the applicant on the channels chosen for them, the e-mail
   carrying the PDF, each with the link to the receipt's public page.

Calling it again adds nothing: the receipt is issued once (payments.receipts), the dossier file
and the warehouse document are looked up by the receipt's hash, and the notices' idempotency
keys are `receipt-<receipt id>-<channel>`.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Agency
from motcua.core import audit
from motcua.core.text import money
from motcua.documents.pdf import render_pdf
from motcua.notifications.notice_templates import register_event, render_notice
from motcua.notifications.preferences import routes_for
from motcua.notifications.services import Attachment, enqueue_email, enqueue_inbox, enqueue_sms
from motcua.payments import receipts
from motcua.payments.constants import PaymentStatus
from motcua.payments.models import PaymentRequest, Receipt

from .constants import FilePurpose
from .models import Dossier, DossierFile
from .warehouse import chain_name
from .warehouse_models import DocumentKind, WarehouseDocument
from .warehouse_signatures import is_signed

log = logging.getLogger(__name__)

NOTICE = "dossiers.receipt_issued"
CHANNELS = ("email", "sms", "inbox")
RECEIPT_PATH = "/bien-lai/{token}/"  # the receipt's public page (portal), by its token


# --- the PDF machinery ------------------------------------------------------------------------


def organisation_signer(agency: Agency) -> receipts.Sign | None:
    """The collecting agency's organisation signature (the credential that seals its e-results),
    or None when it has none the server can use."""
    # The signing stack (pyHanko) loads with the first receipt, not with the app (register()).
    from motcua.documents.signing import pades
    from motcua.documents.signing.appearance import Appearance
    from motcua.documents.signing.backends import SigningFailed, backend_for

    from .result_models import SignaturePurpose
    from .results import in_document_language, organisation_credential

    credential = organisation_credential(Dossier(current_agency_id=agency.pk))
    if credential is None or credential.way == "external":
        return None

    def sign(pdf: bytes, *, number: str, box: tuple[float, float, float, float]) -> bytes | None:
        image = bytes(credential.image_png or b"")
        appearance = Appearance(
            purpose=SignaturePurpose.ORGANISATION,
            signer_name=agency.name,
            image_png=image or None,
            number_notation=number,
            box=box,
        )
        try:
            return pades.sign_pdf(
                pdf,
                backend=backend_for(credential),
                appearance=appearance,
                field_name=receipts.FIELD_NAME,
                reason=in_document_language(_("Issued the e-receipt")),
            )
        except SigningFailed as error:
            log.warning("e-receipt %s not signed: %s", number, error.message)
            return None

    return sign


PRESS = receipts.Press(render=render_pdf, signer=organisation_signer)


# --- delivering -------------------------------------------------------------------------------


def fee_lines(dossier: Dossier, request: PaymentRequest) -> list[tuple[str, int]]:
    """What the request paid for: its DossierFee lines, else its description and amount."""
    lines = [(fee.description, fee.amount) for fee in dossier.fees.filter(payment_request=request)]
    if sum(amount for _name, amount in lines) != request.amount:
        return [(request.description, request.amount)]
    return lines


def receipt_deliver(*, request_id: int) -> Receipt | None:
    """Issue the receipt of the paid request, keep it in the applicant's e-warehouse and tell
    them (see the module doc). None when the request is not paid."""
    request = PaymentRequest.objects.select_related("agency", "agency__parent").get(pk=request_id)
    issued = Receipt.objects.filter(request=request).exists()
    if request.status != PaymentStatus.PAID and not issued:
        return None
    dossier = Dossier.objects.select_related("receiving_agency", "procedure", "applicant_user").get(
        pk=request.dossier_pk
    )
    receipt = receipts.receipt_issue(
        request=request,
        at=timezone.now(),
        collector_name=dossier.receiving_agency.name,
        fee_lines=fee_lines(dossier, request),
        press=PRESS,
    )
    with transaction.atomic():
        locked = (
            Receipt.objects.select_for_update()
            .select_related("book", "request", "request__agency")
            .get(pk=receipt.pk)
        )
        row = _dossier_file(dossier, locked)
        _keep_in_warehouse(dossier, locked, row)
        _notify(dossier, locked)
    return locked


def receipts_missing() -> list[int]:
    """The ids of paid requests without a finished receipt, for the worker's sweep to pass to
    `receipt_deliver`."""
    return receipts.receipts_incomplete()


def receipt_url(receipt: Receipt) -> str:
    return settings.MOTCUA_PUBLIC_URL + RECEIPT_PATH.format(token=receipt.token)


def receipt_name(receipt: Receipt) -> str:
    """ "Biên lai thu phí, lệ phí BL-26E số 0000001", in the installation's language (the
    warehouse keeps it as data)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Receipt of fees and charges %(series)s no. %(number)s") % {
            "series": receipt.book.series,
            "number": receipt.number_text,
        }


def _file_name(receipt: Receipt) -> str:
    series = "".join(c if c.isalnum() else "-" for c in receipt.book.series)
    return f"bien-lai-{series}-{receipt.number_text}.pdf"


def _dossier_file(dossier: Dossier, receipt: Receipt) -> DossierFile:
    """The receipt as a file of the dossier (the receipt's stored bytes, not a copy)."""
    row = DossierFile.objects.filter(
        dossier=dossier, purpose=FilePurpose.RECEIPT, sha256=receipt.sha256
    ).first()
    if row is not None:
        return row
    return DossierFile.objects.create(
        dossier=dossier,
        purpose=FilePurpose.RECEIPT,
        file=receipt.file.name,
        original_name=_file_name(receipt),
        content_type="application/pdf",
        size=receipt.file.size,
        sha256=receipt.sha256,
        uploaded_at=receipt.issued_at,
    )


def _keep_in_warehouse(dossier: Dossier, receipt: Receipt, row: DossierFile) -> None:
    """The receipt as a document of the applicant's account (none without one), once; one
    "warehouse.collected" event in the owner's warehouse chain, as dossiers.warehouse does."""
    owner_id = dossier.applicant_user_id
    if owner_id is None:
        return
    kind = DocumentKind.RECEIPT
    if WarehouseDocument.objects.filter(owner_id=owner_id, kind=kind, sha256=row.sha256).exists():
        return
    document = WarehouseDocument.objects.create(
        owner_id=owner_id,
        kind=kind,
        name=receipt_name(receipt),
        file_name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        source_dossier=dossier,
        source_file=row,
        added_at=timezone.now(),
        signed=is_signed(row),
        owner_id_number=dossier.applicant_id_number,
        procedure_code=dossier.procedure.national_code,
        number_notation=f"{receipt.book.series} {receipt.number_text}",
        issuer=receipt.request.agency.name,
        issued_at=receipt.issued_at,
    )
    audit.record(
        action="warehouse.collected",
        subject=dossier,
        chain=chain_name(owner_id),
        data={
            "code": dossier.code or "",
            "kind": kind,
            "documents": [{"file_id": row.pk, "name": document.name, "sha256": row.sha256}],
        },
    )


# --- the notice -------------------------------------------------------------------------------


def _notify(dossier: Dossier, receipt: Receipt) -> None:
    routes, language = routes_for(
        user=dossier.applicant_user, email=dossier.applicant_email, phone=dossier.applicant_phone
    )
    context = notice_context(dossier, receipt)
    for route in routes:
        rendered = render_notice(
            event=NOTICE, channel=route.channel, language=language, context=context
        )
        key = f"receipt-{receipt.pk}-{route.channel}"
        if route.channel == "email":
            pdf = Attachment(_file_name(receipt), _read(receipt), "application/pdf")
            enqueue_email(
                key=key,
                to=route.to,
                subject=rendered.subject,
                body=rendered.body,
                attachments=[pdf],
            )
        elif route.channel == "sms":
            enqueue_sms(key=key, to=route.to, body=rendered.body)
        else:
            link = RECEIPT_PATH.format(token=receipt.token)
            enqueue_inbox(
                key=key, user=route.user, subject=rendered.subject, body=rendered.body, link=link
            )


def _read(receipt: Receipt) -> bytes:
    with receipt.file.open("rb") as handle:
        return bytes(handle.read())


def notice_context(dossier: Dossier, receipt: Receipt) -> dict[str, Any]:
    request = receipt.request
    return {
        "dossier": dossier,
        "code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "agency": request.agency.name,
        "amount": money(request.amount),
        "series": receipt.book.series,
        "number": receipt.number_text,
        "issued_at": receipts.local(receipt.issued_at).strftime("%H:%M %d/%m/%Y"),
        "signed": receipt.signed,
        "link": receipt_url(receipt),
    }


# --- registration (preview) -------------------------------------------------------------------

_SAMPLE_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _sample_context() -> dict[str, Any]:
    from .notices import _sample_dossier

    dossier = _sample_dossier()
    return {
        "dossier": dossier,
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "agency": dossier.receiving_agency.name,
        "amount": money(1250000),
        "series": "BL-26E",
        "number": "0000001",
        "issued_at": receipts.local(_SAMPLE_AT).strftime("%H:%M %d/%m/%Y"),
        "signed": True,
        "link": f"{settings.MOTCUA_PUBLIC_URL}/bien-lai/sample/",
    }


def _real_context(reference: str) -> dict[str, Any]:
    code = reference.strip()
    receipt = (
        Receipt.objects.select_related("book", "request", "request__agency")
        .filter(request__dossier_code=code)
        .exclude(file="")
        .order_by("-issued_at", "-id")
        .first()
    )
    if receipt is None:
        raise LookupError(_("No e-receipt was issued for dossier %(code)s.") % {"code": code})
    dossier = Dossier.objects.select_related("procedure").get(pk=receipt.request.dossier_pk)
    return notice_context(dossier, receipt)


def register() -> None:
    """Make the notice known to the template admin (DossiersConfig.ready)."""
    register_event(
        event=NOTICE,
        label=gettext_lazy("E-receipt of fees and charges issued"),
        channels=CHANNELS,
        sample_context=_sample_context,
        help_text=gettext_lazy(
            "Variables: dossier (its fields), code, procedure, agency (the collecting agency), "
            "amount (1.250.000), series, number (0000001), issued_at, signed, link (the "
            "receipt's page)."
        ),
        real_context=_real_context,
    )
