"""Photos for the demo paper, drawn with Pillow when the demo is loaded (nothing is downloaded).

Four stories get a photo and the empty page 3 of 29 December gets photo news, each with a
caption and credit marked as demo content, so a newcomer sees photos on the pages and in the
admin, and can open and save them. They are filed through the photo services, as a desk would.
"""

import datetime
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from PIL import Image, ImageDraw, ImageFilter

from articles.models import Article
from articles.photos import photo_create
from issues.models import Page
from issues.services import placement_create

SIZE = (1600, 1067)  # 3:2, as cameras make them


def _sky(draw: ImageDraw.ImageDraw, top: tuple, bottom: tuple, height: int) -> None:
    width = SIZE[0]
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))


def draw_nursery(rng: random.Random) -> Image.Image:
    """Rows of young trees under a winter sky, a figure among them."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, (150, 190, 230), (225, 235, 240), 420)
    draw.rectangle([0, 420, SIZE[0], SIZE[1]], fill=(120, 140, 80))
    for row in range(7):
        y = 440 + row * row * 14 + row * 30
        scale = 0.4 + row * 0.25
        for x in range(-40, SIZE[0] + 40, int(90 * scale)):
            x += rng.randint(-8, 8)
            draw.line([(x, y), (x, y - 60 * scale)], fill=(90, 60, 40), width=max(2, int(5 * scale)))
            r = int(28 * scale)
            draw.ellipse([x - r, y - 60 * scale - 2 * r, x + r, y - 60 * scale], fill=(40 + rng.randint(0, 30), 110 + rng.randint(0, 40), 50))
    draw.rectangle([1010, 620, 1050, 760], fill=(40, 60, 110))  # a man in a blue coat
    draw.ellipse([1012, 578, 1048, 618], fill=(230, 190, 160))
    return image


def draw_clinic(rng: random.Random) -> Image.Image:
    """A community health centre: a white building with a red cross and people at its door."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, (120, 170, 225), (210, 225, 240), 600)
    draw.rectangle([0, 600, SIZE[0], SIZE[1]], fill=(170, 170, 165))
    draw.rectangle([300, 220, 1300, 760], fill=(240, 240, 235), outline=(200, 200, 200), width=4)
    for floor in range(3):
        for column in range(8):
            x, y = 350 + column * 118, 260 + floor * 130
            draw.rectangle([x, y, x + 80, y + 80], fill=(110, 150, 190))
    draw.rectangle([760, 160, 840, 240], fill=(255, 255, 255))
    draw.rectangle([785, 170, 815, 230], fill=(200, 30, 40))
    draw.rectangle([770, 185, 830, 215], fill=(200, 30, 40))
    for x in (700, 760, 860, 930):
        draw.rectangle([x, 690, x + 34, 800], fill=(rng.randint(40, 200), rng.randint(40, 120), rng.randint(60, 160)))
        draw.ellipse([x + 2, 652, x + 32, 688], fill=(230, 190, 160))
    return image


def draw_service_hall(rng: random.Random) -> Image.Image:
    """A government service hall: a row of counters, screens above them, people waiting."""
    image = Image.new("RGB", SIZE, (235, 230, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 700, SIZE[0], SIZE[1]], fill=(190, 175, 150))
    for counter in range(6):
        x = 80 + counter * 250
        draw.rectangle([x, 220, x + 200, 300], fill=(20, 40, 90))
        draw.rectangle([x + 20, 240, x + 180, 280], fill=(230, 60, 50))
        draw.rectangle([x, 520, x + 200, 700], fill=(150, 110, 70))
        draw.ellipse([x + 80, 420, x + 120, 460], fill=(230, 190, 160))
        draw.rectangle([x + 70, 460, x + 130, 520], fill=(250, 250, 250))
    for x in range(150, 1500, 210):
        draw.rectangle([x, 760, x + 40, 900], fill=(rng.randint(30, 180), rng.randint(30, 120), rng.randint(40, 170)))
        draw.ellipse([x + 2, 718, x + 38, 758], fill=(230, 190, 160))
    return image


def draw_building_site(rng: random.Random) -> Image.Image:
    """A building site: a tower crane, a concrete frame going up, hard hats."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, (170, 200, 230), (235, 230, 215), 700)
    draw.rectangle([0, 700, SIZE[0], SIZE[1]], fill=(150, 120, 90))
    for floor in range(6):
        y = 700 - floor * 80
        draw.rectangle([500, y - 10, 1150, y], fill=(160, 160, 160))
        for x in range(500, 1160, 130):
            draw.rectangle([x, y - 80, x + 14, y], fill=(170, 170, 170))
    draw.rectangle([1300, 120, 1320, 700], fill=(240, 190, 30))
    draw.rectangle([700, 110, 1500, 130], fill=(240, 190, 30))
    draw.line([(1100, 130), (1100, 320)], fill=(60, 60, 60), width=3)
    for x in (260, 330, 400):
        draw.rectangle([x, 760, x + 40, 880], fill=(40, 70, 140))
        draw.ellipse([x, 712, x + 40, 752], fill=(230, 190, 160))
        draw.pieslice([x - 4, 700, x + 44, 740], 180, 360, fill=(255, 255, 255) if x == 330 else (240, 160, 20))
    return image


def draw_lake_morning(rng: random.Random) -> Image.Image:
    """Mist over 长荡湖 at sunrise, reeds in front (the photo news)."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, (250, 200, 150), (250, 235, 215), 560)
    draw.ellipse([1050, 330, 1170, 450], fill=(255, 170, 80))
    _sky_band = Image.new("RGB", (SIZE[0], SIZE[1] - 560))
    band = ImageDraw.Draw(_sky_band)
    for y in range(SIZE[1] - 560):
        t = y / (SIZE[1] - 561)
        band.line([(0, y), (SIZE[0], y)], fill=(round(240 - 120 * t), round(200 - 80 * t), round(170 - 30 * t)))
    image.paste(_sky_band, (0, 560))
    draw.polygon([(0, 560), (300, 500), (620, 540), (900, 510), (1600, 560)], fill=(150, 140, 150))
    image = image.filter(ImageFilter.GaussianBlur(2))
    draw = ImageDraw.Draw(image)
    for x in range(0, SIZE[0], 9):
        height = rng.randint(120, 300)
        draw.line([(x, SIZE[1]), (x + rng.randint(-20, 20), SIZE[1] - height)], fill=(110, 90, 50), width=3)
    return image


@dataclass(frozen=True)
class DemoPhoto:
    draw: Callable[[random.Random], Image.Image]
    caption: str
    credit: str


# Story photos, by a phrase of the story's headline.
STORY_PHOTOS = {
    "种优质苗木": DemoPhoto(draw_nursery, "张强在苗木基地查看新栽苗木的长势。（演示图片，由程序绘制）", "记者 左燕"),
    "慢病全链条": DemoPhoto(
        draw_clinic, "社区卫生服务中心的医生为慢病患者建立健康档案。（演示图片，由程序绘制）", "记者 马晓璇"
    ),
    "服务窗口": DemoPhoto(draw_service_hall, "政务服务中心帮办代办窗口前，办事群众有序排队。（演示图片，由程序绘制）", "记者 左燕"),
    "第四次集中现场督查活动": DemoPhoto(
        draw_building_site, "督查组在重点项目建设现场了解工程进度。（演示图片，由程序绘制）", "记者 马晓璇"
    ),
}
PHOTO_NEWS_PAGE = (datetime.date(2020, 12, 29), 3)
PHOTO_NEWS = DemoPhoto(draw_lake_morning, "冬日清晨，长荡湖畔薄雾轻笼，芦苇摇曳。（演示图片新闻，由程序绘制）", "记者 马晓璇")


def jpeg(photo: DemoPhoto, seed: str) -> ContentFile:
    image = photo.draw(random.Random(seed))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name="demo.jpg")


def add_demo_photos(*, user: AbstractBaseUser, stories: QuerySet[Article]) -> int:
    """Give the demo stories and page their photos, once (a story with a photo is left alone); how many were added."""
    added = 0
    for phrase, photo in STORY_PHOTOS.items():
        story = stories.filter(Q(headline__contains=phrase) | Q(kicker__contains=phrase)).first()
        if story is None or story.photos.exists():
            continue
        photo_create(user=user, article=story, image=jpeg(photo, phrase), caption=photo.caption, credit=photo.credit)
        added += 1
    date, number = PHOTO_NEWS_PAGE
    page = Page.objects.filter(issue__date=date, number=number).first()
    if page is not None and not page.placements.filter(photo__isnull=False).exists():
        news = photo_create(
            user=user, article=None, image=jpeg(PHOTO_NEWS, "photo news"), caption=PHOTO_NEWS.caption, credit=PHOTO_NEWS.credit
        )
        placement_create(page=page, photo=news)
        added += 1
    return added
