"""A placed story that leaves 'approved' takes back the sign-off of the open pages it stands on.

The sign-off attests a page as it stands, stories included. An approved story edited, restored or
withdrawn is logged as a review step (a Transition); the receiver below clears the sign-off of
every page of an open issue that carries it, so the chief signs off the page again once the story
is approved again. Released pages are the redaction's business (issues/redaction.py).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article, Transition
from issues.models import IssueQuerySet, Page
from issues.services import page_sign_off_clear


@receiver(post_save, sender=Transition, dispatch_uid="issues_story_left_approval")
def story_left_approval(sender, instance: Transition, created: bool, raw: bool = False, **kwargs) -> None:
    approved = Article.Status.APPROVED
    if created and not raw and instance.from_status == approved and instance.to_status != approved:
        pages = Page.objects.filter(IssueQuerySet.open_q("issue__"), placements__article=instance.article_id)
        page_sign_off_clear(pages=list(pages))
