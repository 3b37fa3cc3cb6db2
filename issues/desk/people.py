"""Who the desk's forms offer for a page's 责任编辑 (the issue and page plan screens share it)."""

from django.contrib.auth import get_user_model

from newsroom.people import person_name


def editor_choices():
    """People who can be a page's 责任编辑: active desk staff (a plain list: a desk has dozens)."""
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


def editor_field(field):
    """A page row's 责任编辑 field: people by name, the list read once for the whole formset
    (a ModelChoiceField reads its queryset again for every row it is drawn in)."""
    field.label_from_instance = person_name
    field.choices = list(field.choices)
    return field
