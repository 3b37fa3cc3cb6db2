import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from issues.demo import DEMO_DIR
from issues.management.commands.importpage import page_file
from issues.models import Issue, Jump, Page, Placement, Teaser
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEC_3 = datetime.date(2020, 12, 3)


@pytest.fixture
def editor():
    return UserFactory(username="bianji", is_staff=True)


def run(*args, **options) -> tuple[str, str]:
    """Run importpage; return what it printed and what went to stderr (the progress bar)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("importpage", *[str(arg) for arg in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in [Issue, Page, Article, Placement, Jump, Teaser]
    }


def copy_sample(tmp_path, name: str, as_name: str | None = None):
    target = tmp_path / (as_name or name)
    shutil.copy(DEMO_DIR / name, target)
    return target


# --- One file ---------------------------------------------------------------------------------


def test_importpage_imports_a_file_and_reports_each_story(tmp_path, editor):
    path = copy_sample(tmp_path, "2020-12-03-p1.txt", "jinkeyuan.txt")

    out, _err = run(
        path, "--date", "2020-12-03", "--page", "1", "--name", "要闻", "--user", "bianji"
    )

    page = Page.objects.get(issue__date=DEC_3, number=1)
    assert page.name == "要闻"
    assert page.placements.count() == 5
    assert (
        "2020-12-03 第一版 要闻：新建 8 篇，更新 0 篇，转版 2 处，导读 3 条，图片说明 0 条，待核对 1 处。" in out
    )
    assert (
        "1. [新建] 区委常委会集体调研金科园、金城镇工作 / 争当转型升级先锋 打造新兴产业高地 建设北部产业新城 — 本报讯, 9 段"
        in out
    )
    assert "下转第二版（该版尚未导入：已放置待补的续文）" in out
    assert "? 标题拆分是推测的：第一部分作主题，其余作副题。" in out
    assert (
        "导读：专题新闻 擦亮“服务窗口” 助力两个加快 ▶ 详见三版 （稿件尚未导入：已放置空白草稿）"
        in out
    )
    assert "通栏口号：践行嘱托开新局 ——争当表率、争做示范、走在前列" in out
    assert "报头（不保存）：金坛时报" in out
    assert "此处原有 1 张图片：请在后台添加。" in out


def test_importpage_reads_date_and_page_from_the_file_name(tmp_path, editor):
    out, _err = run(copy_sample(tmp_path, "2020-12-29-p1.txt"), "--user", "bianji")
    assert (
        Page.objects.get(issue__date=datetime.date(2020, 12, 29), number=1).placements.count() == 3
    )
    assert "下转第四版" in out


def test_importpage_reads_the_page_name_from_the_file_name(tmp_path, editor):
    run(
        copy_sample(tmp_path, "2020-12-03-p2.txt", "2020-12-03-p2-综合新闻.txt"), "--user", "bianji"
    )
    assert Page.objects.get(issue__date=DEC_3, number=2).name == "综合新闻"


def test_importpage_again_updates_and_never_duplicates(tmp_path, editor):
    path = copy_sample(tmp_path, "2020-12-03-p1.txt")
    run(path, "--user", "bianji")
    before = counts()

    out, _err = run(path, "--user", "bianji")

    assert counts() == before
    assert "新建 0 篇，更新 5 篇" in out
    assert "[更新] 我区部署集中宣讲工作" in out


def test_importpage_dry_run_writes_nothing(tmp_path, editor):
    out, _err = run(copy_sample(tmp_path, "2020-12-03-p1.txt"), "--user", "bianji", "--dry-run")
    assert set(counts().values()) == {0}
    assert "新建 8 篇" in out
    assert "试运行：没有保存任何内容。" in out


def test_importpage_uses_the_only_superuser_when_no_user_is_named(tmp_path):
    chief = UserFactory(username="zongbian", is_staff=True, is_superuser=True)
    run(copy_sample(tmp_path, "2020-12-03-p1.txt"))
    assert set(Article.objects.values_list("reporter", flat=True)) == {chief.pk}


def test_importpage_asks_who_owns_the_drafts_when_it_cannot_tell(tmp_path):
    UserFactory(is_superuser=True)
    UserFactory(is_superuser=True)
    with pytest.raises(CommandError, match="--user"):
        run(copy_sample(tmp_path, "2020-12-03-p1.txt"))
    with pytest.raises(CommandError, match="nobody"):
        run(copy_sample(tmp_path, "2020-12-03-p1.txt"), "--user", "nobody")
    assert set(counts().values()) == {0}


def test_importpage_needs_date_and_page_for_a_file_named_otherwise(tmp_path, editor):
    path = copy_sample(tmp_path, "2020-12-03-p1.txt", "page.txt")
    with pytest.raises(CommandError, match="--date"):
        run(path, "--user", "bianji")
    with pytest.raises(CommandError, match="1 到 99"):
        run(path, "--user", "bianji", "--date", "2020-12-03", "--page", "100")
    with pytest.raises(CommandError, match="没有这个文件"):
        run(tmp_path / "missing.txt", "--user", "bianji")


# --- Bad files: a clear message, nothing changed ----------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "这不是文本文件"),
        (b"", "版面文字是空的"),
        (b" \n\t\r\n\n", "版面文字是空的"),
        (b"\x80\x80\xff page", "既不是 UTF-8，也不是 GBK/GB18030"),
        ("金坛时报\n\n数字微报\n".encode(), "没有找到稿件"),
        (b"x" * (1024 * 1024 + 1), "上限 1024 KB"),
    ],
    ids=["binary", "empty", "whitespace", "undecodable", "no-stories", "too-large"],
)
def test_importpage_refuses_a_file_that_is_not_page_text(tmp_path, editor, data, message):
    path = tmp_path / "2020-12-03-p1.txt"
    path.write_bytes(data)
    out = io.StringIO()

    with pytest.raises(CommandError, match="版面未导入"):
        call_command("importpage", str(path), "--user", "bianji", stdout=out, stderr=io.StringIO())

    assert "2020-12-03-p1.txt：未导入。" in out.getvalue() and message in out.getvalue()
    assert set(counts().values()) == {0}


def test_importpage_converts_a_gbk_file_and_says_so(tmp_path, editor):
    # GBK has no ▶: a GBK layout system prints another arrow.
    text = (DEMO_DIR / "2020-12-03-p1.txt").read_text(encoding="utf-8").replace("▶", "→")
    path = tmp_path / "2020-12-03-p1.txt"
    path.write_bytes(text.encode("gbk"))

    out, _err = run(path, "--user", "bianji")

    assert "文件是 GBK/GB18030 编码，已转换为 UTF-8。" in out
    assert list(
        Page.objects.get(number=1)
        .placements.order_by("order")
        .values_list("article__headline", flat=True)
    ) == [
        "争当转型升级先锋 打造新兴产业高地 建设北部产业新城",
        "我区部署集中宣讲工作",
        "常州市人大常委会领导来坛调研经济工作",
        "加快转型升级 狠抓科技创新",
        "《政风热线》直播预告",
    ]
    assert Teaser.objects.count() == 3


# --- A folder of pages ------------------------------------------------------------------------


@pytest.fixture
def demo_folder(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in DEMO_DIR.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "notes.txt").write_text("排版说明\n", encoding="utf-8")
    return folder


def test_importpage_imports_a_folder_with_a_progress_bar(demo_folder, editor):
    out, err = run(demo_folder, "--user", "bianji")

    assert "正在导入版面" in err and "6/6" in err and "100%" in err
    assert "已跳过 notes.txt：文件名不是 2020-12-03-p1.txt 这样的格式。" in err
    assert Issue.objects.count() == 2
    # Every jump found its continuation, every teaser its story: nothing left waiting.
    assert (
        not Placement.objects.filter(imported_paragraphs__isnull=True)
        .exclude(page__issue__date=datetime.date(2020, 12, 29), page__number=3)
        .exists()
    )
    assert Article.objects.count() == 13
    assert (
        out.index("2020-12-03-p1.txt")
        < out.index("2020-12-03-p2.txt")
        < out.index("2020-12-29-p1.txt")
    )
    assert "[接续前版] 区委十三届十次全会举行" in out


def test_importpage_folder_again_changes_nothing(demo_folder, editor):
    run(demo_folder, "--user", "bianji")
    before = counts()
    run(demo_folder, "--user", "bianji")
    assert counts() == before


def test_importpage_folder_dry_run_joins_pages_and_writes_nothing(demo_folder, editor):
    out, _err = run(demo_folder, "--user", "bianji", "--dry-run")
    assert set(counts().values()) == {0}
    assert "[接续前版] 区委十三届十次全会举行" in out  # page 4 saw page 1 within the dry run


def test_importpage_folder_imports_the_good_pages_and_names_the_bad(demo_folder, editor):
    (demo_folder / "2020-12-04-p1.txt").write_bytes(b"%PDF-1.7\n")

    with pytest.raises(CommandError, match="7 个版面中有 1 个未导入"):
        out, _err = run(demo_folder, "--user", "bianji")

    assert Issue.objects.count() == 2
    assert not Issue.objects.filter(date=datetime.date(2020, 12, 4)).exists()


def test_importpage_refuses_date_and_page_for_a_folder(demo_folder, editor):
    with pytest.raises(CommandError, match="文件名"):
        run(demo_folder, "--user", "bianji", "--page", "2")


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("2020-12-03-p1.txt", (DEC_3, 1, "")),
        ("2020-12-03-P12.TXT", (DEC_3, 12, "")),
        ("2020-12-03-p2-综合新闻.txt", (DEC_3, 2, "综合新闻")),
        ("2020-12-03.txt", None),
        ("2020-02-30-p1.txt", None),
        ("2020-12-03-p0.txt", None),
        ("2020-12-03-p1.doc", None),
    ],
)
def test_page_file_reads_date_page_and_name_from_a_file_name(tmp_path, name, found):
    result = page_file(tmp_path / name)
    assert (result and (result.date, result.page, result.name)) == found


# --- Page PDFs and inside pages ---------------------------------------------------------------


def test_importpage_imports_a_page_pdf_with_its_zones(tmp_path, chief):
    from tests.helpers import page_pdf
    from tests.issues.test_pagepdf import BRIEF, FEATURE

    data, _boxes = page_pdf([FEATURE, BRIEF], columns=4)
    path = tmp_path / "2020-12-03-p3-专题.pdf"
    path.write_bytes(data)
    out, _err = run(path, user=chief.username)
    assert "已按 PDF 的文字块画出 2 个热区。" in out
    assert "图片说明：茶农在方麓茶场采摘秋茶（已建图片记录，请在后台补图）" in out
    page = Page.objects.get(issue__date=DEC_3, number=3)
    assert page.name == "专题" and page.image and page.placements.count() == 2


def test_importpage_reports_a_pdf_without_text_and_still_gives_its_image(tmp_path, chief):
    from tests.helpers import line_art_pdf

    path = tmp_path / "2020-12-03-p2.pdf"
    path.write_bytes(line_art_pdf(operators=2000))
    out, _err = run(path, user=chief.username)
    assert "这个 PDF 没有文字层" in out
    assert Page.objects.get(number=2).image


def test_importpage_dry_run_of_captions_writes_no_photo_file(tmp_path, chief, media_root):
    path = tmp_path / "2020-12-03-p5.txt"
    path.write_text((Path(__file__).parent / "pages" / "photo.txt").read_text(encoding="utf-8"))
    out, _err = run(path, user=chief.username, dry_run=True)
    assert "图片新闻：儒林镇农民在大棚里采摘草莓，冬季草莓陆续上市（请在后台补图）" in out
    assert not Page.objects.exists() and not any(media_root.rglob("*.png"))
