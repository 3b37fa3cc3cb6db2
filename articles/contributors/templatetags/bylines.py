from django import template

from articles.contributors.bylines import Part, article_byline_parts

register = template.Library()


@register.filter
def byline(article) -> list[Part]:
    """The printed byline's parts from the story's prefetched credits (no query)."""
    return article_byline_parts(article)
