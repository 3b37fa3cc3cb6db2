"""Tonight's issue for the demo: an open issue being made, with stories at every step of 三审.

So a newcomer who logs in as each role finds work waiting on the desk's home page: the reporter a
draft and a story sent back with the editor's comment, the editors stories waiting for 初审 and
二审, the chief one waiting for 终审, and the night editor an issue with a story placed (and already
online: 网络首发) and pages still to fill and sign off. Everything is filed through the services, as the desk would.
"""

from django.contrib.auth.models import AbstractBaseUser

from articles.models import Article
from articles.photos import photo_create
from articles.services import article_create, article_release_online, article_step
from issues.demo.photos import DemoPhoto, draw_clinic, draw_lake_morning, draw_nursery, draw_service_hall, jpeg
from issues.models import Issue
from issues.services import issue_create, page_create, placement_create, proposed_issue_date

# (headline, paragraphs, photo or None, the review steps already taken, by whom)
STORIES = [
    (
        "城区新增两处便民停车场（演示稿件）",
        ["为缓解老城区停车难，区住建局在东门大街和南环路新建两处便民停车场。", "两处停车场共提供车位三百余个，本月底前投入使用。"],
        DemoPhoto(draw_service_hall, "东门大街便民停车场施工现场。（演示图片，由程序绘制）", "记者 左燕"),
        [],
    ),
    (
        "我区启动冬季消防安全大检查（演示稿件）",
        ["即日起，区消防救援大队联合各镇街开展为期一个月的冬季消防安全大检查。", "检查重点为人员密集场所和老旧小区。"],
        None,
        [("submit", "reporter", ""), ("send_back", "editor", "请补充检查覆盖的单位数量和已发现的隐患数，并核实联合检查的部门名称。")],
    ),
    (
        "金城镇举办农民丰收节（演示稿件）",
        ["金城镇第三届农民丰收节在镇文化广场举行，各村带来特色农产品展销。", "活动现场还举办了农技咨询和文艺演出。"],
        DemoPhoto(draw_nursery, "农民丰收节现场，村民展示新收的农产品。（演示图片，由程序绘制）", "通讯员 王伟"),
        [("submit", "reporter", "")],
    ),
    (
        "区图书馆延长周末开放时间（演示稿件）",
        ["自下月起，区图书馆周末开放时间延长至晚上九点。", "馆内自习区同步增设座位一百个。"],
        None,
        [("submit", "reporter", ""), ("first_review", "editor", "")],
    ),
    (
        "长荡湖生态修复工程通过验收（演示稿件）",
        ["长荡湖生态修复一期工程近日通过专家组验收。", "工程完成退圩还湖一千二百亩，湖区水质稳定达到三类水标准。"],
        DemoPhoto(draw_lake_morning, "修复后的长荡湖湖岸。（演示图片，由程序绘制）", "记者 马晓璇"),
        [("submit", "reporter", ""), ("first_review", "editor", ""), ("second_review", "editor2", "")],
    ),
    (
        "全区新建十座口袋公园（演示稿件）",
        ["今年以来，我区利用边角地新建十座口袋公园。", "公园全部免费开放，方便居民就近休闲。"],
        DemoPhoto(draw_clinic, "市民在新建的口袋公园散步。（演示图片，由程序绘制）", "记者 左燕"),
        [
            ("submit", "reporter", ""),
            ("first_review", "editor", ""),
            ("second_review", "editor2", ""),
            ("approve", "chief", "同意刊发。"),
        ],
    ),
]


def make_tonights_issue(*, users: dict[str, AbstractBaseUser]) -> Issue | None:
    """Make tonight's issue and its stories, unless an unreleased issue is already on the desk."""
    if Issue.objects.open().exists():
        return None
    issue = issue_create(date=proposed_issue_date())  # with the pages of its day's page plan
    front = issue.pages.filter(number=1).first() or page_create(issue=issue, number=1, name="要闻", editor=users["editor"])
    if not issue.pages.filter(number=2).exists():
        page_create(issue=issue, number=2, name="综合新闻", editor=users["editor2"])
    for headline, paragraphs, photo, steps in STORIES:
        article = article_create(
            user=users["reporter"],
            headline=headline,
            byline="左燕",
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        )
        if photo is not None:
            photo_create(
                user=users["reporter"], article=article, image=jpeg(photo, headline), caption=photo.caption, credit=photo.credit
            )
        for step, who, comment in steps:
            article_step(article=article, user=users[who], step=step, comment=comment)
        if article.status == Article.Status.APPROVED:
            placement_create(page=front, article=article)
            # 网络首发: it went online as soon as it was approved; tomorrow's paper prints it.
            article_release_online(article=article, user=users["chief"])
    return issue
