"""A byline typed in the article form becomes the story's credits, as the importer's do; hand-edited credits stay."""

import pytest
from django.urls import reverse

from articles.contributors.models import Credit
from articles.contributors.services import credit_confirm, credit_save, credits_from_byline
from articles.models import Article
from tests.admin_forms import article_change_form, article_form
from tests.contributors.conftest import person
from tests.factories import ArticleFactory, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = role_user("编辑 Editor")
    client.force_login(user)
    return user


def credits(article: Article) -> list[tuple[str, str, str | None]]:
    return [(c.display_name, c.role, c.contributor and c.contributor.name) for c in article.credits.all()]


def save(client, article: Article, **changes):
    article.refresh_from_db()
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article, **changes), follow=True
    )


def test_a_typed_byline_becomes_credits_once_however_often_the_story_is_saved(client, editor):
    person("左燕")

    response = client.post(reverse("admin:articles_article_add"), article_form(byline="本报记者 左燕 通讯员 李明"),
                           follow=True)
    article = Article.objects.get()
    first = list(article.credits.values_list("pk", flat=True))
    save(client, article)
    save(client, article, headline="改过的标题")

    # 左燕 is a contributor; 李明 is not yet: a one-off name the desk is told to confirm.
    assert credits(article) == [("左燕", "text", "左燕"), ("李明", "text", None)]
    assert list(article.credits.values_list("pk", flat=True)) == first
    assert "李明" in response.content.decode() and "确认" in response.content.decode()


def test_a_changed_byline_replaces_the_credits_read_from_the_old_one(client, editor):
    person("左燕")
    person("王静")
    article = ArticleFactory(reporter=editor, byline="本报记者 左燕")
    credits_from_byline(article=article)

    save(client, article, byline="本报记者 王静 马晓璇")

    assert credits(article) == [("王静", "text", "王静"), ("马晓璇", "text", None)]


def test_a_one_off_name_confirmed_since_still_follows_the_byline(client, editor):
    article = ArticleFactory(reporter=editor, byline="李明")
    credits_from_byline(article=article)
    credit_confirm(credit=article.credits.get())

    save(client, article, byline="李明 摄")

    assert credits(article) == [("李明", "photo", "李明")]


def test_credits_edited_by_hand_are_never_replaced_by_a_typed_byline(client, editor):
    zuo = person("左燕")
    article = ArticleFactory(reporter=editor, byline="左燕")
    credits_from_byline(article=article)
    credit_save(credit=Credit(article=article, name="王伟", role=Credit.Role.PHOTO, order=1))  # added by hand

    save(client, article, byline="本报记者 马晓璇")

    assert credits(article) == [("左燕", "text", "左燕"), ("王伟", "photo", None)]
    assert article.credits.first().contributor == zuo


def test_credits_added_on_the_same_form_win_over_the_typed_byline(client, editor):
    zuo = person("左燕")
    article = ArticleFactory(reporter=editor, byline="")

    save(client, article, byline="本报记者 马晓璇", **{
        "credits-TOTAL_FORMS": "1", "credits-0-contributor": str(zuo.pk), "credits-0-role": "photo",
        "credits-0-order": "0",
    })

    assert credits(article) == [("左燕", "photo", "左燕")]
