"""字数: one count for the desk, the 稿单 and the assembly screen (and static/js/charcount.js)."""

import pytest

from articles.text import char_count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("社区食堂开业一个月", 9),
        ("Marathon 2026 开跑", 4),  # two Latin words, then two characters
        ("“好吃不贵”！", 7),  # full-width quotes and the exclamation mark count as characters
        ("<p>abc</p><p>def</p>", 2),  # words in two paragraphs do not run together
        ("<p>城区&nbsp;新增 &amp; 停车场</p>", 7),  # entities are text, markup is not
        ("", 0),
    ],
)
def test_char_count_counts_cjk_characters_and_latin_words_one_each(text, count):
    assert char_count(text) == count
