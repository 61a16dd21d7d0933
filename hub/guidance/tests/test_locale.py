"""Every Swedish UI string has an English translation, and the compiled catalogue is current."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

from conftest import require_service

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    for block in text.split("\n\n")[1:]:
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if "msgid" in fields and not block.lstrip().startswith("#~"):
            yield block, fields


def test_every_english_entry_is_translated_and_not_fuzzy():
    untranslated = []
    for block, fields in _entries(PO_FILE.read_text(encoding="utf-8")):
        translated = fields.get("msgstr") or fields.get("msgstr[0]")
        if not translated or "#, fuzzy" in block or ", fuzzy" in block:
            untranslated.append(fields["msgid"])
    assert untranslated == [], "run makemessages and translate these in locale/en/LC_MESSAGES/django.po"


def test_the_compiled_catalogue_is_used():
    # Fails when the .mo is missing or stale: run `manage.py compilemessages`.
    with translation.override("en"):
        assert translation.gettext("Hoppa till innehållet") == "Skip to content"
        assert translation.gettext("Vägledning") == "Guidance"


def test_every_ui_string_in_the_code_has_an_english_translation(tmp_path):
    """makemessages over a copy of the code: no msgid it finds may lack English (a forgotten .po update)."""
    if shutil.which("xgettext") is None:
        require_service("GNU gettext", "xgettext not found (Debian package gettext)")
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "*.sqlite3", "media"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--ignore=.venv", "--ignore=var"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.test"},
    )
    regenerated = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    missing = []
    for block, fields in _entries(regenerated):
        translated = fields.get("msgstr") or fields.get("msgstr[0]")
        if not translated or ", fuzzy" in block:
            missing.append(fields["msgid"])
    assert missing == [], "run makemessages -l en and translate these in locale/en/LC_MESSAGES/django.po"


# Words that are the same in Swedish and English (names, codes): the only English entries that may
# repeat their Swedish msgid.
SAME_IN_BOTH_LANGUAGES = {
    "UN/ECE Rec 20",
    "Version",
    "Status",
    "Problem",
    "Text",
    "Period",
    "Punchout",
    "organisation",  # spelt the same in Swedish and British English
    "Organisation",
    "Segment %(code)s",
    "%(lo)s–%(hi)s kr",
}


def test_no_english_entry_repeats_its_swedish_source():
    """An English msgstr equal to its Swedish msgid puts Swedish on English pages (or was a "sv / en" pair)."""
    repeated = [
        fields["msgid"]
        for _block, fields in _entries(PO_FILE.read_text(encoding="utf-8"))
        if fields.get("msgstr") == fields["msgid"] and fields["msgid"] not in SAME_IN_BOTH_LANGUAGES
    ]
    assert repeated == []


def test_no_english_text_carries_swedish_beside_it():
    """No "svenska / English" pair left: an English msgstr never repeats the Swedish half of its msgid."""
    pairs = []
    for _block, fields in _entries(PO_FILE.read_text(encoding="utf-8")):
        swedish_half = fields["msgid"].split(" / ")[0]
        if " / " in fields["msgid"] and swedish_half in (fields.get("msgstr") or ""):
            pairs.append(fields["msgid"])
    assert pairs == []
