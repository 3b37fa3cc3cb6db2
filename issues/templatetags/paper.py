from django import template

from issues.numerals import page_label

register = template.Library()


@register.filter(name="page_label")
def page_label_filter(number: int) -> str:
    """{{ page.number|page_label }} -> 第十二版 / Page 12."""
    return page_label(number)
