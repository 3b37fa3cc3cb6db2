"""The Chinese catalogue is complete and its compiled .mo matches the .po.

The .mo is committed because compiling needs GNU gettext, which a fresh machine lacks;
this test catches a .po edited without recompiling (`manage.py compilemessages`).
"""

from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in catalogue
        if not entry.obsolete and entry.msgid
    }


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    assert entries(mo) == entries(po)
