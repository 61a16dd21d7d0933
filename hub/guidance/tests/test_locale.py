"""Every Swedish UI string has an English translation, and the compiled catalogue is current."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

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
