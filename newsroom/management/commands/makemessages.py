"""``makemessages`` that reads the reader's Jinja2 templates (templates/reader/) too.

Django's own command reads templates in Django's syntax only; the reader's pages are Jinja2
(newsroom/jinja.py). Their messages are handed to xgettext as Python gettext calls, each on its
template line, so the catalogue's ``#:`` references point at the template.
"""

import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages
from jinja2.ext import GETTEXT_FUNCTIONS, babel_extract

READER_TEMPLATES = Path(settings.BASE_DIR, "templates", "reader").resolve()


def template_messages(source: str) -> Iterator[tuple[int, str, tuple]]:
    """(line, function, arguments) of each translation a Jinja2 template asks for, ``{% trans %}``
    blocks trimmed as the environment trims them (newsroom/jinja.py)."""
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    for line, function, message, _comments in babel_extract(io.BytesIO(source.encode()), GETTEXT_FUNCTIONS, [], options):
        yield line, function, message if isinstance(message, tuple) else (message,)


def jinja_messages_as_python(source: str) -> str:
    """The template's messages as Python calls xgettext reads, each on its template line."""
    lines = [""] * (source.count("\n") + 1)
    for line, function, arguments in template_messages(source):
        # A plural's count is not a string: any number stands for it.
        lines[line - 1] += f"{function}({', '.join('0' if value is None else repr(value) for value in arguments)}); "
    return "\n".join(lines)


def is_reader_template(path: str) -> bool:
    return Path(path).resolve().is_relative_to(READER_TEMPLATES)


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if self.domain == "django" and is_reader_template(self.path):
            source = Path(self.path).read_text(encoding="utf-8")
            Path(self.work_path).write_text(jinja_messages_as_python(source), encoding="utf-8")
        else:
            super().preprocess()


class Command(makemessages.Command):
    build_file_class = BuildFile
