"""The Jinja2 environment of the reader's pages (templates/reader/).

The reader's pages are rendered with Jinja2, the desk's (Django's admin) with Django's own
templates. An uncached page spent half its time in Django's template engine, resolving some
hundred variables and tags one by one (bench/RESULTS.md, issue #17); Jinja2 compiles a template
to Python once, and the same page renders two to four times faster.

What the templates may use beyond Jinja2's own: ``url()`` (newsroom/links.py) and ``static()``; the translation
calls ``_()``, ``gettext()``, ``ngettext()``, ``pgettext()`` and ``{% trans %}`` blocks (whitespace
trimmed, as Django's ``blocktranslate trimmed``), with the same messages as the catalogue in
locale/ (``manage.py makemessages`` reads these templates too: newsroom/management/commands/
makemessages.py); ``languages()``; and the filters below, which format as Django's filters do
(dates in the current time zone and language).
"""

from functools import lru_cache

import jinja2
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static as static_url
from django.utils import timezone, translation
from markupsafe import Markup

from articles.contributors.bylines import article_byline_parts
from issues.numerals import pages_label
from newsroom.links import link
from newsroom.people import person_name

# Static files' URLs by path: the masthead links to four on every page.
_static: dict = {}


def static(path: str) -> str:
    found = _static.get(path)
    if found is None:
        found = _static[path] = static_url(path)
    return found


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test that changes the settings gets static URLs, messages and dates made under the new ones."""
    _static.clear()
    _translated.clear()
    _date.cache_clear()


# The translation calls, formatting as Jinja2's "newstyle" gettext does (escaping the values, a
# literal % written %%), without its two extra calls through the template context per message:
# a page asks for some forty messages. A message without values is looked up once per language
# and process: the catalogues do not change while a process runs.
_translated: dict = {}


def gettext(message: str, **variables) -> Markup:
    if variables:
        return _format(translation.gettext(message), variables)
    key = (translation.get_language(), message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = _format(translation.gettext(message), variables)
    return found


def ngettext(singular: str, plural: str, number: int, **variables) -> Markup:
    variables.setdefault("num", number)
    return _format(translation.ngettext(singular, plural, number), variables)


def pgettext(context: str, message: str, **variables) -> Markup:
    if variables:
        return _format(translation.pgettext(context, message), variables)
    key = (translation.get_language(), context, message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = _format(translation.pgettext(context, message), variables)
    return found


def npgettext(context: str, singular: str, plural: str, number: int, **variables) -> Markup:
    variables.setdefault("num", number)
    return _format(translation.npgettext(context, singular, plural, number), variables)


def _format(translated: str, variables: dict) -> Markup:
    return Markup(translated) % variables if "%" in translated else Markup(translated)


def date(value, format_name: str | None = None) -> str:
    """Django's ``date`` filter, in the current time zone as Django's templates show it.

    A page formats the same few dates many times (its issue's, in the masthead and on each link),
    and Django's formatting walks the format character by character: the last few thousand are kept.
    """
    if value in (None, ""):
        return ""
    return _date(value, format_name, translation.get_language(), timezone.get_current_timezone_name())


@lru_cache(maxsize=4096)
def _date(value, format_name, _language, _time_zone) -> str:
    return defaultfilters.date(timezone.template_localtime(value), format_name)


def local_date(value) -> str:
    """The day of an aware datetime in the current time zone, as ISO 8601 (a sitemap's lastmod).

    Not through ``date``: a sitemap file formats two thousand different moments once each.
    """
    return timezone.localdate(value).isoformat()


@lru_cache(maxsize=None)
def _languages(codes: tuple[str, ...]) -> list[dict]:
    return [translation.get_language_info(code) for code in codes]


def languages() -> list[dict]:
    """The site's languages (code, name_local, …) for the language switch."""
    return _languages(tuple(code for code, _name in settings.LANGUAGES))


def environment(**options) -> jinja2.Environment:
    # Lenient as Django's templates are, with DEBUG on or off: a missing value, or an attribute
    # of one, prints nothing (Django's backend would pick DebugUndefined or Undefined).
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.policies["ext.i18n.trimmed"] = True
    # {% trans %} blocks call gettext() and ngettext() with their values, as newstyle gettext does.
    env.newstyle_gettext = True
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext)
    env.globals.update(url=link, static=static, languages=languages)
    env.filters.update(
        date=date,
        local_date=local_date,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
        urlencode=defaultfilters.urlencode,
        byline=article_byline_parts,
        person_name=person_name,
        pages_label=lambda pages: pages_label([page.number for page in pages]),
    )
    return env
