"""The reader's Jinja2 environment (newsroom/jinja.py) shows what Django's templates showed."""

import datetime

from django.template import engines
from django.urls import set_script_prefix
from django.utils import translation

from tests.conftest import aware


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_dates_show_in_the_papers_time_zone_and_language():
    # 17:30 UTC on New Year's Eve is already New Year's Day in Shanghai.
    moment = datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC)

    with translation.override("zh-hans"):
        assert render('{{ moment|date("DATE_FORMAT") }}', moment=moment) == "2026年1月1日"
    with translation.override("en"):
        assert render('{{ moment|date("DATE_FORMAT") }}', moment=moment) == "Jan. 1, 2026"
    assert render('{{ moment|date("Y-m-d\\\\TH:i:sO") }}', moment=aware(2026, 1, 1, 1, 30)) == "2026-01-01T01:30:00+0800"
    assert render('{{ nothing|date("DATE_FORMAT") }}', nothing=None) == ""


def test_translated_messages_escape_the_values_put_into_them():
    source = '{% trans label="<b>第二版</b>" %}Download {{ label }} (PDF){% endtrans %}'

    with translation.override("zh-hans"):
        chinese = render(source)
    with translation.override("en"):
        english = render(source)

    assert "&lt;b&gt;第二版&lt;/b&gt;" in chinese and "PDF" in chinese and "Download" not in chinese
    assert english == "Download &lt;b&gt;第二版&lt;/b&gt; (PDF)"
    with translation.override("zh-hans"):
        assert render('{{ pgettext("date picker", "Open") }}') == "翻阅"


def test_links_follow_the_script_prefix_the_site_is_served_under():
    assert render("{{ url('issues:archive-month', 2026, 1) }}") == "/archive/2026/1/"
    set_script_prefix("/paper/")
    try:
        assert render("{{ url('issues:archive-month', 2026, 1) }}") == "/paper/archive/2026/1/"
    finally:
        set_script_prefix("/")


def test_a_missing_value_or_its_attribute_prints_nothing():
    assert render("[{{ issue.date }}|{{ issue.date.year }}|{% if issue.date %}x{% endif %}]") == "[||]"
