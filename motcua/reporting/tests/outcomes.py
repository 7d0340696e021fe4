"""Dossiers with known outcomes in March 2026, built through the real services, for the index,
the transparency page and the dashboard tests.

At the commune of `motcua.dossiers.tests.conftest` (5 working days, received Monday 2 March →
due Monday 9 March):

    A counter, resolved early (5 Mar), returned, rated satisfied (20 Mar); a scan, a result file
    B online,  resolved on time (9 Mar), returned, rated dissatisfied (20 Mar); a result file
    C counter, resolved late (12 Mar), returned, not rated; apology by the leader (9 Mar)
    D online,  received 26 Mar, in progress within the deadline at 31 Mar
    E counter, received 3 Mar, in progress, overdue at 31 Mar
    F counter, received 4 Mar, withdrawn by the applicant on 5 Mar
    G counter, received 4 Mar, supplement requested on 5 Mar (paused)

A second, published procedure of the commune kind is not offered online.
"""

from dataclasses import dataclass
from datetime import date

from freezegun import freeze_time

from motcua.accounts.constants import AgencyKind, Role
from motcua.catalogue.constants import Channel, OnlineType, ProcedureLevel, PublicationStatus
from motcua.catalogue.models import Procedure
from motcua.documents.tests import samples
from motcua.dossiers.constants import Act, FilePurpose, ReturnMethod
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import dossier_rate
from motcua.dossiers.services import ActInput, ComponentReceived, dossier_act, dossier_receive
from motcua.dossiers.tests.conftest import Province, vn

START, END = date(2026, 3, 1), date(2026, 3, 31)


@dataclass
class March:
    province: Province
    dossiers: dict[str, Dossier]


def _act(p: Province, dossier: Dossier, what: Act, who: str, at, **data) -> Dossier:
    return dossier_act(dossier=dossier, act=what, actor=p.users[who], data=ActInput(**data), at=at)


def _receive(p: Province, at, channel: str = Channel.DIRECT) -> Dossier:
    return dossier_receive(
        procedure=p.procedure,
        agency=p.commune,
        channel=channel,
        applicant=p.applicant(),
        actor=p.users[Role.RECEPTION_OFFICER],
        components=[ComponentReceived(name="Đơn đăng ký", originals=1)],
        at=at,
    )


def _processing(p: Province, at, channel: str = Channel.DIRECT, scan: bool = False) -> Dossier:
    dossier = _receive(p, at, channel)
    if scan:  # the desk scans the application while receiving it
        dossier_file_add(
            dossier=dossier,
            actor=p.users[Role.RECEPTION_OFFICER],
            upload=samples.upload("don.pdf", samples.pdf()),
            purpose=FilePurpose.COMPONENT,
            component=dossier.components.get(),
        )
    return _act(p, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, at)


def _result_file(p: Province, dossier: Dossier) -> None:
    dossier_file_add(
        dossier=dossier,
        actor=p.users[Role.LEADER],
        upload=samples.upload("ket-qua.pdf", samples.pdf()),
        purpose=FilePurpose.RESULT,
    )


def _resolved(p: Province, received, finished, returned, channel=Channel.DIRECT, result=False):
    dossier = _processing(p, received, channel, scan=channel == Channel.DIRECT and result)
    if result:
        _result_file(p, dossier)
    dossier = _act(p, dossier, Act.FINISH, Role.LEADER, finished, result_number="12/GCN")
    return _act(
        p,
        dossier,
        Act.RETURN_RESULT,
        Role.RECEPTION_OFFICER,
        returned,
        return_method=ReturnMethod.COUNTER,
        recipient_name="Nguyễn Văn An",
    )


def build_march(p: Province) -> March:
    p.procedure.online_type = OnlineType.FULL
    p.procedure.save(update_fields=["online_type"])
    Procedure.objects.create(
        national_code="1.000001",
        name="Chứng thực bản sao từ bản chính",
        field=p.procedure.field,
        level=ProcedureLevel.COMMUNE,
        agency_kind=AgencyKind.COMMUNE_PC,
        status=PublicationStatus.PUBLISHED,
        online_type=OnlineType.NONE,
    )
    a = _resolved(p, vn(2026, 3, 2, 8), vn(2026, 3, 5, 10), vn(2026, 3, 6, 9), result=True)
    b = _resolved(
        p, vn(2026, 3, 2, 9), vn(2026, 3, 9, 16), vn(2026, 3, 10, 9), Channel.ONLINE, result=True
    )
    c = _processing(p, vn(2026, 3, 2, 10))
    c = _act(
        p,
        c,
        Act.APOLOGISE,
        Role.LEADER,
        vn(2026, 3, 9, 9),
        comment="Chờ ý kiến của cơ quan thuế",
        new_appointment=date(2026, 3, 13),
    )
    c = _act(p, c, Act.FINISH, Role.LEADER, vn(2026, 3, 12, 10), result_number="13/GCN")
    c = _act(
        p,
        c,
        Act.RETURN_RESULT,
        Role.RECEPTION_OFFICER,
        vn(2026, 3, 13, 9),
        return_method=ReturnMethod.COUNTER,
        recipient_name="Nguyễn Văn An",
    )
    d = _processing(p, vn(2026, 3, 26, 8), Channel.ONLINE)
    e = _processing(p, vn(2026, 3, 3, 8))
    f = _processing(p, vn(2026, 3, 4, 8))
    f = _act(p, f, Act.WITHDRAW, "citizen", vn(2026, 3, 5, 8), comment="Không cần nữa")
    g = _processing(p, vn(2026, 3, 4, 9))
    g = _act(
        p,
        g,
        Act.REQUEST_SUPPLEMENT,
        Role.SPECIALIST,
        vn(2026, 3, 5, 9),
        comment="Thiếu bản sao giấy chứng nhận",
        missing=["Bản sao giấy chứng nhận quyền sử dụng đất"],
    )
    with freeze_time(vn(2026, 3, 20, 10)):  # ratings take the time of the call
        dossier_rate(dossier=a, actor=p.users["citizen"], overall="satisfied")
        dossier_rate(dossier=b, actor=p.users["citizen"], overall="dissatisfied")
    return March(p, {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g})
