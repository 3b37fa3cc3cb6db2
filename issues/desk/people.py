"""Who the desk's forms offer for a page's 责任编辑 (the issue and page plan screens share it)."""

from django.contrib.auth import get_user_model


def editor_choices():
    """People who can be a page's 责任编辑: active desk staff (a plain list: a desk has dozens)."""
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
