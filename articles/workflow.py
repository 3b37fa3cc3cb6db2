"""The review (三审) as one table: every step, the states it leaves and reaches, who may take it.

The services (articles.services), the buttons on the change page, the "waiting for me" list,
the desk's home page and the bulk actions all read this table; none restates the rules.

Strict 三审: 初审, 二审 and 终审 are taken by three different people. Whoever took a step listed
in a step's ``not_by`` during the current round (since the story's last submission) may not take
it; the story's own reporter never reviews it. ``NEWSROOM["SAME_EDITOR_FIRST_AND_SECOND_REVIEW"]``
lets one editor take 初审 and 二审 on a small desk (终审 is always someone else).

A step's ``gates`` ask the story itself (its proofreading, its photos) when the step is taken:
``gate(article=...) -> ValidationError | None``, named by dotted path so the table imports none of
the apps that import it (proofing's services use the review log and this table). Gates are not
asked when a button is offered: a button on the change page saves the form first, and that save
may clear what a gate refuses (a fixed term, a new image); the page shows the causes beside the
form (the proofing panel's blocking hits, a photo's "waiting for its image").
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Transition
from articles.rules import can_edit

Status = Article.Status


@dataclass(frozen=True)
class Step:
    """One row of the review table."""

    name: str  # also the Transition.Action it is logged as
    frm: frozenset
    to: str
    perm: str
    button: Promise  # the label of its button on the change page
    refused: Promise  # what a user without ``perm`` is told
    comment_required: Promise | None = None  # the message when a required comment is missing
    not_by: tuple[str, ...] = ()  # earlier steps of this round whose actor may not take this one
    reviews: bool = False  # a review: never by the story's own reporter
    by_writer: bool = False  # only someone who may edit the story (its reporter) takes it
    queue: Promise | None = None  # the name of the list of stories waiting for this step
    gates: tuple[str, ...] = ()  # dotted paths of gate(article=...) -> ValidationError | None, asked in order


REVIEW_PERM = "articles.review_article"

STEPS: tuple[Step, ...] = (
    Step(
        "submit",
        frm=frozenset(Article.DRAFT_STATES),
        to=Status.SUBMITTED,
        perm="articles.change_article",
        button=_("Submit for review"),
        refused=_("Only the reporter who filed this article can submit it."),
        by_writer=True,
    ),
    Step(
        "first_review",
        frm=frozenset({Status.SUBMITTED}),
        to=Status.FIRST_PASSED,
        perm=REVIEW_PERM,
        button=_("Pass first review (初审)"),
        queue=_("waiting for first review (待初审)"),
        refused=_("Only editors can review articles."),
        not_by=("submit",),
        reviews=True,
    ),
    Step(
        "second_review",
        frm=frozenset({Status.FIRST_PASSED}),
        to=Status.SECOND_PASSED,
        perm=REVIEW_PERM,
        button=_("Pass second review (二审)"),
        queue=_("waiting for second review (待二审)"),
        refused=_("Only editors can review articles."),
        not_by=("submit", "first_review"),
        reviews=True,
    ),
    Step(
        "approve",
        frm=frozenset({Status.SECOND_PASSED}),
        to=Status.APPROVED,
        perm="articles.approve_article",
        button=_("Approve (终审)"),
        queue=_("waiting for final approval (待终审)"),
        refused=_("Only the chief editor can give final approval."),
        not_by=("submit", "first_review", "second_review"),
        reviews=True,
        gates=(
            # 校对: 终审 waits while a blocking hit is neither fixed nor waived.
            "articles.proofing.services.approval_refusal",
            # A caption imported with its page stands in front of a grey image until the real one comes.
            "articles.photos.pending_image_refusal",
        ),
    ),
    Step(
        "send_back",
        frm=frozenset(Article.REVIEW_STATES),
        to=Status.SENT_BACK,
        perm=REVIEW_PERM,
        button=_("Send back"),
        refused=_("Only editors can send articles back."),
        comment_required=_("Say what the reporter should change."),
    ),
    Step(
        "withdraw",
        frm=frozenset({Status.APPROVED}),
        to=Status.WITHDRAWN,
        perm="articles.withdraw_article",
        button=_("Withdraw (撤稿)"),
        refused=_("Only the chief editor can withdraw articles."),
        comment_required=_("Give the reason for withdrawing the article."),
    ),
)

STEP: dict[str, Step] = {step.name: step for step in STEPS}
# The steps that move a story forward through review, in order: what "pass the next step" means.
FORWARD = ("first_review", "second_review", "approve")


def not_by(step: Step) -> tuple[str, ...]:
    """The earlier steps whose actor may not take this one, with the newsroom's setting applied."""
    if step.name == "second_review" and settings.NEWSROOM.get("SAME_EDITOR_FIRST_AND_SECOND_REVIEW", False):
        return tuple(name for name in step.not_by if name != "first_review")
    return step.not_by


def next_review(article: Article) -> Step | None:
    """The forward review step the story waits for in its current state, if any."""
    return next((STEP[name] for name in FORWARD if article.status in STEP[name].frm), None)


def next_review_pass(article: Article) -> str:
    """初审 or 二审, whichever the story waits for ("pass the next review step"; never 终审).

    A story in neither state gets first_review, which the table then refuses with the reason.
    """
    step = next_review(article)
    return step.name if step is not None and step.name != "approve" else "first_review"


def _this_round(transitions, article_ref):
    """The transitions logged since the story's last submission (all of them if it was never submitted)."""
    last_submission = (
        Transition.objects.filter(article=article_ref, action=Transition.Action.SUBMIT).order_by("-pk").values("pk")[:1]
    )
    # By id, not time: two steps in the same instant (frozen clocks, fast scripts) keep their order.
    return transitions.alias(since=Coalesce(Subquery(last_submission), Value(0))).filter(pk__gte=F("since"))


def round_steps(article: Article) -> list[tuple[str, int]]:
    """(step, actor id) of every step logged since the story's last submission (one query)."""
    return list(
        _this_round(Transition.objects.filter(article=article.pk), OuterRef("article")).values_list(
            "action", "actor_id"
        )
    )


def refusal(step: Step, user: AbstractBaseUser, article: Article, done: list[tuple[str, int]] | None = None):
    """Why this user may not take this step on this story now (an exception), or None.

    ``done`` is ``round_steps(article)`` when the caller already has it.
    """
    if article.status not in step.frm:
        return ValidationError(
            _("“{headline}” is {status}: it cannot be {action} now.").format(
                headline=article.headline,
                status=article.get_status_display(),
                action=Transition.Action(step.name).label,
            ),
            code="wrong_state",
        )
    if not user.has_perm(step.perm):
        return PermissionDenied(step.refused)
    if step.by_writer and not can_edit(user, article):
        return PermissionDenied(step.refused)
    if step.reviews and article.reporter_id == user.pk and not user.is_superuser:
        return PermissionDenied(_("You cannot review your own article."))
    barred = not_by(step)
    if barred:
        if done is None:
            done = round_steps(article)
        taken = [name for name, actor in done if actor == user.pk and name in barred]
        if taken:
            return PermissionDenied(
                _(
                    "You took the step “{earlier}” of this story's review: “{step}” needs another "
                    "person (三审 is three different people)."
                ).format(earlier=Transition.Action(taken[0]).label, step=step.button)
            )
    return None


def gate_refusal(step: Step, article: Article) -> ValidationError | None:
    """The first of the step's gates that refuses this story (asked on the locked row), or None."""
    for path in step.gates:
        error = import_string(path)(article=article)
        if error is not None:
            return error
    return None


def waive_refusal(user: AbstractBaseUser, article: Article) -> PermissionDenied | None:
    """Why this user may not waive a proofreading hit on this story (an exception), or None.

    A waiver lets text through 终审, so it is barred as a review is: editors only, never the reporter.
    """
    if not user.has_perm(REVIEW_PERM):
        return PermissionDenied(_("Only editors can waive a proofreading hit."))
    if article.reporter_id == user.pk and not user.is_superuser:
        return PermissionDenied(_("You cannot waive proofreading hits on your own article."))
    return None


def available_steps(user: AbstractBaseUser, article: Article) -> list[Step]:
    """The steps this user may take on this story now: the buttons on its change page."""
    candidates = [step for step in STEPS if article.status in step.frm and user.has_perm(step.perm)]
    if not candidates:
        return []
    done = round_steps(article) if any(not_by(step) for step in candidates) else []
    return [step for step in candidates if refusal(step, user, article, done) is None]


def queue_steps(user: AbstractBaseUser) -> list[Step]:
    """The forward review steps whose waiting stories are this user's queue.

    Whoever may give final approval waits on 终审 only: taking 初审 or 二审 of a story would bar
    them from approving it.
    """
    steps = [STEP[name] for name in FORWARD if user.has_perm(STEP[name].perm)]
    if STEP["approve"] in steps:
        return [STEP["approve"]]
    return steps


def waiting_q(user: AbstractBaseUser, step: Step) -> Q:
    """Stories waiting for this user to take ``step``: in its from-states, and not barred to them."""
    if not user.has_perm(step.perm):
        return Q(pk__in=[])
    waiting = Q(status__in=step.frm)
    if step.reviews and not user.is_superuser:
        waiting &= ~Q(reporter=user.pk)
    barred = not_by(step)
    if barred:
        mine = Transition.objects.filter(article=OuterRef("pk"), actor=user.pk, action__in=barred)
        waiting &= ~Exists(_this_round(mine, OuterRef(OuterRef("pk"))))
    return waiting


def waiting_for_q(user: AbstractBaseUser) -> Q:
    """Reporters: their own sent-back stories; editors: 初审 and 二审; the chief editor: 终审."""
    waiting = Q(reporter=user.pk, status=Status.SENT_BACK)
    for step in queue_steps(user):
        waiting |= waiting_q(user, step)
    return waiting
