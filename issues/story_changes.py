"""What a placed story's review step does to its pages: the sign-off, and 撤稿 on the page files.

The sign-off attests a page as it stands, stories included. An approved story edited, restored or
withdrawn is logged as a review step (a Transition); the first receiver below clears the sign-off
of every page of an open issue that carries it, so the chief signs off the page again once the
story is approved again. The second redacts every page a withdrawn story ran on, released ones
too (issues/redaction.py says how; ``issues.services.page_redact_withdrawn`` writes it).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article, Transition
from issues.models import IssueQuerySet, Page
from issues.services import page_sign_off_clear, pages_redact_for


@receiver(post_save, sender=Transition, dispatch_uid="issues_story_left_approval")
def story_left_approval(sender, instance: Transition, created: bool, raw: bool = False, **kwargs) -> None:
    approved = Article.Status.APPROVED
    if created and not raw and instance.from_status == approved and instance.to_status != approved:
        pages = Page.objects.filter(IssueQuerySet.open_q("issue__"), placements__article=instance.article_id)
        page_sign_off_clear(pages=list(pages))


@receiver(post_save, sender=Transition, dispatch_uid="issues_redact_withdrawn_story")
def story_withdrawn(sender, instance: Transition, created: bool, raw: bool = False, **kwargs) -> None:
    """The WITHDRAW step of articles.services.article_withdraw, logged: redact the pages it ran on."""
    if created and not raw and instance.action == Transition.Action.WITHDRAW:
        pages_redact_for(article=instance.article)
