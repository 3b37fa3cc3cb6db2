import datetime
import html
import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from issues import importer
from issues.demo import DEMO_DIR
from issues.importer import NOTE_BACKWARD_JUMP, page_import
from issues.models import Issue, Jump, Page, Placement, Teaser
from issues.pagetext import NOTE_HEADLINE_SPLIT, PageTextError
from tests.factories import ArticleFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db

DEC_3, DEC_29 = datetime.date(2020, 12, 3), datetime.date(2020, 12, 29)
JUMP_LINE = re.compile(r"[(（]\s*[上下][转接]第?[一二三四五六七八九十]+版\s*[)）]")


def sample(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")


def import_file(name: str, user, **options):
    """Import a demo file; its name says the date and page (2020-12-03-p1.txt)."""
    date, number = name[:10], int(name[12:].split(".")[0])
    return page_import(
        text=sample(name),
        date=datetime.date.fromisoformat(date),
        page_number=number,
        user=user,
        **options,
    )


@pytest.fixture
def editor():
    return UserFactory(username="bianji", is_staff=True)


def stories_on(page: Page) -> list[tuple]:
    """Each story on the page as the desk sees it: headlines, dateline, byline, paragraphs here, jump."""
    rows = []
    for placement in page.placements.select_related("article", "jump__to_page").order_by("order"):
        article, jump = placement.article, getattr(placement, "jump", None)
        rows.append(
            (
                article.kicker,
                article.headline,
                article.subheadline,
                article.dateline,
                article.byline,
                len(placement.imported_paragraphs or []),
                jump.to_page.number if jump else None,
            )
        )
    return rows


def state_of_issue(date: datetime.date) -> list[tuple]:
    """Everything an import decides about an issue, without ids: to compare two import orders."""
    rows = []
    for placement in Placement.objects.filter(page__issue__date=date).select_related(
        "article", "page", "jump__to_page"
    ):
        jump = getattr(placement, "jump", None)
        article = placement.article
        rows.append(
            (
                placement.page.number,
                placement.order,
                article.full_headline,
                article.byline,
                article.dateline,
                len(article.paragraphs),
                placement.imported_paragraphs,
                (jump.to_page.number, jump.after_paragraph) if jump else None,
            )
        )
    return sorted(rows, key=repr)


# --- The stories of the two sample front pages, as saved ---------------------------------------


def test_page_import_saves_the_jinkeyuan_stories_in_reading_order(editor):
    result = import_file("2020-12-03-p1.txt", editor)

    assert (
        result.page.number == 1 and result.page.name == "要闻" and result.page.issue.date == DEC_3
    )
    assert stories_on(result.page) == [
        (
            "区委常委会集体调研金科园、金城镇工作",
            "争当转型升级先锋 打造新兴产业高地 建设北部产业新城",
            "",
            "本报讯",
            "",
            9,
            2,
        ),
        (
            "",
            "我区部署集中宣讲工作",
            "区委成立十九届五中全会精神宣讲团",
            "本报讯",
            "马晓璇",
            4,
            None,
        ),
        ("", "常州市人大常委会领导来坛调研经济工作", "", "本报讯", "左燕", 3, None),
        ("金科园：", "加快转型升级 狠抓科技创新", "", "本报讯", "", 4, 2),
        ("", "《政风热线》直播预告", "", "", "", 1, None),
    ]
    assert result.page.slogans == "践行嘱托开新局\n——争当表率、争做示范、走在前列"


def test_page_import_saves_the_plenary_stories_in_reading_order(editor):
    result = import_file("2020-12-29-p1.txt", editor)

    assert stories_on(result.page) == [
        (
            "区委十三届十次全会举行",
            "创新再出发 奋斗勇向前",
            "高质量开启快速崛起新征程",
            "本报讯",
            "",
            9,
            4,
        ),
        ("", "我区开展“两个加快全面决战年”第四次集中现场督查活动", "", "本报讯", "", 3, 4),
        ("", "谱写新篇章 再创新辉煌", "", "", "本报评论员", 3, 4),
    ]
    # Each jump breaks where the front page's part ends.
    assert [jump.after_paragraph for jump in Jump.objects.order_by("placement__order")] == [9, 3, 3]


def test_page_import_makes_drafts_owned_by_the_importing_user(editor):
    import_file("2020-12-03-p1.txt", editor)
    assert (
        Article.objects.count() == 8
    )  # five stories and three teased ones waiting for their pages
    assert set(Article.objects.values_list("status", "reporter")) == {
        (Article.Status.DRAFT, editor.pk)
    }


def test_page_import_body_holds_the_paragraphs_with_the_dateline_apart(editor):
    import_file("2020-12-03-p1.txt", editor)
    article = Article.objects.get(headline="我区部署集中宣讲工作")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith(
        "<p>昨天下午,我区召开学习贯彻党的十九届五中全会精神宣讲工作动员会"
    )
    assert article.paragraphs[-1].endswith("推进金坛新跨越做出积极贡献。</p>")


def test_page_import_notes_what_the_parser_was_unsure_of(editor):
    result = import_file("2020-12-03-p1.txt", editor)
    assert [story.uncertain for story in result.stories] == [
        [],
        [str(NOTE_HEADLINE_SPLIT)],
        [],
        [],
        [],
    ]
    assert result.uncertain_count == 1


# --- Jumps: placeholder continuations, joined up in either order ------------------------------


def test_page_import_places_an_empty_continuation_on_the_page_not_imported_yet(editor):
    result = import_file("2020-12-29-p1.txt", editor)

    page_4 = Page.objects.get(issue__date=DEC_29, number=4)
    waiting = list(
        page_4.placements.order_by("order").values_list("article__headline", "imported_paragraphs")
    )
    assert waiting == [
        ("创新再出发 奋斗勇向前", None),
        ("我区开展“两个加快全面决战年”第四次集中现场督查活动", None),
        ("谱写新篇章 再创新辉煌", None),
        ("全区“两个加快全面决战年”第四次集中现场督查剪影", None),  # the teased story
    ]
    assert all(story.continuation_waiting for story in result.stories)


def test_page_import_joins_the_continuation_imported_after_its_first_part(editor):
    import_file("2020-12-29-p1.txt", editor)
    result = import_file("2020-12-29-p4.txt", editor)

    assert [story.state for story in result.stories] == [
        "接续前版",
        "接续前版",
        "接续前版",
        "补入正文",
    ]
    report = Article.objects.get(headline="创新再出发 奋斗勇向前")
    assert len(report.paragraphs) == 11
    assert "【演示续文" in report.paragraphs[9]
    assert Jump.objects.get(placement__article=report).after_paragraph == 9
    assert Article.objects.get(headline="谱写新篇章 再创新辉煌").byline == "本报评论员"


def test_page_import_joins_a_continuation_imported_before_its_first_part(editor):
    continuation = import_file("2020-12-29-p4.txt", editor)
    assert [story.joined_to_first_part for story in continuation.stories] == [
        False,
        False,
        False,
        None,
    ]

    front = import_file("2020-12-29-p1.txt", editor)

    assert not any(story.continuation_waiting for story in front.stories)
    assert (
        Article.objects.filter(headline="区委十三届十次全会举行").count() == 0
    )  # the orphan is gone
    assert Article.objects.get(headline="创新再出发 奋斗勇向前").placements.count() == 2


def test_page_import_ends_the_same_in_either_order(editor):
    for name in ["2020-12-29-p1.txt", "2020-12-29-p2.txt", "2020-12-29-p4.txt"]:
        import_file(name, editor)
    in_order = state_of_issue(DEC_29)
    articles = Article.objects.count()
    Issue.objects.all().delete()
    Article.objects.all().delete()

    for name in ["2020-12-29-p4.txt", "2020-12-29-p2.txt", "2020-12-29-p1.txt"]:
        import_file(name, editor)

    assert state_of_issue(DEC_29) == in_order
    assert Article.objects.count() == articles == 5


def test_page_import_takes_the_byline_from_the_part_that_ends_the_story(editor):
    import_file("2020-12-03-p2.txt", editor)
    import_file("2020-12-03-p1.txt", editor)
    assert Article.objects.get(headline="张强:种优质苗木 走致富之路").byline == "马晓璇"
    assert (
        Article.objects.get(headline="张强:种优质苗木 走致富之路").kicker == "“走向我们的小康生活”"
    )


def test_page_import_reports_a_jump_to_an_earlier_page_and_makes_none(editor):
    result = page_import(
        text="会议召开\n\n本报讯 会议召开。(下转第一版)\n", date=DEC_3, page_number=2, user=editor
    )
    assert result.stories[0].notes == [NOTE_BACKWARD_JUMP % {"page": "第一版"}]
    assert not Jump.objects.exists()


# --- Teasers ----------------------------------------------------------------------------------


def test_page_import_makes_a_teaser_for_each_pointer_with_its_story_on_the_pages_named(editor):
    import_file("2020-12-29-p1.txt", editor)

    teasers = [
        (
            teaser.label,
            teaser.headline,
            sorted(teaser.article.placements.values_list("page__number", flat=True)),
        )
        for teaser in Teaser.objects.order_by("order")
    ]
    assert teasers == [
        ("要闻", "一图读懂区委十三届十次全会精神", [2, 3]),
        ("要闻", "全区“两个加快全面决战年”第四次集中现场督查剪影", [4]),
    ]


def test_page_import_finds_the_teased_story_already_imported(editor):
    import_file("2020-12-29-p2.txt", editor)
    result = import_file("2020-12-29-p1.txt", editor)

    teased = Article.objects.get(headline="一图读懂区委十三届十次全会精神")
    assert [teaser.placeholder for teaser in result.teasers] == [False, True]
    assert Teaser.objects.filter(article=teased).count() == 1
    # "详见二、三版": found on page 2, and placed on page 3 too, as the teaser says.
    assert sorted(teased.placements.values_list("page__number", flat=True)) == [2, 3]


def public_teasers(client, page_url: str) -> list[str]:
    content = client.get(page_url).content.decode()
    items = re.findall(r'<li class="teaser">(.*?)</li>', content, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


@pytest.mark.parametrize(
    ("name", "teasers"),
    [
        (
            "2020-12-03-p1.txt",
            [
                "“走向我们的小康生活” 张强:种优质苗木 走致富之路 ▶ 详见二版",
                "综合新闻 我区实行慢病全链条全周期闭环式管理 ▶ 详见二版",
                "专题新闻 擦亮“服务窗口” 助力两个加快 ▶ 详见三版",
            ],
        ),
        (
            "2020-12-29-p1.txt",
            [
                "要闻 一图读懂区委十三届十次全会精神 ▶ 详见二、三版",
                "要闻 全区“两个加快全面决战年”第四次集中现场督查剪影 ▶ 详见四版",
            ],
        ),
    ],
)
def test_imported_teasers_read_on_the_public_page_once_approved(client, editor, name, teasers):
    result = import_file(name, editor)
    page_url = reverse("issues:page-detail", kwargs={"date": result.page.issue.date, "number": 1})
    assert public_teasers(client, page_url) == []  # drafts: readers see nothing yet

    Article.objects.update(status=Article.Status.APPROVED)
    assert public_teasers(client, page_url) == []  # approved, but the issue is not released

    Issue.objects.update(release_at=timezone.now())
    assert public_teasers(client, page_url) == teasers


def test_imported_jumps_link_on_the_public_page_once_approved(client, editor):
    result = import_file("2020-12-29-p1.txt", editor)
    import_file("2020-12-29-p4.txt", editor)
    Article.objects.update(status=Article.Status.APPROVED)
    Issue.objects.update(release_at=timezone.now())

    front = client.get(result.page.get_absolute_url()).content.decode()
    inside = client.get(
        reverse("issues:page-detail", kwargs={"date": DEC_29, "number": 4})
    ).content.decode()

    assert front.count("(下转第四版)") == 3
    assert inside.count("(上接第一版)") == 3
    assert "全会号召，全区各级党组织" in inside and "全会号召，全区各级党组织" not in front


# --- Nothing of the text is lost --------------------------------------------------------------


def saved_text(page: Page) -> str:
    """Everything the database holds from one page's text: its stories, teasers and slogans."""
    parts = [page.slogans]
    for placement in page.placements.select_related("article"):
        article = placement.article
        parts += [article.kicker, article.headline, article.subheadline, article.dateline]
        parts += [html.unescape(re.sub(r"<[^>]+>", "", article.body)), article.byline]
    for teaser in page.teasers.all():
        parts += [teaser.label, teaser.headline]
    return re.sub(r"\s", "", "".join(parts))


@pytest.mark.parametrize("name", ["2020-12-03-p1.txt", "2020-12-29-p1.txt"])
def test_page_import_saves_every_character_of_the_text(editor, name):
    result = import_file(name, editor)
    page = Page.objects.get(pk=result.page.pk)
    source = [
        re.sub(r"\s|\*\*", "", JUMP_LINE.sub("", line))
        for line in sample(name).splitlines()
        if not line.strip().startswith("▶")
    ]
    # The masthead (the paper's name, its publishers) is the paper's, not the page's: reported, not saved.
    masthead = re.sub(r"\s", "", "".join(result.parsed.masthead))

    assert Counter(saved_text(page) + masthead) == Counter("".join(source))
    sentences = [s for line in source for s in re.split(r"(?<=[。！？])", line) if s]
    assert [sentence for sentence in sentences if sentence not in saved_text(page) + masthead] == []
    assert result.parsed.masthead[0] == "金坛时报" and result.parsed.masthead[-1].startswith(
        "主办："
    )


# --- Re-import updates, never duplicates ------------------------------------------------------


def counts() -> dict:
    models = [Issue, Page, Article, Placement, Jump, Teaser]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize("name", ["2020-12-03-p1.txt", "2020-12-29-p1.txt"])
def test_page_import_again_updates_and_never_duplicates(editor, name):
    first = import_file(name, editor)
    before, rows = counts(), stories_on(first.page)

    again = import_file(name, editor)

    assert counts() == before
    assert again.created == [] and len(again.updated) == len(first.stories)
    assert [story.article.pk for story in again.stories] == [
        story.article.pk for story in first.stories
    ]
    assert stories_on(again.page) == rows


def test_page_import_again_with_a_corrected_headline_split_updates_the_same_story(editor):
    first = import_file("2020-12-03-p1.txt", editor)
    text = sample("2020-12-03-p1.txt").replace(
        "我区部署集中宣讲工作 区委成立十九届五中全会精神宣讲团",
        "我区部署集中宣讲工作区委成立十九届五中全会精神宣讲团",
    )

    again = page_import(text=text, date=DEC_3, page_number=1, user=editor)

    assert again.stories[1].article.pk == first.stories[1].article.pk
    assert again.stories[1].article.subheadline == ""


def test_page_import_again_with_a_changed_headline_finds_the_story_by_its_opening(editor):
    first = import_file("2020-12-03-p1.txt", editor)
    text = sample("2020-12-03-p1.txt").replace(
        "常州市人大常委会领导来坛调研经济工作", "市人大常委会领导来我区调研"
    )

    again = page_import(text=text, date=DEC_3, page_number=1, user=editor)

    assert again.stories[2].article.pk == first.stories[2].article.pk
    assert Article.objects.filter(headline="市人大常委会领导来我区调研").count() == 1


def test_page_import_again_takes_a_story_no_longer_in_the_text_off_the_page(editor):
    first = import_file("2020-12-03-p1.txt", editor)
    notice = first.stories[4].article
    text = sample("2020-12-03-p1.txt").split("《政风热线》直播预告")[0]

    again = page_import(text=text, date=DEC_3, page_number=1, user=editor)

    assert [placement.article for placement in again.removed] == [notice]
    assert not notice.placements.exists()
    assert Article.objects.filter(pk=notice.pk).exists()  # the writing is kept


def test_page_import_keeps_a_story_placed_by_hand_after_the_imported_ones(editor):
    issue_page = import_file("2020-12-03-p1.txt", editor).page
    by_hand = PlacementFactory(page=issue_page, article=ArticleFactory(), order=0)

    import_file("2020-12-03-p1.txt", editor)

    by_hand.refresh_from_db()
    assert by_hand.order == 6


# --- One transaction --------------------------------------------------------------------------


def test_page_import_dry_run_writes_nothing(editor):
    result = import_file("2020-12-03-p1.txt", editor, dry_run=True)
    assert len(result.stories) == 5 and len(result.teasers) == 3
    assert set(counts().values()) == {0}


def test_page_import_failing_late_changes_nothing(editor, monkeypatch):
    import_file("2020-12-29-p1.txt", editor)
    before = counts()
    bodies = sorted(Article.objects.values_list("headline", "body", "version"))
    rebuild, calls = importer._rebuild_body, []

    def rebuild_then_fail(article, issue):
        # The last of page 4's stories fails: the first three are joined up by then.
        calls.append(article)
        if len(calls) == 4:
            raise RuntimeError("the database went away")
        rebuild(article, issue)

    monkeypatch.setattr(importer, "_rebuild_body", rebuild_then_fail)
    with pytest.raises(RuntimeError):
        import_file("2020-12-29-p4.txt", editor)

    assert len(calls) == 4
    assert counts() == before
    assert sorted(Article.objects.values_list("headline", "body", "version")) == bodies
    assert not Placement.objects.filter(page__number=4, imported_paragraphs__isnull=False).exists()


def test_page_import_failing_at_the_teasers_leaves_no_issue_behind(editor, monkeypatch):
    def broken_teaser(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The teasers come last: by then the issue, pages, stories and jumps are written.
    monkeypatch.setattr(importer, "_import_teaser", broken_teaser)
    with pytest.raises(RuntimeError):
        import_file("2020-12-03-p1.txt", editor)

    assert set(counts().values()) == {0}


def test_page_import_refuses_a_story_too_long_to_save_and_saves_nothing(editor):
    text = "**" + "长" * 210 + "**\n本报评论员\n\n正文一段。\n"
    with pytest.raises(ValidationError) as raised:
        page_import(text=text, date=DEC_3, page_number=1, user=editor)
    assert "长长长" in " ".join(raised.value.messages)
    assert set(counts().values()) == {0}


@pytest.mark.parametrize("text", ["金坛时报\n\n数字微报\n", "\n\n"])
def test_page_import_refuses_text_without_stories(editor, text):
    with pytest.raises(PageTextError) as raised:
        page_import(text=text, date=DEC_3, page_number=1, user=editor)
    assert raised.value.code == "no_stories"
    assert set(counts().values()) == {0}


def test_page_import_makes_an_unreleased_issue_with_the_next_numbers(editor):
    import_file("2020-12-03-p1.txt", editor)
    result = import_file("2020-12-29-p1.txt", editor)
    issue = result.page.issue
    assert result.issue_created and (issue.number, issue.total_number) == (2, 2)
    # The chief editor releases it from the assembly screen; an import never does.
    assert issue.release_at is None


def test_page_import_again_without_the_jump_line_removes_the_jump_and_its_empty_part(editor):
    import_file("2020-12-03-p1.txt", editor)
    text = sample("2020-12-03-p1.txt").replace(
        "推动产业和城市融合发展。(下转第二版)", "推动产业和城市融合发展。"
    )

    page_import(text=text, date=DEC_3, page_number=1, user=editor)

    first = Article.objects.get(headline="争当转型升级先锋 打造新兴产业高地 建设北部产业新城")
    assert not Jump.objects.filter(placement__article=first).exists()
    assert list(first.placements.values_list("page__number", flat=True)) == [1]
    assert Jump.objects.count() == 1  # the other story still jumps


def test_page_import_again_with_another_jump_target_moves_the_empty_part(editor):
    import_file("2020-12-03-p1.txt", editor)
    text = sample("2020-12-03-p1.txt").replace(
        "推动产业和城市融合发展。(下转第二版)", "推动产业和城市融合发展。(下转第五版)"
    )

    page_import(text=text, date=DEC_3, page_number=1, user=editor)

    first = Article.objects.get(headline="争当转型升级先锋 打造新兴产业高地 建设北部产业新城")
    assert sorted(first.placements.values_list("page__number", flat=True)) == [1, 5]
    assert Jump.objects.get(placement__article=first).to_page.number == 5
