"""An imported caption's photo in Chromium: the page came with the caption, not the image, so the
story carries a grey stand-in marked 待补图片. 终审 is refused on the page while it waits; the
editor opens the photo from the photo list, uploads the real image, saves, saves again; the mark is
gone from the list, and the chief approves.

It takes the pictures of the 待补图片 step of docs/manual/editor.md (bin/screenshots).
"""

import datetime

import pytest
from PIL import Image
from selenium.webdriver.common.by import By

from articles.models import Article
from articles.roles import EDITOR
from articles.services import article_step
from issues.importer import page_import
from tests.browser.steps import click_button, follow, log_in, screenshot
from tests.factories import role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
HEADLINE = "薛埠镇：一年奋斗路 茶乡再出发"
CAPTION = "区领导在薛埠镇茶园查看冬季管护情况"
# A page of one story whose photo's caption came with the text (the image is still at the studio).
PAGE = f"""2020年12月3日 星期四
专题
责任编辑：王丽



{CAPTION} 记者 左燕 摄

{HEADLINE}

今年，薛埠镇围绕“茶旅融合”主线，抓项目、强产业、优环境，全镇经济社会发展交出了一份亮眼的答卷。

项目建设提速。全年新开工亿元以上项目6个，竣工投产4个，完成固定资产投资18亿元。

产业结构优化。茶叶种植面积稳定在3万亩，“茅山青峰”品牌价值进一步提升，带动茶农户均增收8000元。

本报记者 左燕
"""


def open_article(browser, article: Article) -> None:
    browser.get(f"{browser.live_server_url}/admin/articles/article/{article.pk}/change/")


def message(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".messagelist").text


def test_a_photo_waiting_for_its_image_holds_final_review_until_the_editor_uploads_it(browser, desk_people, tmp_path):
    night_editor = role_user(EDITOR, username="wangli", first_name="王丽")  # imports the page: the story is hers
    page_import(text=PAGE, date=datetime.date(2020, 12, 3), page_number=3, page_name="专题", user=night_editor)
    story = Article.objects.get(headline=HEADLINE)
    photo = story.photos.get()
    assert photo.image_pending
    for step, user in (("submit", night_editor), ("first_review", desk_people["editor"]),
                       ("second_review", desk_people["editor2"])):
        article_step(article=story, user=user, step=step)

    # The chief sees the grey stand-in marked on the story, and 终审 is refused with the reason.
    log_in(browser, "zhiban", PASSWORD)
    open_article(browser, story)
    assert "待补图片" in browser.find_element(By.ID, "photos-group").text
    click_button(browser, "终审通过")
    assert "还在等待补图" in message(browser)
    story.refresh_from_db()
    assert story.status == Article.Status.SECOND_PASSED
    screenshot(browser, "chief-approve-photo-pending.png")

    # The editor finds the photo in the photo list under 待补图片 and opens it.
    log_in(browser, "maxiaoxuan", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/articles/photo/?image_pending__exact=1")
    listed = browser.find_element(By.ID, "result_list")
    assert CAPTION in listed.text
    assert listed.find_element(By.CSS_SELECTOR, "tbody td.field-pending").text == "待补图片"
    screenshot(browser, "editor-photo-pending-list.png")
    follow(browser, listed.find_element(By.PARTIAL_LINK_TEXT, CAPTION[:10]))

    # The real photo, a small JPEG from the studio: chosen, saved (and continue), then saved again.
    real = tmp_path / "茶园.jpg"
    Image.new("RGB", (640, 427), (40, 120, 60)).save(real, "JPEG")
    browser.find_element(By.ID, "id_image").send_keys(str(real))
    screenshot(browser, "editor-photo-pending.png")
    follow(browser, browser.find_element(By.NAME, "_continue"))
    assert "成功" in message(browser), browser.page_source[:3000]
    photo.refresh_from_db()
    assert not photo.image_pending and photo.image.name.endswith(".jpg")
    follow(browser, browser.find_element(By.NAME, "_save"))
    assert "成功" in message(browser)

    # Back on the list under 待补图片, it is no longer there; the whole list shows it without the mark.
    assert "image_pending__exact=1" in browser.current_url
    assert CAPTION not in browser.find_element(By.ID, "changelist").text
    browser.get(f"{browser.live_server_url}/admin/articles/photo/")
    row = browser.find_element(By.XPATH, f"//table[@id='result_list']/tbody/tr[contains(., '{CAPTION[:10]}')]")
    assert "待补图片" not in row.find_element(By.CSS_SELECTOR, "td.field-pending").text

    # The chief approves.
    log_in(browser, "zhiban", PASSWORD)
    open_article(browser, story)
    assert "待补图片" not in browser.find_element(By.ID, "photos-group").text
    click_button(browser, "终审通过")
    story.refresh_from_db()
    assert story.status == Article.Status.APPROVED, message(browser)
