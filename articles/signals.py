"""Keep the search index in step with articles, their tags and where they are printed."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from articles.models import Article
from articles.search import search_document_update, search_document_update_issue_dates


@receiver(post_save, sender=Article, dispatch_uid="articles_search_article_saved")
def article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures are loaded as they are; rebuild_search_index indexes them
        search_document_update(article=instance)


@receiver(m2m_changed, sender=TaggedItem, dispatch_uid="articles_search_tags_added")
def tags_added(sender, instance, action: str, **kwargs) -> None:
    # Removals arrive as TaggedItem deletions below, also when a tag itself is deleted.
    if action == "post_add" and isinstance(instance, Article):
        search_document_update(article=instance)


@receiver(post_delete, sender=TaggedItem, dispatch_uid="articles_search_tag_removed")
def tag_removed(sender, instance: TaggedItem, **kwargs) -> None:
    # While an article is being deleted its document may already be gone: leave it gone.
    article = Article.objects.filter(
        pk=instance.object_id, search_document__isnull=False
    ).first() if _is_article(instance) else None
    if article is not None:
        search_document_update(article=article)


@receiver(post_save, sender=Tag, dispatch_uid="articles_search_tag_renamed")
def tag_renamed(sender, instance: Tag, created: bool, raw: bool = False, **kwargs) -> None:
    if created or raw:
        return
    for article in Article.objects.filter(tags=instance).prefetch_related("tags"):
        search_document_update(article=article)


@receiver(post_save, sender="issues.Placement", dispatch_uid="articles_search_placement_saved")
@receiver(post_delete, sender="issues.Placement", dispatch_uid="articles_search_placement_deleted")
def placement_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if instance.article_id and not raw:
        search_document_update_issue_dates(article_ids=[instance.article_id])


@receiver(post_save, sender="issues.Issue", dispatch_uid="articles_search_issue_saved")
def issue_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # A new issue has no placements yet; a changed date moves its stories in the results.
    if not created and not raw:
        article_ids = list(
            Article.objects.filter(placements__page__issue=instance).values_list("pk", flat=True).distinct()
        )
        search_document_update_issue_dates(article_ids=article_ids)


def _is_article(tagged_item: TaggedItem) -> bool:
    from django.contrib.contenttypes.models import ContentType

    return tagged_item.content_type_id == ContentType.objects.get_for_model(Article).pk
