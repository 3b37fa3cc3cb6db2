"""Drop every cached public page when something readers can see is saved or deleted.

Connected from ``IssuesConfig.ready()``. It listens to every model of the apps named in
``NEWSROOM["PUBLIC_CACHE"]["APPS"]`` rather than a list of models, so a model another part of
the paper adds to those apps (page images, hot zones, an issue's workflow state) invalidates
the cache without anyone remembering to wire it. Writes that send no signals
(``QuerySet.update()``, ``bulk_create()``) call ``newsroom.cache.invalidate()`` themselves.
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.cache import invalidate_on_commit


def _watched(sender) -> bool:
    return sender._meta.app_label in settings.NEWSROOM["PUBLIC_CACHE"]["APPS"]


def _on_change(sender, **kwargs) -> None:
    if _watched(sender):
        invalidate_on_commit()


def _on_m2m_change(sender, action, **kwargs) -> None:
    if action.startswith("post_") and _watched(sender):
        invalidate_on_commit()


def connect() -> None:
    """Listen for changes; safe to call more than once."""
    post_save.connect(_on_change, dispatch_uid="newsroom.cache.post_save")
    post_delete.connect(_on_change, dispatch_uid="newsroom.cache.post_delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="newsroom.cache.m2m_changed")
