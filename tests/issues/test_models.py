import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from issues.models import HotZone
from tests.factories import HotZoneFactory, PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "x, y, width, height",
    [(0.9, 0.1, 0.2, 0.2), (0.1, 0.9, 0.2, 0.2), (-0.1, 0, 0.2, 0.2), (0, 0, 0, 0.2), (0, 0, 1.5, 0.2)],
)
def test_hot_zone_off_the_page_is_refused_by_the_database_and_by_validation(x, y, width, height):
    placement = PlacementFactory()
    with pytest.raises(ValidationError):
        HotZone(placement=placement, x=x, y=y, width=width, height=height).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        HotZone.objects.create(placement=placement, x=x, y=y, width=width, height=height)


def test_hot_zone_may_reach_exactly_to_the_pages_edge():
    zone = HotZoneFactory(x=0.3, y=0.7, width=0.7, height=0.3)
    zone.full_clean()
    assert zone.box == ("300.0", "700.0", "700.0", "300.0")
