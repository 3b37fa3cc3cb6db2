"""Photos, through one door: filing, changing, deleting and correcting a photo (its services).

A photo of a story changes with its story: only while the user may edit the story
(articles.rules.can_edit); a change to an approved but unreleased story sends it back to 终审;
a published story's photo changes only through a correction of its caption (更正), which readers
see. Photo news (a photo with no article, placed on a page by itself) needs
articles.edit_photo_news, and once its page is released it too changes only by correction.
The admin's photo screens and the photo inline of the article form call these, and nothing else
writes a photo.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Correction, Photo, Transition
from articles.rules import can_edit, is_published
from articles.services import article_log, article_reopen
from newsroom.images.renditions import discard_written_files, rendition_files

# What a photo's form may change; the image, its sizes and renditions follow the upload.
PHOTO_FIELDS = ("article", "image", "caption", "credit", "order")


def photo_refusal(user: AbstractBaseUser, *, article: Article | None, photo: Photo | None = None) -> Exception | None:
    """Why this user may not file or change a photo of ``article`` (None: photo news) now; None if they may."""
    if article is not None:
        if can_edit(user, article):
            return None
        if is_published(article):
            return ValidationError(
                _("“{headline}” is published: its photos change only through a correction of the caption (更正).").format(
                    headline=article.headline
                ),
                code="published",
            )
        return PermissionDenied(
            _("You cannot change the photos of “{headline}” now.").format(headline=article.headline)
        )
    if not user.has_perm("articles.edit_photo_news"):
        return PermissionDenied(_("Only editors can file and change photo news (a photo without an article)."))
    if photo is not None and can_correct_caption(photo):
        return ValidationError(
            _("This photo news is on a released page: its caption changes only through a correction (更正)."),
            code="published",
        )
    return None


def pending_image_refusal(*, article: Article) -> ValidationError | None:
    """Why 终审 must wait for a photo's image: a caption imported with its page stands before a grey stand-in."""
    if article.photos.filter(image_pending=True).exists():
        return ValidationError(
            _("A photo of this story is still waiting for its image (imported with its caption only): "
              "add the image or delete the photo before 终审."),
            code="image_pending",
        )
    return None


def can_correct_caption(photo: Photo) -> bool:
    """Whether readers can see this photo now (PhotoQuerySet.published), so its caption changes only by correction."""
    return photo.pk is not None and Photo.objects.published().filter(pk=photo.pk).exists()


def can_change_photo(user: AbstractBaseUser, photo: Photo) -> bool:
    """Whether photo_update and photo_delete would let this user change this photo now."""
    return photo_refusal(user, article=photo.article, photo=photo) is None


def _photo_news_pages_change(photo: Photo) -> None:
    """Photo news stands on its pages by itself: a change to it is a change to those pages.

    So the issue's guard decides (a scheduled issue is refused; a released one was refused
    above), and the pages lose their sign-off, as for any other change to a page.
    """
    from issues.models import Page  # lazy: issues stands above articles
    from issues.services import issue_check_open, page_sign_off_clear

    pages = list(Page.objects.filter(placements__photo=photo.pk).select_related("issue"))
    for page in pages:
        issue_check_open(page.issue)
    page_sign_off_clear(pages=pages)


def _refuse(user: AbstractBaseUser, *, article: Article | None, photo: Photo | None = None) -> None:
    refusal = photo_refusal(user, article=article, photo=photo)
    if refusal is not None:
        raise refusal


def _locked_article(article: Article | None) -> Article | None:
    # Locked, so a review step cannot pass between the check and the change.
    return None if article is None else Article.objects.select_for_update().get(pk=article.pk)


def _locked_photo(photo: Photo) -> tuple[Photo, Article | None]:
    """The photo's row and its story's, locked story first (as the article form locks them)."""
    article_id = Photo.objects.filter(pk=photo.pk).values_list("article_id", flat=True).get()
    article = _locked_article(Article(pk=article_id)) if article_id else None
    current = Photo.objects.select_for_update().get(pk=photo.pk)
    if current.article_id != article_id:  # moved to another story meanwhile
        article = _locked_article(current.article)
    current.article = article
    return current, article


def _reopen_if_approved(article: Article | None, user: AbstractBaseUser) -> None:
    """A changed photo of an approved story sends the story back to 终审, hidden until approved again."""
    if article is not None and article.status == Article.Status.APPROVED:
        article_reopen(article=article, user=user)


@contextmanager
def _files_removed_on_error(photo: Photo) -> Iterator[None]:
    """If the service fails after the photo's save wrote files (a new master, its renditions), remove them.

    The service's transaction rolls the row back; nothing else would remove the files. (A failure
    later in a caller's own transaction, after the service returned, can still leave them.)
    """
    try:
        yield
    except BaseException:
        discard_written_files(photo)
        raise


def _delete_files_on_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


@transaction.atomic
def photo_create(
    *,
    user: AbstractBaseUser,
    article: Article | None,
    image,
    caption: str = "",
    credit: str = "",
    order: int = 0,
    image_pending: bool = False,
) -> Photo:
    """File a photo with a story (or, without one, as photo news); ``image_pending`` for a stand-in image."""
    if not user.has_perm("articles.add_photo"):
        raise PermissionDenied(_("You cannot add photos."))
    locked = _locked_article(article)
    _refuse(user, article=locked)
    photo = Photo(
        article=locked, image=image, caption=caption, credit=credit, order=order, image_pending=image_pending
    )
    with _files_removed_on_error(photo):
        photo.full_clean()
        photo.save()
        _reopen_if_approved(locked, user)
    return photo


@transaction.atomic
def photo_update(*, photo: Photo, user: AbstractBaseUser, **changes) -> Photo:
    """Change a photo's image, caption, credit, order or story; both its old and new story must be editable."""
    unknown = set(changes) - set(PHOTO_FIELDS)
    if unknown:
        raise ValueError(f"Not photo fields: {sorted(unknown)}")
    if not user.has_perm("articles.change_photo"):
        raise PermissionDenied(_("You cannot change photos."))
    current, old_article = _locked_photo(photo)
    _refuse(user, article=old_article, photo=current)
    if old_article is None:
        _photo_news_pages_change(current)
    new_article = old_article
    if "article" in changes and getattr(changes["article"], "pk", None) != current.article_id:
        new_article = _locked_article(changes["article"])
        _refuse(user, article=new_article, photo=current)
    old_image = current.image.name
    for name, value in changes.items():
        setattr(current, name, value)
    if "image" in changes and current.image.name != old_image:
        current.image_pending = False  # the real image has come
    current.article = new_article
    with _files_removed_on_error(current):
        current.full_clean()
        current.save()
        for article in {old_article, new_article} - {None}:
            _reopen_if_approved(article, user)
    if current.image.name != old_image:
        # The old master is no one's once the change commits; its renditions go with the save.
        _delete_files_on_commit([old_image])
    return current


@transaction.atomic
def photo_delete(*, photo: Photo, user: AbstractBaseUser) -> None:
    """Remove a photo and, once that commits, its files."""
    if not user.has_perm("articles.delete_photo"):
        raise PermissionDenied(_("You cannot delete photos."))
    current, article = _locked_photo(photo)
    _refuse(user, article=article, photo=current)
    if article is None:
        _photo_news_pages_change(current)
    files = [current.image.name, *rendition_files(current.renditions)]
    current.delete()
    _delete_files_on_commit(files)
    _reopen_if_approved(article, user)


@transaction.atomic
def photo_caption_correct(*, photo: Photo, user: AbstractBaseUser, caption: str, note: str) -> Correction:
    """更正 of a caption readers can see: the new caption, and a dated note under the story (or photo news)."""
    if not user.has_perm("articles.correct_article"):
        raise PermissionDenied(_("Only editors can correct articles."))
    current, article = _locked_photo(photo)
    if not can_correct_caption(current):
        raise ValidationError(
            _("Only a photo readers can see is corrected; edit an unreleased one instead."),
            code="not_published",
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell readers what was corrected.")}, code="required")
    current.caption = caption
    current.full_clean()
    current.save(update_fields=["caption"])
    correction = Correction(article=article, photo=current, note=note, corrected_by=user)
    correction.full_clean()
    correction.save()
    if article is not None:
        article_log(article, user=user, action=Transition.Action.CORRECT, from_status=article.status, comment=note)
    photo.caption = caption
    return correction
