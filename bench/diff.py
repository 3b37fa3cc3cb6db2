"""Time the revisions diff on hostile inputs: ``python -m bench.diff``.

The revisions screen and the conflict notice of a refused save both run articles.diff on two
versions of every field. Per-character SequenceMatcher took 22 s on a 2 KB paragraph changed
from "ab"×700 to "abc"×700; these inputs (and repetitive ones sized just under the diff's
limits, the worst it still compares) must each take under a second. Exits 1 if one does not.
"""

import sys
import time

from bench import setup_django

LIMIT_SECONDS = 1.0


def cases() -> dict[str, tuple[str, str]]:
    from articles.diff import BUDGET

    # The longest repetitive parts whose comparison the budget still pays for: the slowest case.
    under = round(BUDGET ** (1 / 3)) - 1
    return {
        '"ab"×700 → "abc"×700 (the report)': ("ab" * 700, "abc" * 700),
        '"甲乙"×700 → "甲乙丙"×700': ("甲乙" * 700, "甲乙丙" * 700),
        '"a b "×700 → "a b c "×700': ("a b " * 700, "a b c " * 700),
        "sentences 甲。×700 → 甲。乙。×700": ("甲。" * 700, "甲。乙。" * 700),
        f"words at the budget ({under})": ("甲乙" * (under // 2), "甲乙丙" * (under // 3)),
        f"sentences at the budget ({under})": ("甲。" * under, "甲。乙。" * (under // 2)),
        "200 paragraphs of 甲乙 → 甲乙丙": ("\n".join(["甲乙" * 100] * 200), "\n".join(["甲乙丙" * 66] * 200)),
        "a normal edit (2 KB, three words)": (
            "区委书记张三今天到金坛区督查，要求加快进度。" * 40,
            "区委书记李四今天到金坛区督查，要求加快项目进度。" + "区委书记张三今天到金坛区督查，要求加快进度。" * 39,
        ),
    }


def main() -> None:
    setup_django()
    from articles.diff import diff_fields

    fields = {"headline": "headline", "body": "body"}
    slow = []
    print(f"{'input':<45} {'old':>6} {'new':>6} {'seconds':>8}")
    for name, (old, new) in cases().items():
        paragraphs = lambda text: "".join(f"<p>{line}</p>" for line in text.split("\n"))  # noqa: E731
        before = {"headline": old.split("\n")[0], "body": paragraphs(old)}
        after = {"headline": new.split("\n")[0], "body": paragraphs(new)}
        start = time.perf_counter()
        diff_fields(before, after, fields)
        seconds = time.perf_counter() - start
        print(f"{name:<45} {len(old):>6} {len(new):>6} {seconds:>8.3f}")
        if seconds >= LIMIT_SECONDS:
            slow.append(name)
    if slow:
        print(f"over {LIMIT_SECONDS} s: {', '.join(slow)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
