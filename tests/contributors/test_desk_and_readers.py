import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.contributors.models import Contributor, Credit
from articles.contributors.services import credits_from_byline
from articles.contributors.statements import month_statement
from articles.models import Article
from tests.admin_forms import article_change_form
from tests.contributors.conftest import person, printed_story
from tests.factories import ArticleFactory, role_user

pytestmark = pytest.mark.django_db
D3 = datetime.date(2020, 12, 3)


def test_a_published_storys_byline_is_generated_and_links_to_the_contributors_page(client, public_cache_off):
    zuo = person("左燕")
    wang = person("王伟", Contributor.Kind.CORRESPONDENT, public_page=False)
    story = printed_story(day=D3, chars=100, credits=[(zuo, Credit.Role.TEXT), (wang, Credit.Role.TEXT)])

    content = client.get(story.get_absolute_url()).content.decode()

    assert f'本报记者 <a href="{zuo.get_absolute_url()}">左燕</a> 通讯员 王伟' in content
    assert story.headline in client.get(zuo.get_absolute_url()).content.decode()
    # A 通讯员 whose page is turned off has none, and their name is not a link.
    assert client.get(wang.get_absolute_url()).status_code == 404


def test_the_contributors_page_lists_only_published_stories(client, public_cache_off):
    zuo = person("左燕")
    published = printed_story(day=D3, chars=100, credits=[(zuo, Credit.Role.TEXT)])
    draft = ArticleFactory(headline="未发稿件")
    Credit.objects.create(article=draft, contributor=zuo)

    content = client.get(zuo.get_absolute_url()).content.decode()

    assert published.headline in content and "未发稿件" not in content


def test_a_contributor_with_only_unpublished_stories_has_no_page(client, public_cache_off):
    zuo = person("左燕")
    Credit.objects.create(article=ArticleFactory(), contributor=zuo)
    assert client.get(zuo.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("stories", [1, 15])
def test_the_contributors_page_query_count_is_constant(client, django_assert_num_queries, public_cache_off, stories):
    zuo = person("左燕")
    for n in range(stories):
        printed_story(day=D3 + datetime.timedelta(days=n), chars=100, credits=[(zuo, Credit.Role.TEXT)])
    with django_assert_num_queries(4):
        response = client.get(zuo.get_absolute_url())
    assert response.status_code == 200


def test_the_desk_confirms_a_one_off_name_into_a_contributor(client):
    article = ArticleFactory(byline="李明")
    credits_from_byline(article=article)
    credit = article.credits.get()
    client.force_login(role_user("编辑 Editor"))

    page = client.get(reverse("admin:contributors_credit_confirm", args=[credit.pk]))
    client.post(reverse("admin:contributors_credit_confirm", args=[credit.pk]),
                {"contributor": "", "kind": "correspondent", "unit": "金城镇"})

    assert "李明" in page.content.decode()
    contributor = Contributor.objects.get(name="李明")
    assert (contributor.kind, contributor.unit) == ("correspondent", "金城镇")
    assert article.credits.get().contributor == contributor


def test_the_desk_adds_credits_on_the_story_form(client):
    zuo = person("左燕")
    editor = role_user("编辑 Editor")
    article = ArticleFactory(reporter=editor)
    client.force_login(editor)

    client.post(reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article, **{
        "credits-TOTAL_FORMS": "2", "credits-0-contributor": str(zuo.pk), "credits-0-role": "text",
        "credits-0-order": "0", "credits-1-name": "李明", "credits-1-role": "photo", "credits-1-order": "1",
    }))

    assert [(c.display_name, c.role, c.contributor) for c in article.credits.all()] == [
        ("左燕", "text", zuo), ("李明", "photo", None)]


def test_a_story_credited_to_nobody_is_flagged_on_its_page_at_the_desk(client):
    chief = role_user("值班总编 Chief editor")
    article = ArticleFactory(byline="", status=Article.Status.SECOND_PASSED)
    client.force_login(chief)
    content = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "此稿没有署名" in content and "uncredited-warning" in content


def test_payee_details_are_the_finance_roles_alone(client):
    zuo = person("左燕", payee="工商银行 6222 0000 1111")
    url = reverse("admin:contributors_contributor_change", args=[zuo.pk])
    client.force_login(role_user("编辑 Editor"))
    assert "6222" not in client.get(url).content.decode()
    client.force_login(role_user("财务 Finance"))
    assert "6222" in client.get(url).content.decode()


def test_the_importer_fills_credits_from_the_printed_byline():
    from issues.demo import DEMO_DIR
    from issues.importer import page_import

    zuo = person("左燕")
    text = (DEMO_DIR / "2020-12-03-p2.txt").read_text(encoding="utf-8")
    page_import(text=text, date=D3, page_number=2, page_name="综合新闻", user=role_user("编辑 Editor"))

    bylined = Article.objects.filter(byline="左燕").get()
    assert bylined.credits.get().contributor == zuo


def test_the_demo_papers_stories_carry_credits_and_last_months_statement_has_lines(tmp_path):
    out = tmp_path / "out"
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(out, "w"))
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(out, "w"))

    published = Article.objects.published()
    assert published.exists() and not published.filter(credits__isnull=True).exists()
    # The printed bylines were read into the contributors of the same name.
    assert set(published.filter(byline="左燕").values_list("credits__contributor__name", flat=True)) == {"左燕"}
    statement = month_statement(datetime.date(2020, 12, 1))
    assert statement.lines and statement.total > Decimal("0")
    assert Credit.objects.filter(name="李明", contributor__isnull=True).count() == 1


def test_the_byline_command_reports_the_names_it_could_not_match(capsys):
    person("左燕")
    ArticleFactory(byline="本报记者 左燕 通讯员 张三")
    ArticleFactory(byline="本报评论员")

    call_command("credit_bylines")
    out = capsys.readouterr().out

    assert "张三 (1)" in out and "本报评论员" in out and "1 stories have no byline" in out


def test_the_desk_cannot_delete_a_paid_contributor_and_is_told_to_deactivate(client, rates):
    from articles.contributors.statements import statement_mark_paid

    zuo = person("左燕")
    printed_story(day=D3, chars=100, credits=[(zuo, Credit.Role.TEXT)])
    statement_mark_paid(month=datetime.date(2020, 12, 1), user=role_user("财务 Finance"))
    client.force_login(role_user("值班总编 Chief editor"))
    url = reverse("admin:contributors_contributor_delete", args=[zuo.pk])

    page = client.get(url).content.decode()
    client.post(url, {"post": "yes"})

    assert "取消勾选" in page and "无权删除" not in page
    assert Contributor.objects.filter(pk=zuo.pk).exists()


def test_the_desk_deletes_an_unpaid_contributor_and_the_stories_keep_the_name(client):
    zuo = person("左燕")
    article = ArticleFactory(byline="左燕")
    credits_from_byline(article=article)
    client.force_login(role_user("值班总编 Chief editor"))

    client.post(reverse("admin:contributors_contributor_delete", args=[zuo.pk]), {"post": "yes"})

    assert not Contributor.objects.exists()
    assert [(c.contributor, c.name) for c in article.credits.all()] == [(None, "左燕")]


def test_confirming_a_name_reaches_a_cached_story_page(client):
    from articles.contributors.services import credit_confirm

    story = printed_story(day=D3, chars=100)
    Credit.objects.create(article=story, name="李明")
    before = client.get(story.get_absolute_url()).content.decode()

    contributor = credit_confirm(credit=story.credits.get())
    after = client.get(story.get_absolute_url()).content.decode()

    assert "李明" in before and contributor.get_absolute_url() not in before
    assert f'<a href="{contributor.get_absolute_url()}">李明</a>' in after
