"""`{% backoffice_nav as nav %}`: which back-office pages the signed-in user may open, so the
navigation links only to those (one query on the user's roles). The rules are the pages' own:
every official (a role in any agency) has the worklists, the register, the statistics and the
notices; reception officers the reception; the reconcilers (dossiers.payment_bank: reception
officers, department heads, leaders) the payments; the dashboard roles (reporting.dashboard) the
dashboard. A citizen signed in here sees none.

The unread notices are the site header's count (`unread`, set by the base template's
`{% inbox_unread %}`) when it is there, otherwise counted here."""

from dataclasses import dataclass
from typing import Any

from django import template

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership
from motcua.dossiers.payment_bank import RECONCILERS
from motcua.notifications.inbox import inbox_unread_count
from motcua.reporting.dashboard import DASHBOARD_ROLES, PROVINCE_WIDE_DASHBOARD_ROLES

register = template.Library()


@dataclass(frozen=True)
class Nav:
    official: bool = False
    reception: bool = False
    dashboard: bool = False
    payments: bool = False
    unread: int = 0


@register.simple_tag(takes_context=True)
def backoffice_nav(context: template.Context) -> Nav:
    user: Any = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return Nav()
    roles = set(Membership.objects.filter(user_id=user.pk).values_list("role", flat=True))
    if not roles:
        return Nav()
    unread = context.get("unread")
    return Nav(
        official=True,
        reception=Role.RECEPTION_OFFICER in roles,
        dashboard=bool(roles & (DASHBOARD_ROLES | PROVINCE_WIDE_DASHBOARD_ROLES)),
        payments=bool(roles & RECONCILERS),
        unread=unread if isinstance(unread, int) else inbox_unread_count(user=user),
    )
