from collections.abc import Iterable

from django import template

from issues.numerals import page_label, pages_label

register = template.Library()


@register.filter(name="page_label")
def page_label_filter(number: int) -> str:
    """{{ page.number|page_label }} -> 第十二版 / Page 12."""
    return page_label(number)


@register.filter(name="pages_label")
def pages_label_filter(pages: Iterable) -> str:
    """{{ teaser.target_pages|pages_label }} -> 二、三版 / pages 2 and 3."""
    return pages_label([page.number for page in pages])
