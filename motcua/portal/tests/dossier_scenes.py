"""Dossiers of the test citizen (province.users["citizen"]) in the states the portal pages need,
made through the services as the officials would."""

from datetime import datetime, timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel, OnlineType
from motcua.dossiers.constants import Act, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, ComponentReceived, dossier_act, dossier_register
from motcua.dossiers.tests.conftest import Province, receive

INTERNAL_COMMENT = "GHI CHÚ NỘI BỘ"
MISSING = ["Bản vẽ hiện trạng thửa đất", "Đơn đăng ký"]
SUPPLEMENT_REASON = "Thiếu bản vẽ, đơn chưa ký"


def accepted(province: Province, at: datetime | None = None, **applicant: object) -> Dossier:
    return receive(province, at=at, **applicant)


def in_processing(province: Province, at: datetime | None = None) -> Dossier:
    """Accepted and handed over, with a comment between officials on the hand-over."""
    dossier = receive(province, at=at)
    return dossier_act(
        dossier=dossier,
        act=Act.FORWARD,
        actor=province.users[Role.RECEPTION_OFFICER],
        data=ActInput(comment=INTERNAL_COMMENT),
        at=at + timedelta(hours=1) if at else None,
    )


def supplement_requested(province: Province, at: datetime | None = None) -> Dossier:
    """In processing, then the specialist asks for two papers (one of them already a component
    of the dossier, "Đơn đăng ký"); the clock is paused."""
    dossier = in_processing(province, at=at)
    return dossier_act(
        dossier=dossier,
        act=Act.REQUEST_SUPPLEMENT,
        actor=province.users[Role.SPECIALIST],
        data=ActInput(missing=MISSING, comment=SUPPLEMENT_REASON),
        at=at + timedelta(hours=2) if at else None,
    )


def returned(province: Province) -> Dossier:
    """Processed (without an internal process) and handed back at the counter."""
    dossier = receive(province)
    reception = province.users[Role.RECEPTION_OFFICER]
    dossier = dossier_act(dossier=dossier, act=Act.FORWARD, actor=reception)
    dossier = dossier_act(
        dossier=dossier,
        act=Act.FINISH,
        actor=province.users[Role.LEADER],
        data=ActInput(result_number="12/GCN"),
    )
    return dossier_act(
        dossier=dossier,
        act=Act.RETURN_RESULT,
        actor=reception,
        data=ActInput(return_method=ReturnMethod.COUNTER, recipient_name="Nguyễn Văn An"),
    )


def registered_online(province: Province) -> Dossier:
    """Submitted online by the citizen, waiting for acceptance (no code yet)."""
    procedure = province.procedure
    procedure.online_type = OnlineType.FULL
    procedure.save(update_fields=["online_type"])
    return dossier_register(
        procedure=procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
        components=[ComponentReceived(name="Đơn đăng ký")],
    )


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def session_cookie(user) -> dict[str, str]:
    """A logged-in session for `user`, as a cookie for a browser."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
