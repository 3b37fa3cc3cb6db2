"""The checks that need no word list, one by one, and the samples' half-width commas."""

import pytest

from articles.proofing import rules
from articles.proofing.text import html_text
from issues.demo import DEMO_DIR


def found(text: str, rule=None) -> list[tuple[str, str, str]]:
    """(rule, matched text, suggestion) of every rule hit in one text."""
    hits = [(hit.rule, text[hit.start : hit.end], hit.suggestion) for _name, hit in rules.run_rules({"body": text})]
    return [hit for hit in hits if rule is None or hit[0] == rule]


def test_half_width_commas_inside_chinese_text_are_found_with_full_width_suggested():
    assert found("12月1日,区委常委会集体调研。", "half_width") == [("half_width", ",", "，")]


@pytest.mark.parametrize("mark, full", [(";", "；"), (":", "："), ("?", "？"), ("!", "！")])
def test_every_half_width_mark_next_to_chinese_is_found(mark, full):
    assert found(f"会议强调{mark}要抓落实", "half_width") == [("half_width", mark, full)]


def test_half_width_marks_between_latin_letters_and_numbers_are_left_alone():
    assert found("上午8:30,会议说GDP增长3.5%", "half_width") == [("half_width", ",", "，")]
    assert found("Version 2.0, released", "half_width") == []


def test_straight_quotes_around_chinese_are_found_as_opening_and_closing():
    assert found('他说"要抓落实"。', "half_width") == [("half_width", '"', "“"), ("half_width", '"', "”")]


def test_half_width_brackets_around_chinese_are_found():
    assert [hit[1] for hit in found("金坛(江苏)讯", "half_width")] == ["(", ")"]


def test_the_samples_half_width_commas_are_all_found():
    # The demo's front page is the sample page of 金坛时报 (3 December 2020), commas as printed.
    text = (DEMO_DIR / "2020-12-03-p1.txt").read_text(encoding="utf-8")
    commas = [hit for hit in found(text, "half_width") if hit[1] == ","]
    # Every one of its 92 half-width commas stands in Chinese text (a few after a time or a phone
    # number, before Chinese): each is a hit, with the full-width comma suggested.
    assert text.count(",") == len(commas) == 92
    assert {suggestion for _rule, _mark, suggestion in commas} == {"，"}


def test_an_unclosed_quotation_mark_is_found():
    assert found("他说：“要抓落实。", "unpaired") == [("unpaired", "“", "“”")]


def test_a_closing_bracket_without_an_opening_one_is_found():
    assert found("会议（扩大）召开）", "unpaired") == [("unpaired", "）", "（）")]


def test_a_quotation_running_over_paragraphs_is_not_unpaired():
    assert found("“第一段\n“第二段。”", "unpaired") == []


def test_years_written_two_ways_in_one_story_flag_the_chinese_numerals():
    assert found("二〇二〇年，也就是2020年", "year_mixed") == [("year_mixed", "二〇二〇", "2020")]


def test_years_written_one_way_are_fine_but_zero_is_written_as_circle():
    assert found("二〇二〇年", "year_mixed") == []
    assert found("二零二零年", "year_zero") == [("year_zero", "二零二零", "二〇二〇")]


def test_the_years_rule_looks_across_the_story_fields():
    hits = list(rules.mixed_years({"headline": "二〇二〇年回顾", "body": "2020年"}))
    assert [(name, hit.rule) for name, hit in hits] == [("headline", "year_mixed")]


@pytest.mark.parametrize("text, suggestion", [("十三五期间", "“十三五”"), ("13五规划", "“十三五”"), ("“14五”", "“十四五”")])
def test_five_year_plans_take_chinese_numerals_in_quotes(text, suggestion):
    assert [hit[2] for hit in found(text, "plan_name")] == [suggestion]


def test_a_five_year_plan_in_quotes_is_fine():
    assert found("“十三五”期间", "plan_name") == []


def test_percentages_in_words_ranges_and_full_width_digits():
    assert found("增长百分之五十", "percent_words") == [("percent_words", "百分之五十", "50%")]
    assert found("增长百分之三点五", "percent_words")[0][2] == "3.5%"
    assert found("增长10-20%", "percent_range") == [("percent_range", "10-20%", "10%～20%")]
    assert found("２０２０年", "full_width_digits") == [("full_width_digits", "２０２０", "2020")]


def test_a_traditional_character_in_simplified_text_is_found():
    assert found("我們的國家", "traditional") == [("traditional", "們", "们"), ("traditional", "國", "国")]


def test_characters_valid_in_simplified_text_are_not_taken_for_traditional_ones():
    assert found("著名的乾隆年间于是", "traditional") == []


def test_the_traditional_table_pairs_every_character():
    assert all(len(key) == len(value) == 1 for key, value in rules.TRADITIONAL.items())


def test_a_character_doubled_across_a_line_break_is_found():
    text = html_text("<p>汇报了金科园、金城镇</p><p>镇党委工作</p>").lined
    assert found(text, "doubled") == [("doubled", "镇", "")]


def test_a_doubled_function_word_is_found_but_not_shi_shi_fei_fei():
    assert found("我们的的目标", "doubled") == [("doubled", "的的", "的")]
    assert found("是是非非", "doubled") == []


@pytest.mark.parametrize("text", ["2021年2月29日", "4月31日", "13月1日", "二月三十日", "12月32日"])
def test_a_date_that_does_not_exist_is_found(text):
    assert [hit[0] for hit in found(text, "impossible_date")] == ["impossible_date"]


@pytest.mark.parametrize("text", ["2020年2月29日", "2月29日", "12月31日", "十二月三十一日"])
def test_real_dates_are_fine(text):
    assert found(text, "impossible_date") == []
