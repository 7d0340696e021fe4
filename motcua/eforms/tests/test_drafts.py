"""Drafts: saved as typed, resumed by their owner from anywhere, invisible and unchangeable to
anyone else, refused when stale; files checked by their content, stored under random private
names, and deleted from the storage when the change they belong to is rolled back or removed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.template.loader import render_to_string

from motcua.accounts.models import User
from motcua.catalogue.constants import OnlineType, PublicationStatus
from motcua.catalogue.models import Component, Procedure
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.documents.tests import samples
from motcua.documents.uploads import DOCX_TYPE
from motcua.eforms import selectors, services
from motcua.eforms.models import Draft, DraftFile
from motcua.eforms.selectors import (
    component_slots,
    draft_file_get,
    draft_file_open,
    draft_files,
    draft_for,
    drafts_of,
    eform_for,
    offered_online,
    orphan_files,
)
from motcua.eforms.services import (
    draft_add_file,
    draft_delete,
    draft_remove_file,
    draft_save,
    eform_save,
)

from .conftest import stored_files

pytestmark = pytest.mark.django_db


def save(user, procedure, data, version=0):
    return draft_save(user=user, procedure=procedure, data=data, expected_version=version)


def test_a_draft_keeps_what_was_typed_even_when_invalid(procedure, citizen):
    draft = save(citizen, procedure, {"applicant_id_number": "12", "applicant_phone": "x"})
    assert draft.version == 1
    assert draft.eform_version == 0  # the default form
    assert Draft.objects.get().data == {"applicant_id_number": "12", "applicant_phone": "x"}


def test_the_owner_resumes_it_from_another_device(procedure, citizen):
    """Drafts belong to the account, not to a browser session: whatever device signs in as the
    owner finds the same answers and goes on from their version."""
    save(citizen, procedure, {"applicant_address": "Thôn 1"})
    same_account_elsewhere = User.objects.get(pk=citizen.pk)  # another login, another session
    draft = draft_for(user=same_account_elsewhere, procedure=procedure)
    assert draft.data == {"applicant_address": "Thôn 1"}
    assert list(drafts_of(user=same_account_elsewhere)) == [draft]
    again = save(
        same_account_elsewhere, procedure, draft.data | {"applicant_phone": "0912345678"}, 1
    )
    assert again.pk == draft.pk
    assert again.version == 2
    assert draft_for(user=citizen, procedure=procedure).data["applicant_phone"] == "0912345678"


def test_another_user_cannot_read_or_change_it(procedure, citizen, other_citizen, media):
    draft = save(citizen, procedure, {"applicant_address": "Thôn 1"})
    row = draft_add_file(
        draft=draft,
        component=procedure.components.first(),
        upload=samples.upload("to-khai.pdf", samples.pdf()),
        actor=citizen,
    )
    assert draft_for(user=other_citizen, procedure=procedure) is None
    assert list(drafts_of(user=other_citizen)) == []
    assert draft_file_get(user=other_citizen, file_id=row.pk) is None
    assert draft_file_get(user=citizen, file_id=row.pk) == row
    assert draft_for(user=AnonymousUser(), procedure=procedure) is None
    # The other user's save makes their own draft, never touches this one.
    theirs = save(other_citizen, procedure, {"applicant_address": "Khác"})
    assert theirs.pk != draft.pk
    draft.refresh_from_db()
    assert draft.data == {"applicant_address": "Thôn 1"}
    for write in (
        lambda: draft_add_file(
            draft=draft,
            component=procedure.components.first(),
            upload=samples.upload("a.pdf", samples.pdf()),
            actor=other_citizen,
        ),
        lambda: draft_remove_file(draft_file=row, actor=other_citizen),
        lambda: draft_delete(draft=draft, actor=other_citizen),
    ):
        with pytest.raises(DomainError) as refused:
            write()
        assert refused.value.code == "not_permitted"
    assert DraftFile.objects.filter(draft=draft).count() == 1
    assert len(stored_files(media)) == 1


def test_a_stale_save_is_refused_and_changes_nothing(procedure, citizen):
    save(citizen, procedure, {"applicant_address": "A"})
    save(citizen, procedure, {"applicant_address": "B"}, 1)  # another device saved
    events = AuditEvent.objects.count()
    for stale in (0, 1, 3):
        with pytest.raises(DomainError) as refused:
            save(citizen, procedure, {"applicant_address": "C"}, stale)
        assert refused.value.code == "stale_draft"
        assert "another device" in refused.value.message
    draft = Draft.objects.get()
    assert (draft.version, draft.data) == (2, {"applicant_address": "B"})
    assert AuditEvent.objects.count() == events


def test_a_first_save_expects_no_draft(procedure, citizen):
    with pytest.raises(DomainError) as refused:
        save(citizen, procedure, {}, 4)
    assert refused.value.code == "stale_draft"
    assert not Draft.objects.exists()


def test_only_procedures_offered_online_take_drafts(procedure, citizen):
    for change in ({"online_type": OnlineType.NONE}, {"online_type": ""},
                   {"status": PublicationStatus.DRAFT}):  # fmt: skip
        for name, value in change.items():
            setattr(procedure, name, value)
        procedure.save()
        assert not offered_online(procedure)
        with pytest.raises(DomainError) as refused:
            save(citizen, procedure, {})
        assert refused.value.code == "not_online"
        procedure.online_type, procedure.status = OnlineType.FULL, PublicationStatus.PUBLISHED
    procedure.online_type = OnlineType.PARTIAL
    procedure.save()
    assert offered_online(procedure)


def test_drafts_keep_only_the_keys_of_the_form(procedure, citizen):
    draft = save(citizen, procedure, {"applicant_address": "A", "is_staff": True, "x": [1]})
    assert draft.data == {"applicant_address": "A"}


def test_drafts_have_a_size_limit(procedure, citizen):
    notes = {"key": "note", "type": "textarea", "label": "Ghi chú", "max_length": 10_000}
    definition = {"fields": [{"key": "rows", "type": "group", "label": "Dòng", "max": 50,
                              "fields": [notes]}]}  # fmt: skip
    eform_save(
        procedure=procedure, definition=definition, status=PublicationStatus.PUBLISHED, actor=None
    )
    with pytest.raises(ValidationFailed) as refused:
        save(citizen, procedure, {"rows": [{"note": "x" * 10_000}] * 50})
    assert "too long" in refused.value.message
    assert not Draft.objects.exists()
    assert save(citizen, procedure, {"rows": [{"note": "x" * 10_000}] * 20}).version == 1


def test_each_save_is_audited_in_the_drafts_chain(procedure, citizen):
    draft = save(citizen, procedure, {"applicant_address": "Thôn 1"})
    save(citizen, procedure, {}, 1)
    events = AuditEvent.objects.filter(chain=audit.chain_of(draft)).order_by("seq")
    assert [e.action for e in events] == ["eforms.draft_saved", "eforms.draft_saved"]
    assert events[0].data["version"] == 1
    assert "Thôn 1" not in str(events[0].data)  # no answers in the audit trail
    assert audit.first_broken_link(audit.chain_of(draft)) is None


def test_eform_for_falls_back_to_the_default_form(procedure):
    form = eform_for(procedure)
    assert (form.version, form.custom) == (0, False)
    assert form.definition["fields"][0]["key"] == "applicant_name"
    definition = {"fields": [{"key": "a", "type": "text", "label": "A"}]}
    eform_save(procedure=procedure, definition=definition, actor=None)  # a draft e-form
    assert eform_for(procedure).custom is False
    eform_save(
        procedure=procedure, definition=definition, status=PublicationStatus.PUBLISHED, actor=None
    )
    assert eform_for(procedure) == selectors.FormDefinition(definition, 2, True)


# --- files ---------------------------------------------------------------------------------


@pytest.fixture
def draft(procedure, citizen):
    return save(citizen, procedure, {"applicant_address": "Thôn 1"})


def add(draft, name, content, component=None):
    component = component or draft.procedure.components.order_by("position").first()
    return draft_add_file(
        draft=draft, component=component, upload=samples.upload(name, content), actor=draft.owner
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("to-khai.pdf", samples.pdf, "application/pdf"),
        ("anh.JPG", samples.jpeg, "image/jpeg"),
        ("anh.png", samples.png, "image/png"),
        ("to-khai.docx", samples.docx, DOCX_TYPE),
    ],
)  # fmt: skip
def test_files_are_kept_under_random_private_names(draft, media, name, content, content_type):
    row = add(draft, name, content())
    assert row.original_name == name
    assert row.content_type == content_type
    assert row.component_name == "Tờ khai"
    assert row.size == len(content())
    assert len(row.sha256) == 64
    stored = stored_files(media)
    assert len(stored) == 1
    assert stored[0].startswith("drafts/")
    assert name not in stored[0]
    with draft_file_open(row) as handle:
        assert handle.read() == content()
        assert handle.name == name
    draft.refresh_from_db()
    assert draft.version == 1  # a file does not change the answers' version
    event = AuditEvent.objects.filter(chain=audit.chain_of(draft)).latest("seq")
    assert event.action == "eforms.draft_file_added"
    assert event.data["sha256"] == row.sha256


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("don.pdf", samples.HTML, "is not what its name says"),
        ("don.pdf", samples.EXE, "is not what its name says"),
        ("anh.png", samples.jpeg, "is not what its name says"),
        ("to-khai.docx", samples.plain_zip, "is not what its name says"),
        ("trang.html", samples.HTML, "not a type of file accepted here"),
        ("rong.pdf", b"", "is empty"),
    ],
)
def test_files_are_checked_by_content_and_bad_ones_store_nothing(
    draft, media, name, content, problem
):
    with pytest.raises(ValidationFailed) as refused:
        add(draft, name, content() if callable(content) else content)
    assert problem in " ".join(refused.value.errors)
    assert DraftFile.objects.count() == 0
    assert stored_files(media) == []


def test_files_are_limited_in_size_and_number(draft, media, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as refused:
        add(draft, "to-khai.pdf", samples.pdf())
    assert "too large" in " ".join(refused.value.errors)
    settings.MOTCUA_UPLOAD_MAX_BYTES = 10_000_000
    for index in range(selectors.MAX_FILES_PER_COMPONENT):
        add(draft, f"anh-{index}.png", samples.png())
    with pytest.raises(ValidationFailed) as refused:
        add(draft, "one-more.png", samples.png())
    assert "remove one to add another" in refused.value.message
    assert len(stored_files(media)) == selectors.MAX_FILES_PER_COMPONENT
    slot = component_slots(procedure=draft.procedure, draft=draft)[0]
    assert slot.full


def test_a_component_of_another_procedure_is_refused(draft, media):
    other = Procedure.objects.create(
        national_code="1.000894", name="Kết hôn", field=draft.procedure.field,
        level="commune", agency_kind="commune_pc",
    )  # fmt: skip
    component = Component.objects.create(procedure=other, name="Tờ khai kết hôn")
    with pytest.raises(ValidationFailed):
        add(draft, "a.pdf", samples.pdf(), component)
    assert stored_files(media) == []


def test_a_failure_after_storing_deletes_the_file(draft, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr(services, "_record_file", broken)
    with pytest.raises(RuntimeError):
        add(draft, "to-khai.pdf", samples.pdf())
    assert DraftFile.objects.count() == 0
    assert stored_files(media) == []


def test_removing_a_file_deletes_it_after_the_commit(
    draft, media, django_capture_on_commit_callbacks
):
    row = add(draft, "to-khai.pdf", samples.pdf())
    with django_capture_on_commit_callbacks(execute=True):
        draft_remove_file(draft_file=row, actor=draft.owner)
    assert DraftFile.objects.count() == 0
    assert stored_files(media) == []
    with django_capture_on_commit_callbacks(execute=True):
        draft_remove_file(draft_file=row, actor=draft.owner)  # twice: nothing more happens
    actions = AuditEvent.objects.filter(chain=audit.chain_of(draft)).values_list(
        "action", flat=True
    )
    assert list(actions).count("eforms.draft_file_removed") == 1


def test_a_rolled_back_removal_keeps_the_file(draft, media, django_capture_on_commit_callbacks):
    row = add(draft, "to-khai.pdf", samples.pdf())
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        draft_remove_file(draft_file=row, actor=draft.owner)
        raise RuntimeError("the page failed afterwards")
    assert DraftFile.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_deleting_a_draft_deletes_its_files(draft, media, django_capture_on_commit_callbacks):
    add(draft, "to-khai.pdf", samples.pdf())
    add(draft, "anh.png", samples.png())
    with django_capture_on_commit_callbacks(execute=True):
        draft_delete(draft=draft, actor=draft.owner)
    assert (Draft.objects.count(), DraftFile.objects.count()) == (0, 0)
    assert stored_files(media) == []
    assert AuditEvent.objects.filter(action="eforms.draft_deleted").get().data["files"] == 2


def test_slots_follow_the_components_and_keep_files_of_removed_ones(draft, media):
    declaration, surrogacy = draft.procedure.components.order_by("position")
    add(draft, "to-khai.pdf", samples.pdf(), declaration)
    add(draft, "xac-nhan.pdf", samples.pdf(), surrogacy)
    slots = component_slots(procedure=draft.procedure, draft=draft)
    assert [s.component for s in slots] == [declaration, surrogacy]
    assert [[f.original_name for f in s.files] for s in slots] == [
        ["to-khai.pdf"],
        ["xac-nhan.pdf"],
    ]
    assert slots[0].rule == "Originals: 1; copies: 0"
    assert (slots[0].conditional, slots[1].conditional) == (False, True)
    assert slots[0].input_name == f"component-{declaration.pk}"
    # The catalogue is re-imported: the component goes, the file stays, listed apart.
    surrogacy.delete()
    assert [f.original_name for f in orphan_files(draft)] == ["xac-nhan.pdf"]
    assert len(draft_files(draft)) == 2
    assert len(component_slots(procedure=draft.procedure, draft=draft)) == 1


def test_upload_hints(settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    assert (
        selectors.upload_hint()
        == "Accepted: PDF, JPEG, PNG, Word (DOCX); at most 20.0\xa0MB per file."
    )
    assert selectors.accept_attribute() == ".pdf,.jpg,.jpeg,.png,.docx"


def test_the_upload_slots_render(draft, media):
    declaration, surrogacy = draft.procedure.components.order_by("position")
    row = add(draft, "to-khai.pdf", samples.pdf(), declaration)
    slots = component_slots(procedure=draft.procedure, draft=draft)
    slots[1].error = "“x.exe” is not a type of file accepted here."
    page = render_to_string(
        "eforms/_uploads.html",
        {
            "slots": slots,
            "orphans": [],
            "hint": selectors.upload_hint(),
            "accept": selectors.accept_attribute(),
        },
    )
    assert f'<label class="usa-label" for="component-{declaration.pk}">Tờ khai</label>' in page
    assert "Originals: 1; copies: 0" in page
    assert "Only when: Trẻ sinh ra do mang thai hộ" in page
    assert f'name="eform-remove-file" value="{row.pk}"' in page
    assert "to-khai.pdf" in page
    assert (
        f'type="file" id="component-{surrogacy.pk}" name="component-{surrogacy.pk}" multiple'
        in page
    )
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx"' in page
    assert (
        f'aria-describedby="component-{surrogacy.pk}-hint component-{surrogacy.pk}-error"' in page
    )
    assert "x.exe" in page
