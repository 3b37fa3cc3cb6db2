"""Word lists in and out, checking stories on save, waivers in the review log, and the gate before 终审 and release."""

import codecs

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Article, Transition
from articles.proofing.engine import build, checker
from articles.proofing.models import Category, Hit, Term, TermList, Waiver
from articles.proofing.services import (
    error_rate,
    hit_waive,
    proofing_check,
    term_list_save,
    term_save,
    terms_export,
    terms_import,
)
from articles.services import article_step
from tests.factories import ArticleFactory, PhotoFactory


def hits_of(article) -> list[tuple[str, str, str]]:
    return list(Hit.objects.filter(article=article).values_list("field", "matched", "category"))


@pytest.mark.parametrize(
    "text, category",
    [
        ("罪犯", Category.BANNED),
        ("北朝鲜", Category.SENSITIVE),
        ("村长", Category.CARE),
        ("国家发改委", Category.STANDARD),
        ("既使", Category.TYPO),
    ],
)
def test_a_story_saved_with_a_listed_term_gets_a_hit_of_its_category(word_list, text, category):
    article = ArticleFactory(body=f"<p>本报讯 记者采访{text}时了解到。</p>")
    assert ("body", text, category) in hits_of(article)


def test_a_hit_carries_its_suggestion_context_and_offset_in_the_text(word_list):
    article = ArticleFactory(body="<p>第一段。</p><p>警方抓获罪犯张某。</p>")
    hit = Hit.objects.get(article=article, category=Category.BANNED)
    assert (hit.suggestion, hit.before, hit.after) == ("犯罪嫌疑人", "第一段。 警方抓获", "张某。")
    # Offsets count the text without paragraph breaks, as the editor's document does.
    assert "第一段。警方抓获罪犯张某。"[hit.start : hit.end] == "罪犯"
    assert hit.blocking


def test_headline_lines_and_captions_are_checked_too(word_list):
    article = ArticleFactory(kicker="村长说", headline="既使下雨", subheadline="北朝鲜", body="<p>正文。</p>")
    photo = PhotoFactory(article=article, caption="罪犯落网")
    assert {(field, matched) for field, matched, _c in hits_of(article)} >= {
        ("kicker", "村长"), ("headline", "既使"), ("subheadline", "北朝鲜"), (f"caption:{photo.pk}", "罪犯"),
    }


def test_fixing_the_text_and_saving_removes_the_hit(word_list):
    article = ArticleFactory(body="<p>警方抓获罪犯张某。</p>")
    article.body = "<p>警方抓获犯罪嫌疑人张某。</p>"
    article.save()
    assert not Hit.objects.filter(article=article, category=Category.BANNED).exists()


def test_a_term_inside_a_longer_term_is_one_hit_for_the_longer(word_list):
    term_save(term=Term(term_list=word_list, text="未成年罪犯", category=Category.CARE, replacement="未成年犯"))
    article = ArticleFactory(body="<p>一名未成年罪犯。</p>")
    assert [matched for _f, matched, _c in hits_of(article) if _c == Category.CARE] == ["未成年罪犯"]
    assert not Hit.objects.filter(article=article, matched="罪犯").exists()


def test_an_empty_or_duplicate_term_is_refused_with_a_message(word_list):
    with pytest.raises(ValidationError, match="不能为空"):
        term_save(term=Term(term_list=word_list, text="  ", category=Category.BANNED))
    with pytest.raises(ValidationError):
        term_save(term=Term(term_list=word_list, text="罪犯", category=Category.BANNED))


def test_a_changed_list_builds_a_new_automaton(word_list):
    before = checker()
    term_save(term=Term(term_list=word_list, text="新词", category=Category.CARE))
    after = checker()
    assert after is not before and "新词" in after.automaton


def test_the_same_term_in_two_lists_is_reported_once_from_the_first_list(word_list):
    second = term_list_save(term_list=TermList(name="第二表", order=5))
    term_save(term=Term(term_list=second, text="罪犯", category=Category.CARE))
    article = ArticleFactory(body="<p>罪犯</p>")
    assert hits_of(article) == [("body", "罪犯", Category.BANNED)]


def test_import_reads_a_gbk_file_and_names_empty_duplicate_and_contained_lines(word_list):
    data = "词条,类别,建议,说明,阻止\n老罪犯,禁用词,,,是\n\n老罪犯,禁用词,,,是\n按装,常见错别字,安装,,否\n坏词,什么类,,,\n".encode("gbk")
    report = terms_import(term_list=word_list, data=data)
    assert report.encoding == "GBK/GB18030"
    assert (report.added, report.updated) == (2, 0)
    assert report.empty_lines == [3]
    assert report.duplicates == [(4, "老罪犯", 2)]
    assert report.refused[0][0] == 6
    assert ("老罪犯", "罪犯") in report.contained
    assert Term.objects.get(term_list=word_list, text="按装").category == Category.TYPO
    text = "\n".join(report.messages())
    assert "老罪犯" in text and "什么类" in text


def test_import_reads_utf8_with_a_bom_and_a_plain_list_one_term_a_line(word_list):
    report = terms_import(term_list=word_list, data=codecs.BOM_UTF8 + "甲词\n乙词\n".encode(), category=Category.CARE)
    assert report.encoding == "UTF-8 (BOM)" and report.added == 2
    assert set(Term.objects.filter(text__in=["甲词", "乙词"]).values_list("category", "blocking")) == {(Category.CARE, False)}


def test_import_keeps_what_is_there_and_export_reads_back_the_same(word_list):
    before = set(word_list.terms.values_list("text", "category", "replacement", "blocking"))
    exported = terms_export(term_list=word_list)
    other = term_list_save(term_list=TermList(name="副本"))
    report = terms_import(term_list=other, data=exported.encode("utf-8"))
    assert report.added == len(before)
    assert set(other.terms.values_list("text", "category", "replacement", "blocking")) == before
    again = terms_import(term_list=word_list, data=exported.encode("utf-8"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(before))


def test_a_file_that_is_not_text_is_refused_with_a_message(word_list):
    with pytest.raises(ValidationError, match="UTF-8"):
        terms_import(term_list=word_list, data=bytes(range(128, 256)) * 4)


def test_a_waiver_is_logged_in_the_review_log_and_survives_a_new_check(word_list, editor):
    article = ArticleFactory(body="<p>罪犯张某已被判处有期徒刑。罪犯张某服判。</p>")
    hit = Hit.objects.filter(article=article, matched="罪犯").first()
    waiver = hit_waive(hit=hit, user=editor, reason="法院已宣判")
    assert Hit.objects.filter(article=article, matched="罪犯", waiver=waiver).count() == 2
    step = Transition.objects.get(article=article, action=Transition.Action.WAIVE)
    assert step.actor == editor and "法院已宣判" in step.comment and "罪犯" in step.comment
    proofing_check(article=article)
    assert not Hit.objects.filter(article=article, matched="罪犯", waiver__isnull=True).exists()


def test_a_waiver_needs_a_reason_and_an_editor(word_list, editor, reporter):
    article = ArticleFactory(body="<p>罪犯</p>", reporter=reporter)
    hit = Hit.objects.get(article=article)
    with pytest.raises(ValidationError):
        hit_waive(hit=hit, user=editor, reason=" ")
    with pytest.raises(PermissionDenied):
        hit_waive(hit=hit, user=reporter, reason="我觉得可以")
    assert not Waiver.objects.exists()


def test_approval_is_refused_while_a_blocking_hit_is_open_and_says_why(waiting_story, chief):
    with pytest.raises(ValidationError) as refusal:
        article_step(article=waiting_story, user=chief, step="approve")
    assert "罪犯" in str(refusal.value) and "豁免" in str(refusal.value)
    assert Article.objects.get(pk=waiting_story.pk).status == Article.Status.SECOND_PASSED


def test_approval_goes_through_once_the_hit_is_fixed(waiting_story, chief):
    waiting_story.body = "<p>本报讯 警方抓获犯罪嫌疑人张某。</p>"
    waiting_story.save()
    article_step(article=waiting_story, user=chief, step="approve")
    assert Article.objects.get(pk=waiting_story.pk).status == Article.Status.APPROVED


def test_approval_goes_through_once_the_hit_is_waived(waiting_story, chief, editor):
    hit_waive(hit=Hit.objects.get(article=waiting_story, matched="罪犯"), user=editor, reason="已宣判")
    article_step(article=waiting_story, user=chief, step="approve")
    assert Article.objects.get(pk=waiting_story.pk).status == Article.Status.APPROVED


def test_approval_checks_again_against_a_list_changed_since_the_last_save(waiting_story, chief, word_list):
    Term.objects.filter(text="罪犯").delete()  # behind the services' back: the version stays
    term_save(term=Term(term_list=word_list, text="审理", category=Category.BANNED, blocking=True))
    with pytest.raises(ValidationError, match="审理"):
        article_step(article=waiting_story, user=chief, step="approve")


def test_the_error_rate_is_per_ten_thousand_characters():
    assert error_rate(3, 10000) == 3.0
    assert error_rate(1, 2000) == 5.0
    assert error_rate(0, 0) == 0.0


def test_an_empty_list_checks_nothing_but_the_rules(db):
    assert build(()).automaton is None
    article = ArticleFactory(body="<p>他说,好</p>")
    assert hits_of(article) == [("body", ",", Category.PUNCTUATION)]


def test_saves_that_change_no_text_do_not_check_the_story_again(word_list, monkeypatch):
    article = ArticleFactory(body="<p>罪犯</p>")
    photo = PhotoFactory(article=article, caption="村长")
    checked = []
    monkeypatch.setattr("articles.proofing.signals.proofing_check", lambda *, article: checked.append(article.pk))
    article.save(update_fields=["status", "updated_at"])
    article.save(update_fields=["version"])
    photo.save(update_fields=["renditions"])
    assert checked == []
    article.save(update_fields=["headline"])
    photo.save(update_fields=["caption"])
    photo.save()
    assert checked == [article.pk] * 3


def test_an_editor_cannot_waive_a_hit_on_their_own_story(word_list, editor):
    article = ArticleFactory(body="<p>罪犯</p>", reporter=editor)
    with pytest.raises(PermissionDenied, match="自己"):
        hit_waive(hit=Hit.objects.get(article=article), user=editor, reason="我觉得可以")
    assert not Waiver.objects.exists()


def test_a_hit_already_waived_is_not_waived_twice(word_list, editor, second_editor):
    article = ArticleFactory(body="<p>罪犯</p>")
    hit = Hit.objects.get(article=article)
    hit_waive(hit=hit, user=editor, reason="已宣判")
    with pytest.raises(ValidationError, match="已豁免"):
        hit_waive(hit=hit, user=second_editor, reason="已宣判")
    assert Waiver.objects.count() == 1
    assert Transition.objects.filter(article=article, action=Transition.Action.WAIVE).count() == 1


def test_deleting_terms_removes_their_hits_and_bumps_each_list_once(word_list):
    from articles.proofing.services import term_delete

    second = term_list_save(term_list=TermList(name="第二表", order=5))
    term_save(term=Term(term_list=second, text="审理", category=Category.CARE))
    article = ArticleFactory(body="<p>罪犯在审理中，村长到场。</p>")
    versions = dict(TermList.objects.values_list("pk", "version"))
    term_delete(terms=list(Term.objects.filter(text__in=["罪犯", "村长", "审理"])))
    assert dict(TermList.objects.values_list("pk", "version")) == {pk: v + 1 for pk, v in versions.items()}
    assert not Hit.objects.filter(article=article, matched__in=["罪犯", "村长", "审理"]).exists()
