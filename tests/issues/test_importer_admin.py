import datetime
import html
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from articles.models import Article
from issues.desk import import_page as admin_import
from issues.demo import DEMO_DIR
from issues.models import Issue, Jump, Page, Placement, Teaser
from tests.factories import IssueFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/issues/page/import/"
JINKEYUAN = (DEMO_DIR / "2020-12-03-p1.txt").read_text(encoding="utf-8")
PLENARY = (DEMO_DIR / "2020-12-29-p1.txt").read_text(encoding="utf-8")


@pytest.fixture
def editor_client(client):
    """A desk editor with the two rights importing needs, and no more."""
    editor = UserFactory(username="bianji", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["issues", "articles"],
            codename__in=[
                "add_placement",
                "add_article",
                "view_page",
                "change_page",
                "view_issue",
                "change_issue",
            ],
        )
    )
    client.force_login(editor)
    client.user = editor
    return client


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in [Issue, Page, Article, Placement, Jump, Teaser]
    }


def form(**overrides) -> dict:
    return {
        "text": JINKEYUAN,
        "date": "2020-12-03",
        "page": "1",
        "name": "要闻",
        "_preview": "1",
        **overrides,
    }


def upload(data: bytes, name: str = "2020-12-03-p1.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def textarea(content: str) -> str:
    match = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', content, re.S)
    return match.group(1).strip() if match else ""


def preview_of(content: str) -> str:
    """The preview section alone, without the text being edited."""
    return content.split('id="preview"', 1)[1] if 'id="preview"' in content else ""


def test_import_url_is_reversible():
    assert reverse("admin:issues_page_import") == IMPORT_URL


# --- Who may import ---------------------------------------------------------------------------


def test_import_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.parametrize("codenames", [[], ["add_placement"], ["add_article"]])
def test_import_page_refuses_staff_without_both_rights(client, codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, form(_save="1")).status_code == 403
    assert set(counts().values()) == {0}


def test_import_page_opens_for_an_editor_with_the_rights(editor_client):
    response = editor_client.get(IMPORT_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "导入版面文字" in content and 'name="file"' in content and 'name="_preview"' in content
    assert 'name="_save"' not in content  # saving comes after a preview


def test_page_and_issue_admin_link_to_the_import_page(editor_client):
    page = PageFactory(
        issue=IssueFactory(date=datetime.date(2020, 12, 3)), number=2, name="综合新闻"
    )

    page_list = editor_client.get(reverse("admin:issues_page_changelist")).content.decode()
    page_form = editor_client.get(
        reverse("admin:issues_page_change", args=[page.pk])
    ).content.decode()
    issue_form = editor_client.get(
        reverse("admin:issues_issue_change", args=[page.issue.pk])
    ).content.decode()

    assert f'href="{IMPORT_URL}"' in page_list
    assert (
        f"{IMPORT_URL}?date=2020-12-03&amp;page=2&amp;name=%E7%BB%BC%E5%90%88%E6%96%B0%E9%97%BB"
        in page_form
    )
    assert f"{IMPORT_URL}?date=2020-12-03" in issue_form


def test_import_page_link_is_hidden_from_staff_without_the_rights(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_page"))
    client.force_login(user)
    assert IMPORT_URL not in client.get(reverse("admin:issues_page_changelist")).content.decode()


def test_import_page_starts_from_the_page_it_was_opened_from(editor_client):
    content = editor_client.get(
        IMPORT_URL + "?date=2020-12-03&page=2&name=综合新闻"
    ).content.decode()
    assert (
        'value="2020-12-03"' in content and 'value="2"' in content and 'value="综合新闻"' in content
    )


# --- Preview: what the text holds, nothing saved ----------------------------------------------


def test_preview_shows_the_stories_and_saves_nothing(editor_client):
    response = editor_client.post(IMPORT_URL, form())
    content = response.content.decode()

    assert response.status_code == 200
    assert set(counts().values()) == {0}
    assert "预览：尚未保存任何内容" in content
    for headline in [
        "争当转型升级先锋 打造新兴产业高地 建设北部产业新城",
        "我区部署集中宣讲工作",
        "常州市人大常委会领导来坛调研经济工作",
        "加快转型升级 狠抓科技创新",
        "《政风热线》直播预告",
    ]:
        assert f'<strong class="headline">{headline}</strong>' in content
    assert '<div class="kicker">区委常委会集体调研金科园、金城镇工作</div>' in content
    assert '<div class="subheadline">区委成立十九届五中全会精神宣讲团</div>' in content
    assert "马晓璇" in content and "左燕" in content
    assert preview_of(content).count("(下转第二版)") == 2
    assert '<td class="opening">12月1日,区委常委会集体调研金科园、金城镇工作,区委...' in content
    assert "▶ 详见三版" in content and "擦亮“服务窗口” 助力两个加快" in content
    assert "践行嘱托开新局" in content and "报头（不保存）" in content
    assert 'name="_save"' in content


def test_preview_marks_what_the_parser_was_unsure_of(editor_client):
    content = editor_client.post(IMPORT_URL, form()).content.decode()
    rows = re.findall(r'<tr class="story( uncertain)?">', content)
    assert rows == ["", " uncertain", "", "", ""]
    assert "⚠ 标题拆分是推测的：第一部分作主题，其余作副题。" in content
    assert "有 1 处需要核对" in content


def test_preview_shows_teasers_to_two_pages_and_jumps_to_page_four(editor_client):
    content = editor_client.post(IMPORT_URL, form(text=PLENARY, date="2020-12-29")).content.decode()
    assert "▶ 详见二、三版" in content and "▶ 详见四版" in content
    assert preview_of(content).count("(下转第四版)") == 3
    assert "⚠ 排在评论标题之前的段落已归入该评论。" in content


def test_preview_of_an_upload_puts_its_text_in_the_box_to_correct(editor_client):
    response = editor_client.post(IMPORT_URL, form(text="", file=upload(JINKEYUAN.encode())))
    content = response.content.decode()
    assert "我区部署集中宣讲工作 区委成立十九届五中全会精神宣讲团" in textarea(content)
    assert '<strong class="headline">我区部署集中宣讲工作</strong>' in content


def test_preview_again_after_correcting_the_text(editor_client):
    corrected = JINKEYUAN.replace(
        "我区部署集中宣讲工作 区委成立十九届五中全会精神宣讲团", "区委成立十九届五中全会精神宣讲团"
    )
    content = editor_client.post(IMPORT_URL, form(text=corrected)).content.decode()
    assert '<strong class="headline">区委成立十九届五中全会精神宣讲团</strong>' in content
    assert "⚠" not in content


def test_preview_says_which_stories_an_import_would_update(editor_client):
    editor_client.post(IMPORT_URL, form(_save="1"))
    content = editor_client.post(IMPORT_URL, form()).content.decode()
    assert content.count('<td class="state">更新</td>') == 5


# --- Save -------------------------------------------------------------------------------------


def test_save_imports_the_page_and_opens_it_in_the_admin(editor_client):
    response = editor_client.post(IMPORT_URL, form(_save="1"))

    page = Page.objects.get(issue__date=datetime.date(2020, 12, 3), number=1)
    assert response.status_code == 302
    assert response.url == reverse("admin:issues_page_change", args=[page.pk])
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "2020-12-03 第一版 要闻：新建 8 篇，更新 0 篇，转版 2 处，导读 3 条，图片说明 0 条，待核对 1 处。"
    ]
    assert page.placements.count() == 5
    assert set(Article.objects.values_list("reporter__username", "status")) == {("bianji", "draft")}


def test_save_twice_updates_and_never_duplicates(editor_client):
    editor_client.post(IMPORT_URL, form(_save="1"))
    before = counts()
    editor_client.post(IMPORT_URL, form(_save="1"))
    assert counts() == before


def test_save_that_fails_keeps_the_text_and_saves_nothing(editor_client):
    too_long = "**" + "长" * 210 + "**\n本报评论员\n\n正文一段。\n"
    response = editor_client.post(IMPORT_URL, form(text=too_long, _save="1"))
    content = response.content.decode()

    assert response.status_code == 200
    assert "无法保存" in content and "请改正下面的错误；没有保存任何内容。" in content
    assert "长" * 210 in textarea(content)
    assert set(counts().values()) == {0}


# --- Bad input: a clear message, what was typed kept ------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "这不是文本文件。请把版面导出为纯文本。"),
        (b"PK\x03\x04\x14\x00\x06\x00", "这不是文本文件。请把版面导出为纯文本。"),
        (b"\xef\xbb\xbf", "版面文字是空的。"),
        (b" \r\n\t\n", "版面文字是空的。"),
        (b"\x80\x80\xff page", "版面文字的编码既不是 UTF-8，也不是 GBK/GB18030。"),
        (b"x" * (1024 * 1024 + 1), "文件有 1024 KB；一个版面的文字远没有这么大（上限 1024 KB）。"),
    ],
    ids=["png", "docx", "empty", "whitespace", "undecodable", "too-large"],
)
def test_bad_upload_is_refused_with_its_reason_keeping_what_was_typed(editor_client, data, message):
    typed = "我区部署集中宣讲工作\n\n本报讯 昨天下午,我区召开动员会。"
    response = editor_client.post(
        IMPORT_URL, form(text=typed, page="3", name="专题新闻", file=upload(data))
    )
    content = response.content.decode()

    assert response.status_code == 200
    assert message in content
    assert textarea(content) == typed
    assert (
        'value="3"' in content and 'value="专题新闻"' in content and 'value="2020-12-03"' in content
    )
    assert set(counts().values()) == {0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请上传文本文件，或粘贴版面文字。"),
        (" \n\u3000\n", "请上传文本文件，或粘贴版面文字。"),
        ("金坛时报\n\n数字微报", "没有找到稿件"),
    ],
)
def test_bad_paste_is_refused_with_a_message(editor_client, text, message):
    for action in ("_preview", "_save"):
        content = editor_client.post(IMPORT_URL, form(text=text, **{action: "1"})).content.decode()
        assert message in content
    assert set(counts().values()) == {0}


def test_missing_date_and_page_are_refused_keeping_the_text(editor_client):
    content = editor_client.post(IMPORT_URL, form(date="", page="100")).content.decode()
    assert content.count('class="errorlist') >= 2
    assert textarea(content).startswith("金坛时报")
    assert set(counts().values()) == {0}


def test_gbk_upload_is_converted_and_said_so(editor_client):
    # GBK has no ▶: a GBK layout system prints another arrow.
    gbk = JINKEYUAN.replace("▶", "→").encode("gbk")
    content = editor_client.post(IMPORT_URL, form(text="", file=upload(gbk))).content.decode()

    assert "文件是 GBK/GB18030 编码，已转换为 UTF-8。" in content
    assert '<strong class="headline">常州市人大常委会领导来坛调研经济工作</strong>' in content
    assert "区委常委会集体调研金科园" in textarea(content)  # now UTF-8 in the box, ready to save
    assert preview_of(content).count("▶ 详见") == 3


def test_gbk_upload_then_save_imports_the_converted_text(editor_client):
    gbk = JINKEYUAN.replace("▶", "→").encode("gbk")
    response = editor_client.post(IMPORT_URL, form(text="", file=upload(gbk), _save="1"))
    assert "文件是 GBK/GB18030 编码，已转换为 UTF-8。" in [
        str(message) for message in get_messages(response.wsgi_request)
    ]
    assert Page.objects.get(number=1).placements.count() == 5
    assert Article.objects.filter(
        headline="常州市人大常委会领导来坛调研经济工作", byline="左燕"
    ).exists()


def test_save_colliding_with_another_import_asks_to_try_again(editor_client, monkeypatch):
    def collide(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: issues_issue.date")

    monkeypatch.setattr(admin_import, "page_import", collide)
    content = editor_client.post(IMPORT_URL, form(_save="1")).content.decode()
    assert "有人在同一时刻修改了这一期，请重试。" in content
    assert textarea(content).startswith("金坛时报")


@pytest.mark.parametrize("changelist", ["admin:issues_issue_changelist", "admin:issues_page_changelist"])
def test_issue_and_page_lists_offer_the_import(editor_client, changelist):
    content = editor_client.get(reverse(changelist)).content.decode()
    assert f'href="{IMPORT_URL}"' in content and "导入版面文字" in content


# --- Corrections in the preview: merge, split, mark a line; nothing saved until Save --------------

FEATURE = (Path(__file__).parent / "pages" / "feature.txt").read_text(encoding="utf-8")
BRIEFS = (Path(__file__).parent / "pages" / "briefs.txt").read_text(encoding="utf-8")


def line_of(text: str, start: str) -> int:
    return next(number for number, line in enumerate(text.splitlines()) if line.startswith(start))


def marks_field(content: str) -> str:
    match = re.search(r'<input type="hidden" name="marks" value="([^"]*)"', content)
    return html.unescape(match.group(1)) if match else ""


def reading(content: str) -> list[str]:
    """The story headings of the block-by-block reading, in order."""
    return re.findall(r'<div class="story-reading" id="reading-\d+">\s*<h4>\d+\. ([^<\n]+)', content)


def test_preview_of_a_feature_page_shows_one_story_its_subheads_and_captions(editor_client):
    content = editor_client.post(IMPORT_URL, form(text=FEATURE, page="3", name="专题")).content.decode()
    assert reading(content) == ["薛埠镇：一年奋斗路 茶乡再出发"]
    assert content.count('<li class="block-subhead">') == 2
    assert content.count('<li class="block-caption">') == 3
    assert "识别为：专题版。" in content
    assert "3 条图片说明将成为图片记录，图片待补。" in content
    assert set(counts().values()) == {0}


def test_split_at_a_subhead_then_merge_back_saves_nothing_until_save(editor_client):
    split = f"{line_of(FEATURE, '明年打算')}:headline"
    content = editor_client.post(IMPORT_URL, form(text=FEATURE, page="3", mark=split)).content.decode()
    assert reading(content) == ["薛埠镇：一年奋斗路 茶乡再出发", "明年打算"]
    assert "已更正识别结果 1 处，保存时生效。" in content
    assert set(counts().values()) == {0}

    merge = f"{line_of(FEATURE, '明年打算')}:subhead"
    content = editor_client.post(
        IMPORT_URL, form(text=FEATURE, page="3", marks=marks_field(content), mark=merge)
    ).content.decode()
    assert reading(content) == ["薛埠镇：一年奋斗路 茶乡再出发"]
    assert set(counts().values()) == {0}


def test_save_keeps_the_corrections_made_in_the_preview(editor_client):
    merge = f"{line_of(BRIEFS, '儒林镇举办农民丰收节')}:subhead"
    content = editor_client.post(IMPORT_URL, form(text=BRIEFS, page="6", mark=merge)).content.decode()
    response = editor_client.post(
        IMPORT_URL, form(text=BRIEFS, page="6", marks=marks_field(content), _save="1")
    )
    assert response.status_code == 302
    page = Page.objects.get(number=6)
    bodies = [p.article.body for p in page.placements.select_related("article").order_by("order")]
    assert len(bodies) == 4 and "<h3>儒林镇举办农民丰收节</h3>" in bodies[0]


def test_a_mark_button_previews_again_even_next_to_save(editor_client):
    mark = f"{line_of(BRIEFS, '儒林镇举办农民丰收节')}:subhead"
    response = editor_client.post(IMPORT_URL, form(text=BRIEFS, page="6", mark=mark, _save="1"))
    assert response.status_code == 200 and set(counts().values()) == {0}


def test_corrections_are_cleared_when_the_text_changed_and_nothing_is_saved(editor_client):
    mark = f"{line_of(BRIEFS, '儒林镇举办农民丰收节')}:subhead"
    content = editor_client.post(IMPORT_URL, form(text=BRIEFS, page="6", mark=mark)).content.decode()
    changed = "简讯\n\n" + BRIEFS  # every line moved down: the marks would hit the wrong lines
    response = editor_client.post(
        IMPORT_URL, form(text=changed, page="6", marks=marks_field(content), _save="1")
    )
    content = response.content.decode()
    assert response.status_code == 200 and set(counts().values()) == {0}
    assert "您更正之后文字又改动了，更正已清除" in content
    assert len(reading(content)) == 5


def test_unplaced_text_is_listed_with_buttons_to_place_it(editor_client):
    text = "会议召开\n\n本报讯 会议召开。 左燕\n\n金坛\n\n狠抓科技创新\n\n本报讯 会议要求加快发展。\n"
    content = editor_client.post(IMPORT_URL, form(text=text, page="2")).content.decode()
    assert '<ol class="reading" id="preview-unplaced">' in content
    assert 'value="4:paragraph"' in content
    content = editor_client.post(IMPORT_URL, form(text=text, page="2", mark="4:headline")).content.decode()
    assert 'id="preview-unplaced"' not in content


def test_saving_captions_needs_the_right_to_add_photos(editor_client):
    response = editor_client.post(IMPORT_URL, form(text=FEATURE, page="3", _save="1"))
    assert response.status_code == 200
    assert "本版有图片说明，但您无权添加图片" in response.content.decode()
    assert set(counts().values()) == {0}


# --- A page PDF in the desk -------------------------------------------------------------------


def pdf_upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("p3.pdf", data, content_type="application/pdf")


def test_a_page_pdf_previews_its_stories_and_saves_them_with_zones_and_image(editor_client):
    from tests.helpers import page_pdf
    from tests.issues.test_pagepdf import BRIEF

    second = {"headline": "儒林镇举办农民丰收节", "paragraphs": ["本报讯 儒林镇昨天举办农民丰收节，展示本地特色农产品200余种。"]}
    data, _boxes = page_pdf([BRIEF, second], columns=3)
    content = editor_client.post(IMPORT_URL, form(text="", page="3", file=pdf_upload(data))).content.decode()
    assert "来自 PDF：按文字块画出 2 个热区，并生成版面图。" in content
    assert reading(content) == ["我区开展冬季消防检查", "儒林镇举办农民丰收节"]
    assert set(counts().values()) == {0}

    response = editor_client.post(
        IMPORT_URL,
        form(text=textarea(html.unescape(content)), page="3", marks=marks_field(content),
             pdf=re.search(r'name="pdf" value="([^"]*)"', content).group(1), _save="1"),
    )
    assert response.status_code == 302
    page = Page.objects.get(number=3)
    assert page.image and page.pdf
    assert page.placements.filter(hot_zones__isnull=False).distinct().count() == 2


def test_a_page_pdf_without_text_is_refused_with_the_reason(editor_client):
    from tests.helpers import line_art_pdf

    content = editor_client.post(
        IMPORT_URL, form(text="", page="3", file=pdf_upload(line_art_pdf(operators=2000)))
    ).content.decode()
    assert "这个 PDF 没有文字层" in content and set(counts().values()) == {0}


def test_a_page_pdf_whose_text_was_edited_imports_as_text_and_says_so(editor_client):
    from tests.helpers import page_pdf
    from tests.issues.test_pagepdf import BRIEF

    data, _boxes = page_pdf([BRIEF], columns=2)
    content = editor_client.post(IMPORT_URL, form(text="", page="3", file=pdf_upload(data))).content.decode()
    edited = textarea(html.unescape(content)).replace("冬季消防检查", "冬季消防安全检查")
    response = editor_client.post(
        IMPORT_URL,
        form(text=edited, page="3", pdf=re.search(r'name="pdf" value="([^"]*)"', content).group(1), _save="1"),
        follow=True,
    )
    assert "因此按文本导入" in response.content.decode()
    page = Page.objects.get(number=3)
    assert not page.image and page.placements.count() == 1
