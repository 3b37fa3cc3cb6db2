"""The desk's home page (/admin/): what waits for the person logged in, by what their role may do.

Reporters: their drafts and the stories sent back to them, with the editor's comment. Editors:
what waits for their 初审 and 二审, and tonight's issue (the next unreleased one) with its
problems. The chief editor: what waits for 终审, pages waiting for sign-off and the next release,
and 网络首发: approved stories readers cannot see yet, and the embargoed ones with their times.
A fixed few queries whatever the number of stories.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.http import urlencode

from articles import workflow
from articles.models import Article, Transition
from articles.rules import visible_articles

Status = Article.Status
# How many of a reporter's own stories the home page lists; the link shows them all.
LISTED = 10


def _changelist(**params) -> str:
    return f"{reverse('admin:articles_article_changelist')}?{urlencode(params)}"


def desk_dashboard(user: AbstractBaseUser) -> dict:
    """The home page's context for this user."""
    articles = visible_articles(user, Article.objects.all())
    queue = workflow.queue_steps(user)
    counts = articles.aggregate(
        drafts=Count("pk", filter=Q(reporter=user.pk, status=Status.DRAFT)),
        sent_back=Count("pk", filter=Q(reporter=user.pk, status=Status.SENT_BACK)),
        **{step.name: Count("pk", filter=workflow.waiting_q(user, step)) for step in queue},
    )
    context = {
        "desk_waiting": [
            {"step": step, "count": counts[step.name], "url": _changelist(waiting=step.name)} for step in queue
        ],
        "desk_files": user.has_perm("articles.add_article"),
    }
    if context["desk_files"]:
        context.update(
            desk_drafts=counts["drafts"],
            desk_drafts_url=_changelist(status__exact=Status.DRAFT, reporter__id__exact=user.pk),
            desk_draft_list=list(
                articles.filter(reporter=user.pk, status=Status.DRAFT).only("pk", "headline")[:LISTED]
            ),
            desk_sent_back=counts["sent_back"],
            desk_sent_back_url=_changelist(status__exact=Status.SENT_BACK, reporter__id__exact=user.pk),
            desk_sent_back_list=_sent_back(articles.filter(reporter=user.pk, status=Status.SENT_BACK)),
        )
    if user.has_perm("issues.view_issue"):
        context.update(_tonight(user))
    if user.has_perm("articles.release_article_online"):
        context.update(_online(articles))
    if user.has_perm("planning.view_storyplan"):
        context.update(_planning(user))
    return context


def _online(articles) -> dict:
    """网络首发: approved stories not yet public and not embargoed, and the embargoed ones, soonest first."""
    waiting = (
        articles.filter(Article.objects.approved_q(), online_at__isnull=True)
        .exclude(pk__in=Article.objects.published().values("pk"))
        .only("pk", "headline")
        .order_by("-updated_at")
    )
    return {
        "desk_online": True,
        "desk_online_waiting": list(waiting[:LISTED]),
        "desk_online_embargoed": list(
            articles.filter(pk__in=Article.objects.waiting_online().values("pk"))
            .only("pk", "headline", "online_at")
            .order_by("online_at")[:LISTED]
        ),
    }


def _planning(user: AbstractBaseUser) -> dict:
    """选题/派题 (articles.planning): my assignments not yet handed in, and the planning screens (one query)."""
    from django.utils import timezone

    from articles.planning.models import StoryPlan

    mine = (
        StoryPlan.objects.active()
        .filter(Q(reporter=user.pk) | Q(photographer=user.pk), issue_date__gte=timezone.localdate())
        .filter(Q(article__isnull=True) | Q(article__status__in=Article.DRAFT_STATES))
        .with_late()
        .only("pk", "slug", "issue_date", "page_number", "deadline", "status")
        .order_by("deadline", "pk")[:LISTED]
    )
    return {
        "desk_plans": list(mine),
        "desk_plans_url": reverse("admin:planning_storyplan_changelist"),
        "desk_budget_url": reverse("admin:planning_storyplan_budget_today"),
        "desk_calendar_url": reverse("admin:planning_storyplan_calendar"),
        "desk_propose_url": reverse("admin:planning_storyplan_add"),
    }


def _sent_back(articles) -> list[Article]:
    """The stories with the latest send-back's comment and time, in one query."""
    latest = Transition.objects.filter(article=OuterRef("pk"), action=workflow.STEP["send_back"].name).order_by("-pk")
    return list(
        articles.annotate(
            sent_back_comment=Subquery(latest.values("comment")[:1]),
            sent_back_at=Subquery(latest.values("at")[:1]),
        )
        .only("pk", "headline")
        .order_by("-updated_at")[:LISTED]
    )


def _tonight(user: AbstractBaseUser) -> dict:
    """Tonight's issue (the next unreleased one by date), its problems; for the chief, sign-off and release."""
    from issues.models import Issue
    from issues.services import issue_problems

    unreleased = Issue.objects.unreleased()
    issue = unreleased.order_by("date").first()
    context = {"desk_issue": issue}
    problems = issue_problems(issue) if issue is not None else []
    if issue is not None:
        context["desk_issue_problems"] = [problem.message for problem in problems]
        context["desk_issue_url"] = reverse("admin:issues_issue_assembly", args=[issue.pk])
    if user.has_perm("issues.sign_off_page"):
        context["desk_chief"] = True
        if issue is not None:
            # The pages issue_problems found unsigned: one definition of "not signed off".
            context["desk_unsigned_pages"] = [p.page for p in problems if p.kind == "not_signed_off"]
        context["desk_next_release"] = unreleased.exclude(release_at=None).order_by("release_at").first()
    return context
