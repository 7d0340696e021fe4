"""Which payment request a bank credit pays, if exactly one.

A transfer names what it pays in its description: the request's payment reference
(`MC7K2QX9PA`, put there by the VietQR code, wave2 §1.5 "Reconciliation"), or the dossier's
code. Banks rewrite descriptions (upper-case, punctuation and spaces dropped, words run
together), so both are also looked for in the description with everything but letters and
digits removed: `000.00.01.H49-261207-0001` may arrive as `00000001H492612070001`.

A credit matches only when exactly one payable request of the account's agency is named and
the amount is that request's to the đồng. Anything else is not paid: it waits for an officer,
with the reason (no reference, several requests, the amount differs, already paid, not this
agency's). A dossier code names a request only when the dossier has exactly one payable one.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.text import money

from .constants import PAYABLE, PaymentStatus
from .models import CollectionAccount, PaymentRequest
from .services import REFERENCE_RE

_REFERENCE_ANYWHERE = re.compile(rf"(?=({REFERENCE_RE.pattern}))")
#: A dossier code, `<agency identifier 000.00.00.H49>-<YYMMDD>-<NNNN>`, with its punctuation
#: removed: the letter of the identifier anchors it.
_CODE_COMPACT = re.compile(r"(?=(\d{3})(\d{2})(\d{2})([A-Z]\d{2})(\d{6})(\d{4}))")


@dataclass(frozen=True)
class Match:
    request: PaymentRequest | None
    reason: str  # why there is no request ("" when there is one)


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def find_candidates(description: str) -> tuple[list[str], list[str]]:
    """The payment references and the dossier codes a transfer description may name, in the
    order they appear (some may name nothing: the caller looks them up)."""
    compact = _compact(description)
    references = REFERENCE_RE.findall(description.upper())
    references += [found.group(1) for found in _REFERENCE_ANYWHERE.finditer(compact)]
    codes = [f"{m[1]}.{m[2]}.{m[3]}.{m[4]}-{m[5]}-{m[6]}" for m in _CODE_COMPACT.finditer(compact)]
    return _unique(references), _unique(codes)


def match(*, account: CollectionAccount, amount: int, description: str) -> Match:
    """The one request this credit pays, or None and why it must wait for an officer."""
    references, codes = find_candidates(description)
    named = list(PaymentRequest.objects.filter(reference__in=references))
    ours = [request for request in named if request.agency_id == account.agency_id]
    if named and not ours:
        return Match(
            None,
            _("The reference %(reference)s belongs to another agency's payment request.")
            % {"reference": named[0].reference},
        )
    if not ours and codes:
        by_code = _by_dossier_code(account, codes)
        if isinstance(by_code, str):
            return Match(None, by_code)
        ours = by_code
    if not ours:
        return Match(None, _("The description names no payment reference or dossier code."))
    if len(ours) > 1:
        return Match(
            None,
            _("The description names several payment requests: %(references)s.")
            % {"references": ", ".join(request.reference for request in ours)},
        )
    return _check(ours[0], amount)


def _by_dossier_code(account: CollectionAccount, codes: list[str]) -> list[PaymentRequest] | str:
    """The payable requests the codes name (one per dossier), or why they name none."""
    found: list[PaymentRequest] = []
    for code in codes:
        requests = list(
            PaymentRequest.objects.filter(dossier_code=code, agency_id=account.agency_id)
        )
        payable = [request for request in requests if request.status in PAYABLE]
        if len(payable) > 1:
            return _(
                "Dossier %(code)s has %(count)s payment requests waiting; the transfer does "
                "not say which one it pays."
            ) % {"code": code, "count": len(payable)}
        if payable:
            found.append(payable[0])
        elif requests:
            return _("Dossier %(code)s has no payment request waiting for payment.") % {
                "code": code
            }
    return found


def _check(request: PaymentRequest, amount: int) -> Match:
    if request.status == PaymentStatus.PAID:
        return Match(
            None,
            _("Payment request %(reference)s is already paid.") % {"reference": request.reference},
        )
    if request.status not in PAYABLE:
        return Match(
            None,
            _("Payment request %(reference)s is “%(status)s”.")
            % {"reference": request.reference, "status": request.get_status_display()},
        )
    if amount != request.amount:
        return Match(
            None,
            _("%(received)s đ received for payment request %(reference)s of %(owed)s đ.")
            % {
                "received": money(amount),
                "reference": request.reference,
                "owed": money(request.amount),
            },
        )
    return Match(request, "")
