"""The e-form admin: a definition with errors is refused with every problem listed and nothing
saved; a sound one is saved through the service (version, audit); the preview shows the form,
checks answers and adds rows without saving anything; only staff with the right see it."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalogue.constants import PublicationStatus
from motcua.core.models import AuditEvent
from motcua.eforms.models import EForm
from motcua.eforms.services import eform_save

pytestmark = pytest.mark.django_db


# Addresses are reversed inside the tests, under the `english` fixture: /en/admin/…, so the
# pages answer in English.
def add_url() -> str:
    return reverse("admin:eforms_eform_add")


def preview_url() -> str:
    return reverse("admin:eforms_eform_preview")


def change_url(eform: EForm) -> str:
    return reverse("admin:eforms_eform_change", args=[eform.pk])


def form_data(procedure, definition, **extra) -> dict:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return {"procedure": procedure.pk, "status": "published", "source": "", "definition": text,
            **extra}  # fmt: skip


def test_a_definition_with_errors_is_refused_with_every_problem(admin_client, procedure):
    bad = {"fields": [{"key": "a", "type": "dat", "label": "A"},
                      {"key": "b", "type": "text", "label": "B", "pattern": "("}]}  # fmt: skip
    response = admin_client.post(add_url(), form_data(procedure, bad))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Field “a”: unknown type “dat”" in content
    assert "Field “b”: “pattern” is not a valid regular expression" in content
    assert not EForm.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="eforms.").exists()


def test_text_that_is_not_json_is_refused(admin_client, procedure):
    response = admin_client.post(add_url(), form_data(procedure, '{"fields": ['))
    assert response.status_code == 200
    assert "Enter a valid JSON" in response.content.decode()
    assert not EForm.objects.exists()


def test_a_sound_definition_is_saved_versioned_and_audited(admin_client, procedure, household):
    response = admin_client.post(add_url(), form_data(procedure, household))
    assert response.status_code == 302
    eform = EForm.objects.get()
    assert (eform.version, eform.status, eform.definition) == (1, "published", household)
    household["fields"][0]["required"] = False
    response = admin_client.post(change_url(eform), form_data(procedure, household))
    assert response.status_code == 302
    eform.refresh_from_db()
    assert eform.version == 2
    assert eform.definition["fields"][0]["required"] is False
    actions = list(
        AuditEvent.objects.filter(action__startswith="eforms.").values_list("action", "data")
    )
    assert [a for a, _ in actions] == ["eforms.eform_created", "eforms.eform_changed"]
    assert actions[1][1]["changed"] == ["definition"]
    assert actions[1][1]["version"] == 2


def test_the_change_form_shows_the_definition_readably_with_a_preview_button(
    admin_client, procedure, household
):
    eform = eform_save(procedure=procedure, definition=household, actor=None)
    content = admin_client.get(change_url(eform)).content.decode()
    assert "Thành viên hộ gia đình" in content  # Vietnamese letters, not \\u escapes
    assert f'formaction="{preview_url()}"' in content
    assert reverse("admin:eforms_eform_preview_saved", args=[eform.pk]) in content


def test_the_preview_renders_the_form_being_edited(admin_client, household):
    response = admin_client.post(preview_url(), {"definition": json.dumps(household)})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing you type here is saved" in content
    assert '<label class="usa-label" for="f-applicant_name">Full name' in content
    assert 'src="/static/eforms/eforms.js"' in content
    assert not EForm.objects.exists()


def test_the_preview_lists_the_problems_of_a_bad_definition(admin_client):
    response = admin_client.post(preview_url(), {"definition": '{"fields": [{"key": "A"}]}'})
    assert response.status_code == 400
    assert "“key” must be 1 to 40 lowercase letters" in response.content.decode()
    response = admin_client.post(preview_url(), {"definition": "not json"})
    assert "The definition is not valid JSON" in response.content.decode()


def test_the_preview_checks_answers_and_adds_rows(admin_client, household):
    definition = json.dumps(household)
    base = {"definition": definition, "eform-preview-answers": "1", "f-members-rows": "1"}
    checked = admin_client.post(
        preview_url(), base | {"f-applicant_id_number": "12"}
    ).content.decode()
    assert 'id="eform-errors"' in checked
    assert "must be exactly 12 digits" in checked
    added = admin_client.post(
        preview_url(), base | {"f-members-0-member_name": "Bình", "eform-add": "members"}
    ).content.decode()
    assert 'id="eform-errors"' not in added
    assert 'name="f-members-rows" value="2"' in added
    assert 'value="Bình"' in added
    valid = base | {
        "f-applicant_name": "Lan",
        "f-applicant_id_number": "022190001234",
        "f-reason": "new",
        "f-agree": "true",
        "f-members-rows": "0",
    }
    content = admin_client.post(preview_url(), valid).content.decode()
    assert "These answers are valid" in content
    assert "&quot;applicant_id_number&quot;: &quot;022190001234&quot;" in content


def test_the_saved_preview(admin_client, procedure, household):
    eform = eform_save(procedure=procedure, definition=household, actor=None)
    url = reverse("admin:eforms_eform_preview_saved", args=[eform.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Sample declaration" in response.content.decode()
    assert (
        admin_client.get(reverse("admin:eforms_eform_preview_saved", args=[999])).status_code == 404
    )


def test_only_staff_with_the_right_see_the_admin(client, procedure, household):
    eform = eform_save(procedure=procedure, definition=household, actor=None)
    saved_preview = reverse("admin:eforms_eform_preview_saved", args=[eform.pk])
    assert client.get(saved_preview).status_code == 302  # to the login page
    assert client.post(preview_url(), {"definition": "{}"}).status_code == 302
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(saved_preview).status_code == 403
    assert client.post(preview_url(), {"definition": json.dumps(household)}).status_code == 403
    assert client.get(change_url(eform)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_eform"))
    assert client.get(saved_preview).status_code == 200
    assert client.post(preview_url(), {"definition": json.dumps(household)}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="change_eform"))
    assert client.post(preview_url(), {"definition": json.dumps(household)}).status_code == 200


def test_deleting_is_audited(admin_client, procedure, household):
    eform = eform_save(
        procedure=procedure, definition=household, status=PublicationStatus.PUBLISHED, actor=None
    )
    url = reverse("admin:eforms_eform_delete", args=[eform.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not EForm.objects.exists()
    assert AuditEvent.objects.filter(action="eforms.eform_deleted").exists()
