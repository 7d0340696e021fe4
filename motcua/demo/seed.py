"""Demo data: a real province (Quảng Ninh after the 2025 reform), its catalogue, demo users,
published internal processes and a few hundred dossiers (see README, "The demo").

Loads only what is missing, so an administrator's edits survive `make run`: agencies and
procedures already in the database are left as they are (their identifier, online type and
channels included), users that exist keep their password and roles, processes are created only
for a procedure and agency without any, and dossiers only into a database without dossiers.
Two corrections reach a database an earlier load filled, where its rows are still as that load
left them: placeholder identifier codes are cleared, and the same-day procedures stored as
1 working day get 0 (data/SOURCES.md).

Never enabled in production: the command refuses to run unless DEBUG is on or --force is given.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.accounts import services as account_services
from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.catalogue import services as catalogue_services
from motcua.catalogue.constants import TimeUnit
from motcua.catalogue.models import Field, Procedure
from motcua.eforms import services as eform_services

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "motcua-demo-2026"
ADMIN_GROUP = "province-administrators"
PROVINCE = "qn"
CENTRE_DEPARTMENT = "qn-stp"  # the department whose dossiers the centre's demo officer receives
COMMUNE = "qn-phuonghalong"  # the demo commune (a ward of Hạ Long)
PARTNER_COMMUNE = "qn-phuongbaichay"  # verifies marital status for the demo commune (liên thông)

# What the province administrator manages in the admin: every model of these apps...
ADMIN_APPS = ("accounts", "catalogue", "deadlines", "eforms", "notifications", "workflow")
# ...but not the citizens' own drafts; and only reads these (dossiers change through their acts,
# the audit trail never changes).
ADMIN_EXCLUDED_MODELS = ("draft", "draftfile")
ADMIN_READ_ONLY_APPS = ("core", "dossiers")
# Locked-out sign-ins (django-axes): the administrator may see and clear them.
ADMIN_EXTRA = (("axes", "accessattempt", ("view", "delete")),)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    placements: tuple[tuple[str, str], ...] = ()  # (agency key, role); none: a citizen
    note: str = ""  # where the official sits, when it is not the agency itself

    @property
    def role(self) -> str | None:
        return self.placements[0][1] if self.placements else None

    @property
    def agency(self) -> str | None:
        return self.placements[0][0] if self.placements else None


DEMO_USERS = [
    DemoUser("quantri", "Quản trị viên tỉnh (demo)", ((PROVINCE, Role.PROVINCE_ADMIN),)),
    DemoUser("giamsat", "Giám sát viên (demo)", ((PROVINCE, Role.SUPERVISOR),)),
    DemoUser(
        "tiepnhan",
        "Cán bộ một cửa Trung tâm Phục vụ hành chính công (demo)",
        ((CENTRE_DEPARTMENT, Role.RECEPTION_OFFICER),),
        note="qn-hcc",
    ),
    DemoUser(
        "chuyenvien", "Chuyên viên Sở Tư pháp (demo)", ((CENTRE_DEPARTMENT, Role.SPECIALIST),)
    ),
    DemoUser(
        "truongphong",
        "Trưởng phòng Sở Tư pháp (demo)",
        ((CENTRE_DEPARTMENT, Role.DEPARTMENT_HEAD),),
    ),
    DemoUser("lanhdao", "Lãnh đạo Sở Tư pháp (demo)", ((CENTRE_DEPARTMENT, Role.LEADER),)),
    DemoUser("vanthu", "Văn thư Sở Tư pháp (demo)", ((CENTRE_DEPARTMENT, Role.CLERK),)),
    DemoUser(
        "tiepnhanxa",
        "Cán bộ một cửa phường Hạ Long (demo)",
        ((COMMUNE, Role.RECEPTION_OFFICER),),
    ),
    DemoUser(
        "chuyenvienxa",
        "Công chức tư pháp - hộ tịch phường Hạ Long (demo)",
        ((COMMUNE, Role.SPECIALIST),),
    ),
    DemoUser("lanhdaoxa", "Chủ tịch UBND phường Hạ Long (demo)", ((COMMUNE, Role.LEADER),)),
    DemoUser(
        "chuyenvienbaichay",
        "Công chức tư pháp - hộ tịch phường Bãi Cháy (demo)",
        ((PARTNER_COMMUNE, Role.SPECIALIST),),
    ),
    DemoUser("congdan", "Công dân (demo)"),
]


@dataclass
class SeedReport:
    """What one load added (everything else was already there and left alone)."""

    agencies: int = 0
    procedures: int = 0
    users: list[str] = field(default_factory=list)
    processes: int = 0
    dossiers: int = 0


def load_json(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def seed(*, password: str = DEMO_PASSWORD, dossiers: bool = True) -> SeedReport:
    """Load what the demo province lacks (see the module doc); one transaction."""
    from . import payments, processes, showcase, signing  # they import this module's constants

    report = SeedReport()
    with transaction.atomic():
        report.agencies = _load_agencies(load_json("agencies.json"))
        catalogue = load_json("catalogue.json")
        report.procedures = _load_catalogue(catalogue)
        _same_day_corrected(catalogue)
        eform_services.eform_load_bundled(actor=None)
        _admin_group()
        report.users = _load_users(password=password)
        report.processes = processes.load(load_json("processes.json"))
        signing.load(timezone.now())
        payments.load(timezone.now())
        if dossiers:
            report.dossiers = showcase.load()
    return report


# --- agencies and catalogue: only the missing rows -----------------------------------------------


def _load_agencies(document: dict[str, Any]) -> int:
    """Import the agencies whose key is not in the database, and clear the placeholder codes an
    earlier demo load gave (see _placeholders_retired). Agencies they link to (parent,
    predecessors) that exist already go into the import with their current values, so the
    import leaves them exactly as they are."""
    rows = document["agencies"]
    existing = set(Agency.objects.values_list("slug", flat=True))
    missing = [row for row in rows if row["key"] not in existing]
    imported = [*missing, *_placeholders_retired(rows)]
    if not imported:
        return 0
    keys = {row["key"] for row in imported}
    linked = (_linked_keys(imported) & existing) - keys
    closure: dict[str, dict[str, Any]] = {}
    while linked:
        for agency in Agency.objects.filter(slug__in=linked).select_related("parent"):
            closure[agency.slug] = _agency_row(agency)
        linked = {
            key
            for row in closure.values()
            for key in _linked_keys([row])
            if key not in closure and key not in keys and key in existing
        }
    account_services.agency_import(
        document={**document, "agencies": [*closure.values(), *imported]}, actor=None
    )
    return len(missing)


# An earlier demo load gave departments and communes placeholder codes in the official format
# (000.00.11.H49-000.00.89.H49); they are not Quảng Ninh's codes (data/SOURCES.md).
PLACEHOLDER_NOTE = "a demo placeholder in the official format"


def _placeholders_retired(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The agencies that still carry a placeholder code from an earlier demo load (code and
    source unchanged since), as they stand but with the data file's empty code and source. An
    administrator who entered a real code changed the source or the code: left alone."""
    data = {row["key"]: row for row in rows if not row["identifier"]}
    stale = (
        Agency.objects.filter(slug__in=data, source__contains=PLACEHOLDER_NOTE)
        .exclude(identifier="")
        .select_related("parent")
    )
    return [
        {**_agency_row(agency), "identifier": "", "source": data[agency.slug]["source"]}
        for agency in stale
        if f"Identifier {agency.identifier}: {PLACEHOLDER_NOTE}" in agency.source
    ]


def _linked_keys(rows: list[dict[str, Any]]) -> set[str]:
    return {key for row in rows for key in [row.get("parent"), *row.get("predecessors", [])] if key}


def _agency_row(agency: Agency) -> dict[str, Any]:
    """An agency as it stands, in the agencies document's shape."""
    return {
        "key": agency.slug,
        "identifier": agency.identifier,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "level": agency.level,
        "parent": agency.parent.slug if agency.parent else None,
        "admin_unit_code": agency.admin_unit_code,
        "valid_from": agency.valid_from.isoformat() if agency.valid_from else None,
        "valid_to": agency.valid_to.isoformat() if agency.valid_to else None,
        "predecessors": list(agency.predecessors.values_list("slug", flat=True)),
        "source": agency.source,
    }


def _load_catalogue(document: dict[str, Any]) -> int:
    """Import the procedures whose national code is not in the database, with the fields they
    need; a field that exists goes in with its current values (left as it is)."""
    existing = set(Procedure.objects.values_list("national_code", flat=True))
    missing = [row for row in document["procedures"] if row["national_code"] not in existing]
    if not missing:
        return 0
    needed = {row["field"] for row in missing}
    current = {
        f.slug: {
            "slug": f.slug,
            "national_code": f.national_code,
            "name": f.name,
            "name_en": f.name_en,
        }
        for f in Field.objects.filter(slug__in=needed)
    }
    fields = [current.get(row["slug"], row) for row in document["fields"] if row["slug"] in needed]
    catalogue_services.catalogue_import(
        document={**document, "fields": fields, "procedures": missing}, actor=None
    )
    return len(missing)


# Same-day procedures an earlier demo load stored as 1 working day; the law says within the day
# (0 working days; data/SOURCES.md, catalogue item 10).
SAME_DAY = ("1.001193", "1.000656", "2.000815", "2.000884")
SAME_DAY_NOTE = "Legal time: 0 working days"


def _same_day_corrected(document: dict[str, Any]) -> int:
    """Give the data file's 0 working days to the same-day procedures an earlier load stored as
    1 working day, where the record is still as it left them: its source note lacks the
    correction and every channel says 1 working day (an administrator's other value stays)."""
    rows = {row["national_code"]: row for row in document["procedures"]}
    stale = (
        Procedure.objects.filter(national_code__in=SAME_DAY)
        .exclude(source_note__contains=SAME_DAY_NOTE)
        .prefetch_related("channels")
    )
    fixed = 0
    for procedure in stale:
        channels = list(procedure.channels.all())
        if not channels or any(
            c.time_value != 1 or c.time_unit != TimeUnit.WORKING_DAY for c in channels
        ):
            continue
        wanted = {row["channel"]: row for row in rows[procedure.national_code]["channels"]}
        for channel in channels:
            if channel.channel in wanted:
                channel.time_value = Decimal(wanted[channel.channel]["time_value"])
                channel.time_note = wanted[channel.channel]["time_note"]
                channel.save(update_fields=["time_value", "time_note"])
        procedure.source_note = rows[procedure.national_code]["source_note"]
        catalogue_services.procedure_save(procedure=procedure, actor=None)
        fixed += 1
    return fixed


# --- users and the administrators' group ---------------------------------------------------------


def _load_users(*, password: str) -> list[str]:
    """Create the demo users that do not exist, with their roles; existing users keep their
    password and roles."""
    created = []
    admins = Group.objects.get(name=ADMIN_GROUP)
    hashed = ""  # hashed once: the hasher is slow on purpose, and the password is the same
    for demo in DEMO_USERS:
        if User.objects.filter(username=demo.username).exists():
            continue
        hashed = hashed or make_password(password)
        user = User.objects.create(
            username=demo.username, full_name=demo.full_name, password=hashed
        )
        created.append(demo.username)
        for key, role in demo.placements:
            agency = Agency.objects.get(slug=key)
            account_services.membership_grant(user=user, agency=agency, role=role, actor=None)
            if role == Role.PROVINCE_ADMIN:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                user.groups.add(admins)
    return created


def admin_permissions() -> Any:
    """Every permission the province administrator needs in the admin (see ADMIN_APPS)."""
    wanted = Q(content_type__app_label__in=ADMIN_APPS) & ~Q(
        content_type__model__in=ADMIN_EXCLUDED_MODELS
    )
    wanted |= Q(content_type__app_label__in=ADMIN_READ_ONLY_APPS, codename__startswith="view_")
    for app, model, actions in ADMIN_EXTRA:
        wanted |= Q(
            content_type__app_label=app,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return Permission.objects.filter(wanted)


def _admin_group() -> Group:
    """The province administrators' group. A new group gets every permission; an existing one
    only the permissions of models it has none for (models added since), so a permission an
    administrator took away stays away."""
    group, created = Group.objects.get_or_create(name=ADMIN_GROUP)
    permissions = admin_permissions()
    if created:
        group.permissions.set(permissions)
        return group
    covered = set(group.permissions.values_list("content_type_id", flat=True))
    group.permissions.add(*permissions.exclude(content_type_id__in=covered))
    return group
