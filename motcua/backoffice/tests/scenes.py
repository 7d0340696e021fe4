"""Dossiers placed in time for the back-office tests: "today" is the real today, so each dossier
is received at a moment (`at=`) chosen for its appointment to fall on the wanted day."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.deadlines.calendar import VN_TZ, local
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers.constants import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.dossiers.tests.conftest import receive

LEGAL_DAYS = 5  # the test procedure's time (working days, counted to the end of the day)


def today() -> date:
    return local(timezone.now()).date()


def received_for_due(province, day: date) -> datetime | None:
    """A morning of receipt whose appointment (5 working days, end of day) falls on `day`, the
    latest such working day; None when `day` is not a working day (nothing falls due then)."""
    calendar = calendar_for(province.commune)
    if not calendar.is_working_day(day):
        return None
    received = day
    for _ in range(LEGAL_DAYS):
        received -= timedelta(days=1)
        while not calendar.is_working_day(received):
            received -= timedelta(days=1)
    return datetime.combine(received, time(9, 0), tzinfo=VN_TZ)


def working_day_after(province, day: date, n: int = 1) -> date:
    calendar = calendar_for(province.commune)
    for _ in range(n):
        day = calendar.next_working_day(day)
    return day


def last_working_day(province, day: date) -> date:
    """`day` when it is a working day, else the working day before it."""
    calendar = calendar_for(province.commune)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_day_before(province, day: date, n: int = 1) -> date:
    calendar = calendar_for(province.commune)
    for _ in range(n):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def due_on(province, day: date, **applicant) -> Dossier | None:
    at = received_for_due(province, day)
    if at is None:
        return None
    dossier = receive(province, at=at, **applicant)
    assert local(dossier.due_at).date() == day
    return dossier


def act(province, dossier: Dossier, act: Act, who: str, at: datetime | None = None, **data):
    return dossier_act(
        dossier=dossier, act=act, actor=province.users[who], data=ActInput(**data), at=at
    )


def long_ago(days: int = 20) -> datetime:
    return timezone.now() - timedelta(days=days)


def register_online(province, at: datetime | None = None, **applicant) -> Dossier:
    applicant_data = province.applicant(**applicant)
    return dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=applicant_data,
        actor=province.users["citizen"],
        at=at,
    )


def at_specialist(province, at: datetime | None = None, **applicant) -> Dossier:
    """Received and handed over to the specialist's step."""
    start = at or long_ago()
    dossier = receive(province, at=start, **applicant)
    return act(
        province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, at=start + timedelta(hours=1)
    )


def processed(province) -> Dossier:
    """Through every step of the process (with the tax office) to the result."""
    start = long_ago(30)
    steps = [
        (Act.FORWARD, Role.RECEPTION_OFFICER, {}),
        (Act.TRANSFER, Role.SPECIALIST, {}),
        (Act.RECEIVE_BACK, "tax_specialist", {}),
        (Act.FORWARD, Role.DEPARTMENT_HEAD, {}),
        (Act.FORWARD, Role.LEADER, {}),
        (Act.FINISH, Role.CLERK, {"result_number": "123/GCN"}),
    ]
    dossier = receive(province, at=start)
    for hour, (name, who, data) in enumerate(steps, start=1):
        dossier = act(province, dossier, name, who, at=start + timedelta(hours=hour), **data)
    return dossier
