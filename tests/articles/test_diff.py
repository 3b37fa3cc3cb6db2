import pytest
from django.urls import reverse

from articles.diff import BUDGET, MAX_UNITS, diff_fields, diff_paragraphs
from tests.factories import ArticleFactory

FIELDS = {"headline": "标题", "body": "正文"}


def marked(old: str, new: str, name: str = "headline") -> str:
    (diff,) = diff_fields({name: old}, {name: new}, {name: name})
    return str(diff.html)


def test_a_changed_word_is_marked_by_character_in_chinese_and_by_word_in_latin():
    assert marked("区委书记张三今天到金坛区督查", "区委书记李四今天到金坛区督查") == "区委书记<del>张三</del><ins>李四</ins>今天到金坛区督查"
    assert marked("The quick brown fox", "The quick red fox") == "The quick <del>brown</del><ins>red</ins> fox"


def test_only_the_changed_sentence_of_a_long_paragraph_is_marked():
    sentence = "区委书记张三今天到金坛区督查，要求加快进度。"
    old = "<p>" + sentence * 40 + "</p>"
    new = "<p>" + sentence * 39 + "区委书记张三今天到金坛区督查，要求加快项目进度。</p>"
    html = marked(old, new, "body")
    assert html.startswith('<p class="diff-changed">' + sentence)
    assert "要求加快<ins>项目</ins>进度。</p>" in html
    assert "diff-note" not in html


def test_unchanged_added_and_removed_paragraphs_keep_their_classes():
    html = str(diff_paragraphs(["第一段。", "第二段。"], ["第一段。", "第三段新写。", "第四段。"]))
    assert '<p class="diff-same">第一段。</p>' in html
    assert '<p class="diff-removed"><del>第二段。</del></p>' in html
    assert '<p class="diff-added"><ins>第四段。</ins></p>' in html


def test_a_change_too_big_to_compare_shows_both_versions_whole_with_their_lengths():
    """The hostile tester's paragraph ("甲乙"×700 → "甲乙丙"×700) took 22 s compared by character."""
    html = marked("<p>" + "甲乙" * 700 + "</p>", "<p>" + "甲乙丙" * 700 + "</p>", "body")
    assert html == (
        '<p class="diff-changed"><del>' + "甲乙" * 700 + "</del><ins>" + "甲乙丙" * 700 + "</ins>"
        '<span class="diff-note">已改动，1400 → 2100 个字符</span></p>'
    )


def test_a_long_latin_word_changed_is_one_deletion_and_one_insertion():
    assert marked("ab" * 700, "abc" * 700) == f"<del>{'ab' * 700}</del><ins>{'abc' * 700}</ins>"


def test_the_budget_is_shared_by_every_field_of_a_screen():
    """Many mid-sized changes: the first are marked word by word, the rest shown whole."""
    size = round(BUDGET ** (1 / 3)) - 1
    assert size < MAX_UNITS
    old = ["甲乙" * (size // 2) for _ in range(5)]
    new = ["甲乙丙" * (size // 3) for _ in range(5)]
    paragraphs = str(diff_paragraphs(old, new)).split("</p>")[:-1]
    assert "diff-note" not in paragraphs[0] and paragraphs[0].count("<ins>") > 10
    assert all("diff-note" in paragraph for paragraph in paragraphs[1:])


def test_the_diff_escapes_markup_in_both_versions():
    assert marked("<b>旧</b>", "<i>新</i>") == "&lt;<del>b</del><ins>i</ins>&gt;<del>旧</del><ins>新</ins>&lt;/<del>b</del><ins>i</ins>&gt;"


@pytest.mark.django_db
def test_the_revisions_screen_shows_the_hostile_edit_whole_with_its_lengths(staff_client):
    """The tester's edit made /admin/articles/article/<id>/revisions/ take 22 s."""
    article = ArticleFactory(body="<p>" + "甲乙" * 700 + "</p>")
    article.body = "<p>" + "甲乙丙" * 700 + "</p>"
    article.save()

    response = staff_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))

    assert response.status_code == 200
    assert '<span class="diff-note">已改动，1400 → 2100 个字符</span>' in response.content.decode()
