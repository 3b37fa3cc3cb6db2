"""The morning half of the demo day (issue #14): the paper's page plans, tomorrow's story plans
(some written, one placed long enough to overrun its page, one late), and the calendar's events.

Everything goes through the services, as the desk would; the only direct write moves one plan's
deadline into the past (the services refuse a past deadline, and the demo was planned yesterday).
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from articles.planning.models import PlanningEvent, StoryPlan
from articles.planning.services import (
    plan_approve,
    plan_assign,
    plan_decline,
    plan_propose,
    plan_start_writing,
    plan_update,
    planning_event_save,
)
from articles.services import article_step
from issues.models import Issue, PagePlan, PlannedPage
from issues.services import page_plan_save, placement_create, planned_page_save

# (number, name, capacity in characters, photo area in percent). 第二版 carries a photo spread:
# little room for text, which is where tonight's long story runs over.
WEEKDAY_PAGES = [
    (1, "要闻", 3200, 30),
    (2, "综合新闻", 450, 70),
    (3, "经济", 4500, 20),
    (4, "社会", 4500, 20),
    (5, "文化", 4200, 25),
    (6, "专题", 3800, 40),
    (7, "副刊", 5000, 10),
    (8, "体育·服务", 4500, 20),
]
WEEKEND_PAGES = [(1, "要闻", 3200, 30), (2, "综合新闻", 450, 70), (3, "周末", 4200, 30), (4, "副刊", 5000, 10)]

LONG_STORY = [
    "今年以来，我区紧扣“项目建设攻坚年”目标，全区四十二个市级、区级重点工程克服雨季和原材料涨价等困难，多数项目进度超过序时。",
    "在开发区，新能源电池项目二期主厂房已全面封顶，设备安装同步推进，预计明年一季度投产，投产后年产值可达八十亿元。",
    "城东片区的老旧小区改造涉及十二个小区、三千余户居民，屋面防水、管网改造和加装电梯等内容已完成八成。",
    "交通方面，金城大道快速化改造工程主线桥梁全部合龙，沿线交叉路口的渠化改造正在进行，年底前具备通车条件。",
    "民生工程中，区人民医院新院区门诊楼进入内部装修阶段，区第二实验小学新校区将于明年秋季开学时投入使用。",
    "为保障冬季施工安全，区住建局组织开展了为期一个月的安全生产大检查，对发现的隐患逐项建立台账、限期整改。",
    "区发改委负责人表示，下一步将继续实行重点项目挂钩联系制度，协调解决用地、资金和审批等方面的难点问题。",
    "同时，各镇街将加快储备一批明年开工的新项目，力争形成“竣工一批、开工一批、储备一批”的良性循环。",
    "记者在多个施工现场看到，工人们正抢抓晴好天气施工，塔吊林立、车辆穿梭，处处是热火朝天的建设场景。",
    "据统计，前三季度全区重点工程累计完成投资一百二十六亿元，占年度计划的百分之八十七，为全年目标的完成打下坚实基础。",
]


def page_plans_demo(*, users: dict[str, AbstractBaseUser]) -> None:
    """四开八版 on weekdays, four pages at weekends; made once (a plan of that name is left alone)."""
    for name, weekdays, pages in (("四开八版", "12345", WEEKDAY_PAGES), ("周末四版", "67", WEEKEND_PAGES)):
        if PagePlan.objects.filter(name=name).exists():
            continue
        plan = page_plan_save(plan=PagePlan(name=name, weekdays=weekdays))
        for number, page_name, capacity, photo_area in pages:
            editor = users["editor"] if number % 2 else users["editor2"]
            planned_page_save(
                slot=PlannedPage(plan=plan, number=number, name=page_name, editor=editor,
                                 capacity_chars=capacity, photo_area=photo_area)
            )


def _body(paragraphs: list[str]) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def story_plans_demo(*, issue: Issue, users: dict[str, AbstractBaseUser]) -> None:
    """Tomorrow's 稿单: plans at every step, one written long and placed on 第二版, one late."""
    reporter, editor, chief = users["reporter"], users["editor"], users["chief"]
    day = issue.date
    evening = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(18, 0)))
    deadline = max(evening, timezone.now() + datetime.timedelta(hours=2))

    def propose(by, slug, summary, page, chars, photos=0):
        return plan_propose(user=by, slug=slug, summary=summary, issue_date=day, page_number=page,
                            planned_chars=chars, photos_wanted=photos, deadline=deadline)

    # Written longer than planned and placed: 第二版 (a photo spread) runs over its capacity.
    works = propose(editor, "重点工程巡礼", "全区重点工程年终冲刺：进度、难点、下一步。采访区发改委、住建局。", 2, 450, 2)
    plan_assign(plan=works, user=editor, reporter=reporter)
    story = plan_start_writing(plan=works, user=reporter)
    story.headline = "重点工程冲刺年终目标（演示稿件）"
    story.body = _body(LONG_STORY)
    story.save()
    for step, who in (("submit", reporter), ("first_review", editor), ("second_review", users["editor2"]),
                      ("approve", chief)):
        article_step(article=story, user=who, step=step)
    page2 = issue.pages.get(number=2)
    placement_create(page=page2, article=story)

    # Being written: the draft made from the plan, not handed in yet.
    heating = propose(reporter, "冬季供暖保障", "城区供暖管网检修和困难家庭取暖补贴发放情况。", 4, 900, 1)
    plan_approve(plan=heating, user=editor)
    draft = plan_start_writing(plan=heating, user=reporter)
    draft.body = _body(["入冬以来，区城管局对城区供暖管网开展全面检修，更换老旧管道两千余米。"])
    draft.save()

    # Assigned yesterday, deadline passed, nothing written: late on the 稿单.
    late = propose(editor, "银杏大道落叶景观", "市民拍银杏落叶，配图为主。", 1, 500, 3)
    plan_assign(plan=late, user=editor, reporter=reporter, photographer=users["editor2"])
    StoryPlan.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(hours=3))

    # Waiting for the morning meeting, and one turned down.
    propose(reporter, "社区食堂满月", "老城区第一家社区食堂开业一个月：就餐人数、价格、老人评价。", 3, 1000, 1)
    fair = propose(reporter, "商场促销活动", "某商场年末促销。", 3, 600)
    plan_decline(plan=fair, user=editor, reason="商业促销不作新闻报道，可转广告部。")

    # The day after: the calendar shows it.
    next_day = propose(editor, "区人代会开幕", "区人大常委会会议开幕，会前采访代表。", 1, 1500, 2)
    plan_update(plan=next_day, user=editor, issue_date=day + datetime.timedelta(days=1))

    if not PlanningEvent.objects.exists():
        for offset, title, kind in (
            (1, "区人大常委会会议", PlanningEvent.Kind.MEETING),
            (5, "长荡湖生态修复工程一周年", PlanningEvent.Kind.ANNIVERSARY),
            (9, "全区冬季长跑比赛", PlanningEvent.Kind.EVENT),
        ):
            planning_event_save(event=PlanningEvent(date=day + datetime.timedelta(days=offset), title=title, kind=kind))
