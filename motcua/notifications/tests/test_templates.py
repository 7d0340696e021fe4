"""Message templates (notice_templates): the administrator's active template wins over the
default file, the language switches the text, SMS are one unaccented line, unknown variables
are found, a template that does not compile is refused; and the admin: preview with the sample
(nothing saved), loading the default text, a broken template not saved, save and reset audited.

The events used are the dossiers' (registered by their app at start-up); the tests name them
by their ids only (notifications never imports dossiers)."""

import pytest
from django.template import TemplateDoesNotExist
from django.utils import translation

from motcua.core.models import AuditEvent
from motcua.notifications import notice_templates as nt
from motcua.notifications.models import MessageTemplate

pytestmark = pytest.mark.django_db

EVENT = "dossiers.accepted"
URL = "/en/admin/notifications/messagetemplate/"  # in English: the messages are the msgids


@pytest.fixture(autouse=True)
def english():
    """The admin pages answer in English at /en/…; the language the middleware activates for
    them is put back after each test, so later tests are not left in English."""
    with translation.override("en"):
        yield


def sample(event: str = EVENT) -> dict:
    return nt.get_event(event).sample_context()


def test_the_default_file_is_used_without_a_template():
    source = nt.active_source(EVENT, "email", "vi")
    assert source.origin == f"notices/{EVENT}.email.vi.txt"
    rendered = nt.render_notice(event=EVENT, channel="email", language="vi", context=sample())
    assert rendered.subject == "Hồ sơ 000.00.01.H49-260302-0001 đã được tiếp nhận"
    assert "Hẹn trả kết quả: 17 giờ 00 phút, ngày 09 tháng 03 năm 2026" in rendered.body


def test_the_language_switches_the_text_and_the_dates():
    rendered = nt.render_notice(event=EVENT, channel="email", language="en", context=sample())
    assert rendered.subject == "Dossier 000.00.01.H49-260302-0001 was accepted"
    assert "Appointment for the result: 17:00 on 09/03/2026" in rendered.body


def test_an_active_database_template_wins_and_an_inactive_one_does_not(admin_user):
    template = nt.message_template_save(
        event=EVENT,
        channel="email",
        language="vi",
        subject="Tiếp nhận {{ code }}",
        body="Hẹn {{ appointment.date }} – {{ dossier.applicant_name }} & <b>",
        actor=admin_user,
    )
    rendered = nt.render_notice(event=EVENT, channel="email", language="vi", context=sample())
    # Plain text: nothing is HTML-escaped.
    assert rendered == nt.Rendered(
        subject="Tiếp nhận 000.00.01.H49-260302-0001",
        body="Hẹn 09/03/2026 – Nguyễn Văn An & <b>",
    )
    # The English text is still the default file.
    english = nt.render_notice(event=EVENT, channel="email", language="en", context=sample())
    assert english.subject.startswith("Dossier ")
    assert nt.message_template_reset(template=template, actor=admin_user)
    assert not nt.message_template_reset(template=template, actor=admin_user)  # already reset
    again = nt.render_notice(event=EVENT, channel="email", language="vi", context=sample())
    assert again.subject == "Hồ sơ 000.00.01.H49-260302-0001 đã được tiếp nhận"
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("seq"))
    assert actions == ["notification.template_saved", "notification.template_reset"]


def test_an_sms_is_one_line_without_diacritics(settings):
    rendered = nt.render_notice(event=EVENT, channel="sms", language="vi", context=sample())
    assert rendered.subject == ""
    assert rendered.body.startswith("Ho so 000.00.01.H49-260302-0001 da duoc tiep nhan.")
    assert rendered.body.isascii() and "\n" not in rendered.body and len(rendered.body) <= 160
    settings.MOTCUA_NOTIFY_SMS_UNACCENTED = False
    accented = nt.render_notice(event=EVENT, channel="sms", language="vi", context=sample())
    assert accented.body.startswith("Hồ sơ 000.00.01.H49-260302-0001 đã được tiếp nhận.")
    assert nt.unaccent("Đơn ĐĂNG KÝ hộ tịch") == "Don DANG KY ho tich"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{% if code %}no end", "Unclosed tag"),
        ("{{ code|no_such_filter }}", "Invalid filter: 'no_such_filter'"),
        ("{% no_such_tag %}", "Invalid block tag"),
    ],
)
def test_a_template_that_does_not_compile_is_refused(admin_user, body, message):
    with pytest.raises(nt.TemplateInvalid, match=message):
        nt.message_template_save(
            event=EVENT, channel="email", language="vi", subject="S", body=body, actor=admin_user
        )
    assert not MessageTemplate.objects.exists() and not AuditEvent.objects.exists()


def test_bad_channel_language_or_missing_subject_are_refused(admin_user):
    fields = {"event": EVENT, "subject": "S", "body": "B", "actor": admin_user}
    with pytest.raises(nt.TemplateInvalid):
        nt.message_template_save(channel="email", language="fr", **fields)
    with pytest.raises(nt.TemplateInvalid, match="subject"):
        nt.message_template_save(**fields | {"subject": " "}, channel="inbox", language="vi")
    with pytest.raises(nt.UnknownEvent):
        nt.message_template_save(**fields | {"event": "nope"}, channel="email", language="vi")
    assert not MessageTemplate.objects.exists()


def test_unknown_variables_are_found():
    text = (
        "{% blocktranslate with n=dossier.applicant_name %}Hi {{ n }}{% endblocktranslate %}"
        "{{ dossier.cod }} {% for item in missing %}{{ item }}{{ forloop.counter }}{% endfor %}"
        "{% if typo or code %}{{ link|default:nothing }}{% endif %}{{ at.long }}"
    )
    context = sample("dossiers.supplement_requested")
    assert nt.unknown_variables(text, context) == ["dossier.cod", "nothing", "typo"]
    for event in nt.registered_events():
        if not event.event.startswith("dossiers."):
            continue
        for channel in event.channels:
            for language in nt.LANGUAGES:
                try:
                    source = nt.default_source(event.event, channel, language)
                except TemplateDoesNotExist:
                    continue
                context = event.sample_context()
                found = nt.unknown_variables(source.subject, context)
                found += nt.unknown_variables(source.body, context)
                assert found == [], (event.event, channel, language)


def test_every_applicant_event_has_every_default_text():
    applicant_events = [
        "dossiers.submitted",
        "dossiers.accepted",
        "dossiers.supplement_requested",
        "dossiers.financial_obligation",
        "dossiers.refused",
        "dossiers.result_ready",
        "dossiers.result_returned",
        "dossiers.withdrawn",
        "dossiers.apology",
    ]
    for event in applicant_events:
        for channel in ("email", "sms", "inbox"):
            for language in nt.LANGUAGES:
                rendered = nt.render_notice(
                    event=event, channel=channel, language=language, context=sample(event)
                )
                assert rendered.body, (event, channel, language)
                assert bool(rendered.subject) == (channel != "sms"), (event, channel, language)
                if channel == "sms":
                    assert len(rendered.body) <= 160, (event, language, rendered.body)


# --- the admin --------------------------------------------------------------------------------


def form(**changes) -> dict:
    return {
        "event": EVENT,
        "channel": "email",
        "language": "vi",
        "subject": "Tiếp nhận {{ code }}",
        "body": "Hẹn {{ appointment.date }}, {{ dossier.applicant_nam }}",
        "active": "on",
        "preview_reference": "",
    } | changes


def test_the_preview_renders_the_sample_and_saves_nothing(admin_client):
    response = admin_client.post(URL + "add/", form(_preview="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<pre id="preview-subject">Tiếp nhận 000.00.01.H49-260302-0001</pre>' in page
    assert "Hẹn 09/03/2026,</pre>" in page
    assert "dossier.applicant_nam" in page.split('id="preview-unknown"')[1][:300]
    assert not MessageTemplate.objects.exists()


def test_an_empty_text_previews_and_loads_the_default(admin_client):
    response = admin_client.post(URL + "add/", form(subject="", body="", _preview="1"))
    page = response.content.decode()
    assert "Hồ sơ 000.00.01.H49-260302-0001 đã được tiếp nhận" in page
    assert "Kính gửi {{ dossier.applicant_name }}," in page  # the source, in the textarea
    assert not MessageTemplate.objects.exists()


def test_the_add_form_opens_with_a_default_text(admin_client):
    response = admin_client.get(URL + "add/", {"event": EVENT, "channel": "sms", "language": "en"})
    assert "Dossier {{ code }} was accepted." in response.content.decode()


def test_a_broken_template_shows_the_error_and_is_not_saved(admin_client):
    response = admin_client.post(URL + "add/", form(body="{% if code %}no end", _save="Save"))
    assert response.status_code == 200
    assert "Unclosed tag" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    preview = admin_client.post(URL + "add/", form(body="{{ code|nope }}", _preview="1"))
    assert 'id="preview-error"' in preview.content.decode()


def test_saving_and_resetting_from_the_admin_is_audited(admin_client):
    response = admin_client.post(URL + "add/", form(_save="Save"), follow=True)
    assert response.status_code == 200
    assert "dossier.applicant_nam" in response.content.decode()  # the warning after saving
    template = MessageTemplate.objects.get()
    assert (template.updated_by, template.active) == (admin_client.user, True)
    change = admin_client.post(
        URL + f"{template.pk}/change/", {"subject": "S {{ code }}", "body": "B", "active": "on"}
    )
    assert change.status_code == 302
    template.refresh_from_db()
    assert (template.subject, template.body) == ("S {{ code }}", "B")
    admin_client.post(
        URL, {"action": "reset_to_default", "_selected_action": [template.pk]}, follow=True
    )
    template.refresh_from_db()
    assert not template.active
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("seq"))
    assert actions == [
        "notification.template_saved",
        "notification.template_saved",
        "notification.template_reset",
    ]


def test_a_second_template_for_the_same_event_channel_and_language_is_refused(admin_client):
    admin_client.post(URL + "add/", form(_save="Save"))
    response = admin_client.post(URL + "add/", form(_save="Save"))
    assert response.status_code == 200 and MessageTemplate.objects.count() == 1


def test_previewing_with_a_dossier_code_that_does_not_exist(admin_client):
    response = admin_client.post(
        URL + "add/", form(preview_reference="000.00.99.H49-1", _preview="1")
    )
    assert "No dossier has the code 000.00.99.H49-1." in response.content.decode()


def test_officials_without_admin_rights_cannot_see_the_templates(client, django_user_model):
    user = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    client.force_login(user)
    assert client.post(URL + "add/", form(_preview="1")).status_code == 403


def test_previewing_a_saved_template_uses_its_event_channel_and_language(admin_client):
    template = nt.message_template_save(
        event=EVENT, channel="sms", language="en", subject="", body="Old", actor=admin_client.user
    )
    response = admin_client.post(
        URL + f"{template.pk}/change/",
        {"body": "Hồ sơ {{ code }}", "active": "on", "_preview": "1"},
    )
    page = response.content.decode()
    assert (
        '<pre id="preview-body" style="white-space: pre-wrap">Ho so 000.00.01.H49-260302-0001</pre>'
        in page
    )
    assert 'id="preview-subject"' not in page  # an SMS has no subject
    template.refresh_from_db()
    assert template.body == "Old"
