"""Time the /media/ owner lookup in-process: ``python -m bench.media_lookup [--prepare]``.

Every /media/ request asks `newsroom.media` who owns the file and whether readers may see it;
this times that question alone (no file is read) for a sample of originals, renditions, page
PDFs and names nobody owns, on whatever DATABASE_URL points at.

A generated archive (bench.generate) points every photo at a handful of shared files and gives
pages no files, so ``--prepare`` first gives each photo and page its own random file names and
renditions recorded the way uploads record them, as before derived rendition names (random
names under <folder>/renditions/). It rewrites rows: use it on a throwaway database only.
Migrating afterwards renames those renditions as an upgrade would; no files are needed.
"""

import argparse
import random
import statistics
import time
import uuid

from bench import setup_django

BATCH = 2000


def _random_renditions(source: str, folder: str, widths: list[int]) -> dict:
    return {
        "source": source,
        "width": widths[-1],
        "height": widths[-1] * 2 // 3,
        "sizes": [
            {
                "label": label,
                "width": width,
                "height": width * 2 // 3,
                "jpeg": f"{folder}/renditions/{uuid.uuid4().hex}.jpg",
                "webp": f"{folder}/renditions/{uuid.uuid4().hex}.webp",
            }
            for label, width in zip(("thumb", "page", "retina"), widths)
        ],
    }


def prepare() -> None:
    """Give every photo and page its own files and random-named renditions (rows only)."""
    from django.db import transaction

    from articles.models import Photo
    from issues.models import Page

    for model, fields in ((Photo, ("image", "renditions")), (Page, ("image", "pdf", "image_renditions"))):
        done, last = 0, 0
        while rows := list(model.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
            for row in rows:
                if model is Photo:
                    # Names only: assigning a file would open it to read its size.
                    row.image.name = f"photos/{uuid.uuid4().hex}.jpg"
                    row.renditions = _random_renditions(row.image.name, "photos", [240, 720, 1440])
                else:
                    row.image.name = f"pages/{uuid.uuid4().hex}.jpg"
                    row.pdf.name = f"pages/{uuid.uuid4().hex}.pdf"
                    row.image_renditions = _random_renditions(row.image.name, "pages", [200, 1000, 2000])
            with transaction.atomic():
                model.objects.bulk_update(rows, fields, batch_size=500)
            done, last = done + len(rows), rows[-1].pk
        print(f"{model.__name__}: {done} rows given their own files")


def sample(count: int, rng: random.Random) -> dict[str, list[str]]:
    """File names to look up, by kind: evenly spread over the archive."""
    from articles.models import Photo
    from issues.models import Page

    photo_ids = list(Photo.objects.values_list("pk", flat=True))
    page_ids = list(Page.objects.exclude(image="").values_list("pk", flat=True))
    photos = Photo.objects.in_bulk(rng.sample(photo_ids, count)).values()
    pages = Page.objects.in_bulk(rng.sample(page_ids, count)).values()
    return {
        "photo original": [photo.image.name for photo in photos],
        "photo rendition": [rng.choice(photo.renditions["sizes"])[rng.choice(("jpeg", "webp"))] for photo in photos],
        "page image": [page.image.name for page in pages],
        "page rendition": [rng.choice(page.image_renditions["sizes"])["webp"] for page in pages],
        "page PDF": [page.pdf.name for page in pages],
        "nobody's": [f"photos/renditions/{uuid.uuid4().hex}.jpg-720.webp" for _ in range(count)],
    }


def measure(names: dict[str, list[str]]) -> dict[str, int]:
    """Print the timings by kind; return how many names of each kind readers may see."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, reset_queries
    from django.test import RequestFactory

    from newsroom.media import _visibility

    request = RequestFactory().get("/media/")
    request.user = AnonymousUser()
    connection.force_debug_cursor = True
    print(f"{connection.vendor}, {len(next(iter(names.values())))} lookups per kind")
    print(f"{'kind':<16} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  readers may see")
    seen = {}
    for kind, batch in names.items():
        _visibility(request, batch[0])  # warm the connection and the page cache of the database
        timings, queries, visible = [], 0, 0
        for name in batch:
            reset_queries()
            start = time.perf_counter()
            visible += _visibility(request, name) is True
            timings.append((time.perf_counter() - start) * 1000)
            queries += len(connection.queries)
        timings.sort()
        print(
            f"{kind:<16} {statistics.mean(timings):8.2f} {timings[len(timings) // 2]:8.2f}"
            f" {timings[int(len(timings) * 0.95)]:8.2f} {queries / len(batch):8.1f}  {visible}/{len(batch)}"
        )
        seen[kind] = visible
    connection.force_debug_cursor = False
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="rewrite the rows first (throwaway databases only)")
    parser.add_argument("--count", type=int, default=300, help="lookups per kind of file (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    if args.prepare:
        prepare()
    measure(sample(args.count, random.Random(args.seed)))


if __name__ == "__main__":
    main()
