"""Word lists and a story waiting for 终审, for the proofreading tests."""

import pytest

from articles.proofing.models import Category, Term, TermList
from articles.proofing.services import term_list_save, term_save


@pytest.fixture
def word_list(db):
    """A small list: one entry of each category, the banned one blocking."""
    term_list = term_list_save(term_list=TermList(name="本报词表", source="测试"))
    for text, category, replacement, blocking in [
        ("罪犯", Category.BANNED, "犯罪嫌疑人", True),
        ("北朝鲜", Category.SENSITIVE, "朝鲜", True),
        ("村长", Category.CARE, "村主任", False),
        ("国家发改委", Category.STANDARD, "国家发展改革委", False),
        ("既使", Category.TYPO, "即使", False),
    ]:
        term_save(term=Term(term_list=term_list, text=text, category=category, replacement=replacement, blocking=blocking))
    return term_list


@pytest.fixture
def waiting_story(word_list, reporter, editor, second_editor):
    """A story with a banned term (罪犯) that has passed 初审 and 二审: it waits for the chief's 终审."""
    from articles.services import article_step
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        headline="我区破获一起盗窃案",
        body="<p>本报讯 警方抓获罪犯张某，既使他拒不交代。</p><p>案件正在审理中。</p>",
        reporter=reporter,
    )
    for user, step in ((reporter, "submit"), (editor, "first_review"), (second_editor, "second_review")):
        article_step(article=article, user=user, step=step)
    return article
