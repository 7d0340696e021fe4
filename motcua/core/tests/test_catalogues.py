"""The Vietnamese catalogues are complete and usable: every entry translated, none left fuzzy
(gettext ignores fuzzy entries, so the page would show English), and no msgid written by hand
with template syntax (`{% blocktranslate %}` makes `%(name)s` of its variables, so an entry with
`{{ name }}` never matches and the page shows English)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted(
    [
        *ROOT.glob("motcua/*/locale/vi/LC_MESSAGES/django.po"),
        ROOT / "locale/vi/LC_MESSAGES/django.po",
    ]
)
QUOTED = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"(.*)"$')


def entries(path: Path) -> list[dict[str, str]]:
    """Each entry's fields (joined continuation lines) and flags; obsolete ones left out."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif match := QUOTED.match(line):
                key = match.group(1) or key
                entry[key] = entry.get(key, "") + match.group(2)
        if entry.get("msgid"):
            found.append(entry)
    return found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    bad = []
    for entry in entries(path):
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        if "fuzzy" in entry["flags"] or not all(translations) or not translations:
            bad.append(entry["msgid"])
        if "{{" in entry["msgid"] or "{%" in entry["msgid"]:
            bad.append(entry["msgid"])
    assert bad == []


def test_the_parser_sees_a_fuzzy_and_an_empty_entry(tmp_path):
    sample = tmp_path / "django.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        '#, fuzzy\nmsgid "Now"\nmsgstr "Bây giờ"\n\n'
        'msgid "Long"\nmsgstr ""\n"dài"\n\n'
        'msgid "Empty"\nmsgstr ""\n',
        encoding="utf-8",
    )
    found = {entry["msgid"]: entry for entry in entries(sample)}
    assert "fuzzy" in found["Now"]["flags"]
    assert found["Long"]["msgstr"] == "dài"
    assert found["Empty"]["msgstr"] == ""
