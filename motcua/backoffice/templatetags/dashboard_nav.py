"""Whether the signed-in official has a dashboard to see (the nav link for leaders): one query,
the same roles as reporting.dashboard.dashboard_agencies."""

from typing import Any

from django import template

from motcua.accounts.models import Membership
from motcua.reporting.dashboard import DASHBOARD_ROLES, PROVINCE_WIDE_DASHBOARD_ROLES

register = template.Library()


@register.simple_tag
def has_dashboard(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = DASHBOARD_ROLES | PROVINCE_WIDE_DASHBOARD_ROLES
    return Membership.objects.filter(user_id=user.pk, role__in=roles).exists()
