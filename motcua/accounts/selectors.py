"""Reads about agencies and roles that other apps may use."""

import datetime
from collections.abc import Mapping
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Q, QuerySet

from motcua.core.validity import valid_on

from .constants import AccountKind, Role
from .models import Agency, Membership, User
from .phones import phone_normalise


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


def user_get_by_phone(*, phone: str) -> User | None:
    """The one user with this phone number (any common spelling); None if none or several."""
    normalised = phone_normalise(phone)
    if normalised is None:
        return None
    users = list(User.objects.filter(phone=normalised)[:2])
    return users[0] if len(users) == 1 else None


def user_find_by_login(*, login: str) -> User | None:
    """The user a login names: a username, else an e-mail address, else a phone number."""
    user = User.objects.filter(username=login).first()
    if user is None and "@" in login:
        user = User.objects.filter(
            Q(email__iexact=login) | Q(emailaddress__email__iexact=login)
        ).first()
    if user is None:
        user = user_get_by_phone(phone=login)
    return user


def user_citizen_id_taken(*, citizen_id: str) -> bool:
    return User.objects.filter(citizen_id=citizen_id).exists()


def user_phone_taken(*, phone: str) -> bool:
    normalised = phone_normalise(phone)
    return normalised is not None and User.objects.filter(phone=normalised).exists()


def user_must_set_up_authenticator(*, user: User) -> bool:
    """An official (a role in any agency) without an authenticator app: MFA is mandatory for
    officials, so they set one up before anything else."""
    return (
        Membership.objects.filter(user_id=user.pk)
        .exclude(user__authenticator__type=Authenticator.Type.TOTP)
        .exists()
    )


def account_applicant(*, user: Any, details: Mapping[str, str]) -> dict[str, str]:
    """Who applies when `user` submits a dossier online, under the names of
    dossiers.services.Applicant. `details` are the person's, from the e-form (name, id_number,
    phone, email, address; empty ones are taken from the profile).

    A person's account: the person. An organisation or business account: the organisation
    (its kind, name, tax code and address) applies, represented by the person, with the basis on
    which they act for it as the authorisation."""
    person = {
        "name": details.get("name") or getattr(user, "full_name", "") or "",
        "id_number": details.get("id_number") or getattr(user, "citizen_id", "") or "",
        "phone": details.get("phone") or getattr(user, "phone", "") or "",
        "email": details.get("email") or getattr(user, "email", "") or "",
        "address": details.get("address") or "",
    }
    kind = getattr(user, "account_kind", AccountKind.PERSON)
    if kind == AccountKind.PERSON or not getattr(user, "tax_code", ""):
        return person | {"kind": AccountKind.PERSON.value}
    return {
        "kind": kind,
        "name": user.organisation_name,
        "id_number": user.tax_code,
        "phone": person["phone"],
        "email": person["email"],
        "address": user.organisation_address,
        "representative_name": person["name"],
        "representative_id_number": person["id_number"],
        "representative_phone": person["phone"],
        "authorisation": user.representative_title,
    }
