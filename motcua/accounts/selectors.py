"""Reads about agencies and roles that other apps may use."""

import datetime

from django.db.models import QuerySet

from motcua.core.validity import valid_on

from .constants import Role
from .models import Agency, User


def agency_list_valid_on(*, day: datetime.date) -> QuerySet[Agency]:
    """Agencies that existed on the given day."""
    return Agency.objects.filter(valid_on(day))


def agency_get_current_successors(*, agency: Agency, day: datetime.date) -> list[Agency]:
    """Follow successor links to the agencies valid on `day`: where a merged unit's history goes."""
    current: list[Agency] = []
    seen: set[int] = set()
    frontier = [agency]
    while frontier:
        node = frontier.pop()
        if node.pk in seen:
            continue
        seen.add(node.pk)
        if node.is_valid_on(day):
            current.append(node)
        else:
            frontier.extend(node.successors.all())
    return sorted(current, key=lambda a: a.name)


def agency_get_descendant_ids(*, agency: Agency) -> set[int]:
    """Ids of the agency and every agency below it, at any depth."""
    ids = {agency.pk}
    frontier = [agency.pk]
    while frontier:
        children = list(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in children if pk not in ids]
        ids.update(frontier)
    return ids


def user_roles_in(*, user: User, agency: Agency) -> set[str]:
    """The roles a user holds in one agency (empty for citizens)."""
    return set(user.memberships.filter(agency=agency).values_list("role", flat=True))


def user_is_official(*, user: User) -> bool:
    return user.memberships.exists()


def user_is_province_admin(*, user: User) -> bool:
    return user.memberships.filter(role=Role.PROVINCE_ADMIN).exists()
