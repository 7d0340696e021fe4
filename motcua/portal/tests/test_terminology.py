"""One set of Vietnamese terms everywhere a person reads: the compiled Vietnamese catalogues of
every MotCua app and the Vietnamese notice templates say "Tỷ lệ" (not "Tỉ lệ"), address the
reader as "Ông/Bà" (never "bạn"), and say "thư điện tử" in running text ("Email" only as the
bare label of a field)."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

MOTCUA = Path(settings.BASE_DIR) / "motcua"
PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|\{[^}]*\}")
LABEL = re.compile(r"Email:?( \(.*\))?")
RULES = {
    "Tỉ lệ (write Tỷ lệ)": re.compile(r"\b[Tt]ỉ lệ\b"),
    "bạn (write Ông/Bà)": re.compile(r"\b[Bb]ạn\b"),
}
EMAIL = re.compile(r"(?<![\w@.-])e-?mail(?![\w@])", re.IGNORECASE)


def problems(text: str) -> list[str]:
    found = [rule for rule, pattern in RULES.items() if pattern.search(text)]
    if not LABEL.fullmatch(text) and EMAIL.search(PLACEHOLDER.sub("", text)):
        found.append("email in running text (write thư điện tử)")
    return found


@pytest.fixture(scope="module")
def catalogues():
    call_command("compilemessages", locale=["vi"], ignore_patterns=[".venv", "node_modules"])
    files = sorted(MOTCUA.glob("*/locale/vi/LC_MESSAGES/django.mo"))
    assert len(files) > 5
    return files


def test_the_vietnamese_catalogues_keep_to_the_terms(catalogues):
    wrong = []
    for path in catalogues:
        with path.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalogue.items():
            if msgid == "":
                continue  # the header
            for problem in problems(msgstr):
                wrong.append((path.parts[-5], problem, msgstr[:80]))
    assert wrong == []


def test_the_vietnamese_notices_keep_to_the_terms():
    notices = sorted(MOTCUA.glob("*/templates/**/*.vi.txt"))
    assert notices
    wrong = [(p.name, problem) for p in notices for problem in problems(p.read_text())]
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tỉ lệ đúng hạn", ["Tỉ lệ (write Tỷ lệ)"]),
        ("Hồ sơ của bạn đã được tiếp nhận.", ["bạn (write Ông/Bà)"]),
        ("Nhập địa chỉ email của Ông/Bà.", ["email in running text (write thư điện tử)"]),
        ("Email", []),
        ("Email (không bắt buộc)", []),
        ("Đã gửi thư đến %(email)s.", []),
        ("Tỷ lệ hồ sơ Ông/Bà nộp trực tuyến", []),
    ],
)
def test_the_rules(text, expected):
    assert problems(text) == expected


# --- the admin in Vietnamese ------------------------------------------------------------------

# Names that are the same in both languages.
SAME_IN_BOTH = {"Webhook", "WebAuthn", "Email", "SMS"}
ENGLISH = re.compile(
    r"\b(the|of|and|Select|Add|Save|Delete|Search|Filter|Show|Hide|Choose|Enter|Unknown|"
    r"Currently|Change|Clear|Today|Now|per|from|with|counts)\b"
)
VIETNAMESE_LETTER = re.compile(r"[à-ỹđĐ]", re.IGNORECASE)


def test_every_choice_has_a_vietnamese_label():
    from django.apps import apps
    from django.utils import translation

    untranslated = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                with translation.override("vi"):
                    vi = str(label)
                with translation.override("en"):
                    en = str(label)
                if vi == en and re.search(r"[A-Za-z]", vi) and vi not in SAME_IN_BOTH:
                    untranslated.append((model._meta.label, field.name, value, vi))
    assert untranslated == []


@pytest.mark.django_db
def test_the_admin_pages_have_no_english_left(admin_client):
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    english = []
    for model in admin.site._registry:
        if not model.__module__.startswith(("motcua", "django_tasks")):
            continue
        for view in ("add", "changelist"):
            try:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            except NoReverseMatch:
                continue
            response = admin_client.get(url)
            if response.status_code != 200:
                continue  # an admin that adds nothing by hand (audit events, messages)
            html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
            for line in re.sub(r"<[^>]+>", "\n", html).splitlines():
                line = line.strip()
                if line and ENGLISH.search(line) and not VIETNAMESE_LETTER.search(line):
                    english.append((url, line))
    assert english == []
