"""Every kind of page reads as a newspaper person reads it, and loses no sentence.

The pages in tests/issues/pages/ were written for these tests, one per kind: a feature page
(专题: one long story with a standfirst, subheads and captions), a photo page (图片新闻), a
briefs page (简讯), an inside news page and a page with a 评论员 commentary.
"""

import datetime
import random
from pathlib import Path

import pytest

from articles.models import Photo
from issues.demo import DEMO_DIR
from issues.importer import page_import
from issues.models import Page
from issues.pagetext import NOTE_NOT_READ, parse_page_text
from tests.helpers import lost_sentences, parsed_texts, saved_texts

PAGES = Path(__file__).parent / "pages"
KINDS = ["feature", "photo", "briefs", "inside-news", "commentary"]
DATE = datetime.date(2020, 12, 3)


def page_text(name: str) -> str:
    return (PAGES / f"{name}.txt").read_text(encoding="utf-8")


def read_whole(text: str, marks: dict[int, str] | None = None):
    """Parse, and check that the rules themselves placed every sentence (not the safety net)."""
    page = parse_page_text(text, marks)
    assert lost_sentences(text, parsed_texts(page)) == []
    assert [item.text for item in page.unplaced if item.reason == NOTE_NOT_READ] == []
    return page


@pytest.mark.parametrize("name", KINDS)
def test_every_kind_of_page_reads_without_losing_a_sentence(name):
    read_whole(page_text(name))


def test_a_feature_page_is_one_story_with_its_subheads_and_captions():
    page = read_whole(page_text("feature"))
    [story] = page.stories
    assert page.kind == "feature"
    assert story.headline == "薛埠镇：一年奋斗路 茶乡再出发"
    assert story.subheads == ["一年回顾", "明年打算"]
    assert [c.text for c in story.captions] == [
        "区领导在薛埠镇茶园查看冬季管护情况",
        "茶农在方麓茶场采摘秋茶",
        "游客在仙姑村民宿前拍照留念",
    ]
    # Each photo stands where its gap was: above the headline, after the 4th block, at the end.
    assert [c.after_paragraph for c in story.captions] == [0, 4, 9]
    assert page.masthead == ["2020年12月3日 星期四", "专题", "责任编辑：王丽"]
    assert page.unplaced == []


def test_a_photo_page_is_photo_news_with_captions_and_credits():
    page = read_whole(page_text("photo"))
    assert page.kind == "photo"
    assert page.stories == []
    assert [(c.text, c.credit) for c in page.captions] == [
        ("12月2日，志愿者在东门大街为市民免费理发。", "记者 马晓璇 摄"),
        ("儒林镇农民在大棚里采摘草莓，冬季草莓陆续上市", ""),
        ("金坛城区夜景 灯光璀璨迎新年", "通讯员 张伟 摄"),
        ("小学生在校园里参加趣味运动会", "记者 左燕 摄"),
    ]


def test_a_briefs_page_makes_one_story_per_brief():
    page = read_whole(page_text("briefs"))
    assert page.kind == "briefs"
    assert [story.headline for story in page.stories] == [
        "我区开展冬季消防检查",
        "儒林镇举办农民丰收节",
        "区图书馆推出夜间开放",
        "全区完成秋播任务",
        "尧塘街道开展义诊活动",
    ]
    assert all(len(story.paragraphs) == 1 and not story.subheads for story in page.stories)


def test_an_inside_news_page_keeps_a_caption_with_its_story():
    page = read_whole(page_text("inside-news"))
    first, second = page.stories
    assert first.byline == "马晓璇"
    assert [c.text for c in first.captions] == ["居民在改造后的小区里散步"]
    assert second.continued_to == 4


def test_a_commentary_page_reads_the_commentary_and_the_story_after_it():
    page = read_whole(page_text("commentary"))
    commentary, story = page.stories
    assert (commentary.kind, commentary.byline, len(commentary.paragraphs)) == ("commentary", "本报评论员", 3)
    assert (story.headline, story.byline) == ("区财政收入稳步增长", "王丽")


def test_a_line_that_fits_no_story_is_flagged_not_dropped():
    text = "会议召开\n\n本报讯 会议召开。 左燕\n\n金坛\n\n狠抓科技创新\n\n本报讯 会议要求加快发展。\n"
    page = read_whole(text)
    assert [story.headline for story in page.stories] == ["会议召开", "狠抓科技创新"]
    assert [(item.text, item.line) for item in page.unplaced] == [("金坛", 4)]


def test_a_caption_above_the_headline_is_not_taken_for_it():
    # The first version took this caption for the story's headline and the headline for a masthead.
    text = "\n\n\n市民在广场参加健步走活动\n\n健步走 迎新年\n\n本报讯 昨天，全区千余名市民参加健步走。\n"
    page = read_whole(text)
    [story] = page.stories
    assert story.headline == "健步走 迎新年"
    assert [c.text for c in story.captions] == ["市民在广场参加健步走活动"]
    assert page.masthead == []


# The editor's marks overrule the reading, line by line.


def test_marking_a_subhead_as_headline_splits_the_story_there():
    text = page_text("feature")
    line = text.splitlines().index("明年打算")
    page = read_whole(text, {line: "headline"})
    assert [story.headline for story in page.stories] == ["薛埠镇：一年奋斗路 茶乡再出发", "明年打算"]


def test_marking_a_headline_as_subhead_merges_two_stories():
    text = page_text("briefs")
    line = text.splitlines().index("儒林镇举办农民丰收节")
    page = read_whole(text, {line: "subhead"})
    assert page.stories[0].subheads == ["儒林镇举办农民丰收节"]
    assert len(page.stories) == 4


def test_marking_a_paragraph_as_story_splits_at_that_paragraph():
    text = page_text("feature")
    line = next(n for n, l in enumerate(text.splitlines()) if l.startswith("人居环境改善"))
    page = read_whole(text, {line: "story"})
    first, second = page.stories
    assert second.headline == "" and second.paragraphs[0].startswith("人居环境改善")


def test_marking_a_caption_as_paragraph_keeps_it_in_the_body():
    text = page_text("feature")
    line = text.splitlines().index("茶农在方麓茶场采摘秋茶")
    page = read_whole(text, {line: "paragraph"})
    [story] = page.stories
    assert "茶农在方麓茶场采摘秋茶" in story.paragraphs
    assert "茶农在方麓茶场采摘秋茶" not in [c.text for c in story.captions]


def test_marking_a_paragraph_as_caption_makes_it_a_photo():
    text = page_text("briefs")
    line = next(n for n, l in enumerate(text.splitlines()) if l.startswith("为方便市民阅读"))
    page = read_whole(text, {line: "caption"})
    assert [c.text for c in page.stories[2].captions] == ["为方便市民阅读，区图书馆自本月起每周五夜间开放至21时。"]


# What the import saves.


@pytest.mark.django_db
@pytest.mark.parametrize("name", KINDS)
def test_every_kind_of_page_saves_every_sentence(name, chief):
    text = page_text(name)
    result = page_import(text=text, date=DATE, page_number=3, user=chief)
    assert lost_sentences(text, saved_texts(result.page, result.parsed.masthead)) == []


@pytest.mark.django_db
def test_a_feature_page_saves_one_story_with_subheads_and_photo_records(chief):
    page_import(text=page_text("feature"), date=DATE, page_number=3, user=chief)
    page = Page.objects.get(issue__date=DATE, number=3)
    [placement] = page.placements.select_related("article")
    body = placement.article.body
    assert body.count("<h3>") == 2 and "<h3>一年回顾</h3>" in body
    assert "茶农在方麓茶场" not in body
    photos = list(placement.article.photos.order_by("order"))
    assert [photo.caption for photo in photos] == [
        "区领导在薛埠镇茶园查看冬季管护情况",
        "茶农在方麓茶场采摘秋茶",
        "游客在仙姑村民宿前拍照留念",
    ]
    assert all(photo.image and photo.width == 800 for photo in photos)  # the stand-in, to replace


@pytest.mark.django_db
def test_a_photo_page_saves_photo_news_and_again_never_twice(chief):
    for _ in range(2):
        page_import(text=page_text("photo"), date=DATE, page_number=5, user=chief)
    page = Page.objects.get(issue__date=DATE, number=5)
    placements = list(page.placements.select_related("photo"))
    assert [(p.photo.caption, p.photo.credit, p.photo.article) for p in placements][0] == (
        "12月2日，志愿者在东门大街为市民免费理发。",
        "记者 马晓璇 摄",
        None,
    )
    assert len(placements) == 4 and Photo.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("name", KINDS)
def test_importing_any_kind_again_updates_and_never_duplicates(name, chief):
    text = page_text(name)
    first = page_import(text=text, date=DATE, page_number=3, user=chief)
    counts = (first.page.placements.count(), Photo.objects.count())
    again = page_import(text=text, date=DATE, page_number=3, user=chief)
    assert again.created == [] and (again.page.placements.count(), Photo.objects.count()) == counts


@pytest.mark.django_db
def test_unplaced_lines_are_saved_as_one_flagged_draft(chief):
    text = "会议召开\n\n本报讯 会议召开。 左燕\n\n金坛\n\n狠抓科技创新\n\n本报讯 会议要求加快发展。\n"
    for _ in range(2):
        result = page_import(text=text, date=DATE, page_number=2, user=chief)
    headlines = [p.article.headline for p in result.page.placements.select_related("article")]
    assert headlines == ["会议召开", "狠抓科技创新", "导入版面时未归属的文字（待核对）"]
    assert result.uncertain_count >= 1


@pytest.mark.django_db
def test_a_preview_saves_no_photo_file(chief, media_root):
    result = page_import(text=page_text("feature"), date=DATE, page_number=3, user=chief, dry_run=True)
    assert result.caption_count == 3
    assert Photo.objects.count() == 0 and not any(media_root.rglob("*.png"))


# Random layouts of real paragraphs: whatever the columns, gaps and subheads, nothing is lost.


def _sample_paragraphs() -> list[str]:
    paragraphs = []
    for name in ("2020-12-03-p1.txt", "2020-12-29-p1.txt"):
        for story in parse_page_text((DEMO_DIR / name).read_text(encoding="utf-8")).stories:
            paragraphs += [p for p in story.paragraphs if len(p) > 20]
    return paragraphs


HEADLINES = ["我区召开冬季安全生产会议", "金沙广场迎来新年灯会", "茶农喜迎丰收季", "全区推进垃圾分类"]
SUBHEADS = ["一年回顾", "明年打算", "二、抓好落实", "群众点赞"]
CAPTIONS = ["市民在广场观看演出", "12月2日，志愿者为老人理发", "工人在车间赶制订单 记者 左燕 摄"]


def _cut_into_columns(paragraph: str, rng: random.Random) -> list[str]:
    """A paragraph as a column layout prints it: cut at random places, blank lines between."""
    cuts = sorted(rng.sample(range(1, len(paragraph)), k=min(rng.randint(0, 3), len(paragraph) - 1)))
    bounds = [0, *cuts, len(paragraph)]
    return [paragraph[a:b] for a, b in zip(bounds, bounds[1:]) if paragraph[a:b].strip()]


def random_page(seed: int) -> str:
    rng = random.Random(seed)
    pool = _sample_paragraphs()
    rng.shuffle(pool)
    lines: list[str] = []
    for story in range(rng.randint(1, 4)):
        lines += [rng.choice(HEADLINES), ""]
        for index in range(rng.randint(1, 5)):
            if index and rng.random() < 0.2:
                lines += [rng.choice(SUBHEADS), ""]
            prefix = "本报讯 " if index == 0 and rng.random() < 0.6 else ""
            for piece in _cut_into_columns(prefix + pool.pop(), rng):
                lines += [piece, ""]
            if rng.random() < 0.25:
                lines += ["", "", ""] + ([rng.choice(CAPTIONS), ""] if rng.random() < 0.7 else [])
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(60))
def test_no_random_layout_of_real_paragraphs_loses_a_sentence(seed):
    text = random_page(seed)
    page = parse_page_text(text)
    assert lost_sentences(text, parsed_texts(page)) == []
    # The reading rules placed the paragraphs themselves: none fell to the safety net.
    assert [item.text for item in page.unplaced if item.reason == NOTE_NOT_READ] == []


@pytest.mark.django_db
def test_an_imported_caption_holds_final_review_and_the_release_until_its_image_comes(chief, editor, second_editor):
    from django.core.exceptions import ValidationError

    from articles.photos import photo_update
    from articles.services import article_step
    from issues.services import issue_problems
    from articles.roles import EDITOR
    from tests.admin_forms import jpeg
    from tests.factories import role_user

    night_editor = role_user(EDITOR, username="wangli")  # imports the pages: the stories are hers
    page_import(text=page_text("feature"), date=DATE, page_number=3, user=night_editor)
    page_import(text=page_text("photo"), date=DATE, page_number=4, user=night_editor)
    story = Page.objects.get(issue__date=DATE, number=3).placements.get().article
    assert all(photo.image_pending for photo in story.photos.all())
    for step, user in (("submit", night_editor), ("first_review", editor), ("second_review", second_editor)):
        article_step(article=story, user=user, step=step)

    with pytest.raises(ValidationError, match="还在等待补图"):
        article_step(article=story, user=chief, step="approve")
    problems = issue_problems(story.placements.get().page.issue)
    assert [p.kind for p in problems].count("image_pending") == 4  # the photo page's four photo news

    for photo in story.photos.all():
        photo_update(photo=photo, user=night_editor, image=jpeg())
    assert not story.photos.filter(image_pending=True).exists()
    assert article_step(article=story, user=chief, step="approve").status == "approved"
