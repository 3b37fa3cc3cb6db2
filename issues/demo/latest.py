"""The latest paper for the demo: a small issue that went out this morning (yesterday's, before 06:00).

The archive's real pages are from 2020; without a recent issue a newcomer would never see what
depends on "recent": the news sitemap (the last two days), today's paper on the home page, the
feeds' newest items. The stories are written for the demo and say so; they are filed, reviewed
(三审 by three people), placed, jumped, teased, signed off and released through the services.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from articles.models import Article
from articles.photos import photo_create
from articles.services import article_create, article_step
from issues.demo.photos import DemoPhoto, draw_building_site, draw_clinic, draw_nursery, jpeg
from issues.models import Issue
from issues.services import (
    issue_create,
    issue_release,
    jump_create,
    page_create,
    page_sign_off,
    placement_create,
    teaser_create,
)

RELEASE_TIME = datetime.time(6, 0)

# (page number, headline, paragraphs, photo or None); the first front-page story continues on page 2.
STORIES = [
    (
        1,
        "我区重点项目冬季攻坚全面起势（演示稿件）",
        [
            "入冬以来，我区四十个重点项目抢抓施工黄金期，倒排工期、挂图作战，全力冲刺年度目标。",
            "在经济开发区的新能源电池项目现场，三座主厂房已完成封顶，设备安装同步推进。",
            "项目负责人介绍，工地实行两班倒，确保春节前具备试生产条件。",
            "区发改局相关负责人表示，今年全区重点项目已完成投资一百二十亿元，占年度计划的百分之九十六。",
            "下一步，各板块将加强要素保障，对进度滞后的项目逐一会办，确保应开尽开、应竣尽竣。",
        ],
        DemoPhoto(draw_building_site, "新能源电池项目主厂房施工现场。（演示图片，由程序绘制）", "记者 左燕 摄"),
    ),
    (
        1,
        "全区冬季供暖保障工作有序开展（演示稿件）",
        [
            "为保障群众温暖过冬，区城管局提前完成供热管网检修，二十三个小区已全部正常供暖。",
            "供热服务热线二十四小时有人值守，群众反映的问题当天受理、限时办结。",
        ],
        None,
    ),
    (
        2,
        "区人民医院开设老年病专科门诊（演示稿件）",
        [
            "区人民医院老年病专科门诊日前开诊，为六十岁以上患者提供一站式诊疗服务。",
            "门诊设在门诊楼一楼，配备专职导诊人员，并开通预约挂号绿色通道。",
            "医院还将定期组织专家走进社区，开展义诊和健康讲座。",
        ],
        DemoPhoto(draw_clinic, "区人民医院老年病专科门诊。（演示图片，由程序绘制）", "通讯员 周敏 摄"),
    ),
    (
        2,
        "儒林镇苗木产业拓宽富民路（演示稿件）",
        [
            "冬日的儒林镇苗木基地里，工人们正忙着起苗、打包、装车。",
            "近年来，儒林镇引导农户发展特色苗木，全镇苗木种植面积达到两万亩，带动三千余户农民增收。",
        ],
        DemoPhoto(draw_nursery, "儒林镇苗木基地，工人正在起苗装车。（演示图片，由程序绘制）", "记者 马晓璇 摄"),
    ),
]


def latest_paper_date() -> datetime.date:
    """Today if this morning's paper is already out, else yesterday."""
    now = timezone.localtime()
    return now.date() if now.time() >= RELEASE_TIME else now.date() - datetime.timedelta(days=1)


def make_latest_paper(*, users: dict[str, AbstractBaseUser]) -> Issue | None:
    """Make the latest paper ready to go out (see release_latest_paper), once: not again on a later day."""
    date = latest_paper_date()
    if Issue.objects.filter(date=date).exists() or Article.objects.filter(headline=STORIES[0][1]).exists():
        return None
    # Numbered as if the paper had come out every day since the archive's last issue (第152期,
    # 总第6047期 on 2020-12-29), so tonight's issue, counted on from this one, reads right too.
    issue = issue_create(
        date=date, number=date.timetuple().tm_yday, total_number=6047 + (date - datetime.date(2020, 12, 29)).days,
        page_plan=False,  # two pages written for the demo, not the standing eight
    )
    pages = {
        1: page_create(issue=issue, number=1, name="要闻", editor=users["editor"]),
        2: page_create(issue=issue, number=2, name="综合新闻", editor=users["editor2"]),
    }
    placements = []
    for number, headline, paragraphs, photo in STORIES:
        article = article_create(
            user=users["reporter"],
            headline=headline,
            byline="本报记者 左燕",
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        )
        if photo is not None:
            photo_create(
                user=users["reporter"], article=article, image=jpeg(photo, headline), caption=photo.caption, credit=photo.credit
            )
        for step, who in (("submit", "reporter"), ("first_review", "editor"), ("second_review", "editor2"), ("approve", "chief")):
            article_step(article=article, user=users[who], step=step)
        placements.append(placement_create(page=pages[number], article=article))
    jump_create(placement=placements[0], to_page=pages[2], after_paragraph=2)
    teaser_create(page=pages[1], article=placements[2].article, label="综合新闻")
    return issue


def release_latest_paper(*, issue: Issue, chief: AbstractBaseUser) -> Issue:
    """Sign off its pages (once printed) and release it, as it went out: this morning at six."""
    for page in issue.pages.all():
        page_sign_off(page=page, user=chief)
    issue_release(issue=issue, user=chief)
    release_at = timezone.make_aware(datetime.datetime.combine(issue.date, RELEASE_TIME))
    Issue.objects.filter(pk=issue.pk).update(release_at=release_at)
    issue.refresh_from_db()
    return issue
