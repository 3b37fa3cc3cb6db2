"""The word lists in the admin: import (GBK, BOM, bad lines), export, who may keep them, and long stories on the desk."""

import codecs

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.proofing.models import Category, Hit, Term
from articles.proofing.services import terms_import
from issues.services import issue_problems
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory, TeaserFactory


def test_the_chief_imports_a_gbk_file_and_is_told_what_was_left_out(client, chief, word_list):
    client.force_login(chief)
    upload = SimpleUploadedFile("词表.csv", "老罪犯,禁用词\n\n老罪犯,禁用词\n坏词,什么类\n".encode("gbk"))
    url = reverse("admin:proofing_termlist_import", args=[word_list.pk])
    response = client.post(url, {"file": upload, "category": Category.BANNED}, follow=True)
    page = response.content.decode()
    assert "GBK" in page and "新增 1 条" in page and "重复" in page and "什么类" in page
    assert Term.objects.get(text="老罪犯").blocking


def test_a_file_that_is_not_text_is_refused_on_the_form(client, chief, word_list):
    client.force_login(chief)
    upload = SimpleUploadedFile("x.csv", bytes(range(128, 256)) * 4)
    url = reverse("admin:proofing_termlist_import", args=[word_list.pk])
    response = client.post(url, {"file": upload, "category": Category.BANNED})
    assert response.status_code == 200 and "UTF-8" in response.content.decode()


def test_the_export_is_a_csv_with_a_bom_that_imports_again(client, chief, word_list):
    client.force_login(chief)
    response = client.get(reverse("admin:proofing_termlist_export", args=[word_list.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(codecs.BOM_UTF8) and "犯罪嫌疑人" in response.content.decode("utf-8-sig")


def test_editors_read_the_lists_and_only_the_chief_changes_them(client, editor, chief, reporter, word_list):
    url = reverse("admin:proofing_term_add")
    client.force_login(editor)
    assert client.get(reverse("admin:proofing_term_changelist")).status_code == 200
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:proofing_termlist_import", args=[word_list.pk])).status_code == 403
    client.force_login(reporter)
    assert client.get(reverse("admin:proofing_term_changelist")).status_code == 403
    client.force_login(chief)
    response = client.post(
        url, {"term_list": word_list.pk, "text": "罪犯", "category": Category.BANNED, "replacement": ""}
    )
    assert response.status_code == 200 and "本词表已有这个词条" in response.content.decode()


def test_a_term_added_in_the_admin_is_checked_at_once(client, chief, word_list):
    client.force_login(chief)
    client.post(
        reverse("admin:proofing_term_add"),
        {"term_list": word_list.pk, "text": "新违禁", "category": Category.BANNED, "blocking": "on"},
    )
    article = ArticleFactory(body="<p>新违禁词</p>")
    assert Hit.objects.filter(article=article, matched="新违禁", blocking=True).exists()


def test_a_list_of_a_hundred_thousand_terms_imports_whole(word_list):
    data = "\n".join(f"词{index:06d}" for index in range(100_000)).encode()
    report = terms_import(term_list=word_list, data=data, category=Category.CARE)
    assert report.added == 100_000 and word_list.terms.count() == 100_005


def test_a_story_of_a_hundred_thousand_characters_keeps_every_hit_and_the_page_lists_a_part(client, chief, word_list):
    body = "".join(f"<p>{'第' * 0}段落,罪犯{'文' * 90}。</p>" for _ in range(1000))
    article = ArticleFactory(body=body)
    assert Hit.objects.filter(article=article).count() == 2000
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "另有 1700 处问题未列出" in page


def test_photo_news_captions_and_teaser_headlines_hold_the_release_too(word_list):
    issue = IssueFactory(released=False, release_at=None)
    page = PageFactory(issue=issue, number=1)
    PlacementFactory(page=page, article=None, photo=PhotoFactory(article=None, caption="北朝鲜代表团"))
    inside = PageFactory(issue=issue, number=2)
    story = PlacementFactory(page=inside, article=ArticleFactory(approved=True, body="<p>正文。</p>")).article
    TeaserFactory(page=page, article=story, headline="罪犯落网记")
    messages = [str(problem.message) for problem in issue_problems(issue) if problem.kind == "proofing"]
    assert any("北朝鲜" in message for message in messages) and any("罪犯" in message for message in messages)
