"""The desk's templates name a person as the rest of the newsroom does (newsroom.people)."""

from django import template

from newsroom.people import person_name as name_of

register = template.Library()


@register.filter
def person_name(user) -> str:
    return name_of(user)
