"""An article's way from its filing through review (三审), online release (网络首发), withdrawal (撤稿),
corrections (更正) and restored revisions.

A new story is filed by ``article_create`` and edited by ``article_edit``. The review steps are
one table (articles.workflow); ``article_step`` takes any of them. Every service after the filing
checks the user's permission and the article's state on a locked row, records each step in the
review log as a ``Transition`` (who, when, from, to, comment) and raises ``PermissionDenied`` or
``ValidationError`` with a message the admin shows as it is.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import Article, Correction, Transition
from articles.rules import can_edit, is_published

Status = Article.Status
Action = Transition.Action

# The fields a revision restore or a correction may change: the printed text.
TEXT_FIELDS = ("kicker", "headline", "subheadline", "byline", "dateline", "body")


def _locked(article: Article) -> Article:
    """The article's current row, locked until the transaction ends, so two steps cannot interleave."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _move(
    article: Article, *, locked: Article, user: AbstractBaseUser, action: str, to: str, comment: str = ""
) -> Article:
    """Set the new state, keep a revision and log the step; refresh the caller's instance."""
    from_status = locked.status
    locked.status = to
    locked._change_reason = str(Action(action).label)
    locked._history_user = user
    locked.save(update_fields=["status", "updated_at"])
    article_log(locked, user=user, action=action, from_status=from_status, comment=comment)
    article.status, article.version, article.updated_at = locked.status, locked.version, locked.updated_at
    return article


def article_log(
    article: Article, *, user: AbstractBaseUser, action: str, from_status: str, comment: str = ""
) -> Transition:
    """Record one step in the article's review log, ending in its current state."""
    step = Transition(
        article=article, action=action, from_status=from_status, to_status=article.status, actor=user, comment=comment
    )
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def article_create(
    *, user: AbstractBaseUser, credit_byline: bool = True, tags: list[str] | None = None, **fields
) -> Article:
    """File a new story, a draft: its reporter is the user unless another is named; its first revision is theirs.

    The one door for a new article: the admin's add form, "start writing" a plan, the page importer
    and the demo call it. Who may file is their question (the add permission, the plan's reporter,
    the page import screen's permission): an imported page's stories are filed by whoever imports it.
    The review log starts with the submission; the filing is in the revisions. A byline becomes the
    story's credits (articles.contributors), so the 稿费 statement pays whoever it names; the admin's
    add form passes ``credit_byline=False`` because it credits the byline after the credits typed by hand.
    """
    if fields.get("status", Status.DRAFT) != Status.DRAFT:
        raise ValueError("A new article is a draft: the review table moves it on (article_step).")
    if fields.get("reporter") is None:
        fields["reporter"] = user
    article = Article(**fields)
    article.full_clean()
    article._change_reason = str(_("Story filed"))
    article._history_user = user
    article.save()
    if tags:
        article.tags.set(tags)
    if credit_byline and article.byline:
        from articles.contributors.services import credits_from_byline  # the contributors app builds on this one

        credits_from_byline(article=article)
    return article


# What the desk's edit changes besides the tags: the text, and whom the story is filed under.
EDIT_FIELDS = (*TEXT_FIELDS, "reporter")


@transaction.atomic
def article_edit(
    *, article: Article, user: AbstractBaseUser, known_version: int | None, tags: list[str] | None = None, **fields
) -> Article:
    """Save the desk's edit of a story (the admin's change form): its text, its reporter, its tags.

    The one door for an edit, as ``article_create`` is for a new story; photos and credits have
    their own services. On the locked row: refused unless the user may change the story now
    (``articles.rules.can_edit``: a released story is corrected, 更正, not edited) and unless it
    is still the version they opened. An approved story whose text or tags changed goes back to
    终审 (``article_reopen``): its approval, and the sign-off of every page it stands on, were for
    the old text. ``tags=None`` leaves the tags as they are; an edit that changes nothing writes nothing.
    """
    unknown = set(fields) - set(EDIT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    locked = _locked(article)
    _refuse_unless(can_edit(user, locked), _("You cannot change this article now."))
    _check_version(locked, known_version)
    if "body" in fields:  # compared as it would be stored
        fields["body"] = Article._meta.get_field("body").sanitize(fields["body"] or "")
    changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["tags"])
        locked._history_user = user
        locked.save()
    tags_changed = tags is not None and set(tags) != set(locked.tags.names())
    if tags_changed:
        locked.tags.set(tags)
    if tags_changed or set(changed) & set(TEXT_FIELDS):
        article_reopen(article=locked, user=user)
    article.refresh_from_db()
    return article


def _refuse_unless(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def article_step(*, article: Article, user: AbstractBaseUser, step: str, comment: str = "") -> Article:
    """Take one step of the review table (articles.workflow) on a locked row, or refuse saying why."""
    row = workflow.STEP[step]
    locked = _locked(article)
    error = workflow.refusal(row, user, locked)
    if error is not None:
        raise error
    comment = (comment or "").strip()
    if row.comment_required and not comment:
        raise ValidationError({"comment": row.comment_required}, code="required")
    error = workflow.gate_refusal(row, locked)
    if error is not None:
        raise error
    return _move(article, locked=locked, user=user, action=row.name, to=row.to, comment=comment)


def article_submit(*, article: Article, user: AbstractBaseUser) -> Article:
    """The reporter hands a draft (or a sent-back article) to the editors."""
    return article_step(article=article, user=user, step="submit")


@transaction.atomic
def article_review_pass(*, article: Article, user: AbstractBaseUser, comment: str = "") -> Article:
    """An editor passes the next review step: 初审 (submitted) or 二审 (first review passed)."""
    step = workflow.next_review_pass(_locked(article))
    return article_step(article=article, user=user, step=step, comment=comment)


def article_send_back(*, article: Article, user: AbstractBaseUser, comment: str) -> Article:
    """Any review step returns the article to its reporter, saying what to change."""
    return article_step(article=article, user=user, step="send_back", comment=comment)


def article_approve(*, article: Article, user: AbstractBaseUser, comment: str = "") -> Article:
    """终审: the chief editor approves an article that passed second review."""
    return article_step(article=article, user=user, step="approve", comment=comment)


def article_withdraw(*, article: Article, user: AbstractBaseUser, reason: str) -> Article:
    """撤稿: pull an approved article off every public surface, saying why."""
    return article_step(article=article, user=user, step="withdraw", comment=reason)


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


@transaction.atomic
def article_release_online(
    *, article: Article, user: AbstractBaseUser, at: datetime.datetime | None = None
) -> Article:
    """网络首发: an approved story goes online now, or at ``at`` (an embargo), whatever issue prints it.

    Readers see it from that moment on (the publication rule's ``online_q``); the page cache
    knows the time and switches to the second (``Article.objects.next_online_after``).
    """
    locked = _locked(article)
    _refuse_unless(
        user.has_perm("articles.release_article_online"), _("Only the chief editor can release stories online.")
    )
    if locked.status != Status.APPROVED:
        raise ValidationError(
            _("“{headline}” is {status}: only a story approved in 终审 goes online.").format(
                headline=locked.headline, status=locked.get_status_display()
            ),
            code="not_approved",
        )
    now = timezone.now()
    if locked.online_at is not None and locked.online_at <= now:
        raise ValidationError(
            _("“{headline}” has been online since {when}.").format(headline=locked.headline, when=_when(locked.online_at)),
            code="already_online",
        )
    if is_published(locked):
        raise ValidationError(
            _("“{headline}” is already public: a released issue printed it.").format(headline=locked.headline),
            code="already_public",
        )
    # A time already past means now: the online release time is when readers could first see it.
    at = now if at is None or at < now else at
    locked.online_at, locked.online_by = at, user
    locked._change_reason = str(Action.RELEASE_ONLINE.label)
    locked._history_user = user
    locked.save(update_fields=["online_at", "online_by", "updated_at"])
    comment = _("Online from {when}").format(when=_when(at)) if at > now else _("Online now")
    article_log(locked, user=user, action=Action.RELEASE_ONLINE, from_status=locked.status, comment=str(comment))
    article.online_at, article.online_by = locked.online_at, locked.online_by
    article.updated_at = locked.updated_at
    article.__dict__.pop("_published_for_status", None)  # articles.rules.is_published keys it on status alone
    return article


@transaction.atomic
def article_call_back_online(*, article: Article, user: AbstractBaseUser, reason: str = "") -> Article:
    """Call back an embargoed online release before its time; once online, only 撤稿 takes it down."""
    locked = _locked(article)
    _refuse_unless(
        user.has_perm("articles.release_article_online"), _("Only the chief editor can call back an online release.")
    )
    if locked.online_at is None:
        raise ValidationError(_("“{headline}” is not set to go online.").format(headline=locked.headline), code="not_set")
    if locked.online_at <= timezone.now():
        raise ValidationError(
            _("“{headline}” is already online: withdraw it (撤稿) to take it down.").format(headline=locked.headline),
            code="already_online",
        )
    _clear_embargo(locked, user=user, comment=(reason or "").strip())
    article.online_at, article.online_by = None, None
    article.updated_at = locked.updated_at
    article.__dict__.pop("_published_for_status", None)
    return article


def _clear_embargo(locked: Article, *, user: AbstractBaseUser, comment: str) -> None:
    was = _when(locked.online_at)
    locked.online_at, locked.online_by = None, None
    locked._change_reason = str(Action.CALL_BACK_ONLINE.label)
    locked._history_user = user
    locked.save(update_fields=["online_at", "online_by", "updated_at"])
    note = str(_("The release set for {when} is called back.").format(when=was))
    article_log(
        locked, user=user, action=Action.CALL_BACK_ONLINE, from_status=locked.status,
        comment=f"{note} {comment}".strip(),
    )


def _drop_pending_embargo(locked: Article, *, user: AbstractBaseUser) -> None:
    """A story leaving 'approved' before its embargo loses it: the release was signed for the old text."""
    if locked.online_at is not None and locked.online_at > timezone.now():
        _clear_embargo(locked, user=user, comment="")


@transaction.atomic
def article_reopen(*, article: Article, user: AbstractBaseUser, action: str = Action.EDIT) -> Article:
    """An approved article whose text changed goes back to the chief editor, hidden until approved again."""
    locked = _locked(article)
    if locked.status != Status.APPROVED:
        return article
    _drop_pending_embargo(locked, user=user)
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
    article_log(locked, user=user, action=Action.CORRECT, from_status=locked.status, comment=note)
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
        _drop_pending_embargo(locked, user=user)
        _move(locked, locked=locked, user=user, action=Action.RESTORE, to=Status.SECOND_PASSED, comment=reason)
    else:
        article_log(locked, user=user, action=Action.RESTORE, from_status=locked.status, comment=reason)
    article.refresh_from_db()
    return article
