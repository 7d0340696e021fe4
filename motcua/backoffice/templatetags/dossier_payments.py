"""The payments part of the dossier page, computed where it is shown:
`{% dossier_payment_panel dossier as payment_panel %}` (see payment_views.payment_panel)."""

from typing import Any

from django import template

from motcua.dossiers.models import Dossier, DossierFee

from ..payment_assess_views import Assessment, fee_assessment
from ..payment_views import PaymentPanel, payment_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_payment_panel(context: dict[str, Any], dossier: Dossier) -> PaymentPanel:
    """The dossier's payment requests, and what the signed-in user may record on each."""
    request = context.get("request")
    return payment_panel(dossier, getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def dossier_fee_assessment(
    context: dict[str, Any], dossier: Dossier, fees: list[DossierFee]
) -> Assessment:
    """The fee lines the reception officer may still bill, and whether postage may be billed
    (`fees`: the dossier's fee lines the page shows)."""
    request = context.get("request")
    return fee_assessment(dossier, getattr(request, "user", None), list(fees))
