"""The citizen's own dossiers: the list with the countdown, one dossier with its public history
(no internal comments, officials or steps), the slips, answering a supplement request with real
files, withdrawing with a confirmation and rating the service once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from motcua.accounts.constants import Role
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import local
from motcua.deadlines.constants import ResumeMode
from motcua.deadlines.selectors import calendar_for
from motcua.documents.tests import samples
from motcua.dossiers.act_clock import period_of
from motcua.dossiers.constants import Act, DossierStatus, FilePurpose, ReturnMethod
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import AppointmentChange, Dossier, DossierComponent, DossierFile, Rating
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.tests.conftest import build_province, publish_process
from motcua.dossiers.worklists import working_days_between

from . import dossier_scenes as scenes

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return build_province()


@pytest.fixture
def citizen(client, province):
    client.force_login(province.users["citizen"])
    return client


def page_text(response) -> str:
    return response.content.decode()


def stored_files() -> list[str]:
    try:
        _dirs, files = default_storage.listdir("dossiers")
    except FileNotFoundError:
        return []
    names = []
    for year in _dirs:
        for month in default_storage.listdir(f"dossiers/{year}")[0]:
            names += default_storage.listdir(f"dossiers/{year}/{month}")[1]
    return names + files


def snapshot(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.version,
        dossier.due_at,
        dossier.paused_at,
        DossierComponent.objects.filter(dossier=dossier).count(),
        DossierFile.objects.filter(dossier=dossier).count(),
        AuditEvent.objects.filter(subject_id=str(dossier.pk)).count(),
        len(stored_files()),
    )


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_my_dossiers_with_status_and_countdown(citizen, province):
    mine = scenes.accepted(province)
    waiting = scenes.registered_online(province)
    someone_else = scenes.accepted(province, name="Trần Thị Khác", user=province.users["outsider"])
    response = citizen.get(reverse("portal:my-dossiers"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = page_text(response)
    assert "Hồ sơ của tôi" in text
    assert mine.code in text and someone_else.code not in text
    assert reverse("portal:my-dossier", args=[str(waiting.uid)]) in text
    assert "Chờ tiếp nhận" in text  # the online one, before acceptance
    assert "Được tiếp nhận" in text and "Mới đăng ký" in text
    calendar = calendar_for(province.commune)
    days = working_days_between(calendar, local(timezone.now()).date(), local(mine.due_at).date())
    assert f"Còn {days} ngày làm việc" in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("overdue", "Quá hạn 3 ngày làm việc"),
        ("today", "Đến hạn hôm nay"),
        ("early", "Trước hạn"),
        ("on_time", "Đúng hạn"),
        ("late", "Trễ hạn"),
        ("paused", "Tạm dừng tính thời gian"),
    ],
)
def test_the_countdown_says_where_the_dossier_stands(citizen, province, kind, expected):
    dossier = scenes.accepted(province)
    calendar = calendar_for(province.commune)
    today = local(timezone.now()).date()
    if kind == "overdue":
        day = today  # from the last working day up to today (a day off adds no lateness)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        for _ in range(3):
            day -= timedelta(days=1)
            while not calendar.is_working_day(day):
                day -= timedelta(days=1)
        Dossier.objects.filter(pk=dossier.pk).update(due_at=calendar.closing(day))
    elif kind == "today":
        Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() + timedelta(minutes=1))
    elif kind == "paused":
        Dossier.objects.filter(pk=dossier.pk).update(
            status=DossierStatus.SUPPLEMENT_REQUESTED, paused_at=timezone.now()
        )
    else:
        Dossier.objects.filter(pk=dossier.pk).update(
            status=DossierStatus.PROCESSED, finished_at=timezone.now(), judgement=kind
        )
    if kind == "today" and local(timezone.now() + timedelta(minutes=1)).date() != today:
        pytest.skip("the minute crosses midnight")
    text = page_text(citizen.get(reverse("portal:my-dossiers")))
    assert expected in text
    text = page_text(citizen.get(reverse("portal:my-dossier", args=[dossier.code])))
    assert expected in text


# --- one dossier ------------------------------------------------------------------------------


def test_the_dossier_page_shows_public_facts_and_never_internal_ones(citizen, province):
    publish_process(province)
    dossier = scenes.supplement_requested(province)
    response = citizen.get(reverse("portal:my-dossier", args=[dossier.code]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = page_text(response)
    assert dossier.code in text and province.procedure.name in text
    assert "Yêu cầu bổ sung giấy tờ" in text  # the national status
    # The public history: registered, accepted with the appointment, the supplement request
    # with its reason and list.
    for fact in ("Hồ sơ được đăng ký", "Hồ sơ được tiếp nhận", "Yêu cầu bổ sung hồ sơ"):
        assert fact in text
    assert scenes.SUPPLEMENT_REASON in text
    assert all(item in text for item in scenes.MISSING)
    assert local(dossier.accepted_at).strftime("%d/%m/%Y") in text
    # Never: comments between officials, officials' names, internal steps, hand-overs.
    assert scenes.INTERNAL_COMMENT not in text
    for role in (Role.RECEPTION_OFFICER, Role.SPECIALIST):
        assert province.users[role].full_name not in text
    assert "Thẩm định hồ sơ" not in text and "Tiếp nhận, chuyển hồ sơ" not in text
    assert "Chuyển bước xử lý tiếp theo" not in text
    # What the citizen can do now, and the slips they were given (not the control slip).
    assert reverse("portal:my-dossier-supplement", args=[dossier.code]) in text
    assert reverse("portal:my-dossier-withdraw", args=[dossier.code]) in text
    assert reverse("portal:my-dossier-slip", args=[dossier.code, "receipt"]) in text
    assert reverse("portal:my-dossier-slip", args=[dossier.code, "supplement"]) in text
    assert "control" not in text


def test_the_receipt_downloads_as_a_pdf_and_the_control_slip_is_not_found(citizen, province):
    dossier = scenes.accepted(province)
    response = citizen.get(reverse("portal:my-dossier-slip", args=[dossier.code, "receipt"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"mau-01-{dossier.code}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    for kind in ("control", "refusal", "apology", "register", "nothing"):
        url = reverse("portal:my-dossier-slip", args=[dossier.code, kind])
        assert citizen.get(url).status_code == 404, kind


def test_a_dossier_not_accepted_yet_is_found_by_its_reference(citizen, province):
    dossier = scenes.registered_online(province)
    response = citizen.get(reverse("portal:my-dossier", args=[str(dossier.uid)]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Chưa được tiếp nhận" in text and "Mới đăng ký" in text
    assert "phieu/receipt.pdf" not in text
    # It may still be withdrawn.
    assert reverse("portal:my-dossier-withdraw", args=[str(dossier.uid)]) in text


# --- answering a supplement request -----------------------------------------------------------


def test_answering_a_supplement_restarts_the_clock(citizen, province):
    publish_process(province)
    dossier = scenes.supplement_requested(province, at=scenes.days_ago(10))
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and dossier.paused_at
    old_due = dossier.due_at
    url = reverse("portal:my-dossier-supplement", args=[dossier.code])
    response = citizen.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert all(item in text for item in scenes.MISSING) and scenes.SUPPLEMENT_REASON in text
    application = dossier.components.get(name="Đơn đăng ký")

    response = citizen.post(
        url,
        {
            "version": dossier.version,
            "missing-0": [
                samples.upload("ban-ve-trang-1.pdf", samples.pdf()),
                samples.upload("ban-ve-trang-2.png", samples.png(), "image/png"),
            ],
            "missing-1": samples.upload("don-da-ky.pdf", samples.pdf()),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my-dossier", args=[dossier.code])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROCESSING
    assert dossier.paused_at is None
    # Restart (the procedure's rule): the full legal time again from today.
    assert dossier.procedure.resume_mode == ResumeMode.RESTART
    calendar = calendar_for(province.commune)
    period = period_of(dossier)
    assert period is not None
    expected = calendar.due(timezone.now(), period)
    assert local(dossier.due_at).date() == local(expected).date()
    assert dossier.due_at > old_due
    change = AppointmentChange.objects.filter(dossier=dossier).last()
    assert change.act == "receive_supplement" and change.previous_due_at == old_due
    # The drawing is a new paper of the dossier; the signed application joins the old one.
    drawing = dossier.components.get(name=scenes.MISSING[0])
    assert sorted(f.original_name for f in drawing.files.all()) == [
        "ban-ve-trang-1.pdf",
        "ban-ve-trang-2.png",
    ]
    assert [f.original_name for f in application.files.all()] == ["don-da-ky.pdf"]
    assert all(
        f.uploaded_by == province.users["citizen"] and f.purpose == FilePurpose.COMPONENT
        for f in dossier.files.all()
    )
    # The page tells what happened and lists the citizen's files.
    text = page_text(citizen.get(response["Location"]))
    assert "Đã gửi hồ sơ bổ sung" in text and "Đang xử lý" in text
    assert "Đã nhận hồ sơ bổ sung" in text and "ban-ve-trang-2.png" in text
    assert reverse("portal:my-dossier-supplement", args=[dossier.code]) not in text
    own = dossier.files.first()
    download = citizen.get(reverse("portal:my-dossier-file", args=[dossier.code, own.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"missing-0": ("ban-ve.pdf", samples.png)}, "đây không phải là tệp PDF"),  # a liar
        ({"missing-0": ("ban-ve.exe", lambda: samples.EXE)}, "không thuộc loại tệp được chấp nhận"),
        ({"missing-0": ("rong.pdf", lambda: b"")}, "rỗng"),
        ({}, "ít nhất một tệp"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_changes(citizen, province, files, message):
    publish_process(province)
    dossier = scenes.supplement_requested(province)
    before = snapshot(dossier)
    data: dict[str, object] = {"version": dossier.version}
    data |= {name: samples.upload(n, content()) for name, (n, content) in files.items()}
    # A good file next to the bad one is not kept either.
    if files:
        data["missing-1"] = samples.upload("don.pdf", samples.pdf())
    response = citizen.post(reverse("portal:my-dossier-supplement", args=[dossier.code]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert snapshot(dossier) == before


def test_a_stale_form_is_refused(citizen, province):
    dossier = scenes.supplement_requested(province)
    before = snapshot(dossier)
    response = citizen.post(
        reverse("portal:my-dossier-supplement", args=[dossier.code]),
        {"version": dossier.version - 1, "missing-0": samples.upload("a.pdf", samples.pdf())},
    )
    assert response.status_code == 409
    assert snapshot(dossier) == before


def test_the_supplement_page_sends_back_when_nothing_is_asked(citizen, province):
    dossier = scenes.accepted(province)
    url = reverse("portal:my-dossier-supplement", args=[dossier.code])
    response = citizen.get(url)
    assert response.status_code == 302
    before = snapshot(dossier)
    response = citizen.post(
        url, {"version": 1, "missing-0": samples.upload("a.pdf", samples.pdf())}
    )
    assert response.status_code == 302
    assert snapshot(dossier) == before


# --- withdrawing ------------------------------------------------------------------------------


def test_withdrawing_needs_the_confirmation_and_a_reason(citizen, province):
    dossier = scenes.accepted(province)
    url = reverse("portal:my-dossier-withdraw", args=[dossier.code])
    response = citizen.get(url)
    assert response.status_code == 200
    assert "Tôi xác nhận rút hồ sơ" in page_text(response)
    before = snapshot(dossier)
    for data in (
        {"version": dossier.version, "reason": "Đổi ý"},  # no confirmation
        {"version": dossier.version, "confirm": "on", "reason": "  "},  # no reason
        {"confirm": "on", "reason": "Đổi ý"},  # no version
    ):
        response = citizen.post(url, data)
        assert response.status_code == 400, data
        assert snapshot(dossier) == before
    assert "Hãy đánh dấu ô xác nhận" in page_text(
        citizen.post(url, {"version": dossier.version, "reason": "Đổi ý"})
    )

    response = citizen.post(
        url, {"version": dossier.version, "confirm": "on", "reason": "Tôi nộp nhầm thủ tục"}
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.closed_at
    text = page_text(citizen.get(reverse("portal:my-dossier", args=[dossier.code])))
    assert "Hồ sơ đã được rút" in text and "Tôi nộp nhầm thủ tục" in text
    assert "Công dân yêu cầu rút hồ sơ" in text
    # Once withdrawn, the page sends back to the dossier.
    assert citizen.get(url).status_code == 302


def test_a_processed_dossier_cannot_be_withdrawn(citizen, province):
    dossier = scenes.returned(province)
    before = snapshot(dossier)
    url = reverse("portal:my-dossier-withdraw", args=[dossier.code])
    assert citizen.get(url).status_code == 302
    response = citizen.post(url, {"version": dossier.version, "confirm": "on", "reason": "x"})
    assert response.status_code == 302
    assert snapshot(dossier) == before


# --- rating -----------------------------------------------------------------------------------


def test_rating_once_after_the_result_was_returned(citizen, province):
    dossier = scenes.returned(province)
    detail = reverse("portal:my-dossier", args=[dossier.code])
    url = reverse("portal:my-dossier-rate", args=[dossier.code])
    assert url in page_text(citizen.get(detail))
    response = citizen.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "Rất hài lòng" in text and "Số lần phải liên hệ" in text

    response = citizen.post(url, {"c-contacts": "none", "comment": "Nhanh"})  # no overall
    assert response.status_code == 400
    assert "Hãy chọn mức độ hài lòng chung" in page_text(response)
    assert not Rating.objects.exists()

    response = citizen.post(
        url,
        {
            "overall": "very_satisfied",
            "c-contacts": "none",
            "c-conduct": "proper",
            "comment": "Cán bộ tận tình",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail
    rating = Rating.objects.get()
    assert rating.overall == "very_satisfied"
    assert rating.answers == {"contacts": "none", "conduct": "proper"}
    text = page_text(citizen.get(detail))
    assert "Đánh giá của ông/bà" in text and "Cán bộ tận tình" in text
    assert url not in text

    # Once only: the form is gone and a second post changes nothing.
    assert citizen.get(url).status_code == 302
    response = citizen.post(url, {"overall": "very_dissatisfied"})
    assert response.status_code == 302
    assert Rating.objects.get().overall == "very_satisfied"


def test_no_rating_before_the_result_is_returned(citizen, province):
    dossier = scenes.accepted(province)
    url = reverse("portal:my-dossier-rate", args=[dossier.code])
    assert citizen.get(url).status_code == 302
    assert citizen.post(url, {"overall": "satisfied"}).status_code == 302
    assert not Rating.objects.exists()


def test_the_pages_speak_english_too(citizen, province):
    dossier = scenes.supplement_requested(province)
    url = "/en" + reverse("portal:my-dossier", args=[dossier.code])
    with translation.override("vi"):  # the request activates English; do not leak it
        text = page_text(citizen.get(url))
    assert "Supplement requested" in text and "Asked to supplement the dossier" in text
    assert '<html lang="en">' in text


def test_answering_a_supplement_before_acceptance_sends_it_back_to_the_desk(citizen, province):
    dossier = scenes.registered_online(province)
    dossier = dossier_act(
        dossier=dossier,
        act=Act.REQUEST_SUPPLEMENT,
        actor=province.users[Role.RECEPTION_OFFICER],
        data=ActInput(missing=["Bản sao căn cước"], comment="Thiếu giấy tờ tùy thân"),
    )
    assert dossier.status == DossierStatus.INTAKE_SUPPLEMENT_REQUESTED
    detail = reverse("portal:my-dossier", args=[str(dossier.uid)])
    assert "Bản sao căn cước" in page_text(citizen.get(detail))
    response = citizen.post(
        reverse("portal:my-dossier-supplement", args=[str(dossier.uid)]),
        {"version": dossier.version, "missing-0": samples.upload("cccd.jpg", samples.jpeg())},
    )
    assert response.status_code == 302 and response["Location"] == detail
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REGISTERED and dossier.due_at is None
    assert dossier.components.get(name="Bản sao căn cước").files.get().original_name == "cccd.jpg"


def test_the_electronic_result_is_shown_once_returned(citizen, province):
    dossier = scenes.accepted(province)
    reception, leader = province.users[Role.RECEPTION_OFFICER], province.users[Role.LEADER]
    dossier = dossier_act(dossier=dossier, act=Act.FORWARD, actor=reception)
    result = dossier_file_add(
        dossier=dossier,
        actor=leader,
        upload=samples.upload("giay-chung-nhan.pdf", samples.pdf()),
        purpose=FilePurpose.RESULT,
    )
    dossier = dossier_act(dossier=dossier, act=Act.FINISH, actor=leader)
    detail = reverse("portal:my-dossier", args=[dossier.code])
    download = reverse("portal:my-dossier-file", args=[dossier.code, result.pk])
    assert "giay-chung-nhan.pdf" not in page_text(citizen.get(detail))
    assert citizen.get(download).status_code == 404
    dossier_act(
        dossier=dossier,
        act=Act.RETURN_RESULT,
        actor=reception,
        data=ActInput(return_method=ReturnMethod.ONLINE),
    )
    text = page_text(citizen.get(detail))
    assert "giay-chung-nhan.pdf" in text and "Đã trả kết quả" in text
    response = citizen.get(download + "?xem=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
