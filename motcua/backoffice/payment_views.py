"""The back office's payment pages (docs/payments.md "Back office"): the payments panel of the
dossier page with what an officer records there (a payment at the counter, a cancellation, a
refund), the payments list of the officer's agencies, the bank statement import, the
reconciliation queue and the daily collection report (payment_report).

Thin: forms check the input, dossiers.payments and dossiers.payment_bank decide and write.
Who: the reception officers, department heads and leaders of the collecting agency
(payment_bank.RECONCILERS); any other signed-in user gets 403, and another agency's request or
credit does not exist for them (404). Every write is a POST followed by a redirect; cancel,
refund and set-aside ask for a ticked confirmation."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from motcua.accounts.models import Agency, User
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import money
from motcua.deadlines.calendar import local
from motcua.dossiers import payments as orchestrator
from motcua.dossiers import states
from motcua.dossiers.models import Dossier
from motcua.dossiers.payment_bank import (
    RECONCILERS,
    entry_dismiss,
    entry_resolve,
    reconciliation_queue,
    statement_import,
)
from motcua.dossiers.payment_selectors import payment_requests_of
from motcua.dossiers.selectors import actor_roles
from motcua.payments.constants import PAYABLE, Method, PaymentStatus
from motcua.payments.models import (
    BankEntry,
    CollectionAccount,
    PaymentRequest,
    Receipt,
    StatementImport,
)

from . import payment_report
from .dossier_views import _render, _visible_or_404
from .payment_forms import (
    CancelPaymentForm,
    CounterPaymentForm,
    DailyReportForm,
    EntryDismissForm,
    EntryResolveForm,
    EntrySearchForm,
    PaymentFilterForm,
    RefundForm,
    StatementForm,
)

PAGE_SIZE = 25
CANDIDATES = 10  # requests shown for one search in the reconciliation queue

# --- who --------------------------------------------------------------------------------------


def payment_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose payments `user` handles (payment_bank.RECONCILERS there)."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return (
        Agency.objects.filter(memberships__user=user, memberships__role__in=RECONCILERS)
        .distinct()
        .order_by("name")
    )


def _officer(request: HttpRequest) -> tuple[User, QuerySet[Agency]]:
    agencies = payment_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(
            _("The payment pages are for the reception officers and leaders of an agency.")
        )
    assert isinstance(request.user, User)
    return request.user, agencies


def _form_errors(form: Any) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


# --- the dossier page's panel -----------------------------------------------------------------


@dataclass
class PaymentRow:
    request: PaymentRequest
    receipt: Receipt | None = None
    may_record: bool = False
    may_cancel: bool = False
    may_refund: bool = False
    refund_through_gateway: bool = False


@dataclass
class PaymentPanel:
    rows: list[PaymentRow] = field(default_factory=list)
    owed: int = 0  # still to pay
    paid: int = 0

    @property
    def may_act(self) -> bool:
        return any(row.may_record or row.may_cancel or row.may_refund for row in self.rows)


def _receipt(request: PaymentRequest) -> Receipt | None:
    try:
        receipt: Receipt = request.receipt  # type: ignore[attr-defined]
    except Receipt.DoesNotExist:
        return None
    return receipt if receipt.file else None


def payment_panel(dossier: Dossier, user: Any) -> PaymentPanel:
    """The dossier's payment requests, and what `user` may record on each (the orchestrator
    checks again when it is done)."""
    requests = payment_requests_of(dossier)
    panel = PaymentPanel()
    roles = actor_roles(dossier=dossier, user=user) if requests else set()
    for request in requests:
        payable = request.status in PAYABLE
        row = PaymentRow(
            request=request,
            receipt=_receipt(request),
            may_record=payable and bool(roles & states.RECEPTION),
            may_cancel=payable and bool(roles & (states.RECEPTION | states.PROCESSORS)),
            may_refund=bool(roles & (states.RECEPTION | states.DECIDERS))
            and orchestrator.refund_allowed(request, dossier),
            refund_through_gateway=request.method == Method.GATEWAY,
        )
        panel.rows.append(row)
        if payable:
            panel.owed += request.amount
        elif request.status == PaymentStatus.PAID:
            panel.paid += request.amount
    return panel


def _dossier_request(request: HttpRequest, key: str, pk: int) -> tuple[Dossier, PaymentRequest]:
    dossier = _visible_or_404(request, key)
    payment = PaymentRequest.objects.filter(pk=pk, dossier_pk=dossier.pk).first()
    if payment is None:
        raise Http404
    return dossier, payment


def _refused(request: HttpRequest, dossier: Dossier, error: DomainError) -> HttpResponse:
    if isinstance(error, ValidationFailed):
        return _render(request, dossier, errors=[error.message, *error.errors], status=400)
    status = 403 if error.code == "act_not_permitted" else 409
    return _render(request, dossier, errors=[error.message], status=status)


def _back(dossier: Dossier) -> HttpResponse:
    return redirect(reverse("backoffice:dossier", args=[dossier.key]) + "#payments-title")


@login_required
@require_POST
def payment_record_view(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The reception officer records a payment taken at the counter."""
    dossier, payment = _dossier_request(request, key, pk)
    form = CounterPaymentForm(request.POST)
    if not form.is_valid():
        return _render(request, dossier, errors=_form_errors(form), status=400)
    data = form.cleaned_data
    try:
        orchestrator.payment_record_at_counter(
            request=payment,
            actor=request.user,  # type: ignore[arg-type]
            method=data["method"],
            amount=data["amount"],
            receipt_ref=data["receipt_ref"],
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    messages.success(
        request,
        _("Payment %(reference)s of %(amount)s đ recorded as paid.")
        % {"reference": payment.reference, "amount": money(payment.amount)},
    )
    return _back(dossier)


@login_required
@require_POST
def payment_cancel_view(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    dossier, payment = _dossier_request(request, key, pk)
    form = CancelPaymentForm(request.POST)
    if not form.is_valid():
        return _render(request, dossier, errors=_form_errors(form), status=400)
    try:
        orchestrator.payment_cancel(
            request=payment,
            actor=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    messages.success(
        request, _("Payment request %(reference)s cancelled.") % {"reference": payment.reference}
    )
    return _back(dossier)


@login_required
@require_POST
def payment_refund_view(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    dossier, payment = _dossier_request(request, key, pk)
    through_gateway = payment.method == Method.GATEWAY
    form = RefundForm(request.POST, through_gateway=through_gateway)
    if not form.is_valid():
        return _render(request, dossier, errors=_form_errors(form), status=400)
    try:
        orchestrator.payment_refund(
            request=payment,
            actor=request.user,  # type: ignore[arg-type]
            refund_ref=form.cleaned_data.get("refund_ref", ""),
            through_gateway=through_gateway,
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    messages.success(
        request, _("Payment %(reference)s refunded.") % {"reference": payment.reference}
    )
    return _back(dossier)


@login_required
@require_safe
def payment_receipt_view(request: HttpRequest, key: str, pk: int) -> FileResponse:
    """The e-receipt's PDF, for an official who may see the dossier."""
    _dossier, payment = _dossier_request(request, key, pk)
    receipt = _receipt(payment)
    if receipt is None:
        raise Http404
    response = FileResponse(
        receipt.file.open("rb"),
        content_type="application/pdf",
        as_attachment="xem" not in request.GET,
        filename=f"bien-lai-{payment.reference}.pdf",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- the payments list ------------------------------------------------------------------------


@login_required
@require_safe
def payment_list(request: HttpRequest) -> HttpResponse:
    """The payment requests of the officer's agencies, filtered, 25 a page, with the totals of
    everything the filters keep."""
    _user, agencies = _officer(request)
    form = PaymentFilterForm(request.GET or None, agencies=agencies)
    payments = PaymentRequest.objects.filter(agency__in=agencies).select_related("agency")
    status = 200
    if form.is_bound and not form.is_valid():
        status, payments = 400, payments.none()
    elif form.is_bound:
        payments = form.filter(payments)
    payments = payments.select_related("receipt").order_by("-created_at", "-id")
    totals = payments.aggregate(
        count=Count("id"),
        total=Sum("amount"),
        paid=Sum("amount", filter=Q(status=PaymentStatus.PAID)),
        owed=Sum("amount", filter=Q(status__in=PAYABLE)),
    )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [(row, _receipt(row)) for row in page.object_list],
        "totals": {key: value or 0 for key, value in totals.items()},
        "filtered": form.is_bound,
        "many_agencies": agencies.count() > 1,
        "queued": reconciliation_queue(agencies=agencies).count(),
    }
    return render(request, "backoffice/payments/list.html", context, status=status)


# --- bank statements --------------------------------------------------------------------------


def _accounts(agencies: QuerySet[Agency]) -> QuerySet[CollectionAccount]:
    return (
        CollectionAccount.objects.filter(agency__in=agencies, active=True)
        .select_related("agency", "bank")
        .order_by("agency__name", "id")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def statement_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a statement of one of the agencies' accounts; the result of the last import (by
    `?nhap=<id>` after the redirect) and the recent imports."""
    user, agencies = _officer(request)
    accounts = _accounts(agencies)
    status, errors = 200, []
    if request.method == "POST":
        form = StatementForm(request.POST, request.FILES, accounts=accounts)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = statement_import(
                    account=form.cleaned_data["account"],
                    content=upload.read(),
                    file_name=upload.name,
                    actor=user,
                )
            except DomainError as error:
                errors = [error.message, *getattr(error, "errors", [])]
                status = 400 if isinstance(error, ValidationFailed) else 409
            else:
                messages.success(request, _("The statement was imported."))
                return redirect(f"{reverse('backoffice:payment-statement')}?nhap={imported.pk}")
        else:
            status = 400
    else:
        form = StatementForm(accounts=accounts)
    imports = StatementImport.objects.filter(account__in=accounts).select_related(
        "account__bank", "account__agency", "imported_by"
    )
    asked = request.GET.get("nhap", "")
    shown = imports.filter(pk=int(asked)).first() if asked.isdigit() else None
    context = {
        "form": form,
        "errors": errors,
        "accounts": accounts,
        "shown": shown,
        "imports": imports[:10],
    }
    return render(request, "backoffice/payments/statement.html", context, status=status)


# --- the reconciliation queue -----------------------------------------------------------------


def _candidates(entry: BankEntry, text: str) -> list[PaymentRequest]:
    """The agency's requests a search names: by payment reference or dossier code."""
    text = text.strip()
    if len(text) < 3:
        return []
    return list(
        PaymentRequest.objects.filter(agency_id=entry.agency_id)
        .filter(
            Q(reference__iexact=text)
            | Q(dossier_code__iexact=text)
            | Q(dossier_code__icontains=text)
        )
        .order_by("-created_at", "-id")[:CANDIDATES]
    )


def _queue_page(
    request: HttpRequest, agencies: QuerySet[Agency], *, errors: list[str], status: int = 200
) -> HttpResponse:
    search = EntrySearchForm(request.GET) if "entry" in request.GET else None
    searched: dict[str, Any] = {}
    entries = list(reconciliation_queue(agencies=agencies))
    if search is not None and search.is_valid():
        entry = next((e for e in entries if e.pk == search.cleaned_data["entry"]), None)
        if entry is not None:
            text = search.cleaned_data["q"]
            searched = {"entry": entry.pk, "q": text, "found": _candidates(entry, text)}
    context = {
        "entries": entries,
        "searched": searched,
        "errors": errors,
        "payable": PAYABLE,
    }
    return render(request, "backoffice/payments/queue.html", context, status=status)


@login_required
@require_safe
def reconciliation_view(request: HttpRequest) -> HttpResponse:
    """The bank credits of the officer's agencies waiting for an officer, with their reasons;
    `?entry=<id>&q=<reference or dossier code>` searches the requests one of them may pay."""
    _user, agencies = _officer(request)
    return _queue_page(request, agencies, errors=[])


def _queued_entry(agencies: QuerySet[Agency], pk: int) -> BankEntry:
    return get_object_or_404(
        BankEntry.objects.select_related("agency", "account__bank"), pk=pk, agency__in=agencies
    )


def _queue_refused(
    request: HttpRequest, agencies: QuerySet[Agency], error: DomainError
) -> HttpResponse:
    if isinstance(error, ValidationFailed):
        return _queue_page(request, agencies, errors=[error.message, *error.errors], status=400)
    status = 403 if error.code == "act_not_permitted" else 409
    return _queue_page(request, agencies, errors=[error.message], status=status)


@login_required
@require_POST
def entry_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign a queued credit to the request it pays (the amounts must be equal)."""
    user, agencies = _officer(request)
    entry = _queued_entry(agencies, pk)
    form = EntryResolveForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, agencies, errors=_form_errors(form), status=400)
    payment = PaymentRequest.objects.filter(
        pk=form.cleaned_data["request"], agency_id=entry.agency_id
    ).first()
    if payment is None:
        errors = [_("That payment request is not one of this agency's.")]
        return _queue_page(request, agencies, errors=errors, status=400)
    try:
        entry_resolve(entry=entry, request=payment, actor=user, note=form.cleaned_data["note"])
    except DomainError as error:
        return _queue_refused(request, agencies, error)
    messages.success(
        request,
        _("The credit of %(amount)s đ paid %(reference)s (dossier %(code)s).")
        % {
            "amount": money(entry.amount),
            "reference": payment.reference,
            "code": payment.dossier_code,
        },
    )
    return redirect("backoffice:payment-queue")


@login_required
@require_POST
def entry_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a queued credit aside, with the reason."""
    user, agencies = _officer(request)
    entry = _queued_entry(agencies, pk)
    form = EntryDismissForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, agencies, errors=_form_errors(form), status=400)
    try:
        entry_dismiss(entry=entry, actor=user, note=form.cleaned_data["note"])
    except DomainError as error:
        return _queue_refused(request, agencies, error)
    messages.success(request, _("The credit was set aside."))
    return redirect("backoffice:payment-queue")


# --- the daily collection report --------------------------------------------------------------


@login_required
@require_safe
def daily_report_view(request: HttpRequest) -> HttpResponse:
    """The day picker; with a day, the XLSX of that day for the chosen agency (or all the
    officer's agencies)."""
    _user, agencies = _officer(request)
    if "day" not in request.GET:
        initial = {"day": local(timezone.now()).date()}
        form = DailyReportForm(initial=initial, agencies=agencies)
        return render(request, "backoffice/payments/report.html", {"form": form})
    form = DailyReportForm(request.GET, agencies=agencies)
    if not form.is_valid():
        return render(request, "backoffice/payments/report.html", {"form": form}, status=400)
    chosen = form.cleaned_data["agency"]
    day = form.cleaned_data["day"]
    content = payment_report.collection_xlsx(
        agencies=[chosen] if chosen else list(agencies), day=day
    )
    response = HttpResponse(content, content_type=payment_report.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=payment_report.report_filename(day)
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
