import re
from collections import Counter
from functools import cache

import pytest

from issues.demo import DEMO_DIR
from issues.pagetext import (
    MAX_PAGE_TEXT_BYTES,
    NOTE_BODY_BEFORE_TITLE,
    NOTE_HEADLINE_SPLIT,
    NOTE_NO_HEADLINE,
    PageTextError,
    ParsedPage,
    ParsedTeaser,
    check_page_text,
    chinese_page_number,
    decode_page_text,
    parse_page_text,
    read_page_bytes,
)

# The two front pages of ../shared/samples/, kept once in the demo folder.
SAMPLES = ["2020-12-03-p1.txt", "2020-12-29-p1.txt"]
MASTHEAD = [
    "金坛时报",
    "金坛时报",
    "数字微报",
    "金坛时报",
    "微信公众号",
    "金坛手机台",
    "APP下载",
    "主办：中共常州市金坛区委员会 常州市金坛区人民政府 "
    "主管部门：中共常州市金坛区委宣传部 编辑：金坛区融媒体中心",
]
SLOGAN = "践行嘱托开新局\n——争当表率、争做示范、走在前列"
JUMP_LINE = re.compile(r"[(（]\s*[上下][转接]第?[一二三四五六七八九十]+版\s*[)）]")


def sample_text(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")


@cache
def parsed(name: str) -> ParsedPage:
    return parse_page_text(sample_text(name))


@pytest.fixture
def jinkeyuan() -> ParsedPage:
    return parsed("2020-12-03-p1.txt")


@pytest.fixture
def plenary() -> ParsedPage:
    return parsed("2020-12-29-p1.txt")


def column(page: ParsedPage, attribute: str) -> list:
    return [getattr(story, attribute) for story in page.stories]


# The jinkeyuan front page: five stories, three teasers.


def test_parse_page_text_reads_jinkeyuan_headlines_in_order(jinkeyuan):
    assert column(jinkeyuan, "kicker") == [
        "区委常委会集体调研金科园、金城镇工作",
        "",
        "",
        "金科园：",
        "",
    ]
    assert column(jinkeyuan, "headline") == [
        "争当转型升级先锋 打造新兴产业高地 建设北部产业新城",
        "我区部署集中宣讲工作",
        "常州市人大常委会领导来坛调研经济工作",
        "加快转型升级 狠抓科技创新",
        "《政风热线》直播预告",
    ]
    assert column(jinkeyuan, "subheadline") == ["", "区委成立十九届五中全会精神宣讲团", "", "", ""]


def test_parse_page_text_notes_the_guessed_headline_split(jinkeyuan):
    assert column(jinkeyuan, "uncertain") == [[], [NOTE_HEADLINE_SPLIT], [], [], []]


def test_parse_page_text_reads_jinkeyuan_datelines_and_bylines(jinkeyuan):
    assert column(jinkeyuan, "dateline") == ["本报讯", "本报讯", "本报讯", "本报讯", ""]
    assert column(jinkeyuan, "byline") == ["", "马晓璇", "左燕", "", ""]


def test_parse_page_text_reads_jinkeyuan_paragraphs_jumps_and_photos(jinkeyuan):
    assert [len(story.paragraphs) for story in jinkeyuan.stories] == [9, 4, 3, 4, 1]
    assert column(jinkeyuan, "continued_to") == [2, None, None, 2, None]
    assert column(jinkeyuan, "continued_from") == [None] * 5
    assert column(jinkeyuan, "kind") == ["story", "story", "story", "story", "notice"]
    assert column(jinkeyuan, "photo_slots") == [0, 0, 0, 1, 0]


def test_parse_page_text_moves_dateline_byline_and_jump_out_of_the_body(jinkeyuan):
    first, second = jinkeyuan.stories[0], jinkeyuan.stories[1]
    assert first.paragraphs[0].startswith("12月1日,区委常委会集体调研金科园、金城镇工作,")
    assert first.paragraphs[-1].endswith("推动产业和城市融合发展。")
    assert second.paragraphs[-1].endswith("推进金坛新跨越做出积极贡献。")


def test_parse_page_text_keeps_short_and_colon_ended_paragraphs_apart(jinkeyuan):
    paragraphs = jinkeyuan.stories[0].paragraphs
    assert paragraphs[3] == "就做好下一阶段工作,狄志强提出三点要求:"
    assert paragraphs[5] == "要争当转型升级先锋。"


def test_parse_page_text_joins_column_breaks_in_jinkeyuan(jinkeyuan):
    first, notice = jinkeyuan.stories[0], jinkeyuan.stories[4]
    assert first.paragraphs[1].startswith(
        "会上,区委常委、金科园党工委副书记、金城镇党委书记董龙庆汇报了金科园、金城镇“十三五”"
    )
    assert "以功成不必在我的胸怀,全力打造生物医药产业园," in first.paragraphs[7]
    assert "能在金科园跑出建设“加速度”" in jinkeyuan.stories[3].paragraphs[2]
    assert notice.paragraphs == [
        "12月4日,本周五上午10:00-11:00,金城镇相关负责人将走进《政风热线》直播室。"
        "市民可以拨打电话82330089、82332089,或是发送留言到“金坛第一时间”、“金坛FM89”、"
        "“金坛网”、“金坛时报”微信公众号参与节目。如果您在日常生活中有咨询或投诉,"
        "可随时拨打金坛区政府服务热线12345。周五上午10:00-11:00,金坛手机台将全程直播,"
        "欢迎收听收看。《金坛时报》将同步刊登政风热线相关直播内容,敬请关注。"
    ]


def test_parse_page_text_reads_jinkeyuan_masthead_slogan_and_teasers(jinkeyuan):
    assert jinkeyuan.masthead == MASTHEAD
    assert jinkeyuan.slogans == [SLOGAN]
    assert jinkeyuan.teasers == [
        ParsedTeaser(
            label="“走向我们的小康生活”", headline="张强:种优质苗木 走致富之路", pages=[2]
        ),
        ParsedTeaser(label="综合新闻", headline="我区实行慢病全链条全周期闭环式管理", pages=[2]),
        ParsedTeaser(label="专题新闻", headline="擦亮“服务窗口” 助力两个加快", pages=[3]),
    ]


# The plenary front page: two stories and a commentary, all jumping to page 4.


def test_parse_page_text_reads_plenary_headlines_in_order(plenary):
    assert column(plenary, "kicker") == ["区委十三届十次全会举行", "", ""]
    assert column(plenary, "headline") == [
        "创新再出发 奋斗勇向前",
        "我区开展“两个加快全面决战年”第四次集中现场督查活动",
        "谱写新篇章 再创新辉煌",
    ]
    assert column(plenary, "subheadline") == ["高质量开启快速崛起新征程", "", ""]


def test_parse_page_text_reads_plenary_datelines_bylines_and_kinds(plenary):
    assert column(plenary, "dateline") == ["本报讯", "本报讯", ""]
    assert column(plenary, "byline") == ["", "", "本报评论员"]
    assert column(plenary, "kind") == ["story", "story", "commentary"]


def test_parse_page_text_reads_plenary_paragraphs_jumps_and_photos(plenary):
    assert [len(story.paragraphs) for story in plenary.stories] == [9, 3, 3]
    assert column(plenary, "continued_to") == [4, 4, 4]
    assert column(plenary, "photo_slots") == [1, 0, 1]
    assert plenary.stories[0].paragraphs[-1] == "全会就做好明年工作提出具体要求:"


def test_parse_page_text_attaches_paragraphs_printed_before_the_commentary_title(plenary):
    commentary = plenary.stories[2]
    assert commentary.paragraphs[0].startswith(
        "昨天举行的区委十三届十次全会,吹响了力争“十四五”开局首胜"
    )
    assert commentary.paragraphs[-1].endswith("实现与常州主城区同城发展。")
    assert commentary.uncertain == [NOTE_BODY_BEFORE_TITLE]


def test_parse_page_text_joins_column_breaks_in_plenary(plenary):
    report, inspection = plenary.stories[0], plenary.stories[1]
    assert "面向“十四五”、展望二〇三五年,金坛应矗立苏南发展第一方阵。" in report.paragraphs[4]
    assert "为“十四五”在更高起点上跨越发展创造了难得机遇。" in report.paragraphs[5]
    assert "推动了广大干部不断成长、成熟,眼界、格局" in report.paragraphs[5]
    assert "江苏一鸣全产业链项目12月竣工并逐步投产。" in inspection.paragraphs[2]
    assert "全力打造立体交通网、提升园区能级、完善城市功能" in plenary.stories[2].paragraphs[2]


def test_parse_page_text_reads_plenary_masthead_slogan_and_teasers(plenary):
    assert plenary.masthead == MASTHEAD
    assert plenary.slogans == [SLOGAN]
    assert plenary.teasers == [
        ParsedTeaser(label="要闻", headline="一图读懂区委十三届十次全会精神", pages=[2, 3]),
        ParsedTeaser(
            label="要闻", headline="全区“两个加快全面决战年”第四次集中现场督查剪影", pages=[4]
        ),
    ]


# Nothing from the input goes missing, whatever the parser decides about structure.


def source_lines(text: str) -> list[str]:
    """Input lines without whitespace and ** markers; jump lines and teaser pointers dropped."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"\s|\*\*", "", JUMP_LINE.sub("", line))
        if line and not line.startswith("▶"):
            lines.append(line)
    return lines


def everything_parsed(page: ParsedPage) -> str:
    parts = [*page.masthead, *page.slogans]
    for story in page.stories:
        parts += [story.kicker, story.headline, story.subheadline, story.dateline]
        parts += [*story.paragraphs, story.byline]
    for teaser in page.teasers:
        parts += [teaser.label, teaser.headline]
    return re.sub(r"\s", "", "".join(parts))


@pytest.mark.parametrize("name", SAMPLES)
def test_parse_page_text_loses_no_sentence(name):
    output = everything_parsed(parsed(name))
    sentences = [
        sentence
        for line in source_lines(sample_text(name))
        for sentence in re.split(r"(?<=[。！？])", line)
        if sentence
    ]
    assert len(sentences) > 50
    assert [sentence for sentence in sentences if sentence not in output] == []


@pytest.mark.parametrize("name", SAMPLES)
def test_parse_page_text_keeps_every_character_exactly_once(name):
    source = "".join(source_lines(sample_text(name)))
    assert Counter(everything_parsed(parsed(name))) == Counter(source)


# Smaller pages for rules the samples do not show.


def test_parse_page_text_continues_a_story_from_another_page():
    page = parse_page_text(
        "狠抓科技创新\n\n（上接第一版）本报讯 12月1日,金科园召开会议。\n\n会议要求加快发展。 左燕\n"
    )
    [story] = page.stories
    assert (story.headline, story.continued_from, story.dateline, story.byline) == (
        "狠抓科技创新",
        1,
        "本报讯",
        "左燕",
    )
    assert story.paragraphs == ["12月1日,金科园召开会议。", "会议要求加快发展。"]


def test_parse_page_text_opens_a_headless_story_on_a_continuation_line():
    page = parse_page_text("(上接第十二版)会议要求加快发展,推动项目建设。\n")
    [story] = page.stories
    assert (story.headline, story.continued_from) == ("", 12)
    assert story.uncertain == [NOTE_NO_HEADLINE]


def test_parse_page_text_reads_a_jump_line_standing_alone():
    page = parse_page_text("会议召开\n\n本报讯 昨天,会议召开,\n\n（下转第二十版）\n")
    assert page.stories[0].continued_to == 20
    assert page.stories[0].paragraphs == ["昨天,会议召开,"]


def test_parse_page_text_starts_a_headless_story_after_a_jump_line_standing_alone():
    page = parse_page_text(
        "会议召开\n\n本报讯 会议召开。\n\n(下转第四版)\n\n昨天,全会吹响了号角。\n"
    )
    assert column(page, "headline") == ["会议召开", ""]
    assert column(page, "continued_to") == [4, None]
    assert page.stories[1].paragraphs == ["昨天,全会吹响了号角。"]
    assert page.stories[1].uncertain == [NOTE_NO_HEADLINE]


def test_parse_page_text_reads_a_commentary_titled_above_its_body():
    page = parse_page_text("**谱写新篇章**\n本报评论员\n\n昨天举行的全会,吹响了号角。\n")
    [story] = page.stories
    assert (story.headline, story.byline, story.kind) == ("谱写新篇章", "本报评论员", "commentary")
    assert story.paragraphs == ["昨天举行的全会,吹响了号角。"]
    assert story.uncertain == []


def test_parse_page_text_takes_a_short_piece_mid_sentence_for_a_column_break():
    page = parse_page_text(
        "会议召开\n\n本报讯 会议听取了\n\n工作汇报\n\n与会人员提出了意见,会议通过决议。\n"
    )
    [story] = page.stories
    assert story.paragraphs == ["会议听取了工作汇报与会人员提出了意见,会议通过决议。"]


def test_parse_page_text_reads_a_byline_on_a_line_of_its_own():
    page = parse_page_text("会议召开\n\n本报讯 会议召开。\n\n会议通过决议。\n\n马晓璇\n")
    assert page.stories[0].byline == "马晓璇"
    assert page.stories[0].paragraphs == ["会议召开。", "会议通过决议。"]


def test_parse_page_text_reads_teasers_pointed_at_with_another_arrow():
    page = parse_page_text("综合新闻\n我区实行慢病管理\n\n→ 详见第二版\n")
    assert page.teasers == [ParsedTeaser(label="综合新闻", headline="我区实行慢病管理", pages=[2])]


def test_parse_page_text_counts_photo_gaps_between_paragraphs():
    page = parse_page_text("会议召开\n\n本报讯 会议召开。\n\n\n\n会议通过决议。\n\n\n会议结束。\n")
    assert page.stories[0].photo_slots == 1


def test_parse_page_text_leaves_a_photo_next_to_a_teaser_out_of_the_stories():
    page = parse_page_text(
        "会议召开\n\n本报讯 会议召开。\n\n\n\n要闻\n一图读懂全会\n\n▶ 详见二版\n\n"
        "狠抓科技创新\n\n本报讯 会议要求加快发展。\n"
    )
    assert column(page, "photo_slots") == [0, 0]
    assert page.teasers == [ParsedTeaser(label="要闻", headline="一图读懂全会", pages=[2])]


def test_parse_page_text_ends_a_paragraph_at_a_byline():
    page = parse_page_text(
        "会议召开\n\n本报讯 会议召开。 左燕\n\n狠抓科技创新\n\n会议要求加快发展,推动项目建设。\n"
    )
    assert column(page, "headline") == ["会议召开", "狠抓科技创新"]
    assert column(page, "byline") == ["左燕", ""]


def test_parse_page_text_takes_a_quoted_line_over_a_headline_for_the_column():
    page = parse_page_text(
        "狠抓科技创新\n\n本报讯 会议要求加快发展。\n\n“走向我们的小康生活”\n\n"
        "张强:种优质苗木 走致富之路\n\n本报讯 张强正给树苗浇水。 马晓璇\n"
    )
    assert column(page, "kicker") == ["", "“走向我们的小康生活”"]
    assert column(page, "headline") == ["狠抓科技创新", "张强:种优质苗木 走致富之路"]
    assert page.stories[0].paragraphs == ["会议要求加快发展。"]


def test_parse_page_text_keeps_a_name_and_parallel_phrases_as_one_headline():
    [story] = parse_page_text("张强:种优质苗木 走致富之路\n\n本报讯 张强正给树苗浇水。\n").stories
    assert (story.kicker, story.headline, story.subheadline) == (
        "",
        "张强:种优质苗木 走致富之路",
        "",
    )
    assert story.uncertain == []


def test_parse_page_text_reads_no_stories_from_an_empty_page():
    assert parse_page_text("") == ParsedPage()


# Decoding uploaded bytes.


@pytest.mark.parametrize("name", SAMPLES)
def test_decode_page_text_reads_utf8_with_and_without_bom(name):
    text = sample_text(name)
    assert decode_page_text(text.encode("utf-8")) == text
    assert decode_page_text(text.encode("utf-8-sig")) == text


@pytest.mark.parametrize("name", SAMPLES)
def test_decode_page_text_reads_gbk(name):
    # GBK has no ▶: a GBK layout system prints another arrow, and the parser accepts it.
    text = sample_text(name).replace("▶", "→")
    assert decode_page_text(text.encode("gbk")) == text
    assert parse_page_text(decode_page_text(text.encode("gbk"))).teasers == parsed(name).teasers


def test_decode_page_text_reads_gb18030():
    text = sample_text("2020-12-29-p1.txt")
    assert decode_page_text(text.encode("gb18030")) == text


def test_decode_page_text_normalises_newlines():
    text = sample_text("2020-12-29-p1.txt")
    assert decode_page_text(text.replace("\n", "\r\n").encode("utf-8")) == text
    assert decode_page_text(text.replace("\n", "\r").encode("utf-8")) == text


@pytest.mark.parametrize(
    "data",
    [b"", b" \r\n\t\n", "\u3000\n".encode("utf-8"), b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"],
)
def test_decode_page_text_refuses_empty_input(data):
    with pytest.raises(PageTextError) as raised:
        decode_page_text(data)
    assert raised.value.code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"\x89PNG\r\n\x1a\n",
        "金坛时报\x00本报讯".encode("utf-8"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\x01\x02\x03\x04 page \x05\x06",
    ],
)
def test_decode_page_text_refuses_binary_input(data):
    with pytest.raises(PageTextError) as raised:
        decode_page_text(data)
    assert raised.value.code == "binary"


@pytest.mark.parametrize(
    "data",
    [b"\x80\x80 page", b"\xff\xfe\xff", b"\xef\xbb\xbf\xd6\xd0\xce\xc4"],  # the last: BOM, then GBK
)
def test_decode_page_text_refuses_undecodable_input(data):
    with pytest.raises(PageTextError) as raised:
        decode_page_text(data)
    assert raised.value.code == "encoding"


def test_read_page_bytes_says_which_encoding_it_converted():
    text = sample_text("2020-12-29-p1.txt").replace("▶", "→")
    assert read_page_bytes(text.encode("gbk")).converted
    assert read_page_bytes(text.encode("gbk")).encoding == "gb18030"
    assert not read_page_bytes(text.encode("utf-8")).converted


def test_read_page_bytes_refuses_a_file_larger_than_a_page():
    with pytest.raises(PageTextError) as raised:
        read_page_bytes("本报讯 会议召开。\n".encode() * (MAX_PAGE_TEXT_BYTES // 10))
    assert raised.value.code == "too_large"
    assert "1024 KB" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "code"), [("", "empty"), (" \n\u3000\n", "empty"), ("会议\x00召开", "binary")]
)
def test_check_page_text_refuses_pasted_text_like_a_file(text, code):
    with pytest.raises(PageTextError) as raised:
        check_page_text(text)
    assert raised.value.code == code


def test_check_page_text_normalises_newlines():
    assert check_page_text("会议召开\r\n\r\n本报讯 会议召开。") == "会议召开\n\n本报讯 会议召开。"


def test_page_text_error_is_a_value_error():
    assert issubclass(PageTextError, ValueError)


# Page numerals.

ONES = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
TENS = ["十", "二十", "三十", "四十", "五十", "六十", "七十", "八十", "九十"]
NUMERALS = {
    **{ones: number for number, ones in enumerate(ONES, start=1)},
    **{
        tens + ones: 10 * ten + unit
        for ten, tens in enumerate(TENS, start=1)
        for unit, ones in enumerate(["", *ONES])
    },
}


@pytest.mark.parametrize(
    ("numeral", "number"),
    [
        ("一", 1),
        ("四", 4),
        ("十", 10),
        ("十一", 11),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("九十九", 99),
    ],
)
def test_chinese_page_number_reads_printed_numerals(numeral, number):
    assert chinese_page_number(numeral) == number


def test_chinese_page_number_reads_every_page_from_1_to_99():
    assert sorted(NUMERALS.values()) == list(range(1, 100))
    assert {numeral: chinese_page_number(numeral) for numeral in NUMERALS} == NUMERALS


@pytest.mark.parametrize(
    "junk", ["", "零", "一十", "十十", "二三", "一百", "百", "12", "第二版", "two"]
)
def test_chinese_page_number_refuses_junk(junk):
    with pytest.raises(ValueError):
        chinese_page_number(junk)
