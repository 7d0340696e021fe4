"""The apology and new appointment (Mẫu 04): who may issue it, which dates are valid, what it
changes (the appointment the applicant holds, not the legal deadline unless configured), its
slip read back with pdftotext, and the e-mail that tells the applicant."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership
from motcua.catalogue.constants import Channel
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import local
from motcua.documents.tests.pdf_tools import pdf_text
from motcua.dossiers import slips
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Apology, AppointmentChange, Dossier
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.dossiers.slips import render_slip, slip_form, slips_available
from motcua.dossiers.states import ActNotPermitted, TransitionNotAllowed

from .conftest import receive, vn

pytestmark = pytest.mark.django_db

REASON = "Chờ ý kiến của Chi cục Thuế về nghĩa vụ tài chính"
RECEIVED = vn(2026, 3, 2, 8, 0)  # Monday; 5 working days → Monday 9 March, 17:00
DUE_DAY = date(2026, 3, 9)
NEW_DAY = date(2026, 3, 12)  # Thursday


def act(province, dossier, what, who, at, **data) -> Dossier:
    return dossier_act(
        dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data), at=at
    )


def apologise(province, dossier, who=Role.LEADER, day=NEW_DAY, reason=REASON, at=None):
    return act(
        province,
        dossier,
        Act.APOLOGISE,
        who,
        at or vn(2026, 3, 9, 9, 0),
        comment=reason,
        new_appointment=day,
    )


def snapshot(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.due_at,
        fresh.apology_due_at,
        Apology.objects.count(),
        AppointmentChange.objects.filter(dossier=fresh).count(),
        AuditEvent.objects.filter(chain=audit.chain_of(fresh)).count(),
    )


@pytest.fixture
def running(province) -> Dossier:
    dossier = receive(province, at=RECEIVED, email="an.nguyen@example.vn")
    assert local(dossier.due_at).date() == DUE_DAY
    return act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, vn(2026, 3, 2, 9, 0))


def test_the_apology_sets_a_new_appointment_and_keeps_the_legal_deadline(province, running):
    legal_due = running.due_at
    version = running.version
    dossier = apologise(province, running)
    assert dossier.status == DossierStatus.IN_PROCESSING and dossier.version == version + 1
    assert dossier.due_at == legal_due
    assert local(dossier.apology_due_at) == vn(2026, 3, 12, 17, 0)
    assert dossier.appointment_at == dossier.apology_due_at
    apology = Apology.objects.get()
    assert (apology.agency, apology.reason, apology.previous_appointment) == (
        province.commune,
        REASON,
        legal_due,
    )
    assert apology.issued_by == province.users[Role.LEADER]
    change = AppointmentChange.objects.filter(dossier=dossier).last()
    assert (change.act, change.previous_due_at, change.new_due_at) == (
        Act.APOLOGISE,
        legal_due,
        dossier.apology_due_at,
    )
    event = apology.event
    assert event.action == "dossier.apologise" and event.data["reason"] == REASON
    assert audit.verify_chain(audit.chain_of(dossier)) == []


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (DUE_DAY, "the appointment day itself"),
        (date(2026, 3, 6), "before the appointment"),
        (date(2026, 3, 14), "a Saturday"),
        (date(2026, 4, 27), "Hùng Kings' day (observed)"),
        (date(2026, 4, 30), "Reunification Day"),
    ],
)
def test_a_new_appointment_that_is_not_a_later_working_day_is_refused(province, running, day, why):
    before = snapshot(running)
    with pytest.raises(ValidationFailed) as refused:
        apologise(province, running, day=day)
    assert "ngày làm việc sau ngày 09/03/2026" in " ".join(refused.value.errors), why
    assert snapshot(running) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"reason": ""}, "lý do"), ({"day": None}, "ngày hẹn mới")],
)
def test_the_reason_and_the_date_are_required(province, running, changes, message):
    before = snapshot(running)
    with pytest.raises(ValidationFailed) as refused:
        apologise(province, running, **changes)
    assert message in " ".join(refused.value.errors).lower()
    assert snapshot(running) == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (Role.RECEPTION_OFFICER, True),
        (Role.DEPARTMENT_HEAD, True),
        (Role.LEADER, True),
        (Role.SPECIALIST, False),
        (Role.CLERK, False),
        ("citizen", False),
        ("outsider", False),
    ],
)
def test_who_may_apologise(province, running, who, allowed):
    before = snapshot(running)
    if allowed:
        assert apologise(province, running, who=who).apology_due_at is not None
        return
    with pytest.raises(ActNotPermitted):
        apologise(province, running, who=who)
    assert snapshot(running) == before


def test_no_apology_once_processed_or_without_an_appointment(province, running):
    finished = act(province, running, Act.FINISH, Role.CLERK, vn(2026, 3, 5, 9, 0))
    with pytest.raises(TransitionNotAllowed):
        apologise(province, finished)
    province.procedure.channels.update(time_value=None)  # the catalogue states no time
    open_ended = receive(province, at=RECEIVED)
    assert open_ended.due_at is None
    with pytest.raises(DomainError) as refused:
        apologise(province, open_ended)
    assert refused.value.code == "no_appointment"


@pytest.mark.parametrize(
    ("moves_deadline", "finished_on", "judgement"),
    [
        (False, vn(2026, 3, 9, 16, 0), "on_time"),
        (False, vn(2026, 3, 10, 9, 0), "late"),  # after the legal due, before the new date
        (True, vn(2026, 3, 10, 9, 0), "early"),  # the apology moved the deadline
        (True, vn(2026, 3, 12, 16, 0), "on_time"),
        (True, vn(2026, 3, 13, 8, 0), "late"),
    ],
)
def test_timeliness_is_judged_by_the_legal_deadline_unless_configured(
    province, running, settings, moves_deadline, finished_on, judgement
):
    settings.MOTCUA_APOLOGY_MOVES_DEADLINE = moves_deadline
    apologise(province, running)
    done = act(province, running, Act.FINISH, Role.CLERK, finished_on)
    assert done.judgement == judgement


def test_a_pause_after_the_apology_never_brings_the_appointment_forward(province, running):
    dossier = apologise(province, running)
    promised = dossier.apology_due_at
    dossier = act(province, dossier, Act.STOP, Role.LEADER, vn(2026, 3, 9, 10, 0), comment="Dừng")
    dossier = act(province, dossier, Act.RESUME, Role.LEADER, vn(2026, 3, 9, 14, 0))
    assert dossier.appointment_at >= promised
    assert AppointmentChange.objects.filter(dossier=dossier).last().new_due_at == (
        dossier.appointment_at
    )


def transferred(province) -> Dossier:
    dossier = receive(province, at=RECEIVED)
    moves = [(Act.FORWARD, Role.RECEPTION_OFFICER), (Act.TRANSFER, Role.SPECIALIST)]
    for hour, (what, who) in enumerate(moves, start=9):
        dossier = act(province, dossier, what, who, vn(2026, 3, 2, hour, 0))
    assert dossier.status == DossierStatus.IN_TRANSFER
    return dossier


def test_a_partner_agency_apologises_in_its_own_name(province, process):
    Membership.objects.create(
        user=province.users["tax_specialist"], agency=province.tax, role=Role.LEADER
    )
    dossier = apologise(province, transferred(province), who="tax_specialist")
    assert Apology.objects.get().agency == province.tax
    text = pdf_text(render_slip("apology", dossier), layout=False)
    assert province.tax.name.upper() in text
    # The commune's leader may apologise too, in the commune's name.
    second = apologise(province, transferred(province), at=vn(2026, 3, 6, 9, 0))
    assert Apology.objects.get(dossier=second).agency == province.commune


def test_the_slip_reads_as_form_04(province, running):
    dossier = apologise(province, running)
    assert "apology" in slips_available(dossier)
    text = " ".join(pdf_text(render_slip("apology", dossier), layout=False).split())
    with translation.override("vi"):  # a 2026 dossier: Mẫu 04 of Circular 03/2025/TT-VPCP
        title = str(slip_form("apology", dossier).title)
    for expected in (
        title,
        "Mẫu số 04 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP",
        dossier.code,
        "Kính gửi: Nguyễn Văn An",
        "Ngày 02/03/2026",
        REASON,
        "17 giờ 00 phút, ngày 09 tháng 03 năm 2026",  # the appointment it replaces
        "17 giờ 00 phút, ngày 12 tháng 03 năm 2026",  # the new one
        "xin lỗi",
    ):
        assert expected in text, expected


def test_the_applicant_is_emailed_the_apology_once_it_is_stored(
    province, running, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = apologise(province, running)
    [message] = mail.outbox
    assert message.to == ["an.nguyen@example.vn"]
    assert dossier.code in message.subject and "xin lỗi" in message.subject.lower()
    assert REASON in message.body and "12 tháng 03 năm 2026" in message.body
    # The same apology always carries the same Message-ID, so a repeat can be recognised.
    key = f"notice-{Apology.objects.get().event_id}-email"  # dossiers.notices
    assert message.extra_headers["Message-ID"] == f"<{key}@127.0.0.1>"
    [(name, pdf, kind)] = message.attachments
    assert (name, kind) == (f"mau-04-{dossier.code}.pdf", "application/pdf")
    assert dossier.code in pdf_text(pdf)


def test_no_email_without_an_address_and_none_when_the_act_fails(
    province, django_capture_on_commit_callbacks
):
    dossier = receive(province, at=RECEIVED)  # no e-mail address given
    with django_capture_on_commit_callbacks(execute=True):
        apologise(province, dossier)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        apologise(province, dossier, day=DUE_DAY - timedelta(days=1))
    assert mail.outbox == []


def test_the_slips_listed_are_exactly_the_slips_that_render(province, running):
    """`slips_available` decides from one query; `render_slip` from each slip's own event."""
    refused = dossier_act(
        dossier=dossier_register_again(province),
        act=Act.REFUSE,
        actor=province.users[Role.RECEPTION_OFFICER],
        data=ActInput(comment="Sai thẩm quyền"),
    )
    apologised = apologise(province, running)
    for dossier in (refused, apologised, receive(province, at=RECEIVED)):
        listed = slips_available(dossier)
        for kind in slips.SLIP_KINDS:
            try:
                slips._require(kind, dossier)
            except slips.SlipNotApplicable:
                assert kind not in listed, (dossier.status, kind)
            else:
                assert kind in listed, (dossier.status, kind)


def dossier_register_again(province) -> Dossier:
    return dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
        at=RECEIVED,
    )
