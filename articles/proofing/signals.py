"""proofing_check on every save of a story's text or a photo's caption (admin, importer, scripts)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, Photo
from articles.proofing.services import proofing_check
from articles.services import TEXT_FIELDS


@receiver(post_save, sender=Article, dispatch_uid="proofing_check_on_article_save")
def proofing_check_on_article_save(sender, instance: Article, raw: bool = False, update_fields=None, **kwargs) -> None:
    # A save naming its fields and none of the text (a review step, a version bump) has nothing new to check.
    if raw or (update_fields is not None and set(update_fields).isdisjoint(TEXT_FIELDS)):
        return
    proofing_check(article=instance)


@receiver(post_save, sender=Photo, dispatch_uid="proofing_check_on_caption_save")
def proofing_check_on_caption_save(sender, instance: Photo, raw: bool = False, update_fields=None, **kwargs) -> None:
    # Renditions and other saves that name their fields without the caption change no text.
    if raw or not instance.article_id or (update_fields is not None and "caption" not in update_fields):
        return
    proofing_check(article=instance.article)


@receiver(post_delete, sender=Photo, dispatch_uid="proofing_check_on_photo_delete")
def proofing_check_on_photo_delete(sender, instance: Photo, **kwargs) -> None:
    if not instance.article_id:
        return
    article_id = instance.article_id

    def check() -> None:
        # After the commit: a photo deleted with its story leaves no story to check.
        article = Article.objects.filter(pk=article_id).first()
        if article is not None:
            proofing_check(article=article)

    transaction.on_commit(check)
