"""The checks that need no word list: punctuation, paired marks, numbers (GB/T 15835-2011),
traditional characters, characters doubled by an import, and dates that do not exist.

Each rule reads one field's lined text (articles.proofing.text) and yields ``RuleHit``s; a rule
that needs the whole story (a year written two ways) reads all fields at once.
"""

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from articles.proofing.models import Category

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_OR_MARK = CJK + "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20“”‘’…—"


@dataclass(frozen=True)
class RuleHit:
    start: int
    end: int
    rule: str
    category: str
    suggestion: str
    note: str


# --- Half-width punctuation inside Chinese text ----------------------------------------------------

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
HALF_WIDTH_RE = re.compile(
    rf"(?<=[{CJK_OR_MARK}])[,;:?!()]|[,;:?!(](?=[{CJK}])|(?<=[{CJK}])\.(?![\d.])|\)(?=[{CJK}])"
)
NOTE_HALF_WIDTH = _("Chinese text takes full-width punctuation (GB/T 15834).")


STRAIGHT_QUOTE_RE = re.compile(rf'(?<=[{CJK_OR_MARK}])"|"(?=[{CJK}])')


def half_width_punctuation(text: str) -> Iterator[RuleHit]:
    for match in HALF_WIDTH_RE.finditer(text):
        mark = match.group()
        yield RuleHit(
            match.start(), match.end(), "half_width", Category.PUNCTUATION, FULL_WIDTH[mark], str(NOTE_HALF_WIDTH)
        )
    # Straight quotes: opening or closing by their count in the paragraph so far.
    for match in STRAIGHT_QUOTE_RE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        opening = text.count('"', line_start, match.start()) % 2 == 0
        yield RuleHit(
            match.start(), match.end(), "half_width", Category.PUNCTUATION, "“" if opening else "”", str(NOTE_HALF_WIDTH)
        )


# --- Paired marks ----------------------------------------------------------------------------------

PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "〔": "〕", "「": "」", "『": "』"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
NOTE_UNPAIRED = _("This mark has no partner in its paragraph.")


def unpaired_marks(text: str) -> Iterator[RuleHit]:
    lines = text.split("\n")
    offset = 0
    for number, line in enumerate(lines):
        stack: list[tuple[str, int]] = []
        for index, char in enumerate(line):
            if char in PAIRS:
                stack.append((char, index))
            elif char in CLOSERS:
                if stack and stack[-1][0] == CLOSERS[char]:
                    stack.pop()
                else:
                    yield RuleHit(offset + index, offset + index + 1, "unpaired", Category.PUNCTUATION, CLOSERS[char] + char, str(NOTE_UNPAIRED))
        next_line = lines[number + 1] if number + 1 < len(lines) else ""
        for char, index in stack:
            # A quotation that runs over several paragraphs opens each one and closes only the last.
            if char == "“" and next_line.startswith("“"):
                continue
            yield RuleHit(offset + index, offset + index + 1, "unpaired", Category.PUNCTUATION, char + PAIRS[char], str(NOTE_UNPAIRED))
        offset += len(line) + 1


# --- Numbers (GB/T 15835-2011) --------------------------------------------------------------------

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 … 九十九 (and 一百), the numbers of months, days and percentages; None for anything else."""
    if text.isdigit():
        return int(text)
    if text == "一百":
        return 100
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1 or (tens and tens not in DIGITS) or (ones and ones not in DIGITS):
            return None
        return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)
    if len(text) == 1 and text in DIGITS:
        return DIGITS[text]
    return None


ARABIC_YEAR_RE = re.compile(r"(?<![\d０-９])(?:1[89]|20)\d\d(?=年)")
CHINESE_YEAR_RE = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
NOTE_YEAR_MIXED = _("The story writes years in two ways; keep one (GB/T 15835: Arabic numerals for dates).")
NOTE_YEAR_ZERO = _("In a year written in Chinese numerals, zero is 〇 (GB/T 15835).")


def mixed_years(texts: dict[str, str]) -> Iterator[tuple[str, RuleHit]]:
    """Years in Chinese numerals where the same story also writes them in Arabic numerals, or 零 for 〇."""
    arabic = any(ARABIC_YEAR_RE.search(text) for text in texts.values())
    for name, text in texts.items():
        for match in CHINESE_YEAR_RE.finditer(text):
            year = match.group()
            if arabic:
                digits = "".join(str(DIGITS[char]) for char in year)
                yield name, RuleHit(match.start(), match.end(), "year_mixed", Category.NUMBER, digits, str(NOTE_YEAR_MIXED))
            elif "零" in year:
                yield name, RuleHit(match.start(), match.end(), "year_zero", Category.NUMBER, year.replace("零", "〇"), str(NOTE_YEAR_ZERO))


PLAN_RE = re.compile(r"(?<!“)(十[一二三四五六七八九]五|1[0-9]五)(?!”)|“(1[0-9])五”")
PLAN_NUMBERS = "一二三四五六七八九"
NOTE_PLAN = _("A five-year plan is written in Chinese numerals inside quotation marks: “十四五”.")


def plan_names(text: str) -> Iterator[RuleHit]:
    for match in PLAN_RE.finditer(text):
        value = match.group(1) or match.group(2)
        if value.startswith("十"):
            name = value
        else:
            number = int(value[:2])
            name = "十" + (PLAN_NUMBERS[number - 11] if number > 10 else "") + "五"
        yield RuleHit(match.start(), match.end(), "plan_name", Category.NUMBER, f"“{name}”", str(NOTE_PLAN))


PERCENT_WORDS_RE = re.compile(r"百分之([〇零一二两三四五六七八九十百]+)(?:点([〇零一二三四五六七八九]+))?")
PERCENT_RANGE_RE = re.compile(r"(?<![\d.%])(\d+(?:\.\d+)?)\s*[-~～—–至到]\s*(\d+(?:\.\d+)?)%")
FULL_WIDTH_NUMBER_RE = re.compile(r"[０-９][０-９．％]*|％")
NOTE_PERCENT_WORDS = _("Statistics take Arabic numerals: 50%, not 百分之五十 (GB/T 15835).")
NOTE_PERCENT_RANGE = _("A range of percentages keeps both signs: 10%～20% (GB/T 15835).")
NOTE_FULL_WIDTH_DIGITS = _("Numbers take half-width digits (GB/T 15835).")


def percentages(text: str) -> Iterator[RuleHit]:
    for match in PERCENT_WORDS_RE.finditer(text):
        whole = chinese_number(match.group(1))
        if whole is None:
            continue
        decimals = "".join(str(DIGITS[char]) for char in match.group(2) or "")
        number = f"{whole}.{decimals}" if decimals else str(whole)
        yield RuleHit(match.start(), match.end(), "percent_words", Category.NUMBER, f"{number}%", str(NOTE_PERCENT_WORDS))
    for match in PERCENT_RANGE_RE.finditer(text):
        low, high = match.groups()
        yield RuleHit(match.start(), match.end(), "percent_range", Category.NUMBER, f"{low}%～{high}%", str(NOTE_PERCENT_RANGE))
    for match in FULL_WIDTH_NUMBER_RE.finditer(text):
        half = match.group().translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
        yield RuleHit(match.start(), match.end(), "full_width_digits", Category.NUMBER, half, str(NOTE_FULL_WIDTH_DIGITS))


# --- Traditional characters in simplified text ------------------------------------------------------

_TRADITIONAL_CHARS = (
    "們這國會來時說對開發經進區縣鎮業產長書記領導黨員關與為現實設應過還後個學場義萬億農廠質環節護衛體機構務議論題傳點際組織"
    "東車門問間見聽讀寫語話請謝認識該讓條線網電視頻藝術廣報紙雜誌標準據統計劃選舉權當總結續積極決辦務幫處級單價買賣"
    "邊華愛聯類種龍樂歷氣師狀獎畫療盡監確禮稅稱筆範糧納紅約紀細終給絕繼罷習聖聞職腦興舊艱莊葉藥虛號蘇衝補裝複復規親覺觀"
    "訊訓許評試詩誤調談課誰證財貨責貴費資購趕趙跡運遠適遲遷鄉醫針銀銷鋼錢錯鍵鐵閱陣陳陸陽隊階隨險隱雙雞離難靜響頁項順須預"
    "頭顏顧風飛飯養館馬驗魚鳥麥黃齊齒麼裡髮鬆麵雲夠並係隻臺灣歲滬遼陝"
)
_SIMPLIFIED_CHARS = (
    "们这国会来时说对开发经进区县镇业产长书记领导党员关与为现实设应过还后个学场义万亿农厂质环节护卫体机构务议论题传点际组织"
    "东车门问间见听读写语话请谢认识该让条线网电视频艺术广报纸杂志标准据统计划选举权当总结续积极决办务帮处级单价买卖"
    "边华爱联类种龙乐历气师状奖画疗尽监确礼税称笔范粮纳红约纪细终给绝继罢习圣闻职脑兴旧艰庄叶药虚号苏冲补装复复规亲觉观"
    "讯训许评试诗误调谈课谁证财货责贵费资购赶赵迹运远适迟迁乡医针银销钢钱错键铁阅阵陈陆阳队阶随险隐双鸡离难静响页项顺须预"
    "头颜顾风飞饭养馆马验鱼鸟麦黄齐齿么里发松面云够并系只台湾岁沪辽陕"
)
# Only characters that are never correct in simplified text (not 著, 乾, 於, 摺 …, which are).
TRADITIONAL = {
    traditional: simplified
    for traditional, simplified in zip(_TRADITIONAL_CHARS, _SIMPLIFIED_CHARS, strict=True)
    if traditional != simplified
}
TRADITIONAL_RE = re.compile("[" + "".join(TRADITIONAL) + "]")
NOTE_TRADITIONAL = _("A traditional character in simplified text.")


def traditional_characters(text: str) -> Iterator[RuleHit]:
    for match in TRADITIONAL_RE.finditer(text):
        yield RuleHit(
            match.start(), match.end(), "traditional", Category.TRADITIONAL, TRADITIONAL[match.group()], str(NOTE_TRADITIONAL)
        )


# --- Characters doubled where an import broke a line --------------------------------------------------

DOUBLED_ACROSS_RE = re.compile(rf"([{CJK}])\n\1")
# Function words that are never written twice in a row (是是非非 aside).
DOUBLED_WORD_RE = re.compile(r"([的了在和与及对为将被把])\1(?!非)")
NOTE_DOUBLED = _("The same character twice, where a line was broken: one is probably left over.")


def doubled_characters(text: str) -> Iterator[RuleHit]:
    for match in DOUBLED_ACROSS_RE.finditer(text):
        yield RuleHit(match.end() - 1, match.end(), "doubled", Category.REPEAT, "", str(NOTE_DOUBLED))
    for match in DOUBLED_WORD_RE.finditer(text):
        yield RuleHit(match.start(), match.end(), "doubled", Category.REPEAT, match.group(1), str(NOTE_DOUBLED))


# --- Dates that do not exist ------------------------------------------------------------------------

NUMERAL = "[0-9〇零一二两三四五六七八九十]"
DATE_RE = re.compile(rf"(?:(\d{{4}})年)?({NUMERAL}{{1,3}})月({NUMERAL}{{1,3}})日")
NOTE_DATE = _("There is no such date.")


def impossible_dates(text: str) -> Iterator[RuleHit]:
    for match in DATE_RE.finditer(text):
        year = int(match.group(1)) if match.group(1) else None
        month, day = chinese_number(match.group(2)), chinese_number(match.group(3))
        if month is None or day is None:
            continue
        if not 1 <= month <= 12:
            bad = True
        else:
            # Without a year, 29 February stands (it may be a leap year).
            longest = calendar.monthrange(year or 2000, month)[1]
            bad = not 1 <= day <= longest
        if bad:
            yield RuleHit(match.start(), match.end(), "impossible_date", Category.DATE, "", str(NOTE_DATE))


# The rules run on each field; the whole-story rules (mixed_years) run once per story.
FIELD_RULES = (
    half_width_punctuation,
    unpaired_marks,
    plan_names,
    percentages,
    traditional_characters,
    doubled_characters,
    impossible_dates,
)


def run_rules(texts: dict[str, str]) -> Iterable[tuple[str, RuleHit]]:
    """Every rule hit of a story, as (field, hit)."""
    for name, text in texts.items():
        for rule in FIELD_RULES:
            for hit in rule(text):
                yield name, hit
    yield from mixed_years(texts)
