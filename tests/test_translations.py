"""The Chinese catalogue is complete, the reader's Jinja2 templates find their messages in it, and
its compiled .mo matches the .po.

The .mo is committed because compiling needs GNU gettext, which a fresh machine lacks;
this test catches a .po edited without recompiling (`manage.py compilemessages`).
"""

from pathlib import Path

import polib
from django.conf import settings

from newsroom.management.commands.makemessages import READER_TEMPLATES, jinja_messages_as_python, template_messages

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


def reader_template_messages() -> set[tuple[str | None, str]]:
    """(context, message) of every translation the reader's Jinja2 templates ask for."""
    asked = set()
    for path in sorted(READER_TEMPLATES.rglob("*.html")):
        for _line, function, arguments in template_messages(path.read_text(encoding="utf-8")):
            context = arguments[0] if function in ("pgettext", "npgettext") else None
            asked.add((context, arguments[1] if context else arguments[0]))
    return asked


def test_every_message_of_the_reader_templates_is_translated():
    translated = {key for key, value in entries(polib.pofile(str(PO))).items() if value}
    asked = reader_template_messages()

    assert len(asked) > 80  # the templates were read, {% trans %} blocks included
    assert sorted(asked - translated, key=str) == []


def test_makemessages_hands_xgettext_the_templates_messages_on_their_own_lines():
    source = (
        '<p>{{ _("Listen") }}</p>\n'
        '{% trans label=page.label %}Download {{ label }}\n  (PDF){% endtrans %}\n'
        '{{ pgettext("read aloud", "Pause") }}\n'
        "{% trans counter=n %}{{ counter }} issue{% pluralize %}{{ counter }} issues{% endtrans %}"
    )

    assert jinja_messages_as_python(source).splitlines() == [
        "_('Listen'); ",
        "gettext('Download %(label)s (PDF)'); ",
        "",
        "pgettext('read aloud', 'Pause'); ",
        "ngettext('%(counter)s issue', '%(counter)s issues', 0); ",
    ]
