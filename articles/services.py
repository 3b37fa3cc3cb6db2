"""An article's way through review (三审), withdrawal (撤稿), corrections (更正) and restored revisions.

Every service checks the user's permission and the article's state on a locked row, records a
``Transition`` (who, when, from, to, comment) and raises ``PermissionDenied`` or
``ValidationError`` with a message the admin shows as it is.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Correction, Transition
from articles.rules import can_edit, can_review, is_published

Status = Article.Status
Action = Transition.Action

# The fields a revision restore or a correction may change: the printed text.
TEXT_FIELDS = ("kicker", "headline", "subheadline", "byline", "dateline", "body")


def _locked(article: Article) -> Article:
    """The article's current row, locked until the transaction ends, so two steps cannot interleave."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _refuse_unless(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_state(article: Article, states, action: str) -> None:
    if article.status not in states:
        raise ValidationError(
            _("“{headline}” is {status}: it cannot be {action} now.").format(
                headline=article.headline,
                status=article.get_status_display(),
                action=Action(action).label,
            ),
            code="wrong_state",
        )


def _not_own(user: AbstractBaseUser, article: Article) -> None:
    # 三审 means other eyes: nobody passes or approves their own story (a superuser may).
    if article.reporter_id == user.pk and not user.is_superuser:
        raise PermissionDenied(_("You cannot review your own article."))


def _move(
    article: Article, *, locked: Article, user: AbstractBaseUser, action: str, to: str, comment: str = ""
) -> Article:
    """Set the new state, keep a revision and log the step; refresh the caller's instance."""
    from_status = locked.status
    locked.status = to
    locked._change_reason = str(Action(action).label)
    locked._history_user = user
    locked.save(update_fields=["status", "updated_at"])
    _log(locked, user=user, action=action, from_status=from_status, comment=comment)
    article.status, article.version, article.updated_at = locked.status, locked.version, locked.updated_at
    return article


def _log(article: Article, *, user: AbstractBaseUser, action: str, from_status: str, comment: str = "") -> Transition:
    """Record one step in the article's review log, ending in its current state."""
    step = Transition(
        article=article, action=action, from_status=from_status, to_status=article.status, actor=user, comment=comment
    )
    step.full_clean()
    step.save()
    return step


def _required(text: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"comment": message}, code="required")
    return text


@transaction.atomic
def article_submit(*, article: Article, user: AbstractBaseUser) -> Article:
    """The reporter hands a draft (or a sent-back article) to the editors."""
    locked = _locked(article)
    _require_state(locked, Article.DRAFT_STATES, Action.SUBMIT)
    _refuse_unless(can_edit(user, locked), _("Only the reporter who filed this article can submit it."))
    return _move(article, locked=locked, user=user, action=Action.SUBMIT, to=Status.SUBMITTED)


@transaction.atomic
def article_review_pass(*, article: Article, user: AbstractBaseUser, comment: str = "") -> Article:
    """An editor passes the next review step: 初审 (submitted) or 二审 (first review passed)."""
    locked = _locked(article)
    _refuse_unless(can_review(user), _("Only editors can review articles."))
    _require_state(locked, (Status.SUBMITTED, Status.FIRST_PASSED), Action.FIRST_REVIEW)
    _not_own(user, locked)
    if locked.status == Status.SUBMITTED:
        action, to = Action.FIRST_REVIEW, Status.FIRST_PASSED
    else:
        action, to = Action.SECOND_REVIEW, Status.SECOND_PASSED
    return _move(article, locked=locked, user=user, action=action, to=to, comment=comment.strip())


@transaction.atomic
def article_send_back(*, article: Article, user: AbstractBaseUser, comment: str) -> Article:
    """Any review step returns the article to its reporter, saying what to change."""
    locked = _locked(article)
    _refuse_unless(can_review(user), _("Only editors can send articles back."))
    _require_state(locked, Article.REVIEW_STATES, Action.SEND_BACK)
    comment = _required(comment, _("Say what the reporter should change."))
    return _move(article, locked=locked, user=user, action=Action.SEND_BACK, to=Status.SENT_BACK, comment=comment)


@transaction.atomic
def article_approve(*, article: Article, user: AbstractBaseUser, comment: str = "") -> Article:
    """终审: the chief editor approves an article that passed second review."""
    locked = _locked(article)
    _refuse_unless(user.has_perm("articles.approve_article"), _("Only the chief editor can give final approval."))
    _require_state(locked, (Status.SECOND_PASSED,), Action.APPROVE)
    _not_own(user, locked)
    return _move(article, locked=locked, user=user, action=Action.APPROVE, to=Status.APPROVED, comment=comment.strip())


@transaction.atomic
def article_withdraw(*, article: Article, user: AbstractBaseUser, reason: str) -> Article:
    """撤稿: pull an approved article off every public surface, saying why."""
    locked = _locked(article)
    _refuse_unless(user.has_perm("articles.withdraw_article"), _("Only the chief editor can withdraw articles."))
    _require_state(locked, (Status.APPROVED,), Action.WITHDRAW)
    reason = _required(reason, _("Give the reason for withdrawing the article."))
    return _move(article, locked=locked, user=user, action=Action.WITHDRAW, to=Status.WITHDRAWN, comment=reason)


@transaction.atomic
def article_reopen(*, article: Article, user: AbstractBaseUser, action: str = Action.EDIT) -> Article:
    """An approved article whose text changed goes back to the chief editor, hidden until approved again."""
    locked = _locked(article)
    if locked.status != Status.APPROVED:
        return article
    return _move(article, locked=locked, user=user, action=action, to=Status.SECOND_PASSED)


def _check_version(locked: Article, known_version: int | None) -> None:
    if known_version is not None and known_version != locked.version:
        raise ValidationError(
            _("Someone else saved this article while you were editing it; nothing was saved."),
            code="stale_version",
        )


@transaction.atomic
def article_correct(
    *, article: Article, user: AbstractBaseUser, note: str, known_version: int | None = None, **text: str
) -> Correction:
    """更正: change a released article's text; readers see the new text and a dated note under it."""
    locked = _locked(article)
    _refuse_unless(user.has_perm("articles.correct_article"), _("Only editors can correct articles."))
    if not is_published(locked):
        raise ValidationError(
            _("Only a released article is corrected; edit an unreleased one instead."), code="not_published"
        )
    _check_version(locked, known_version)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell readers what was corrected.")}, code="required")
    unknown = set(text) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Not article text: {sorted(unknown)}")
    for name, value in text.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["reporter", "tags"])
    locked._change_reason = str(Action.CORRECT.label)
    locked._history_user = user
    locked.save()
    correction = Correction(article=locked, note=note, corrected_by=user)
    correction.full_clean()
    correction.save()
    _log(locked, user=user, action=Action.CORRECT, from_status=locked.status, comment=note)
    return correction


@transaction.atomic
def article_restore(*, article: Article, user: AbstractBaseUser, revision_id: int) -> Article:
    """Bring back the text of an earlier revision; an approved article then needs approval again."""
    locked = _locked(article)
    _refuse_unless(can_edit(user, locked), _("You cannot change this article now."))
    try:
        revision = locked.history.get(history_id=revision_id)
    except Article.history.model.DoesNotExist:
        raise ValidationError(_("This article has no such revision."), code="no_revision")
    for name in TEXT_FIELDS:
        setattr(locked, name, getattr(revision, name))
    when = timezone.localtime(revision.history_date).strftime("%Y-%m-%d %H:%M")
    reason = str(_("Restored the revision of {when}").format(when=when))
    locked._change_reason = reason
    locked._history_user = user
    locked.save()
    if locked.status == Status.APPROVED:
        _move(locked, locked=locked, user=user, action=Action.RESTORE, to=Status.SECOND_PASSED, comment=reason)
    else:
        _log(locked, user=user, action=Action.RESTORE, from_status=locked.status, comment=reason)
    article.refresh_from_db()
    return article
