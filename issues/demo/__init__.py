"""Demo content: two front pages of a real county daily (金坛时报, December 2020), imported
through the page importer, with inside pages written for the demo and marked as such in their text.
The issue numbers below are illustrative, not the paper's own."""

import datetime
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent

# (date, issue number, cumulative number)
DEMO_ISSUES = [
    (datetime.date(2020, 12, 3), 141, 6036),
    (datetime.date(2020, 12, 29), 152, 6047),
]

# (date, page number, page name, file); each issue's front page first, so jumps join up in order.
DEMO_PAGES = [
    (datetime.date(2020, 12, 3), 1, "要闻", "2020-12-03-p1.txt"),
    (datetime.date(2020, 12, 3), 2, "综合新闻", "2020-12-03-p2.txt"),
    (datetime.date(2020, 12, 3), 3, "专题新闻", "2020-12-03-p3.txt"),
    (datetime.date(2020, 12, 29), 1, "要闻", "2020-12-29-p1.txt"),
    (datetime.date(2020, 12, 29), 2, "要闻", "2020-12-29-p2.txt"),
    (datetime.date(2020, 12, 29), 3, "要闻", None),
    (datetime.date(2020, 12, 29), 4, "综合新闻", "2020-12-29-p4.txt"),
]
