"""Dossier services end to end: one dossier through its whole life, deadlines on real dates,
bad input, and the per-dossier audit chain."""

from datetime import timedelta

import pytest

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import local
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import AppointmentChange, Dossier, DossierFee, StepRecord
from motcua.dossiers.selectors import dossier_events, dossier_verify
from motcua.dossiers.services import ActInput, dossier_act, dossier_register

from .conftest import receive, vn

pytestmark = pytest.mark.django_db
S = DossierStatus


def act(province, dossier, what, who, at=None, **data):
    return dossier_act(
        dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data), at=at
    )


def test_counter_intake_registers_and_accepts_with_a_code_and_a_due_date(province):
    dossier = receive(province, at=vn(2026, 4, 24, 16, 0))
    assert dossier.status == S.ACCEPTED
    assert dossier.code == "000.00.01.H49-260424-0001"
    # Fri 24 Apr 2026 + 5 working days: Mon 27 Apr is the Hùng Kings day off in lieu, 30/4 and
    # 1/5 are holidays -> 28, 29 Apr, 4, 5, 6 May; due at closing on Wed 6 May.
    assert local(dossier.due_at) == vn(2026, 5, 6, 17, 0)
    assert dossier.legal_time == {
        "working_days": 5,
        "working_hours": None,
        "calendar_days": None,
        "count": "end_of_day",
    }
    assert [e.action for e in dossier_events(dossier=dossier)] == [
        "dossier.register",
        "dossier.accept",
    ]
    # The catalogue's one fee line is billed at registration (dossiers.payment_bills).
    assert dossier_events(dossier=dossier).first().data["billed"]["amount"] == 30000
    change = AppointmentChange.objects.get(dossier=dossier)
    assert (change.previous_due_at, change.new_due_at) == (None, dossier.due_at)
    assert list(dossier.fees.values_list("amount", flat=True)) == [30000]
    assert dossier.components.get().name == "Đơn đăng ký"
    assert dossier_verify(dossier=dossier) is None


def test_online_dossier_waits_unnumbered_until_accepted(province):
    citizen = province.users["citizen"]
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=citizen,
        at=vn(2026, 11, 21, 22, 0),  # a Saturday night
    )
    assert (dossier.status, dossier.code, dossier.due_at) == (S.REGISTERED, None, None)
    accepted = act(province, dossier, Act.ACCEPT, Role.RECEPTION_OFFICER, at=vn(2026, 11, 23, 8))
    assert accepted.code == "000.00.01.H49-261123-0001"
    assert local(accepted.due_at) == vn(2026, 11, 30, 17, 0)  # the clock starts at acceptance


def test_one_dossier_through_every_step_supplement_and_transfer(province, process):
    dossier = receive(province, at=vn(2026, 3, 2, 8, 0))  # Monday
    assert dossier.current_step.position == 1
    steps = [
        (Act.FORWARD, Role.RECEPTION_OFFICER, {}, S.IN_PROCESSING, 2),
        (
            Act.REQUEST_SUPPLEMENT,
            Role.SPECIALIST,
            {"comment": "Thiếu", "missing": ["Sổ đỏ"]},
            S.SUPPLEMENT_REQUESTED,
            2,
        ),
        (Act.RECEIVE_SUPPLEMENT, "citizen", {}, S.IN_PROCESSING, 2),
        (Act.TRANSFER, Role.SPECIALIST, {}, S.IN_TRANSFER, 3),
        (Act.RECEIVE_BACK, "tax_specialist", {}, S.IN_PROCESSING, 4),
        (Act.SEND_BACK, Role.DEPARTMENT_HEAD, {"comment": "Xem lại", "to": 2}, S.IN_PROCESSING, 2),
        (Act.TRANSFER, Role.SPECIALIST, {}, S.IN_TRANSFER, 3),
        (Act.RECEIVE_BACK, "tax_specialist", {}, S.IN_PROCESSING, 4),
        (Act.FORWARD, Role.DEPARTMENT_HEAD, {}, S.IN_PROCESSING, 5),
        (Act.FORWARD, Role.LEADER, {}, S.IN_PROCESSING, 6),
        (Act.FINISH, Role.CLERK, {"result_number": "125/GCN"}, S.PROCESSED, None),
        (
            Act.RETURN_RESULT,
            Role.RECEPTION_OFFICER,
            {"return_method": "counter", "recipient_name": "Nguyễn Văn An"},
            S.RESULT_RETURNED,
            None,
        ),
    ]
    moment = vn(2026, 3, 2, 9, 0)
    for what, who, data, status, position in steps:
        if "to" in data:
            target = process.steps.get(position=data["to"])
            data = {"comment": data["comment"], "target_step_id": target.pk}
        dossier = act(province, dossier, what, who, at=moment, **data)
        assert dossier.status == status, what
        assert (dossier.current_step.position if dossier.current_step else None) == position
        moment += timedelta(hours=1)
    assert dossier.current_agency == province.commune
    assert dossier.judgement == "early"
    assert dossier.result_number == "125/GCN"
    records = StepRecord.objects.filter(dossier=dossier)
    assert [r.step.position for r in records] == [1, 2, 3, 4, 2, 3, 4, 5, 6]
    assert all(r.ended_at for r in records)
    assert {r.agency for r in records if r.step.position == 3} == {province.tax}
    assert dossier_verify(dossier=dossier) is None
    assert dossier_events(dossier=dossier).count() == 2 + len(steps)


def test_the_step_holder_alone_moves_the_dossier_on(province, process):
    dossier = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    with pytest.raises(DomainError, match="Thẩm định hồ sơ"):
        act(province, dossier, Act.FORWARD, Role.DEPARTMENT_HEAD)
    with pytest.raises(DomainError) as refused:
        act(province, dossier, Act.FORWARD, Role.SPECIALIST)  # the next step is the tax office
    assert refused.value.code == "wrong_move"
    dossier = act(province, dossier, Act.TRANSFER, Role.SPECIALIST)
    with pytest.raises(DomainError):  # the commune's specialist no longer holds the step
        act(province, dossier, Act.RECEIVE_BACK, Role.SPECIALIST)
    with pytest.raises(DomainError) as unfinished:
        act(
            province,
            act(province, dossier, Act.RECEIVE_BACK, "tax_specialist"),
            Act.FINISH,
            Role.LEADER,
        )
    assert unfinished.value.code in {"process_not_finished", "act_not_permitted"}


def test_step_due_times_share_the_legal_time(province, process):
    dossier = receive(province, at=vn(2026, 3, 2, 7, 30))  # Monday opening
    reception = StepRecord.objects.get(dossier=dossier)
    assert local(reception.due_at) == vn(2026, 3, 2, 9, 30)  # 2 of 40 hours
    dossier = act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, at=vn(2026, 3, 2, 9))
    review = StepRecord.objects.get(dossier=dossier, ended_at__isnull=True)
    # 18 working hours from Mon 09:00: Mon 6.5 h, Tue 8 h, Wed 3.5 h -> Wed 11:00.
    assert local(review.due_at) == vn(2026, 3, 4, 11, 0)
    assert StepRecord.objects.get(pk=reception.pk).judgement == "on_time"  # 09:00 <= 09:30


@pytest.mark.parametrize(
    ("mode", "new_due"),
    [
        # Restart: 5 working days again from Tue 5 May 09:00 -> Tue 12 May.
        ("restart", vn(2026, 5, 12, 17, 0)),
        # Extend: paused 29 Apr 10:00 -> 5 May 09:00 is 5.5 + 8 + 1.5 = 15 working hours
        # (30/4, 1/5 and the weekend do not count); Wed 6 May 17:00 + 15 h -> Fri 8 May 16:00.
        ("extend", vn(2026, 5, 8, 16, 0)),
    ],
)
def test_a_supplement_across_the_april_holidays_moves_the_appointment(province, mode, new_due):
    province.procedure.resume_mode = mode
    province.procedure.save()
    dossier = receive(province, at=vn(2026, 4, 24, 16, 0))
    dossier = act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, at=vn(2026, 4, 27, 8))
    old_due = dossier.due_at
    dossier = act(
        province,
        dossier,
        Act.REQUEST_SUPPLEMENT,
        Role.SPECIALIST,
        at=vn(2026, 4, 29, 10),
        comment="Thiếu bản vẽ",
        missing=["Bản vẽ hiện trạng"],
    )
    assert dossier.paused_at == vn(2026, 4, 29, 10)
    dossier = act(province, dossier, Act.RECEIVE_SUPPLEMENT, "citizen", at=vn(2026, 5, 5, 9))
    assert local(dossier.due_at) == new_due
    assert dossier.paused_at is None
    change = AppointmentChange.objects.filter(dossier=dossier).last()
    assert (change.previous_due_at, change.new_due_at, change.act) == (
        old_due,
        dossier.due_at,
        "receive_supplement",
    )


@pytest.mark.parametrize(
    ("finished", "judgement"),
    [
        (vn(2026, 5, 5, 16, 0), "early"),
        (vn(2026, 5, 6, 16, 59), "on_time"),
        (vn(2026, 5, 6, 20, 0), "on_time"),  # the same date counts as on time (Decision 766)
        (vn(2026, 5, 7, 8, 0), "late"),
    ],
)
def test_finishing_stores_early_on_time_or_late(province, finished, judgement):
    dossier = receive(province, at=vn(2026, 4, 24, 16, 0))
    dossier = act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, at=vn(2026, 4, 27, 8))
    dossier = act(province, dossier, Act.FINISH, Role.LEADER, at=finished)
    assert Dossier.objects.get(pk=dossier.pk).judgement == judgement


def test_financial_obligation_is_owed_then_paid(province):
    dossier = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    dossier = act(
        province,
        dossier,
        Act.REQUEST_FINANCIAL_OBLIGATION,
        Role.SPECIALIST,
        comment="Tiền sử dụng đất",
        amount=12_500_000,
    )
    assert dossier.status == S.FINANCIAL_OBLIGATION
    dossier = act(province, dossier, Act.CONFIRM_PAYMENT, Role.RECEPTION_OFFICER, reference="BL01")
    fees = DossierFee.objects.filter(dossier=dossier)
    # Confirming the obligation pays the obligation, not the submission fee still owed.
    assert sorted(fees.values_list("amount", "status")) == [(30000, "due"), (12_500_000, "paid")]
    assert dossier.status == S.IN_PROCESSING


@pytest.mark.parametrize(
    ("what", "who", "data", "message"),
    [
        (Act.REFUSE, Role.RECEPTION_OFFICER, {}, "lý do"),
        (Act.REQUEST_SUPPLEMENT, Role.RECEPTION_OFFICER, {"comment": "x"}, "thành phần"),
        (Act.RETURN_RESULT, Role.RECEPTION_OFFICER, {"return_method": "fax"}, "trả kết quả"),
    ],
)
def test_an_act_without_its_information_changes_nothing(province, what, who, data, message):
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        act(province, dossier, what, who, **data)
    assert message in " ".join(error.value.errors).lower()
    assert Dossier.objects.get(pk=dossier.pk).status == S.REGISTERED
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "tên người nộp"),
        ({"id_number": "02209000123"}, "12 chữ số"),
        ({"email": "an@"}, "thư điện tử"),
        ({"phone": "12ab"}, "số điện thoại"),
        ({"representative_name": "Trần Thị B"}, "giấy ủy quyền"),
    ],
)
def test_bad_applicant_details_register_nothing(province, changes, message):
    with pytest.raises(ValidationFailed) as error:
        receive(province, **changes)
    assert message in " ".join(error.value.errors).lower()
    assert not Dossier.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dossier.").exists()


def test_a_refused_acceptance_leaves_no_code_and_no_gap(province):
    province.commune.identifier = ""
    province.commune.save()
    with pytest.raises(DomainError):
        receive(province)
    assert not Dossier.objects.exists()  # the registration rolled back with the acceptance


def test_only_reception_registers_postal_dossiers(province):
    with pytest.raises(DomainError):
        dossier_register(
            procedure=province.procedure,
            agency=province.commune,
            channel=Channel.POST,
            applicant=province.applicant(),
            actor=province.users["outsider"],
        )
    assert not Dossier.objects.exists()


def test_editing_an_event_is_found_at_its_link(province):
    dossier = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    dossier = act(province, dossier, Act.STOP, Role.LEADER, comment="Chờ ý kiến")
    events = list(dossier_events(dossier=dossier))
    AuditEvent.objects.filter(pk=events[1].pk).update(data={"code": "forged"})
    broken = dossier_verify(dossier=dossier)
    assert (broken.seq, broken.event_id, broken.reason) == (2, events[1].pk, "content")


def test_deleting_events_is_found(province):
    dossier = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    events = list(dossier_events(dossier=dossier))
    AuditEvent.objects.filter(pk=events[-1].pk).delete()  # the newest: the head still knows it
    assert dossier_verify(dossier=dossier).reason == "missing"
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    broken = dossier_verify(dossier=dossier)
    assert (broken.seq, broken.reason) == (1, "missing")


def test_chains_of_two_dossiers_are_independent(province):
    first, second = receive(province), receive(province)
    AuditEvent.objects.filter(chain=f"dossiers.dossier:{first.pk}", seq=2).update(data={})
    assert dossier_verify(dossier=first) is not None
    assert dossier_verify(dossier=second) is None


def test_verify_command_reports_the_first_broken_link(province):
    from io import StringIO

    from django.core.management import CommandError, call_command

    intact, tampered = receive(province), receive(province)
    output = StringIO()
    call_command("verify_audit", intact.code, str(tampered.uid), stdout=output)
    assert output.getvalue().count("OK") == 2
    event = dossier_events(dossier=tampered).last()
    AuditEvent.objects.filter(pk=event.pk).update(action="dossier.refuse")
    output = StringIO()
    with pytest.raises(CommandError, match="1 broken"):
        call_command("verify_audit", "--all", stdout=output)
    assert f"BROKEN  dossiers.dossier:{tampered.pk}: first broken link at #2" in output.getvalue()
    assert f"OK      dossiers.dossier:{intact.pk}" in output.getvalue()
    with pytest.raises(CommandError, match="No dossier"):
        call_command("verify_audit", "000.00.01.H49-000000-0000")


def test_admin_shows_dossiers_read_only(admin_client, province, process):
    from django.urls import reverse

    dossier = receive(province)
    changelist = admin_client.get(reverse("admin:dossiers_dossier_changelist"))
    assert changelist.status_code == 200 and dossier.code in changelist.content.decode()
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "Tiếp nhận, chuyển hồ sơ" in page.content.decode()
    assert admin_client.post(url, {"applicant_name": "X"}).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == "Nguyễn Văn An"


def test_a_dossier_keeps_the_process_version_it_started_with(province, process):
    from motcua.workflow.services import process_new_version, process_publish, process_update

    started = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    admin = province.users[Role.PROVINCE_ADMIN]
    draft = process_new_version(process=process, actor=admin)
    steps = [
        {"name": "Tiếp nhận", "role": Role.RECEPTION_OFFICER, "hours": 8},
        {"name": "Giải quyết", "role": Role.LEADER, "hours": 32},
    ]
    process_update(process=draft, actor=admin, steps=steps, moves=[])
    process_publish(process=draft, actor=admin)
    later = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    assert later.process == draft and later.current_step.name == "Giải quyết"
    assert started.process == process
    started = act(province, started, Act.TRANSFER, Role.SPECIALIST)  # v1's tax-office step
    assert started.current_step.name == "Xác định nghĩa vụ thuế"


def test_an_imported_act_uses_the_calendar_of_its_own_year(province):
    # Fri 2 Feb 2024 + 5 working days across Tết Giáp Thìn (off Thu 8 - Wed 14 Feb 2024):
    # 5, 6, 7, 15, 16 Feb -> due Fri 16 Feb 2024.
    dossier = receive(province, at=vn(2024, 2, 2, 9, 0))
    assert local(dossier.due_at) == vn(2024, 2, 16, 17, 0)


def test_allowed_acts_follow_the_step_holder_and_the_next_step(province, process):
    from motcua.dossiers.selectors import dossier_allowed_acts

    def acts(dossier, who):
        fresh = Dossier.objects.select_related("current_step", "process").get(pk=dossier.pk)
        return {str(a) for a in dossier_allowed_acts(dossier=fresh, user=province.users[who])}

    dossier = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    # Step 2 (specialist) is followed by the tax office: transfer, not forward; no finish.
    assert {"transfer", "send_back", "request_supplement"} <= acts(dossier, Role.SPECIALIST)
    assert not {"forward", "finish"} & acts(dossier, Role.SPECIALIST)
    assert not {"transfer", "send_back", "forward"} & acts(dossier, Role.DEPARTMENT_HEAD)
    assert "stop" in acts(dossier, Role.DEPARTMENT_HEAD)  # not a step act
    assert acts(dossier, "citizen") == {"withdraw"}
    dossier = act(province, dossier, Act.TRANSFER, Role.SPECIALIST)
    assert acts(dossier, "tax_specialist") == {"receive_back"}
    assert acts(dossier, "outsider") == set()
    for who in ["tax_specialist", Role.DEPARTMENT_HEAD, Role.LEADER]:
        step_act = Act.RECEIVE_BACK if who == "tax_specialist" else Act.FORWARD
        dossier = act(province, dossier, step_act, who)
    assert "finish" in acts(dossier, Role.CLERK) and "forward" not in acts(dossier, Role.CLERK)
