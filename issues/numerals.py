"""Page numerals as a paper prints them: 第十二版, 二、三版; "page 12", "pages 2 and 3" in English."""

from collections.abc import Sequence

from django.utils.translation import get_language, gettext, npgettext, pgettext

DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (the range a paper's pages and issues use)."""
    if not 1 <= number <= 99:
        raise ValueError(f"No page numeral for {number}: pages run from 1 to 99.")
    tens, units = divmod(number, 10)
    if tens == 0:
        return DIGITS[units]
    # 10-19 are written 十, 十一 … without a leading 一, as on a printed page.
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[units] if units else "")


def parse_chinese_numeral(numeral: str) -> int:
    """The inverse of chinese_numeral: 十二 -> 12; ValueError for anything else."""
    numeral = numeral.strip()
    for number in range(1, 100):
        if chinese_numeral(number) == numeral:
            return number
    raise ValueError(f"Not a page numeral: {numeral!r}")


def _uses_chinese_numerals() -> bool:
    return (get_language() or "").startswith("zh")


def page_numeral(number: int) -> str:
    """The bare numeral in the reader's language: 十二 or 12."""
    return chinese_numeral(number) if _uses_chinese_numerals() else str(number)


def page_label(number: int) -> str:
    """第十二版 / Page 12."""
    return pgettext("print page", "Page {numeral}").format(numeral=page_numeral(number))


def pages_label(numbers: Sequence[int]) -> str:
    """二、三版 / pages 2 and 3: the pages a story runs on, as a teaser names them."""
    numerals = [page_numeral(n) for n in sorted(set(numbers))]
    if not numerals:
        return ""
    if _uses_chinese_numerals():
        joined = "、".join(numerals)
    elif len(numerals) == 1:
        joined = numerals[0]
    else:
        joined = gettext("{first} and {last}").format(
            first=", ".join(numerals[:-1]), last=numerals[-1]
        )
    return npgettext("print pages", "page {numerals}", "pages {numerals}", len(numerals)).format(
        numerals=joined
    )
