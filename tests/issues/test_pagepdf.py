"""Importing a page from its PDF: text in reading order, the same parts as the text export, hot zones.

The PDFs are written by the tests with reportlab in several layouts (two to six columns, a
vertical headline, captions under photos), from the text of the test pages.
"""

import datetime

import pypdfium2
import pytest

from issues.importer import NO_TEXT_LAYER, page_import_pdf
from issues.models import HotZone, Page
from issues.pagepdf import read_page_layout
from issues.pagetext import Subhead, parse_page_text
from tests.helpers import line_art_pdf, lost_sentences, page_pdf, parsed_texts, saved_texts

DATE = datetime.date(2020, 12, 3)
FEATURE = {
    "headline": "薛埠镇：一年奋斗路 茶乡再出发",
    "paragraphs": [
        "今年，薛埠镇围绕“茶旅融合”主线，抓项目、强产业、优环境，全镇经济社会发展交出了一份亮眼的答卷。",
        "项目建设提速。全年新开工亿元以上项目6个，竣工投产4个，完成固定资产投资18亿元。",
        "产业结构优化。茶叶种植面积稳定在3万亩，“茅山青峰”品牌价值进一步提升，带动茶农户均增收8000元。",
        "明年，薛埠镇将继续做强茶产业，推进全域旅游，力争游客接待量突破300万人次。",
        "同时，全镇将加快集镇改造，完善公共服务设施，让群众生活更加便利、更加舒心。",
    ],
    "subheads": {1: "一年回顾", 3: "明年打算"},
    "caption": "茶农在方麓茶场采摘秋茶",
}
BRIEF = {
    "headline": "我区开展冬季消防检查",
    "paragraphs": [
        "本报讯 12月1日起，区消防救援大队对全区人员密集场所开展冬季消防安全检查。",
        "检查发现隐患32处，已全部督促整改到位。",
    ],
}
# How far (as a share of the page) a zone may stand from the box the story was drawn in.
ZONE_TOLERANCE = 0.03


def source_text(stories: list[dict]) -> str:
    lines = []
    for story in stories:
        lines.append(story["headline"].replace(" ", ""))
        for index, paragraph in enumerate(story["paragraphs"]):
            lines += [story.get("subheads", {}).get(index, ""), paragraph]
        lines.append(story.get("caption", ""))
    return "\n".join(line for line in lines if line)


def read(data: bytes):
    layout = read_page_layout(pypdfium2.PdfDocument(data))
    return layout, parse_page_text(layout.text, layout.marks)


@pytest.mark.parametrize("columns", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("vertical", [False, True])
def test_a_page_pdf_reads_its_stories_in_reading_order(columns, vertical):
    data, _boxes = page_pdf([FEATURE, BRIEF], columns=columns, vertical_headline=vertical)
    layout, page = read(data)
    assert layout.has_text
    feature, brief = page.stories
    assert feature.headline.replace(" ", "") == "薛埠镇：一年奋斗路茶乡再出发"
    assert feature.subheads == ["一年回顾", "明年打算"]
    assert [p for p in feature.paragraphs if not isinstance(p, Subhead)] == FEATURE["paragraphs"]
    assert [c.text for c in feature.captions] == ["茶农在方麓茶场采摘秋茶"]
    assert (brief.headline, brief.dateline, len(brief.paragraphs)) == ("我区开展冬季消防检查", "本报讯", 2)
    assert lost_sentences(source_text([FEATURE, BRIEF]), parsed_texts(page)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("columns,vertical", [(2, False), (4, True), (6, False)])
def test_importing_a_page_pdf_saves_its_stories_zones_and_image(columns, vertical, chief):
    data, boxes = page_pdf([FEATURE, BRIEF], columns=columns, vertical_headline=vertical)
    outcome = page_import_pdf(pdf=data, date=DATE, page_number=3, user=chief)
    page = Page.objects.get(issue__date=DATE, number=3)
    assert lost_sentences(source_text([FEATURE, BRIEF]), saved_texts(page)) == []
    assert page.image and page.pdf and outcome.image_attached
    zones = list(HotZone.objects.filter(placement__page=page).order_by("placement__order"))
    assert len(zones) == 2
    for zone, expected in zip(zones, boxes):
        assert (zone.x, zone.y, zone.width, zone.height) == pytest.approx(expected, abs=ZONE_TOLERANCE)


@pytest.mark.django_db
def test_importing_a_page_pdf_again_moves_its_zones_and_never_duplicates(chief):
    data, _boxes = page_pdf([FEATURE, BRIEF], columns=3)
    page_import_pdf(pdf=data, date=DATE, page_number=3, user=chief)
    moved, boxes = page_pdf([FEATURE, BRIEF], columns=5)
    again = page_import_pdf(pdf=moved, date=DATE, page_number=3, user=chief)
    assert again.result.created == []
    zones = list(HotZone.objects.filter(placement__page=again.page).order_by("placement__order"))
    assert len(zones) == 2
    assert (zones[1].width) == pytest.approx(boxes[1][2], abs=ZONE_TOLERANCE)


@pytest.mark.django_db
def test_a_pdf_without_a_text_layer_is_refused_for_text_but_gives_the_page_its_image(chief):
    # Fonts turned into outlines leave only paths: thousands of strokes and not one character.
    outcome = page_import_pdf(pdf=line_art_pdf(operators=2000), date=DATE, page_number=2, user=chief)
    assert not outcome.layout.has_text
    assert outcome.refused == str(NO_TEXT_LAYER) and outcome.result is None
    page = Page.objects.get(issue__date=DATE, number=2)
    assert page.image and page.pdf and page.placements.count() == 0


@pytest.mark.django_db
def test_a_dry_run_of_a_page_pdf_saves_nothing(chief):
    data, _boxes = page_pdf([FEATURE], columns=3)
    outcome = page_import_pdf(pdf=data, date=DATE, page_number=3, user=chief, dry_run=True)
    assert len(outcome.zones) == 1 and outcome.result.caption_count == 1
    assert not Page.objects.exists() and not HotZone.objects.exists()
