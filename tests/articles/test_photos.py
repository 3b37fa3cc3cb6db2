"""Photos as cameras make them, through one door: the admin's forms, the services, the page."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Photo, Transition
from articles.photos import photo_caption_correct, photo_create, photo_update
from articles.roles import CHIEF, EDITOR, REPORTER
from tests.admin_forms import article_form, inline_management, jpeg
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory, role_user

pytestmark = pytest.mark.django_db


def photo_row(photo: Photo, index: int = 0, **overrides) -> dict:
    """One existing photo of the article form's inline, as the browser posts it back."""
    data = {
        f"photos-{index}-id": str(photo.pk),
        f"photos-{index}-article": str(photo.article_id),
        f"photos-{index}-caption": photo.caption,
        f"photos-{index}-credit": photo.credit,
        f"photos-{index}-order": str(photo.order),
    }
    data.update({f"photos-{index}-{key}": value for key, value in overrides.items()})
    return data


def test_article_with_a_photo_can_be_saved_four_times_through_its_change_form(reporter_client, media_root):
    add = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1", "photos-0-caption": "现场"})
    add["photos-0-image"] = jpeg(400, 300)
    response = reporter_client.post(reverse("admin:articles_article_add"), {**add, "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])

    for round, change in enumerate([{}, {"caption": "新的图片说明"}, {"image": jpeg(500, 400)}, {}]):
        article.refresh_from_db()
        photo = article.photos.get()
        data = article_form(
            known_version=str(article.version),
            **inline_management("photos", total=1, initial=1),
            **photo_row(photo, **change),
        )
        response = reporter_client.post(url, {**data, "_continue": "1"})
        assert response.status_code == 302, (round, response.content.decode()[:3000])

    photo = Photo.objects.get()
    assert photo.caption == "新的图片说明"
    assert (photo.width, photo.height) == (500, 400)
    assert photo.image.storage.exists(photo.image.name)
    assert photo.renditions["source"] == photo.image.name


# --- Helpers -------------------------------------------------------------------------------------


def login(client, role: str, **kwargs):
    user = role_user(role, **kwargs)
    client.force_login(user)
    client.user = user
    return user


def published_story(reporter=None, **kwargs) -> Article:
    """An approved story on page 1 of a released issue, with one photo."""
    story = ArticleFactory(approved=True, **({"reporter": reporter} if reporter else {}), **kwargs)
    PlacementFactory(page=PageFactory(issue=IssueFactory(released=True), number=1), article=story)
    PhotoFactory(article=story, caption="原来的图片说明")
    return story


def photo_news_on(page, caption: str = "秋收时节，田间一片金黄。") -> Photo:
    photo = PhotoFactory(article=None, caption=caption, credit="记者 马晓璇")
    PlacementFactory(page=page, article=None, photo=photo)
    return photo


def photo_form(photo: Photo | None = None, **overrides) -> dict:
    data = {
        "article": str(photo.article_id) if photo and photo.article_id else "",
        "caption": photo.caption if photo else "新的图片说明",
        "credit": photo.credit if photo else "记者 左燕",
        "order": str(photo.order) if photo else "0",
    }
    data.update(overrides)
    return data


# --- One door: a published story's photos change only by correction ------------------------------


def test_reporter_cannot_replace_a_published_storys_photo_through_the_photo_screen(client, media_root):
    reporter = login(client, REPORTER)
    story = published_story(reporter=reporter)
    photo = story.photos.get()
    old_image = photo.image.name

    response = client.post(
        reverse("admin:articles_photo_change", args=[photo.pk]),
        photo_form(photo, caption="偷偷改的说明", image=jpeg(300, 200)),
    )

    assert response.status_code == 403
    photo.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("原来的图片说明", old_image)
    story.refresh_from_db()
    assert story.status == Article.Status.APPROVED


def test_reporter_cannot_add_a_photo_to_a_published_story(client):
    reporter = login(client, REPORTER)
    story = published_story(reporter=reporter)

    response = client.post(
        reverse("admin:articles_photo_add"), photo_form(article=str(story.pk), image=jpeg(300, 200))
    )

    assert response.status_code == 200
    assert "更正" in response.content.decode()
    assert story.photos.count() == 1


def test_nobody_deletes_a_published_storys_photo_one_by_one_or_in_bulk(client):
    login(client, CHIEF)
    story = published_story()
    photo = story.photos.get()

    one = client.post(reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:articles_photo_changelist"),
        {"action": "delete_selected", "_selected_action": [str(photo.pk)], "post": "yes"},
    )

    assert one.status_code == 403
    assert bulk.status_code in (200, 403)
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_bulk_delete_of_draft_photos_goes_through_the_photo_services(client, media_root, django_capture_on_commit_callbacks):
    reporter = login(client, REPORTER)
    photos = PhotoFactory.create_batch(2, article=ArticleFactory(reporter=reporter))
    files = [photo.image.path for photo in photos]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_photo_changelist"),
            {"action": "delete_selected", "_selected_action": [str(p.pk) for p in photos], "post": "yes"},
        )

    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert not any(__import__("os").path.exists(path) for path in files)


def test_changing_a_photo_of_an_approved_unreleased_story_sends_it_back_to_final_review(client):
    editor = login(client, EDITOR)
    story = ArticleFactory(approved=True)
    photo = PhotoFactory(article=story)

    response = client.post(
        reverse("admin:articles_photo_change", args=[photo.pk]), photo_form(photo, caption="改过的说明")
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.SECOND_PASSED
    step = story.transitions.get()
    assert (step.actor, step.action) == (editor, Transition.Action.EDIT)


def test_photo_services_refuse_a_story_the_user_may_not_edit():
    reporter = role_user(REPORTER)
    others = ArticleFactory()  # someone else's draft

    with pytest.raises(PermissionDenied):
        photo_create(user=reporter, article=others, image=jpeg(64, 48))
    with pytest.raises(PermissionDenied):
        photo_update(photo=PhotoFactory(article=others), user=reporter, caption="不是我的")


def test_a_photo_service_that_fails_after_writing_files_leaves_none(media_root, monkeypatch):
    import articles.photos

    editor = role_user(EDITOR)
    story = ArticleFactory(approved=True)

    def fail(**kwargs):
        raise RuntimeError("the review log could not be written")

    monkeypatch.setattr(articles.photos, "article_reopen", fail)
    with pytest.raises(RuntimeError):
        photo_create(user=editor, article=story, image=jpeg(800, 600))

    assert not Photo.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_a_replaced_photo_keeps_its_old_files_until_the_change_commits(django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    reporter = role_user(REPORTER)
    photo = PhotoFactory(article=ArticleFactory(reporter=reporter))
    old = [photo.image.name, *[size["jpeg"] for size in photo.renditions["sizes"]]]

    with django_capture_on_commit_callbacks() as callbacks:
        photo = photo_update(photo=photo, user=reporter, image=jpeg(300, 200))
    assert all(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(size["webp"]) for size in photo.renditions["sizes"])
    for callback in callbacks:
        callback()

    assert not any(default_storage.exists(name) for name in old)
    assert default_storage.exists(photo.image.name)


# --- Photo news ---------------------------------------------------------------------------------


def test_reporter_cannot_file_photo_news(client):
    login(client, REPORTER)

    response = client.post(reverse("admin:articles_photo_add"), photo_form(image=jpeg(300, 200)))

    assert response.status_code == 200
    assert "只有编辑可以发布和修改图片新闻" in response.content.decode()
    assert not Photo.objects.exists()


def test_editor_files_photo_news(client):
    login(client, EDITOR)

    response = client.post(reverse("admin:articles_photo_add"), photo_form(image=jpeg(300, 200)))

    assert response.status_code == 302
    assert Photo.objects.get().article is None


def test_photo_news_on_a_released_page_changes_only_by_correction(client):
    login(client, CHIEF)
    photo = photo_news_on(PageFactory(issue=IssueFactory(released=True), number=1))

    response = client.post(
        reverse("admin:articles_photo_change", args=[photo.pk]), photo_form(photo, caption="偷偷改的说明")
    )

    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.caption == "秋收时节，田间一片金黄。"


def test_reporter_does_not_see_other_reporters_draft_photos(client):
    login(client, REPORTER)
    PhotoFactory(article=ArticleFactory(), caption="别人草稿里的秘密图片说明")
    PhotoFactory(article=ArticleFactory(reporter=client.user), caption="我自己的图片说明")

    listing = client.get(reverse("admin:articles_photo_changelist")).content.decode()
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "issues", "model_name": "placement", "field_name": "photo", "term": "图片说明"},
    )

    assert "我自己的图片说明" in listing and "别人草稿里的秘密图片说明" not in listing
    found = [result["text"] for result in autocomplete.json()["results"]]
    assert found == ["我自己的图片说明"]


# --- Corrections of captions --------------------------------------------------------------------


def test_published_caption_is_corrected_and_readers_see_the_note_on_the_article_and_its_page(client):
    story = published_story()
    photo = story.photos.get()
    editor = login(client, EDITOR)

    response = client.post(
        reverse("admin:articles_photo_correct", args=[photo.pk]),
        {"caption": "区长在项目现场督查。", "note": "原图片说明误将区长写作副区长，现已更正。"},
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "区长在项目现场督查。"
    assert story.transitions.get().action == Transition.Action.CORRECT
    client.logout()
    article_page = client.get(story.get_absolute_url()).content.decode()
    page_view = client.get(story.placements.get().page.get_absolute_url()).content.decode()
    for content in (article_page, page_view):
        assert "区长在项目现场督查。" in content
        assert "原图片说明误将区长写作副区长，现已更正。" in content
    assert editor.article_corrections.get().photo == photo


def test_photo_news_caption_correction_shows_under_the_photo_on_its_page(client):
    page = PageFactory(issue=IssueFactory(released=True), number=1)
    photo = photo_news_on(page)
    editor = role_user(EDITOR)

    photo_caption_correct(photo=photo, user=editor, caption="秋分时节，田间一片金黄。", note="原说明节气有误。")

    content = client.get(page.get_absolute_url()).content.decode()
    assert "秋分时节" in content and "原说明节气有误。" in content


def test_an_unreleased_photo_is_edited_not_corrected():
    photo = PhotoFactory(article=ArticleFactory(approved=True))

    with pytest.raises(ValidationError):
        photo_caption_correct(photo=photo, user=role_user(EDITOR), caption="新说明", note="说明")


def test_page_view_shows_a_corrected_storys_note_at_a_constant_query_count(
    client, django_assert_num_queries, public_cache_off, settings
):
    from articles.services import article_correct

    # Every story part drawn each time: a stored part skips its photos' query (tests/test_fragments.py).
    settings.NEWSROOM["PUBLIC_CACHE"]["FRAGMENTS"] = False
    editor = role_user(EDITOR)
    page = PageFactory(issue=IssueFactory(released=True), number=1)
    stories = [PlacementFactory(page=page).article for _ in range(3)]
    article_correct(article=stories[0], user=editor, note="第一条更正。", headline="更正后的标题一")
    client.get(page.get_absolute_url())  # warm the session-less caches (site settings, translations)

    with CaptureQueriesContext(connection) as one:
        first = client.get(page.get_absolute_url()).content.decode()
    for story in stories[1:]:
        article_correct(article=story, user=editor, note=f"更正{story.pk}。", headline=f"新标题{story.pk}")
    with django_assert_num_queries(len(one.captured_queries)):
        every = client.get(page.get_absolute_url()).content.decode()

    assert "第一条更正。" in first
    assert all(f"更正{story.pk}。" in every for story in stories[1:])


# --- A photo chosen on a form that fails is kept --------------------------------------------------


def test_photo_chosen_on_a_failing_article_form_is_kept_and_saved_with_the_next_try(reporter_client, media_root):
    data = article_form(headline="", **inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = jpeg(400, 300)

    failed = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert failed.status_code == 200
    content = failed.content.decode()
    assert "已保留您上次选择的照片：photo.jpg" in content
    token = re.search(r'name="photos-0-image-kept" value="([^"]+)"', content).group(1)
    again = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1", "photos-0-image-kept": token})
    saved = reporter_client.post(reverse("admin:articles_article_add"), again)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    photo = Photo.objects.get()
    assert photo.image.name.startswith("photos/") and (photo.width, photo.height) == (400, 300)


def test_a_forged_kept_photo_token_is_ignored(reporter_client):
    data = article_form(
        **inline_management("photos", total=1),
        **{"photos-0-order": "1", "photos-0-image-kept": "stash/../../etc/passwd"},
    )

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200  # the photo form still needs its image
    assert not Photo.objects.exists()


def test_changing_a_photo_on_the_form_of_an_approved_unreleased_story_sends_it_back_once(client):
    login(client, EDITOR)
    story = ArticleFactory(approved=True, headline="我区实行慢病全链条全周期闭环式管理", byline="左燕",
                           body="<p>近日，我区推行慢性病闭环式管理。</p>")
    photo = PhotoFactory(article=story)
    data = article_form(
        known_version=str(story.version),
        **inline_management("photos", total=1, initial=1),
        **photo_row(photo, caption="改过的图片说明"),
    )
    data.pop("status")

    response = client.post(reverse("admin:articles_article_change", args=[story.pk]), data, follow=True)

    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == Article.Status.SECOND_PASSED
    assert story.transitions.count() == 1
    assert response.content.decode().count("修改后退回值班总编终审") == 1
    assert story.photos.get().caption == "改过的图片说明"


def test_clearstash_removes_kept_uploads_older_than_a_day(media_root):
    import os
    import time

    from django.core.management import call_command

    from articles.desk.photo_forms import stash_upload, stashed_upload

    old, fresh = stash_upload(jpeg(64, 48)), stash_upload(jpeg(64, 48))
    old_path = media_root / stashed_upload(old).stash_name
    day_ago = time.time() - 25 * 3600
    os.utime(old_path, (day_ago, day_ago))

    call_command("clearstash", stdout=open(os.devnull, "w"))

    assert not old_path.exists()
    assert stashed_upload(fresh) is not None


def test_a_published_storys_form_offers_a_caption_correction_for_each_photo(client):
    story = published_story()
    login(client, EDITOR)

    content = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()

    assert reverse("admin:articles_photo_correct", args=[story.photos.get().pk]) in content


def test_photo_chosen_on_the_photo_screen_is_kept_when_another_field_fails(client):
    login(client, EDITOR)

    failed = client.post(reverse("admin:articles_photo_add"), photo_form(image=jpeg(300, 200), credit="记" * 101))
    token = re.search(r'name="image-kept" value="([^"]+)"', failed.content.decode()).group(1)
    saved = client.post(reverse("admin:articles_photo_add"), photo_form(**{"image-kept": token}))

    assert saved.status_code == 302
    assert (Photo.objects.get().width, Photo.objects.get().height) == (300, 200)


def test_photo_news_on_a_scheduled_page_changes_only_after_the_release_is_called_back(editor):
    import datetime

    from django.utils import timezone

    from tests.factories import IssueFactory, PageFactory, PhotoFactory, PlacementFactory

    news = PhotoFactory(article=None, caption="长荡湖晨雾")
    page = PageFactory(issue=IssueFactory(release_at=timezone.now() + datetime.timedelta(hours=6)))
    PlacementFactory(page=page, article=None, photo=news)

    with pytest.raises(ValidationError) as refused:
        photo_update(photo=news, user=editor, caption="改过的说明")

    assert "撤回定时发布" in " ".join(refused.value.messages)
    news.refresh_from_db()
    assert news.caption == "长荡湖晨雾"


def test_photo_news_changed_on_an_open_page_takes_the_pages_sign_off_back(editor):
    from django.utils import timezone

    from tests.factories import IssueFactory, PageFactory, PhotoFactory, PlacementFactory

    news = PhotoFactory(article=None, caption="长荡湖晨雾")
    page = PageFactory(issue=IssueFactory(release_at=None), signed_off_at=timezone.now(), signed_off_by=editor)
    PlacementFactory(page=page, article=None, photo=news)

    photo_update(photo=news, user=editor, caption="冬日清晨的长荡湖")

    page.refresh_from_db()
    assert page.signed_off_at is None
