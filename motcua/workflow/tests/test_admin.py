"""The process admin: Vietnamese pages, drafts edited with warnings, publication with a
confirmation, refusals, read-only published versions, new versions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from motcua.core.models import AuditEvent
from motcua.workflow import services
from motcua.workflow.constants import MoveKind, ProcessStatus
from motcua.workflow.models import Process

from .conftest import line

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:workflow_process_changelist")
ADD = reverse("admin:workflow_process_add")


def change_url(process):
    return reverse("admin:workflow_process_change", args=[process.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def step_rows(*hours):
    return [
        {"position": str(p), "name": f"Bước {p}", "role": "specialist", "agency": "", "hours": h}
        for p, h in enumerate(hours, start=1)
    ]


def action(client, name, processes, **extra):
    data = {"action": name, "_selected_action": [p.pk for p in processes], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_changelist_and_change_page_render_in_vietnamese(admin_client, draft):
    response = admin_client.get(CHANGELIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Quy trình nội bộ" in content and "1.001193" in content and "Bản nháp" in content
    assert "Công bố các bản nháp đã chọn" in content and "Tạo phiên bản mới" in content
    response = admin_client.get(change_url(draft))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bước 4" in content and "các bước chuyển" in content.lower()
    assert 'name="_save"' in content
    assert admin_client.get(ADD).status_code == 200


def test_search_by_procedure_code(admin_client, draft):
    assert "1.001193" in admin_client.get(CHANGELIST, {"q": "1.001193"}).content.decode()
    assert "1.001193" not in admin_client.get(CHANGELIST, {"q": "9.999"}).content.decode()


def test_adding_a_draft_numbers_it_audits_and_warns_about_problems(admin_client, procedure, home):
    data = {
        "procedure": procedure.pk,
        "agency": home.pk,
        "name": "Quy trình mới",
        "decision": "",
        **formset_data("steps", step_rows("4", "24", "8")),  # 36 h of 40
        **formset_data("moves", []),
    }
    response = admin_client.post(ADD, data, follow=True)
    assert response.status_code == 200
    process = Process.objects.get()
    assert (process.version, process.status, process.steps.count()) == (1, ProcessStatus.DRAFT, 3)
    messages = texts(response)
    assert any("36 giờ" in m and "40 giờ" in m for m in messages)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"workflow.process.created", "workflow.process.parts_changed"} <= actions


def test_saving_a_draft_edits_it_and_a_sound_one_has_no_warning(admin_client, draft):
    steps = list(draft.steps.order_by("position"))
    rows = [
        {"id": str(s.pk), "process": str(draft.pk), **row}
        for s, row in zip(steps, step_rows("4", "20", "12", "4"), strict=True)
    ]
    data = {
        "name": "Đã sửa",
        "decision": "575/QĐ-UBND",
        **formset_data("steps", rows, initial=4),
        **formset_data(
            "moves",
            [{"source": str(steps[3].pk), "target": str(steps[1].pk), "kind": MoveKind.BACK}],
        ),
    }
    response = admin_client.post(change_url(draft), data, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.name == "Đã sửa" and draft.moves.count() == 1
    assert [str(h) for h in draft.steps.values_list("hours", flat=True)] == [
        "4.00",
        "20.00",
        "12.00",
        "4.00",
    ]
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_moves_offer_only_the_steps_of_the_process(admin_client, draft, procedure, other):
    elsewhere = services.process_create(
        procedure=procedure, agency=other, actor=None, steps=line(40)
    )
    response = admin_client.get(change_url(draft))
    formset = next(
        f
        for f in response.context["inline_admin_formsets"]
        if f.opts.model is not None and f.formset.prefix == "moves"
    )
    choices = set(formset.formset.form.base_fields["source"].queryset)
    assert choices == set(draft.steps.all())
    assert not choices & set(elsewhere.steps.all())


def test_publish_asks_for_confirmation_then_publishes_and_retires(admin_client, draft):
    services.process_publish(process=draft, actor=None)
    successor = services.process_new_version(process=draft, actor=None)

    response = action(admin_client, "publish", [successor])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/workflow/process/publish_confirmation.html"
    content = response.content.decode()
    assert "1.001193 v2 (STP)" in content and "1.001193 v1 (STP) sẽ ngừng áp dụng" in content
    successor.refresh_from_db()
    assert successor.status == ProcessStatus.DRAFT  # nothing before the confirmation

    response = action(admin_client, "publish", [successor], post="yes")
    assert response.redirect_chain[-1][0].endswith(CHANGELIST)
    successor.refresh_from_db()
    draft.refresh_from_db()
    assert (successor.status, draft.status) == (ProcessStatus.PUBLISHED, ProcessStatus.RETIRED)
    assert any("Đã công bố" in m for m in texts(response))
    event = AuditEvent.objects.filter(action="workflow.process_published").last()
    assert event.actor == admin_client.user and event.subject_id == str(successor.pk)


@pytest.mark.parametrize("confirmed", [False, True])
def test_invalid_publish_shows_each_error_and_changes_nothing(
    admin_client, procedure, home, confirmed
):
    process = services.process_create(
        procedure=procedure, agency=home, actor=None, steps=line(4, 24, 8, 0)
    )
    before = AuditEvent.objects.count()
    extra = {"post": "yes"} if confirmed else {}
    response = action(admin_client, "publish", [process], **extra)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert any("“Bước 4” chưa có số giờ" in e for e in errors)
    assert any("36 giờ" in e and "40 giờ (5 ngày làm việc)" in e for e in errors)
    assert "Chưa công bố quy trình nào." in errors
    process.refresh_from_db()
    assert process.status == ProcessStatus.DRAFT
    assert AuditEvent.objects.count() == before


def test_publish_refuses_a_selection_with_a_published_process_or_two_versions(admin_client, draft):
    second = services.process_new_version(process=draft, actor=None)
    response = action(admin_client, "publish", [draft, second])
    assert any("Chỉ chọn một phiên bản" in m for m in texts(response))
    services.process_publish(process=draft, actor=None)
    response = action(admin_client, "publish", [draft])
    assert any("không phải bản nháp" in m for m in texts(response))
    second.refresh_from_db()
    assert second.status == ProcessStatus.DRAFT


def test_a_published_process_is_read_only(admin_client, draft):
    services.process_publish(process=draft, actor=None)
    response = admin_client.get(change_url(draft))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in content and 'name="steps-0-hours"' not in content
    assert "Bước 4" in content  # shown, not editable
    data = {"name": "Sửa trộm", **formset_data("steps", []), **formset_data("moves", [])}
    assert admin_client.post(change_url(draft), data).status_code == 403
    delete = reverse("admin:workflow_process_delete", args=[draft.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    draft.refresh_from_db()
    assert draft.name == "Quy trình" and draft.steps.count() == 4


def test_new_version_action_opens_the_copy(admin_client, draft):
    services.process_publish(process=draft, actor=None)
    response = action(admin_client, "new_version", [draft])
    copy = Process.objects.get(version=2)
    assert response.redirect_chain[-1][0] == change_url(copy)
    assert (copy.status, copy.steps.count()) == (ProcessStatus.DRAFT, 4)
    assert any("Đã tạo bản nháp 1.001193 v2 (STP)" in m for m in texts(response))
    assert AuditEvent.objects.filter(action="workflow.process_version_created").count() == 1


def test_confirmed_publish_is_all_or_nothing(admin_client, monkeypatch, procedure, home, other):
    """A draft that turned invalid after the confirmation page publishes nothing."""
    good = services.process_create(
        procedure=procedure, agency=home, actor=None, steps=line(4, 24, 8, 4)
    )
    bad = services.process_create(procedure=procedure, agency=other, actor=None, steps=line(8))
    monkeypatch.setattr("motcua.workflow.admin._publish_problems", lambda processes: [])
    response = action(admin_client, "publish", [good, bad], post="yes")
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert any("Không thể công bố quy trình “1.001193 v1 (Thuế)”" in e for e in errors)
    assert any("8 giờ" in e and "40 giờ" in e for e in errors)
    assert "Chưa công bố quy trình nào." in errors
    assert set(Process.objects.values_list("status", flat=True)) == {ProcessStatus.DRAFT}
    assert not AuditEvent.objects.filter(action="workflow.process_published").exists()
