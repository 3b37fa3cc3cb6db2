import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.contributors.models import Contributor, Credit
from articles.contributors.services import contributor_save, credit_delete, credit_save, credits_from_byline
from articles.models import SearchDocument
from articles.search import highlight, index_text, parse_query, rebuild_index, search_articles
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def placed(*, date=datetime.date(2020, 12, 3), **article_fields):
    """An approved story on the front page of a released issue of that date."""
    issue = IssueFactory._meta.model.objects.filter(date=date).first() or IssueFactory(date=date)
    page = issue.pages.filter(number=1).first() or PageFactory(issue=issue, number=1)
    return PlacementFactory(page=page, article=ArticleFactory(approved=True, **article_fields)).article


def found(q: str, **kwargs) -> list[str]:
    return [article.headline for article in search_articles(parse_query(q), **kwargs)]


def online(**article_fields):
    """An approved story released online (网络首发) and in no issue: readers see it, and its credits may still change."""
    return ArticleFactory(approved=True, online_at=timezone.now() - datetime.timedelta(hours=1), **article_fields)


def photographer(name: str = "王跃中") -> Contributor:
    return contributor_save(contributor=Contributor(name=name, kind=Contributor.Kind.STAFF))


# --- Tokens -------------------------------------------------------------------------------------


def test_index_text_holds_character_pairs_words_and_each_character_once():
    assert index_text("金坛区 COVID-19 金坛") == "金坛 坛区 covid 19 金坛 区 坛 金"


def test_index_text_folds_full_width_letters_and_digits():
    assert index_text("ＡＢＣ１２３") == "abc123"


def test_parse_query_makes_pairs_into_phrases_and_lone_characters_into_single_tokens():
    query = parse_query("金科园  督 两个加快")
    assert query.phrases == (("金科", "科园"), ("督",), ("两个", "个加", "加快"))
    assert query.fts5 == '"金科 科园" AND "督" AND "两个 个加 加快"'
    assert query.tsquery == "('金科' <-> '科园') & ('督') & ('两个' <-> '个加' <-> '加快')"


def test_parse_query_of_punctuation_only_is_empty():
    assert not parse_query("，。！")


# --- Matching, on whichever database the suite runs on -------------------------------------------


def test_search_finds_a_two_character_word_in_the_body():
    placed(headline="全区集中现场督查", body="<p>区领导带队督查重点项目。</p>")
    placed(headline="金科园调研", body="<p>区委常委会集体调研金科园。</p>")
    assert found("督查") == ["全区集中现场督查"]
    assert found("金科") == ["金科园调研"]


def test_search_finds_a_one_character_word():
    placed(headline="全区集中现场督查", body="<p>区领导带队。</p>")
    placed(headline="金科园调研", body="<p>区委常委会。</p>")
    assert found("督") == ["全区集中现场督查"]


def test_search_matches_longer_words_as_written_not_their_characters_anywhere():
    placed(headline="两个加快全面决战年", body="<p>正文。</p>")
    placed(headline="加快两个项目", body="<p>正文。</p>")
    assert found("两个加快") == ["两个加快全面决战年"]
    assert sorted(found("两个 加快")) == sorted(["两个加快全面决战年", "加快两个项目"])


def test_search_finds_a_name_a_dictionary_segmenter_would_cut_apart():
    # jieba reads "金科园区委" as 金科 / 园区 / 委, so a word index would miss 金科园 here.
    placed(headline="调研", body="<p>金科园区委员会召开会议。</p>")
    assert found("金科园") == ["调研"]


def test_search_looks_in_kicker_subheadline_byline_and_tags():
    placed(headline="甲", kicker="引题督查")
    placed(headline="乙", subheadline="副题金科")
    placed(headline="丙", byline="王跃中")
    story = placed(headline="丁")
    story.tags.add("两个加快")
    assert found("督查") == ["甲"]
    assert found("金科") == ["乙"]
    assert found("跃中") == ["丙"]
    assert found("个加") == ["丁"]


def test_search_finds_latin_words_and_numbers_ignoring_case():
    placed(headline="5G 基站 Huawei", body="<p>正文。</p>")
    assert found("huawei") == ["5G 基站 Huawei"]
    assert found("5g") == ["5G 基站 Huawei"]


def test_search_follows_edits_tag_changes_and_deletion():
    story = placed(headline="旧标题", body="<p>正文。</p>")
    story.headline = "新标题督查"
    story.save()
    assert found("督查") == ["新标题督查"]
    assert found("旧标") == []

    story.tags.add("金科园")
    assert found("金科") == ["新标题督查"]
    story.tags.remove("金科园")
    assert found("金科") == []

    story.delete()
    assert found("督查") == []
    assert not SearchDocument.objects.exists()


def test_search_follows_a_tag_renamed_by_the_desk():
    story = placed(headline="稿件", body="<p>正文。</p>")
    story.tags.add("旧标签")
    tag = story.tags.get()
    tag.name = "金科园"
    tag.save()
    assert found("金科") == ["稿件"]


# --- Credits (articles.contributors): the names readers see in the byline ------------------------


def test_search_finds_a_story_by_a_credited_photographer_until_the_credit_is_removed():
    story = online(headline="稿件", byline="本报记者 马晓璇", body="<p>正文。</p>")
    assert found("王跃中") == []

    credit = credit_save(credit=Credit(article=story, contributor=photographer(), role=Credit.Role.PHOTO, order=1))
    assert found("王跃中") == ["稿件"]

    credit_delete(credit=credit)
    assert found("王跃中") == []


def test_search_finds_a_one_off_name_read_from_a_photo_credit_line():
    story = online(headline="稿件", byline="本报记者 马晓璇", body="<p>正文。</p>")
    PhotoFactory(article=story, credit="赵一鸣 摄")

    credits_from_byline(article=story)

    assert found("赵一鸣") == ["稿件"]


def test_search_finds_a_story_by_its_credited_contributors_new_name_after_a_rename():
    person = photographer("王跃中")
    credit_save(credit=Credit(article=online(headline="稿件", byline="本报记者 马晓璇"), contributor=person,
                              role=Credit.Role.PHOTO, order=1))

    person.name = "王越中"
    contributor_save(contributor=person)

    assert found("王越中") == ["稿件"]
    assert found("王跃中") == []


def test_search_never_finds_an_unpublished_story_by_its_credits(unpublished_stories):
    person = photographer()
    credit_save(credit=Credit(article=online(headline="公开稿件"), contributor=person, role=Credit.Role.PHOTO))
    for story in unpublished_stories:
        credits_from_byline(article=story, text="王跃中 摄")

    # Their documents hold the name: only the publication rule keeps them out.
    documents = SearchDocument.objects.filter(article__in=unpublished_stories)
    assert ["跃中" in document.body.split() for document in documents] == [True, True, True]
    assert found("王跃中") == ["公开稿件"]


def test_rebuild_search_index_writes_the_credited_names_as_the_credit_services_do():
    story = online(headline="稿件", byline="本报记者 马晓璇")
    credit_save(credit=Credit(article=story, contributor=photographer(), role=Credit.Role.PHOTO, order=1))
    written = SearchDocument.objects.get(article=story).body

    SearchDocument.objects.all().delete()
    rebuild_index()

    assert SearchDocument.objects.get(article=story).body == written
    assert found("王跃中") == ["稿件"]


def test_search_orders_newest_issue_first_or_best_match_first():
    older = placed(date=datetime.date(2020, 12, 1), headline="督查督查督查", body="<p>督查。</p>")
    newer = placed(date=datetime.date(2020, 12, 3), headline="新闻", body="<p>一次督查。</p>")
    assert found("督查") == [newer.headline, older.headline]
    assert found("督查", relevance=True) == [older.headline, newer.headline]


def test_search_filters_by_issue_date():
    placed(date=datetime.date(2020, 12, 1), headline="月初督查")
    placed(date=datetime.date(2020, 12, 20), headline="月中督查")
    placed(date=datetime.date(2020, 12, 31), headline="月末督查")
    assert found("督查", date_from=datetime.date(2020, 12, 2), date_to=datetime.date(2020, 12, 30)) == ["月中督查"]


def test_search_takes_dates_at_the_ends_of_the_calendar():
    placed(date=datetime.date(2020, 12, 3), headline="督查")
    assert found("督查", date_to=datetime.date(9999, 12, 31)) == ["督查"]
    assert found("督查", date_from=datetime.date(1, 1, 1), date_to=datetime.date(9999, 12, 31)) == ["督查"]
    assert found("督查", date_from=datetime.date(9999, 12, 31)) == []
    assert found("督查", date_to=datetime.date(1, 1, 1)) == []


def test_search_never_returns_unpublished_stories(unpublished_stories):
    placed(headline="公开秘闻")
    assert found("秘闻") == ["公开秘闻"]


@pytest.mark.parametrize("common_from", [1, 200], ids=["common-phrase", "rare-phrase"])
def test_search_finds_a_phrase_newest_first_within_the_dates_and_never_unpublished(
    unpublished_stories, monkeypatch, common_from
):
    # On PostgreSQL a phrase newest first walks the sort key's index, through every story when
    # the phrase is common lately, through its candidates otherwise: both must find the same.
    monkeypatch.setattr("articles.search.RECENT_DAYS", 10**6)
    monkeypatch.setattr("articles.search.COMMON_PHRASE", common_from)
    for day in (1, 3, 5):
        placed(date=datetime.date(2020, 12, day), headline=f"{day}日金科园集中宣讲")
    placed(date=datetime.date(2020, 12, 4), headline="金科园的集中和宣讲")  # every token, not the phrase
    placed(date=datetime.date(2020, 12, 2), headline="督查金科园")  # as the unpublished stories' bodies have it
    assert found("金科园集中宣讲") == ["5日金科园集中宣讲", "3日金科园集中宣讲", "1日金科园集中宣讲"]
    assert found("集中宣讲", date_from=datetime.date(2020, 12, 2), date_to=datetime.date(2020, 12, 4)) == ["3日金科园集中宣讲"]
    assert found("宣讲 金科园") == ["5日金科园集中宣讲", "金科园的集中和宣讲", "3日金科园集中宣讲", "1日金科园集中宣讲"]
    assert found("督查金科园") == ["督查金科园"]
    assert found("集中宣讲", relevance=True)[0].endswith("集中宣讲")


def test_search_index_uses_the_full_text_index():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM articles_searchdocument_fts WHERE articles_searchdocument_fts MATCH '\"督查\"'")
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_searchdocument_vector_idx'")
            assert "gin" in cursor.fetchone()[0]
            return
        assert cursor.fetchone()[0] == 0


# --- Highlighting -------------------------------------------------------------------------------


def test_highlight_escapes_the_text_before_marking_the_words():
    marked = highlight('<script>alert("督查")</script> 督查', ("督查",))
    assert marked == '&lt;script&gt;alert(&quot;<mark>督查</mark>&quot;)&lt;/script&gt; <mark>督查</mark>'


def test_highlight_does_not_let_a_query_inject_markup():
    assert highlight("a<b>c", ("<b>",)) == "a<mark>&lt;b&gt;</mark>c"


# --- The page -----------------------------------------------------------------------------------


def test_search_page_highlights_the_word_in_headline_and_excerpt(client):
    story = placed(headline="全区集中现场督查", body="<p>区领导带队督查重点项目。</p>")
    content = client.get(reverse("articles:search"), {"q": "督查"}).content.decode()
    assert "全区集中现场<mark>督查</mark>" in content
    assert "区领导带队<mark>督查</mark>重点项目" in content
    assert f'href="{story.get_absolute_url()}"' in content
    assert "1 篇稿件包含“督查”" in content


def test_search_page_leaves_out_unpublished_stories(client, unpublished_stories):
    content = client.get(reverse("articles:search"), {"q": "秘闻"}).content.decode()
    for story in unpublished_stories:
        assert story.headline not in content
    assert "0 篇稿件包含“秘闻”" in content


def test_search_page_escapes_what_the_reader_typed(client):
    placed(headline="督查")
    content = client.get(reverse("articles:search"), {"q": '<script>x</script> 督查'}).content.decode()
    assert "<script>x</script>" not in content
    assert "&lt;script&gt;" in content


def test_search_page_pages_through_results(client):
    for n in range(23):
        placed(date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n), headline=f"督查{n:02d}")
    first = client.get(reverse("articles:search"), {"q": "督查"}).content.decode()
    second = client.get(reverse("articles:search"), {"q": "督查", "page": 2}).content.decode()
    assert "督查</mark>22" in first and "督查</mark>02" not in first
    assert "督查</mark>02" in second and "督查</mark>22" not in second
    assert 'rel="next" href="?q=%E7%9D%A3%E6%9F%A5&amp;page=2"' in first


def test_search_page_explains_a_bad_date_range_and_keeps_the_words(client):
    response = client.get(reverse("articles:search"), {"q": "督查", "date_from": "2020-12-31", "date_to": "2020-12-01"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "结束日期早于开始日期" in content
    assert 'value="督查"' in content


def test_search_page_with_a_bad_page_number_shows_the_last_page(client):
    placed(headline="督查")
    response = client.get(reverse("articles:search"), {"q": "督查", "page": "99"})
    assert response.status_code == 200
    assert "督查" in response.content.decode()


@pytest.mark.parametrize("page", [str(2**63 - 1), str(2**64), "1" + "0" * 40])
def test_search_page_with_a_page_number_past_64_bits_shows_the_last_page(client, page):
    placed(headline="督查")
    response = client.get(reverse("articles:search"), {"q": "督查", "page": page})
    assert response.status_code == 200
    assert "督查" in response.content.decode()


@pytest.mark.parametrize("dates", [{"date_to": "9999-12-31"}, {"date_from": "9999-12-31"}, {"date_from": "0001-01-01", "date_to": "0001-01-01"}])
def test_search_page_takes_dates_at_the_ends_of_the_calendar(client, dates):
    placed(headline="督查")
    response = client.get(reverse("articles:search"), {"q": "督查", **dates})
    assert response.status_code == 200
    assert ("督查</mark>" in response.content.decode()) == (dates == {"date_to": "9999-12-31"})


def test_search_page_counts_common_words_only_a_few_pages_ahead(client, monkeypatch):
    monkeypatch.setattr("articles.views.RESULTS_PER_PAGE", 1)
    monkeypatch.setattr("articles.views.COUNTED_PAGES_AHEAD", 2)
    for n in range(4):
        placed(date=datetime.date(2020, 12, 1) + datetime.timedelta(days=n), headline=f"督查{n}")
    first = client.get(reverse("articles:search"), {"q": "督查"}).content.decode()
    assert "超过 2 篇稿件包含“督查”" in first
    assert "page=2" in first
    third = client.get(reverse("articles:search"), {"q": "督查", "page": 3}).content.decode()
    assert "督查</mark>1" in third
    assert "4 篇稿件包含“督查”" in third


def test_rebuild_search_index_command_restores_documents():
    from django.core.management import call_command

    placed(headline="督查")
    SearchDocument.objects.all().delete()
    assert found("督查") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert found("督查") == ["督查"]


@pytest.mark.parametrize("issues", [1, 20])
@pytest.mark.parametrize(
    "params",
    [{"q": "正文"}, {"q": "正 文", "order": "relevance", "date_from": "2019-01-01", "date_to": "2030-01-01"}],
)
def test_search_page_query_count_is_constant(client, django_assert_num_queries, issues, params):
    from tests.helpers import fill_archive

    fill_archive(issues)
    # The capped count, the page of stories, their tags, their bylines' credits, the pages they ran on.
    with django_assert_num_queries(5):
        response = client.get(reverse("articles:search"), params)
    assert response.status_code == 200
    assert "<mark>" in response.content.decode()


@pytest.mark.parametrize("issues", [1, 20])
def test_search_page_for_a_phrase_runs_a_fixed_number_of_queries(client, django_assert_num_queries, issues):
    from tests.helpers import fill_archive

    fill_archive(issues)
    # The credits of the stories found make one query; PostgreSQL first counts the phrase's recent
    # candidates, to choose how to walk (articles.search).
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 5):
        response = client.get(reverse("articles:search"), {"q": "记者现场"})
    assert response.status_code == 200
    assert "<mark>记者现场</mark>" in response.content.decode()


def test_moving_an_issue_to_another_date_moves_all_its_stories_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    stories = [placed(headline=f"督查第{n}篇") for n in range(6)]
    issue = stories[0].placements.get().page.issue
    issue.date = datetime.date(2020, 12, 8)
    # The save, its stories, their first dates, one update, and for the page cache whether the
    # issue was released before the save and the next release times (of issues, and of embargoed
    # stories going online).
    with django_assert_max_num_queries(7):
        issue.save()
    assert {document.issue_date for document in SearchDocument.objects.filter(article__in=stories)} == {issue.date}
    assert found("督查", date_from=datetime.date(2020, 12, 8)) == [story.headline for story in reversed(stories)]
