"""The demo paper's 校对: the starter lists, and a story waiting for 终审 with open hits."""

from articles.models import Article
from articles.proofing.services import proofing_check
from articles.proofing.starter import starter_lists_load
from articles.services import article_create, article_step

DEMO_HEADLINE = "我区破获一起电动车盗窃案"
DEMO_BODY = (
    "<p>本报讯 近日,区公安分局破获一起电动车盗窃案,抓获罪犯张某某。</p>"
    "<p>据介绍,二〇二〇年以来,我区电动车被盗案件同比下降百分之三十。"
    "警方提醒市民,既使停放时间很短,也要按装防盗锁。</p>"
    "<p>案件于2020年11月31日移送检察机关审查起诉。</p>"
)


def proofing_demo(*, reporter, first_editor, second_editor) -> Article:
    """Load the starter lists; file a story with hits and take it through 初审 and 二审 (run again, nothing twice)."""
    starter_lists_load()
    article = Article.objects.filter(headline=DEMO_HEADLINE).first()
    if article is None:
        article = article_create(user=reporter, headline=DEMO_HEADLINE, kicker="平安金坛", byline="左燕", body=DEMO_BODY)
        for user, step in ((reporter, "submit"), (first_editor, "first_review"), (second_editor, "second_review")):
            article_step(article=article, user=user, step=step)
    # The stories loaded before the lists existed are checked now, so every story shows its hits.
    for story in Article.objects.all():
        proofing_check(article=story)
    return article
