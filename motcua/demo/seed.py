"""Demo data: a real province (Quảng Ninh after the 2025 reform), its catalogue and demo users.

Never enabled in production: the command refuses to run unless DEBUG is on or --force is given.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from motcua.accounts import services as account_services
from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.catalogue import services as catalogue_services
from motcua.eforms import services as eform_services

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "motcua-demo-2026"
ADMIN_GROUP = "province-administrators"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str | None  # None: a citizen
    agency: str | None  # agency key in agencies.json


DEMO_USERS = [
    DemoUser("quantri", "Quản trị viên tỉnh (demo)", Role.PROVINCE_ADMIN, "qn"),
    DemoUser("giamsat", "Giám sát viên (demo)", Role.SUPERVISOR, "qn"),
    DemoUser("tiepnhan", "Cán bộ một cửa (demo)", Role.RECEPTION_OFFICER, "qn-hcc"),
    DemoUser("chuyenvien", "Chuyên viên Sở Tư pháp (demo)", Role.SPECIALIST, "qn-stp"),
    DemoUser("truongphong", "Trưởng phòng Sở Tư pháp (demo)", Role.DEPARTMENT_HEAD, "qn-stp"),
    DemoUser("lanhdao", "Lãnh đạo Sở Tư pháp (demo)", Role.LEADER, "qn-stp"),
    DemoUser("vanthu", "Văn thư Sở Tư pháp (demo)", Role.CLERK, "qn-stp"),
    DemoUser("congdan", "Công dân (demo)", None, None),
]


def load_json(name: str) -> object:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def seed(*, password: str = DEMO_PASSWORD) -> list[DemoUser]:
    """Load agencies, the catalogue and one demo user per role (idempotent)."""
    account_services.agency_import(document=load_json("agencies.json"), actor=None)
    catalogue_services.catalogue_import(document=load_json("catalogue.json"), actor=None)
    eform_services.eform_load_bundled(actor=None)
    admins = _admin_group()
    for demo in DEMO_USERS:
        user = _user(demo, password=password)
        if demo.role is None or demo.agency is None:
            continue
        agency = Agency.objects.get(slug=demo.agency)
        account_services.membership_grant(user=user, agency=agency, role=demo.role, actor=None)
        if demo.role == Role.PROVINCE_ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(admins)
    return DEMO_USERS


def _user(demo: DemoUser, *, password: str) -> User:
    user, _created = User.objects.get_or_create(
        username=demo.username, defaults={"full_name": demo.full_name}
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _admin_group() -> Group:
    """Province administrators manage agencies, users and the catalogue in the admin."""
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["accounts", "catalogue", "eforms"],
        ).exclude(content_type__model__in=["draft", "draftfile"])
    )
    return group
