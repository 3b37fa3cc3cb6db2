import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Photo
from issues.models import Issue, Jump, Page, Placement
from tests.admin_forms import article_form, inline_management, jpeg
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    TeaserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- Every admin page renders for staff --------------------------------------------------------


@pytest.mark.parametrize(
    "model, factory",
    [
        ("articles_article", ArticleFactory),
        ("articles_photo", PhotoFactory),
        ("issues_issue", IssueFactory),
        ("issues_page", PageFactory),
    ],
)
def test_admin_add_change_and_list_pages_render_for_staff(staff_client, model, factory):
    obj = factory()
    for url in (
        reverse(f"admin:{model}_changelist"),
        reverse(f"admin:{model}_add"),
        reverse(f"admin:{model}_change", args=[obj.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_admin_is_in_chinese(staff_client):
    content = staff_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "主题" in content and "引题" in content and "保存" in content


@pytest.mark.parametrize(
    "query",
    [
        {"q": "慢病"},
        {"q": "卫生健康"},
        {"status__exact": "approved"},
        {"tags__id__exact": "{tag}"},
        {"placements__page__name": "要闻"},
        {"placements__page__issue__date__gte": "2020-12-01"},
    ],
)
def test_article_list_is_searchable_and_filterable(staff_client, query):
    found = ArticleFactory(headline="我区实行慢病闭环式管理", status=Article.Status.APPROVED)
    found.tags.add("卫生健康")
    PlacementFactory(article=found, page=PageFactory(name="要闻", issue=IssueFactory(date=datetime.date(2020, 12, 3))))
    other = ArticleFactory(headline="其他新闻")
    tag = found.tags.get()
    query = {key: value.format(tag=tag.pk) for key, value in query.items()}

    content = staff_client.get(reverse("admin:articles_article_changelist"), query).content.decode()

    assert found.headline in content
    assert other.headline not in content


# --- A reporter files a story -------------------------------------------------------------------


def test_reporter_files_an_article_with_a_photo_and_tags(reporter_client):
    data = article_form(
        **inline_management("photos", total=1),
        **{"photos-0-caption": "家庭医生上门随访。", "photos-0-credit": "记者 左燕", "photos-0-order": "1"},
    )
    data["photos-0-image"] = jpeg()

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.reporter == reporter_client.user
    assert article.status == Article.Status.DRAFT
    assert set(article.tags.names()) == {"民生", "卫生健康"}
    photo = article.photos.get()
    assert (photo.caption, photo.credit, photo.width, photo.height) == ("家庭医生上门随访。", "记者 左燕", 64, 48)


def test_a_reporter_sees_their_name_not_their_login_as_the_storys_reporter(reporter_client):
    reporter = reporter_client.user
    reporter.first_name = "左燕"
    reporter.save()
    UserFactory(first_name="马晓璇")  # a second person: the reporters filter shows once there is a choice
    reporter_client.post(reverse("admin:articles_article_add"), article_form())
    article = Article.objects.get()

    page = reporter_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    listing = reporter_client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert article.reporter == reporter
    assert '<div class="readonly">左燕</div>' in page
    assert "<td class=\"field-reporter_name\">左燕</td>" in listing
    filters = listing.split('id="changelist-filter"')[1]
    assert f'reporter__id__exact={reporter.pk}">左燕</a>' in filters
    assert f">{reporter.username}</a>" not in filters


def test_a_story_filed_on_the_add_form_has_its_filing_as_its_first_revision(reporter_client):
    response = reporter_client.post(reverse("admin:articles_article_add"), article_form())

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    first = article.history.get()
    assert (first.history_user, first.history_change_reason) == (reporter_client.user, "新建稿件")
    assert set(article.tags.names()) == {"民生", "卫生健康"}


def test_invalid_article_re_renders_with_the_reporters_text_intact(reporter_client):
    data = article_form(headline="", body="<p>这是记者写了一晚上的稿子。</p>")

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "这个字段是必填项" in content
    assert "这是记者写了一晚上的稿子。" in content
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "upload, reason",
    [
        (SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg"), "损坏"),
        (SimpleUploadedFile("cut.jpg", jpeg(400, 300).read()[:600], content_type="image/jpeg"), "损坏"),
    ],
)
def test_broken_photo_is_refused_with_a_reason_and_nothing_is_saved(reporter_client, upload, reason):
    data = article_form(
        **inline_management("photos", total=1),
        **{"photos-0-caption": "图片说明", "photos-0-credit": "", "photos-0-order": "1"},
    )
    data["photos-0-image"] = upload

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert "我区实行慢病全链条全周期闭环式管理" in response.content.decode()
    assert Article.objects.count() == 0 and Photo.objects.count() == 0


def test_oversized_photo_is_refused_with_its_size(reporter_client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_IMAGE_BYTES": 100}
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = jpeg()

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "上限是 100\xa0字节" in response.content.decode()
    assert Photo.objects.count() == 0


def test_a_second_editor_saving_a_stale_copy_is_refused_and_keeps_their_text(staff_client):
    article = ArticleFactory(headline="原标题", reporter=staff_client.user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    first = article_form(headline="第一位编辑改的标题", known_version=str(article.version))
    second = article_form(headline="原标题", body="<p>第二位编辑的改稿。</p>", known_version=str(article.version))

    assert staff_client.post(url, first).status_code == 302
    response = staff_client.post(url, second)

    assert response.status_code == 200
    content = response.content.decode()
    assert "有人在您编辑时保存了这篇稿件" in content
    assert "第二位编辑的改稿。" in content
    article.refresh_from_db()
    assert article.headline == "第一位编辑改的标题"


def test_article_body_is_sanitized_on_save(staff_client):
    data = article_form(body='<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a></p>')

    staff_client.post(reverse("admin:articles_article_add"), data)

    body = Article.objects.get().body
    assert "script" not in body and "onclick" not in body and "javascript:" not in body
    assert "正文" in body


# --- An editor assembles an issue -------------------------------------------------------------


def test_new_issue_form_proposes_the_next_free_day_from_today(staff_client):
    with time_machine.travel(datetime.datetime(2020, 12, 3, 9, tzinfo=datetime.UTC)):
        IssueFactory(date=datetime.date(2020, 12, 4), number=141, total_number=6036)
        IssueFactory(date=datetime.date(2020, 11, 2), number=120, total_number=6015)

        content = staff_client.get(reverse("admin:issues_issue_add")).content.decode()

    assert 'value="2020/12/05"' in content or 'value="2020-12-05"' in content


def test_new_issue_numbers_follow_the_date_chosen_when_left_empty(staff_client):
    IssueFactory(date=datetime.date(2020, 12, 4), number=141, total_number=6036)
    data = {"date": "2020-12-07", "number": "", "total_number": "", **inline_management("pages")}

    response = staff_client.post(reverse("admin:issues_issue_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    issue = Issue.objects.get(date=datetime.date(2020, 12, 7))
    assert (issue.number, issue.total_number, issue.release_at) == (142, 6037, None)


@pytest.mark.django_db
def test_assembly_screen_proposes_release_at_six_on_the_publication_date(staff_client):
    # The release time is set where the issue is released, after its pages are signed off.
    issue = IssueFactory(date=datetime.date(2999, 12, 4), release_at=None)

    content = staff_client.get(reverse("admin:issues_issue_assembly", args=[issue.pk])).content.decode()

    assert 'value="2999-12-04T06:00"' in content


def test_editor_creates_an_issue_with_its_pages(staff_client):
    data = {
        "date": "2020-12-04",
        "number": "142",
        "total_number": "6037",
        "release_at_0": "2020-12-04",
        "release_at_1": "06:00:00",
        **inline_management("pages", total=2),
        "pages-0-number": "1",
        "pages-0-name": "要闻",
        "pages-1-number": "2",
        "pages-1-name": "综合新闻",
    }

    response = staff_client.post(reverse("admin:issues_issue_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    issue = Issue.objects.get()
    assert [(p.number, p.name) for p in issue.pages.all()] == [(1, "要闻"), (2, "综合新闻")]


def test_page_screen_lists_its_stories_and_leads_to_the_assembly_screen(staff_client):
    page = PageFactory(number=1, name="要闻", issue=IssueFactory(release_at=None))
    PlacementFactory(page=page, article=ArticleFactory(headline="全区集中现场督查"))

    content = staff_client.get(reverse("admin:issues_page_change", args=[page.pk])).content.decode()

    assert "全区集中现场督查" in content
    assert reverse("admin:issues_issue_assembly", args=[page.issue_id]) + "#page-1" in content


@pytest.mark.parametrize("model", ["placement", "teaser"])
def test_placement_and_teaser_screens_are_read_only_lists(staff_client, model):
    factory = {"placement": PlacementFactory, "teaser": TeaserFactory}[model]
    obj = factory(page=PageFactory(issue=IssueFactory(release_at=None)))

    assert staff_client.get(reverse(f"admin:issues_{model}_add")).status_code == 403
    assert staff_client.post(reverse(f"admin:issues_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    change = staff_client.get(reverse(f"admin:issues_{model}_change", args=[obj.pk])).content.decode()
    assert 'name="_save"' not in change
    assert staff_client.get(reverse(f"admin:issues_{model}_changelist")).status_code == 200


def test_jump_into_another_issue_cannot_be_made_through_the_placement_form(staff_client):
    page = PageFactory(number=1, issue=IssueFactory(release_at=None))
    article = ArticleFactory(approved=True)
    elsewhere = PageFactory(number=2)
    data = {
        "page": str(page.pk), "order": "1", "article": str(article.pk), "photo": "",
        **inline_management("jump", total=1),
        "jump-0-after_paragraph": "3",
        "jump-0-to_page": str(elsewhere.pk),
    }

    response = staff_client.post(reverse("admin:issues_placement_add"), data)

    assert response.status_code == 403
    assert not Jump.objects.exists() and not Placement.objects.exists()


# --- What the desk's roles can do to pages -------------------------------------------------------


@pytest.fixture
def editor_client(client):
    from articles.roles import EDITOR
    from tests.factories import role_user

    editor = role_user(EDITOR, username="maxiaoxuan", first_name="马晓璇")
    client.force_login(editor)
    client.user = editor
    return client


def test_editor_sets_a_pages_editor_from_the_desks_staff(editor_client):
    page = PageFactory(issue=IssueFactory(release_at=None), number=1, name="要闻")
    url = reverse("admin:issues_page_change", args=[page.pk])

    form = editor_client.get(url).content.decode()
    response = editor_client.post(url, {"number": "1", "name": "要闻", "editor": str(editor_client.user.pk), "slogans": ""})

    assert ">马晓璇</option>" in form  # by name, as the planning screens offer people
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.editor == editor_client.user


def test_editor_deletes_a_page_added_by_mistake_while_the_issue_is_open(editor_client):
    issue = IssueFactory(release_at=None)
    PageFactory(issue=issue, number=1, name="要闻")
    mistake = PageFactory(issue=issue, number=9, name="误加的版")
    PlacementFactory(page=mistake)

    response = editor_client.post(reverse("admin:issues_page_delete", args=[mistake.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert list(issue.pages.values_list("number", flat=True)) == [1]


def test_nobody_deletes_a_page_of_a_released_issue(editor_client):
    page = PageFactory(number=1, name="要闻")

    response = editor_client.post(reverse("admin:issues_page_delete", args=[page.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Page.objects.filter(pk=page.pk).exists()


def test_issue_screen_links_each_page_with_a_real_link_not_escaped_markup(staff_client):
    issue = IssueFactory(release_at=None)
    page = PageFactory(issue=issue, number=1, name="要闻")

    content = staff_client.get(reverse("admin:issues_issue_change", args=[issue.pk])).content.decode()

    assert f'<a href="{reverse("admin:issues_page_change", args=[page.pk])}">' in content
    assert "&lt;a href" not in content


def queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # sessions, content types and permissions cached as on any later visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_article_list_reads_the_same_queries_for_two_stories_or_twelve(staff_client):
    url = reverse("admin:articles_article_changelist")
    ArticleFactory.create_batch(2, body="<p>字数要数正文</p>")
    two = queries_for(staff_client, url)
    ArticleFactory.create_batch(10, body="<p>字数要数正文</p>")
    assert queries_for(staff_client, url) == two  # 字数 once read each row's deferred body


@pytest.mark.parametrize("released", [False, True])
def test_an_issue_form_reads_the_same_queries_for_two_pages_or_eight(staff_client, editor, released):
    issue = IssueFactory(released=released)
    for number in (1, 2):
        PageFactory(issue=issue, number=number, editor=editor)
    url = reverse("admin:issues_issue_change", args=[issue.pk])
    two = queries_for(staff_client, url)
    for number in range(3, 9):
        PageFactory(issue=issue, number=number, editor=editor)
    # Before: each page's row asked whether the issue is open, read its issue and its editor's choices.
    assert queries_for(staff_client, url) == two
