import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from articles.models import Article, Photo
from articles.roles import sync_roles
from issues.models import HotZone, Issue, Page, Placement, Teaser


def png_bytes(width: int = 60, height: int = 85, color: str = "white") -> bytes:
    """A small PNG, for page images made outside a factory."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"reporter{n}")
    first_name = "记者"
    password = factory.django.Password("correct horse battery staple")


def role_user(role: str, **kwargs):
    """A staff user in one of the newsroom's role groups (articles.roles)."""
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=role).exists():
        sync_roles()  # a transactional test's flush removes the groups the migration made
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    class Params:
        approved = factory.Trait(status=Article.Status.APPROVED)

    headline = factory.Sequence(lambda n: f"测试新闻标题{n}")
    byline = "马晓璇"
    dateline = "本报讯"
    body = factory.LazyFunction(
        lambda: "".join(f"<p>第{n}段正文，记者现场采访所得。</p>" for n in range(1, 7))
    )
    reporter = factory.SubFactory(UserFactory)


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    article = factory.SubFactory(ArticleFactory)
    image = factory.django.ImageField(width=120, height=80, color="red", filename="photo.jpg", format="JPEG")
    caption = "区领导在项目现场督查。"
    credit = "记者 左燕"


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    class Params:
        released = True

    date = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    number = factory.Sequence(lambda n: n + 1)
    total_number = factory.Sequence(lambda n: 6000 + n)
    release_at = factory.LazyAttribute(
        lambda issue: timezone.now() - datetime.timedelta(days=1)
        if issue.released
        else timezone.now() + datetime.timedelta(days=1)
    )


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    class Params:
        with_image = factory.Trait(
            image=factory.django.ImageField(width=300, height=424, color="white", filename="page.png", format="PNG")
        )

    issue = factory.SubFactory(IssueFactory)
    number = factory.Sequence(lambda n: n % 99 + 1)
    name = "综合新闻"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    page = factory.SubFactory(PageFactory)
    article = factory.SubFactory(ArticleFactory, approved=True)
    order = factory.Sequence(lambda n: n)


class TeaserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teaser

    page = factory.SubFactory(PageFactory)
    article = factory.SubFactory(ArticleFactory, approved=True)
    label = "综合新闻"


class HotZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotZone

    placement = factory.SubFactory(PlacementFactory)
    x = 0.05
    y = 0.1
    width = 0.9
    height = 0.3
