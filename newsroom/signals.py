"""Tell the page cache about every save and delete of the apps readers see.

Connected from ``IssuesConfig.ready()``. It listens to every model of the apps named in
``NEWSROOM["PUBLIC_CACHE"]["APPS"]`` rather than a list of models, so a model another part of
the paper adds to those apps is never missed; what each change drops is decided in one place,
``newsroom.invalidation``. Writes that send no signals (``QuerySet.update()``,
``bulk_create()``) call ``newsroom.cache.invalidate()`` themselves.
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from newsroom import cache, invalidation

BEFORE = "_newsroom_public_before"


def _watched(sender) -> bool:
    return sender._meta.app_label in settings.NEWSROOM["PUBLIC_CACHE"]["APPS"]


def _on_pre_save(sender, instance, raw: bool = False, **kwargs) -> None:
    if _watched(sender) and not raw:
        setattr(instance, BEFORE, invalidation.before_change(instance) if instance.pk is not None else None)


def _on_post_save(sender, instance, raw: bool = False, **kwargs) -> None:
    if not _watched(sender):
        return
    if raw:
        cache.invalidate_on_commit()  # fixtures: rows as they are, nothing to compare
        return
    invalidation.changed(instance, getattr(instance, BEFORE, None))


def _on_pre_delete(sender, instance, **kwargs) -> None:
    if _watched(sender):
        setattr(instance, BEFORE, invalidation.before_change(instance))


def _on_post_delete(sender, instance, **kwargs) -> None:
    if _watched(sender):
        invalidation.changed(instance, getattr(instance, BEFORE, None), deleted=True)


def _on_m2m_change(sender, instance, action: str, **kwargs) -> None:
    # Tags added to or removed from a story: the story shows them.
    if action.startswith("pre_") and _watched(sender):
        setattr(instance, BEFORE, invalidation.before_change(instance))
    elif action.startswith("post_") and _watched(sender):
        invalidation.changed(instance, getattr(instance, BEFORE, None))


def connect() -> None:
    """Listen for changes; safe to call more than once."""
    pre_save.connect(_on_pre_save, dispatch_uid="newsroom.cache.pre_save")
    post_save.connect(_on_post_save, dispatch_uid="newsroom.cache.post_save")
    pre_delete.connect(_on_pre_delete, dispatch_uid="newsroom.cache.pre_delete")
    post_delete.connect(_on_post_delete, dispatch_uid="newsroom.cache.post_delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="newsroom.cache.m2m_changed")
