"""proofing_check on every save of a story's text or a photo's caption (admin, importer, scripts)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, Photo
from articles.proofing.services import proofing_check

# A save that only moves the story through review changes no text: nothing to check again.
REVIEW_ONLY = {"status", "updated_at", "version"}


@receiver(post_save, sender=Article, dispatch_uid="proofing_check_on_article_save")
def proofing_check_on_article_save(sender, instance: Article, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= REVIEW_ONLY):
        return
    proofing_check(article=instance)


@receiver(post_save, sender=Photo, dispatch_uid="proofing_check_on_caption_save")
def proofing_check_on_caption_save(sender, instance: Photo, raw: bool = False, **kwargs) -> None:
    if not raw and instance.article_id:
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
