import datetime
import io
import random

import pytest

from articles.models import Photo
from newsroom.images.renditions import rename_renditions
from bench.generate import generate
from bench.media_lookup import measure, prepare, sample
from issues.models import Page

pytestmark = pytest.mark.django_db


def test_media_lookup_finds_every_owner_in_a_prepared_archive_once_renditions_are_renamed(capsys):
    generate(years=0.05, pages=2, stories=(2, 2), end=datetime.date(2020, 12, 31), progress=False, stdout=io.StringIO())
    prepare()
    # What migrate does on an upgraded site.
    rename_renditions(Photo, "renditions")
    rename_renditions(Page, "image_renditions")

    seen = measure(sample(5, random.Random(1)))

    assert seen == {
        "photo original": 5, "photo rendition": 5, "page image": 5, "page rendition": 5, "page PDF": 5, "nobody's": 0,
    }
    assert "1.0  5/5" in capsys.readouterr().out  # one query a look-up
