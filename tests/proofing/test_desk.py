"""校对 on the desk: the story's panel, waiving, checking unsaved text, the assembly screen, the release, the command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, Transition
from articles.proofing.models import Hit
from articles.proofing.services import proofing_check
from issues.services import issue_problems, issue_release
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory


def test_the_change_page_lists_each_hit_with_its_category_and_suggestion(client, waiting_story, chief):
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_change", args=[waiting_story.pk])).content.decode()
    assert 'id="proofing"' in page and "禁用词" in page and "犯罪嫌疑人" in page
    assert "所有阻止终审的问题改正或豁免之后才能终审" in page


def test_the_chief_cannot_approve_from_the_change_page_and_is_told_why(client, waiting_story, chief):
    client.force_login(chief)
    url = reverse("admin:articles_article_workflow", args=[waiting_story.pk])
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "罪犯" in response.content.decode()
    assert Article.objects.get(pk=waiting_story.pk).status == Article.Status.SECOND_PASSED


def test_an_editor_waives_a_hit_from_the_panel_and_it_shows_in_the_review_log(client, waiting_story, editor):
    client.force_login(editor)
    hit = Hit.objects.get(article=waiting_story, matched="罪犯")
    url = reverse("admin:articles_article_proofing_waive", args=[waiting_story.pk])
    response = client.post(url, {"hit": hit.pk, "reason": "法院已判决"}, follow=True)
    page = response.content.decode()
    history = page[page.index('class="review-history"') :]
    assert "校对问题已豁免" in history and "法院已判决" in history and "罪犯" in history
    assert Transition.objects.filter(article=waiting_story, action=Transition.Action.WAIVE).exists()


def test_a_waiver_without_a_reason_is_refused_with_a_message(client, waiting_story, editor):
    client.force_login(editor)
    hit = Hit.objects.get(article=waiting_story, matched="罪犯")
    url = reverse("admin:articles_article_proofing_waive", args=[waiting_story.pk])
    response = client.post(url, {"hit": hit.pk, "reason": ""}, follow=True)
    assert "请说明为什么保留原文" in response.content.decode()
    assert Hit.objects.get(pk=hit.pk).waiver is None


def test_check_now_checks_the_unsaved_text(client, waiting_story, editor):
    client.force_login(editor)
    url = reverse("admin:articles_article_proofing_check", args=[waiting_story.pk])
    data = client.post(url, {"headline": "北朝鲜", "body": "<p>没有问题。</p>"}).json()
    assert [hit["matched"] for hit in data["hits"]] == ["北朝鲜"]
    assert data["blocking"] == 1


@pytest.fixture
def issue_with_waiting_story(waiting_story):
    issue = IssueFactory(released=False, release_at=None)
    page = PageFactory(issue=issue, number=1, name="要闻")
    PlacementFactory(page=page, article=waiting_story)
    return issue


def test_the_release_is_refused_while_a_placed_story_has_a_blocking_hit(issue_with_waiting_story, waiting_story, chief):
    Article.objects.filter(pk=waiting_story.pk).update(status=Article.Status.APPROVED)  # approved before the list changed
    problems = [problem for problem in issue_problems(issue_with_waiting_story) if problem.kind == "proofing"]
    assert problems and "罪犯" in str(problems[0].message)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="罪犯"):
        issue_release(issue=issue_with_waiting_story, user=chief)


def test_the_assembly_screen_shows_open_hits_and_the_error_rate(client, issue_with_waiting_story, chief):
    client.force_login(chief)
    page = client.get(reverse("admin:issues_issue_assembly", args=[issue_with_waiting_story.pk])).content.decode()
    assert 'id="proofing-issue"' in page and "差错率 万分之" in page and "超过万分之三" in page


def test_the_command_prints_every_hit_and_exits_non_zero_on_blocking_ones(waiting_story):
    out = io.StringIO()
    with pytest.raises(CommandError, match="blocking"):
        call_command("proofread", article=waiting_story.pk, stdout=out)
    text = out.getvalue()
    assert "【罪犯】" in text and "犯罪嫌疑人" in text and "per 10,000" in text


def test_the_command_reads_an_issue_page_by_page(issue_with_waiting_story, waiting_story):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("proofread", str(issue_with_waiting_story.date), stdout=out)
    text = out.getvalue()
    assert "第一版" in text and waiting_story.headline in text
    assert "第一版: 2 open hits (1 blocking)" in text


def test_the_command_exits_zero_when_nothing_blocks(word_list):
    article = ArticleFactory(body="<p>一切正常。</p>")
    out = io.StringIO()
    call_command("proofread", article=article.pk, stdout=out)
    assert "0 open hits" in out.getvalue()


def test_the_demo_leaves_a_story_waiting_for_approval_with_open_blocking_hits(db, reporter, editor, second_editor, chief):
    from articles.proofing.demo import proofing_demo

    article = proofing_demo(reporter=reporter, first_editor=editor, second_editor=second_editor)
    assert article.status == Article.Status.SECOND_PASSED
    assert Hit.objects.filter(article=article, blocking=True, waiver__isnull=True).exists()
    proofing_demo(reporter=reporter, first_editor=editor, second_editor=second_editor)  # again: nothing twice
    assert Article.objects.filter(headline=article.headline).count() == 1


def test_the_release_checks_again_a_story_checked_against_older_lists(issue_with_waiting_story, waiting_story, word_list, editor):
    from articles.proofing.models import Category, Term
    from articles.proofing.services import hit_waive, term_save

    hit_waive(hit=Hit.objects.get(article=waiting_story, matched="罪犯"), user=editor, reason="已宣判")
    Article.objects.filter(pk=waiting_story.pk).update(status=Article.Status.APPROVED)
    assert not [p for p in issue_problems(issue_with_waiting_story) if p.kind == "proofing"]
    term_save(term=Term(term_list=word_list, text="审理", category=Category.BANNED, blocking=True))
    problems = [str(p.message) for p in issue_problems(issue_with_waiting_story) if p.kind == "proofing"]
    assert len(problems) == 1 and "审理" in problems[0]  # the waived 罪犯 stays waived


def test_the_article_list_filters_stories_with_blocking_hits(client, waiting_story, chief):
    clean = ArticleFactory(headline="干净的稿件", body="<p>一切正常。</p>")
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_changelist") + "?proofing=blocking").content.decode()
    assert waiting_story.headline in page and clean.headline not in page


def test_the_panel_checks_again_a_story_checked_against_older_lists(client, waiting_story, chief, word_list):
    from articles.proofing.models import Category, Term
    from articles.proofing.services import term_save

    term_save(term=Term(term_list=word_list, text="审理", category=Category.CARE, replacement="审判"))
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_change", args=[waiting_story.pk])).content.decode()
    assert "审判" in page and Hit.objects.filter(article=waiting_story, matched="审理").exists()


def test_a_change_to_a_late_list_of_many_is_seen_as_out_of_date(client, waiting_story, chief, word_list):
    from articles.proofing.models import ArticleCheck, Category, Term, TermList
    from articles.proofing.services import term_list_save, term_save

    lists = [term_list_save(term_list=TermList(name=f"词表{number}", order=number)) for number in range(1, 14)]
    proofing_check(article=waiting_story)
    stored = ArticleCheck.objects.get(article=waiting_story).lists
    term_save(term=Term(term_list=lists[-1], text="审理", category=Category.CARE, replacement="审判"))
    assert ArticleCheck.objects.get(article=waiting_story).lists == stored
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_change", args=[waiting_story.pk])).content.decode()
    assert "审判" in page and Hit.objects.filter(article=waiting_story, matched="审理").exists()
    assert ArticleCheck.objects.get(article=waiting_story).lists != stored


def test_the_panel_offers_no_waiver_to_the_story_s_own_reporter(client, word_list, editor, second_editor):
    article = ArticleFactory(body="<p>罪犯</p>", reporter=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "罪犯" in page and 'class="proofing__waive"' not in page
    client.force_login(second_editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'class="proofing__waive"' in page


def test_a_story_on_two_pages_counts_on_the_page_it_starts_on(waiting_story):
    from articles.proofing.services import issue_proofing

    issue = IssueFactory(released=False, release_at=None)
    later = PageFactory(issue=issue, number=3, name="社会")  # made first: the lower id
    first = PageFactory(issue=issue, number=1, name="要闻")
    PlacementFactory(page=later, article=waiting_story)
    PlacementFactory(page=first, article=waiting_story)
    per_page, total, blocking = issue_proofing(issue=issue)
    assert per_page[first.pk].open_hits == total.open_hits > 0
    assert per_page[later.pk].open_hits == 0
    assert {page_id for page_id, _where, _hit in blocking} == {first.pk}


def test_the_assembly_screen_reads_the_issue_s_proofing_once(client, issue_with_waiting_story, chief, monkeypatch):
    from articles.proofing import services

    calls = []
    real = services.issue_proofing
    monkeypatch.setattr(services, "issue_proofing", lambda *, issue, layout=None: calls.append(issue.pk) or real(issue=issue, layout=layout))
    client.force_login(chief)
    page = client.get(reverse("admin:issues_issue_assembly", args=[issue_with_waiting_story.pk])).content.decode()
    assert 'id="proofing-issue"' in page and "罪犯" in page
    assert calls == [issue_with_waiting_story.pk]


def test_the_issue_saves_the_new_check_of_a_story_checked_against_older_lists(issue_with_waiting_story, waiting_story, word_list):
    from articles.proofing.engine import checker
    from articles.proofing.models import ArticleCheck, Category, Term
    from articles.proofing.services import issue_proofing, term_save

    term_save(term=Term(term_list=word_list, text="审理", category=Category.CARE))
    assert ArticleCheck.objects.get(article=waiting_story).lists != checker().key
    issue_proofing(issue=issue_with_waiting_story)
    assert ArticleCheck.objects.get(article=waiting_story).lists == checker().key
    assert Hit.objects.filter(article=waiting_story, matched="审理").exists()


def test_an_import_that_changes_nothing_leaves_the_list_s_version_alone(word_list):
    from articles.proofing.models import TermList
    from articles.proofing.services import terms_import

    version = TermList.objects.get(pk=word_list.pk).version
    report = terms_import(term_list=word_list, data="罪犯,banned,犯罪嫌疑人,,1\n".encode())
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert TermList.objects.get(pk=word_list.pk).version == version
    terms_import(term_list=word_list, data="新词\n".encode())
    assert TermList.objects.get(pk=word_list.pk).version == version + 1


def test_the_assembly_screen_names_the_error_rate_line_it_uses(client, issue_with_waiting_story, chief, monkeypatch):
    monkeypatch.setattr("articles.proofing.services.ERROR_RATE_LIMIT", 5)
    client.force_login(chief)
    page = client.get(reverse("admin:issues_issue_assembly", args=[issue_with_waiting_story.pk])).content.decode()
    assert "超过万分之五" in page and "超过万分之三" not in page
