"""Fill a database with a realistic archive, in bulk: ``python -m bench.generate --years 10``.

About 300 issues a year (no Sundays, no holidays), eight pages each, eight to ten stories a
page, with Chinese text reshuffled from the demo pages (issues/demo/*.txt), kickers,
subheadlines, bylines, datelines, tags, photos (rows pointing at a handful of tiny real image
files), photo news, front-page stories that jump to page 2 (a few going on to page 4) and
teasers from the front page to stories inside. Everything is approved and released at 06:00
on its date, and the archive ends with the latest paper already out (today's from 06:00 Shanghai
time, yesterday's before), so a run at any hour has a front page to measure.

The archive is added to whatever the database holds: dates already taken are skipped and
cumulative numbers continue after the highest one. Uses DATABASE_URL like the site.
Rows go in with bulk_create (no save(), no signals), a chunk of issues per transaction; the
search index is written with the rows, and cached pages are dropped at the end.
"""

import argparse
import datetime
import io
import random
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench import BASE_DIR, setup_django

DEMO_DIR = BASE_DIR / "issues" / "demo"

PAGE_NAMES = ["要闻", "要闻", "综合新闻", "专题新闻", "社会", "经济", "文体", "副刊"]
# Days the paper does not come out (month, day): New Year, Spring Festival (roughly), May Day, National Day.
HOLIDAYS = {(1, 1), (1, 2), (2, 10), (2, 11), (2, 12), (2, 13), (2, 14), (5, 1), (5, 2), (5, 3)} | {
    (10, day) for day in range(1, 8)
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "晓燕璇伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌海波宁俊峰欣怡子涵梓轩浩然雨桐佳琪"
DATELINES = ["本报讯"] * 12 + ["新华社北京电", "本报综合消息", "通讯员报道"]
TAGS = [
    "两个加快", "金科园", "乡村振兴", "十四五", "疫情防控", "招商引资", "生态环境", "民生实事",
    "文明城市", "教育", "医疗卫生", "交通", "农业农村", "安全生产", "党建", "社区治理", "文化旅游",
    "体育", "科技创新", "营商环境", "长荡湖", "茅山", "开发区", "金城镇", "儒林镇", "朱林镇",
    "薛埠镇", "直溪镇", "指前镇", "尧塘街道", "东城街道", "西城街道", "人大", "政协", "纪检监察",
    "消防", "防汛", "老龄", "志愿服务", "非遗",
]
PHOTO_COLOURS = [(180, 40, 40), (40, 120, 180), (60, 150, 60), (200, 160, 40), (120, 80, 160), (90, 90, 90)]
PHOTO_SIZE = (160, 107)


class TextPool:
    """Paragraphs and headline-sized phrases from the demo pages, to draw from at random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        paragraphs, headlines = [], set()
        for path in sorted(DEMO_DIR.glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip().strip("*").strip()
                line = re.sub(r"[（(](下转|上接)第.版[)）]", "", line)
                if len(line) >= 40:
                    paragraphs.append(line)
                    for clause in re.split(r"[，,。；;：:！？!?“”\"]", line):
                        if 8 <= len(clause.strip()) <= 22:
                            headlines.add(clause.strip())
                elif 8 <= len(line) <= 30 and "：" not in line:
                    headlines.add(line)
        self.paragraphs = paragraphs
        self.headlines = sorted(headlines)

    def headline(self) -> str:
        return self.rng.choice(self.headlines)

    def body(self, paragraphs: int) -> str:
        from articles.text import paragraphs_to_html

        return paragraphs_to_html(self.rng.choices(self.paragraphs, k=paragraphs))

    def caption(self) -> str:
        return self.rng.choice(self.paragraphs)[:60] + "。"


RELEASE_TIME = datetime.time(6)


def last_released_date(now: datetime.datetime) -> datetime.date:
    """The newest date whose 06:00 paper is already out at ``now`` (an aware datetime)."""
    from django.utils import timezone

    local = timezone.localtime(now)
    return local.date() if local.time() >= RELEASE_TIME else local.date() - datetime.timedelta(days=1)


def publication_dates(*, end: datetime.date, count: int, taken: set[datetime.date]) -> list[datetime.date]:
    """The last ``count`` publication days up to ``end``, oldest first."""
    dates, day = [], end
    while len(dates) < count:
        if day.weekday() != 6 and (day.month, day.day) not in HOLIDAYS and day not in taken:
            dates.append(day)
        day -= datetime.timedelta(days=1)
    return dates[::-1]


def photo_files(media_root: Path) -> list[tuple[str, int, int]]:
    """A few tiny real JPEGs that every generated photo row points at: (name, width, height)."""
    from PIL import Image

    files = []
    for index, colour in enumerate(PHOTO_COLOURS):
        name = f"photos/bench-{index}.jpg"
        path = media_root / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            Image.new("RGB", PHOTO_SIZE, colour).save(buffer, format="JPEG", quality=70)
            path.write_bytes(buffer.getvalue())
        files.append((name, *PHOTO_SIZE))
    return files


@contextmanager
def historical_timestamps(*models):
    """Let bulk_create write the given created/updated times instead of now (auto_now off)."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def run_post_bulk_hooks() -> None:
    """Drop cached pages: bulk writes send no signals (the search index is written with the rows)."""
    from newsroom.cache import invalidate

    invalidate()


class Generator:
    def __init__(self, *, seed: int, pages: int, stories: tuple[int, int], batch: int) -> None:
        self.rng = random.Random(seed)
        self.text = TextPool(self.rng)
        self.pages_per_issue = pages
        self.stories = stories
        self.batch = batch

    def prepare(self) -> None:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import Tag

        from articles.models import Article

        User = get_user_model()
        wanted = [f"bench-reporter-{n}" for n in range(40)]
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        User.objects.bulk_create(
            [
                User(username=name, first_name=self._name(), password="!", is_active=True)
                for name in wanted
                if name not in existing
            ]
        )
        self.reporters = list(User.objects.filter(username__in=wanted))
        existing_tags = set(Tag.objects.filter(name__in=TAGS).values_list("name", flat=True))
        Tag.objects.bulk_create([Tag(name=name, slug=f"bench-{i}") for i, name in enumerate(TAGS) if name not in existing_tags])
        self.tag_names = dict(Tag.objects.filter(name__in=TAGS).values_list("pk", "name"))
        self.tag_ids = sorted(self.tag_names)
        self.article_type = ContentType.objects.get_for_model(Article)
        self.photos = photo_files(Path(settings.MEDIA_ROOT))
        from django.db import connection

        self.superuser = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                self.superuser = bool(cursor.fetchone()[0])

    def _fast_load(self) -> None:
        """On PostgreSQL, skip per-row work a bulk load of consistent rows does not need (this transaction only)."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            # Nothing is lost if the machine dies mid-fill: the benchmark database is rebuilt.
            cursor.execute("SET LOCAL synchronous_commit = off")
            if self.superuser:
                # Foreign keys are checked by a trigger per row at commit (over a million rows
                # at ten years); these rows point at rows made just before, so skip the triggers.
                cursor.execute("SET LOCAL session_replication_role = replica")

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def _article(self, created_at):
        from articles.models import Article

        rng = self.rng
        return Article(
            kicker=self.text.headline() if rng.random() < 0.2 else "",
            headline=self.text.headline(),
            subheadline=self.text.headline() if rng.random() < 0.2 else "",
            byline=" ".join(self._name() for _ in range(rng.choice((1, 1, 2, 2, 3)))),
            dateline=rng.choice(DATELINES),
            body=self.text.body(rng.randint(3, 9)),
            reporter=rng.choice(self.reporters),
            status=Article.Status.APPROVED,
            created_at=created_at,
            updated_at=created_at,
        )

    def issues(self, dates: list[datetime.date], first_total: int):
        """Issue rows for the dates, numbered within their year (第N期) and overall (总第N期)."""
        from django.utils import timezone

        from issues.models import Issue

        numbers: dict[int, int] = {}
        rows = []
        for offset, date in enumerate(dates):
            numbers[date.year] = numbers.get(date.year, 0) + 1
            rows.append(
                Issue(
                    date=date,
                    number=numbers[date.year],
                    total_number=first_total + offset,
                    release_at=timezone.make_aware(datetime.datetime.combine(date, RELEASE_TIME)),
                )
            )
        return rows

    def fill(self, issues) -> dict[str, int]:
        """Create the issues with everything on their pages, in one transaction."""
        from django.db import transaction
        from taggit.models import TaggedItem

        from articles.models import Article, Photo, SearchDocument
        from articles.search import body_text, index_text
        from issues.models import Issue, Jump, Page, Placement, Teaser

        rng = self.rng
        with transaction.atomic(), historical_timestamps(Article, Photo, Issue):
            self._fast_load()
            for issue in issues:
                issue.created_at = issue.updated_at = issue.release_at - datetime.timedelta(hours=10)
            Issue.objects.bulk_create(issues, batch_size=self.batch)
            pages = [
                Page(issue=issue, number=number, name=PAGE_NAMES[(number - 1) % len(PAGE_NAMES)], editor=rng.choice(self.reporters),
                     capacity_chars=4500)
                for issue in issues
                for number in range(1, self.pages_per_issue + 1)
            ]
            Page.objects.bulk_create(pages, batch_size=self.batch)

            # Stories page by page; (page, article) pairs in reading order.
            articles, layout = [], []
            for issue_index, issue in enumerate(issues):
                issue_pages = pages[issue_index * self.pages_per_issue : (issue_index + 1) * self.pages_per_issue]
                written = issue.release_at - datetime.timedelta(hours=14)
                for page in issue_pages:
                    for _ in range(rng.randint(*self.stories)):
                        article = self._article(written)
                        articles.append(article)
                        layout.append((page, article))
            Article.objects.bulk_create(articles, batch_size=self.batch)

            photos = []
            for article in articles:
                if rng.random() < 0.3:
                    for order in range(rng.choice((1, 1, 1, 2))):
                        name, width, height = rng.choice(self.photos)
                        photos.append(
                            Photo(article=article, image=name, width=width, height=height, caption=self.text.caption(),
                                  credit=f"记者 {self._name()}", order=order, created_at=article.created_at)
                        )
            photo_news = []
            for issue_index, issue in enumerate(issues):
                name, width, height = rng.choice(self.photos)
                photo_news.append(
                    Photo(image=name, width=width, height=height, caption=self.text.caption(),
                          credit=f"记者 {self._name()}", created_at=issue.created_at)
                )
            Photo.objects.bulk_create(photos + photo_news, batch_size=self.batch)

            placements, order_on = [], {}
            for page, article in layout:
                order_on[page.pk] = order_on.get(page.pk, 0) + 1
                placements.append(Placement(page=page, article=article, order=order_on[page.pk]))
            for issue_index, photo in enumerate(photo_news):
                page = pages[issue_index * self.pages_per_issue + min(2, self.pages_per_issue - 1)]
                order_on[page.pk] = order_on.get(page.pk, 0) + 1
                placements.append(Placement(page=page, photo=photo, order=order_on[page.pk]))
            # Jumps: two or three front-page stories go on to page 2; every third issue one goes on to page 4.
            jumps, continuations, jumping = [], [], []
            if self.pages_per_issue >= 4:
                front_placements: dict[int, list[Placement]] = {}
                for placement in placements:
                    if placement.article is not None and placement.page.number == 1:
                        front_placements.setdefault(placement.page.issue_id, []).append(placement)
                for issue_index, issue in enumerate(issues):
                    second = pages[issue_index * self.pages_per_issue + 1]
                    fourth = pages[issue_index * self.pages_per_issue + 3]
                    candidates = front_placements.get(issue.pk, [])
                    for index, placement in enumerate(rng.sample(candidates, k=min(len(candidates), rng.choice((2, 3))))):
                        order_on[second.pk] = order_on.get(second.pk, 0) + 1
                        middle = Placement(page=second, article=placement.article, order=order_on[second.pk])
                        continuations.append(middle)
                        paragraphs = placement.article.body.count("<p>")
                        jumping.append((placement, second, max(1, paragraphs // 2)))
                        if index == 0 and issue_index % 3 == 0 and paragraphs >= 4:
                            order_on[fourth.pk] = order_on.get(fourth.pk, 0) + 1
                            continuations.append(Placement(page=fourth, article=placement.article, order=order_on[fourth.pk]))
                            jumping[-1] = (placement, second, 2)
                            jumping.append((middle, fourth, paragraphs - 1))
            Placement.objects.bulk_create(placements + continuations, batch_size=self.batch)
            for placement, to_page, after in jumping:
                jumps.append(Jump(placement=placement, to_page=to_page, after_paragraph=after))
            Jump.objects.bulk_create(jumps, batch_size=self.batch)

            # Teasers: the front page points at three stories inside.
            teasers = []
            inside: dict[int, list] = {}
            for page, article in layout:
                if page.number > 1:
                    inside.setdefault(page.issue_id, []).append((page, article))
            for issue_index, issue in enumerate(issues):
                front = pages[issue_index * self.pages_per_issue]
                for order, (page, article) in enumerate(rng.sample(inside.get(issue.pk, []), k=min(3, len(inside.get(issue.pk, [])))), start=1):
                    teasers.append(Teaser(page=front, article=article, label=page.name, order=order))
            Teaser.objects.bulk_create(teasers, batch_size=self.batch)

            tags_of = {article.pk: rng.sample(self.tag_ids, k=rng.choice((0, 1, 1, 2, 2, 3))) for article in articles}
            tagged = [
                TaggedItem(tag_id=tag_id, content_type=self.article_type, object_id=article_id)
                for article_id, tag_ids in tags_of.items()
                for tag_id in tag_ids
            ]
            TaggedItem.objects.bulk_create(tagged, batch_size=self.batch)

            # The search index, as articles.search.search_document_update would write it on save.
            first_issue = {article.pk: page.issue.date for page, article in reversed(layout)}
            SearchDocument.objects.bulk_create(
                [
                    SearchDocument(
                        article_id=article.pk,
                        title=index_text(article.kicker, article.headline, article.subheadline),
                        body=index_text(body_text(article.body), article.byline, *(self.tag_names[t] for t in tags_of[article.pk])),
                        issue_date=first_issue[article.pk],
                        sort_key=SearchDocument.make_sort_key(first_issue[article.pk], article.pk),
                    )
                    for article in articles
                ],
                batch_size=self.batch,
            )

            # 选题 (articles.planning): each story was planned for its page, so the 稿单 and the
            # plan lists are measured with ten years of plans.
            from articles.planning.models import StoryPlan

            StoryPlan.objects.bulk_create(
                [
                    StoryPlan(slug=article.headline[:80], summary=article.headline, issue_date=page.issue.date,
                              page_number=page.number, planned_chars=rng.choice((600, 800, 1000, 1500)),
                              deadline=article.created_at, status=StoryPlan.Status.ASSIGNED,
                              proposed_by_id=article.reporter_id, reporter_id=article.reporter_id, article=article)
                    for page, article in layout
                ],
                batch_size=self.batch,
            )
        return {
            "issues": len(issues),
            "pages": len(pages),
            "articles": len(articles),
            "placements": len(placements) + len(continuations),
            "photos": len(photos) + len(photo_news),
            "jumps": len(jumps),
            "teasers": len(teasers),
            "tags": len(tagged),
        }


def generate(*, years: float, issues_per_year: int = 300, pages: int = 8, stories: tuple[int, int] = (8, 10),
             end: datetime.date | None = None, seed: int = 2020, chunk: int = 25, batch: int = 2000,
             progress: bool = True, stdout=sys.stdout) -> dict[str, int]:
    """Add ``years`` of archive ending at ``end`` (default: the latest paper already out); returns the rows made."""
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone
    from tqdm import tqdm

    from issues.models import Issue

    count = max(1, round(years * issues_per_year))
    end = end or last_released_date(timezone.now())
    taken = set(Issue.objects.values_list("date", flat=True))
    dates = publication_dates(end=end, count=count, taken=taken)
    first_total = (Issue.objects.aggregate(last=Max("total_number"))["last"] or 0) + 1
    generator = Generator(seed=seed, pages=pages, stories=stories, batch=batch)
    generator.prepare()
    issues = generator.issues(dates, first_total)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # A rebuildable benchmark database: speed over durability while filling it.
            cursor.execute("PRAGMA synchronous=OFF")
    totals: dict[str, int] = {}
    started = time.monotonic()
    with tqdm(total=len(issues), unit="issue", disable=not progress, file=sys.stderr) as bar:
        for start in range(0, len(issues), chunk):
            made = generator.fill(issues[start : start + chunk])
            for key, value in made.items():
                totals[key] = totals.get(key, 0) + value
            bar.update(made["issues"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics for the new rows
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    run_post_bulk_hooks()
    totals["seconds"] = round(time.monotonic() - started)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=float, default=10, help="years of archive (default 10; 0.1 for a smoke run)")
    parser.add_argument("--issues-per-year", type=int, default=300)
    parser.add_argument("--pages", type=int, default=8, help="pages per issue (default 8)")
    parser.add_argument("--stories", default="8-10", help="stories per page, as MIN-MAX (default 8-10)")
    parser.add_argument("--end", type=datetime.date.fromisoformat, default=None, help="last date (default: the latest paper already out, today's from 06:00)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    low, _, high = args.stories.partition("-")
    setup_django()
    totals = generate(
        years=args.years, issues_per_year=args.issues_per_year, pages=args.pages,
        stories=(int(low), int(high or low)), end=args.end, seed=args.seed, progress=not args.no_progress,
    )
    seconds = totals.pop("seconds")
    print(", ".join(f"{value:,} {key}" for key, value in totals.items()) + f" in {seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
