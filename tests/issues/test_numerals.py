import pytest
from django.utils import translation

from issues.numerals import chinese_numeral, page_label, pages_label, parse_chinese_numeral

# Written out by hand, independently of the code under test.
UNITS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
EXPECTED = {n: UNITS[n] for n in range(1, 10)}
EXPECTED.update({10 + n: "十" + UNITS[n] for n in range(10)})
EXPECTED.update({10 * t + n: UNITS[t] + "十" + UNITS[n] for t in range(2, 10) for n in range(10)})


@pytest.mark.parametrize("number", range(1, 100))
def test_chinese_numeral_matches_the_printed_form_for_1_to_99(number):
    assert chinese_numeral(number) == EXPECTED[number]
    assert parse_chinese_numeral(EXPECTED[number]) == number


@pytest.mark.parametrize("number, numeral", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"), (99, "九十九")])
def test_chinese_numeral_spot_checks(number, numeral):
    assert chinese_numeral(number) == numeral


@pytest.mark.parametrize("number", [0, 100, -1])
def test_chinese_numeral_refuses_numbers_outside_a_paper(number):
    with pytest.raises(ValueError):
        chinese_numeral(number)


@pytest.mark.parametrize("junk", ["", "零", "一百", "十十", "2", "abc"])
def test_parse_chinese_numeral_refuses_junk(junk):
    with pytest.raises(ValueError):
        parse_chinese_numeral(junk)


def test_page_label_reads_as_print_in_chinese_and_as_words_in_english():
    with translation.override("zh-hans"):
        assert page_label(1) == "第一版"
        assert page_label(12) == "第十二版"
        assert page_label(20) == "第二十版"
    with translation.override("en"):
        assert page_label(12) == "Page 12"


def test_pages_label_joins_pages_like_a_teaser():
    with translation.override("zh-hans"):
        assert pages_label([2]) == "二版"
        assert pages_label([3, 2]) == "二、三版"
        assert pages_label([2, 3, 4]) == "二、三、四版"
    with translation.override("en"):
        assert pages_label([2]) == "page 2"
        assert pages_label([2, 3]) == "pages 2 and 3"
        assert pages_label([2, 3, 4]) == "pages 2, 3 and 4"
