"""A small province for dossier tests: a commune with a one-stop desk and every role, a tax
office for the inter-agency step, a procedure with a stated time and fee, and its process."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from motcua.accounts.constants import AgencyKind, Level, Role
from motcua.accounts.models import Agency, Membership, User
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.catalogue.tests.factories import make_procedure
from motcua.deadlines.calendar import VN_TZ
from motcua.dossiers.constants import PAUSED_STATUSES, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant, ComponentReceived, dossier_receive
from motcua.workflow.models import Process
from motcua.workflow.services import process_create, process_publish

# Six steps over the procedure's 5 working days (40 h): reception, specialist, the tax office
# (liên thông), department head, leader, clerk.
STEPS = [
    ("Tiếp nhận, chuyển hồ sơ", Role.RECEPTION_OFFICER, False, 2),
    ("Thẩm định hồ sơ", Role.SPECIALIST, False, 18),
    ("Xác định nghĩa vụ thuế", Role.SPECIALIST, True, 8),
    ("Xem xét, trình ký", Role.DEPARTMENT_HEAD, False, 4),
    ("Ký duyệt kết quả", Role.LEADER, False, 4),
    ("Vào sổ, đóng dấu, phát hành", Role.CLERK, False, 4),
]


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)  # type: ignore[misc]


@dataclass
class Province:
    commune: Agency
    tax: Agency
    other_commune: Agency
    procedure: Procedure
    users: dict[str, User]  # by role, plus "tax_specialist", "outsider", "citizen"

    def applicant(self, **changes: object) -> Applicant:
        values: dict[str, object] = {
            "name": "Nguyễn Văn An",
            "id_number": "022090001234",
            "phone": "0912345678",
            "user": self.users["citizen"],
        }
        return Applicant(**(values | changes))  # type: ignore[arg-type]


def _agency(slug: str, identifier: str, kind: str = AgencyKind.COMMUNE_PC) -> Agency:
    return Agency.objects.create(
        slug=slug, identifier=identifier, name=f"Cơ quan {slug}", kind=kind, level=Level.COMMUNE
    )


def _user(username: str, agency: Agency | None = None, role: str | None = None) -> User:
    user = User.objects.create_user(username=username, password="x", full_name=username)
    if agency is not None and role is not None:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def build_province() -> Province:
    """The agencies, users and procedure (a plain function, for tests that manage their own
    database access, such as the PostgreSQL concurrency tests)."""
    commune = _agency("xa-a", "000.00.01.H49")
    tax = _agency("thue", "000.00.02.H49", AgencyKind.OTHER)
    other = _agency("xa-b", "000.00.03.H49")
    users = {role: _user(role, commune, role) for role in Role.values}
    users["tax_specialist"] = _user("tax_specialist", tax, Role.SPECIALIST)
    users["outsider"] = _user("outsider", other, Role.RECEPTION_OFFICER)
    users["citizen"] = _user("citizen")
    return Province(commune, tax, other, make_procedure(), users)


@pytest.fixture
def province(db) -> Province:
    return build_province()


def publish_process(province: Province) -> Process:
    steps = [
        {
            "name": name,
            "role": role,
            "agency": province.tax if elsewhere else None,
            "hours": Decimal(hours),
        }
        for name, role, elsewhere, hours in STEPS
    ]
    admin = province.users[Role.PROVINCE_ADMIN]
    process = process_create(
        procedure=province.procedure, agency=province.commune, actor=admin, steps=steps
    )
    return process_publish(process=process, actor=admin)


@pytest.fixture
def process(province: Province) -> Process:
    return publish_process(province)


def receive(province: Province, at: datetime | None = None, **changes: object):
    return dossier_receive(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.DIRECT,
        applicant=province.applicant(**changes),
        actor=province.users[Role.RECEPTION_OFFICER],
        components=[ComponentReceived(name="Đơn đăng ký", originals=1)],
        at=at,
    )


def dossier_in_status(province: Province, status: DossierStatus) -> Dossier:
    """A dossier at the counter of the commune, put straight into `status` (no process): for
    tests of who may do what in each status."""
    now = timezone.now()
    started = status not in {DossierStatus.REGISTERED, DossierStatus.INTAKE_SUPPLEMENT_REQUESTED}
    return Dossier.objects.create(
        procedure=province.procedure,
        receiving_agency=province.commune,
        current_agency=province.commune,
        channel=Channel.ONLINE,
        status=status,
        applicant_name="Nguyễn Văn An",
        applicant_user=province.users["citizen"],
        submitted_at=now - timedelta(days=3),
        accepted_at=now - timedelta(days=2) if started else None,
        due_at=now + timedelta(days=5) if started else None,
        legal_time={"working_days": 5, "count": "end_of_day"} if started else None,
        paused_at=now - timedelta(hours=3) if status in PAUSED_STATUSES else None,
        code=f"000.00.01.H49-260101-{Dossier.objects.count() + 1:04d}" if started else None,
    )
