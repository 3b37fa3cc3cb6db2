"""Helpers the tests and the benchmarks share (fixtures live in conftest.py)."""

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from issues.models import Issue


@contextmanager
def assembling(*issues: Issue) -> Iterator[None]:
    """Lay out issues through the services as the desk does before release, then release them as they were.

    The services refuse to change a released issue, so a test that wants a released paper with
    jumps and teasers assembles it open first, as the desk would.
    """
    release_times = {issue.pk: Issue.objects.get(pk=issue.pk).release_at for issue in issues}
    Issue.objects.filter(pk__in=release_times).update(release_at=None)
    try:
        yield
    finally:
        for pk, release_at in release_times.items():
            Issue.objects.filter(pk=pk).update(release_at=release_at)
        for issue in issues:
            issue.refresh_from_db(fields=["release_at"])


def line_art_pdf(*, operators: int = 50_000, pages: int = 1, transform: str = "") -> bytes:
    """A PDF whose pages each draw ``operators`` strokes ("0 0 m 1 1 l S"), compressed.

    The hostile tester's page: 50,000 strokes deflate to under 3 KB. ``transform`` goes first in
    each content stream: "500 0 0 800 0 0 cm" stretches every stroke (and its width) across the
    page, which PDFium takes minutes to rasterize.
    """
    content = zlib.compress((transform + "\n").encode() + b"0 0 m 1 1 l S\n" * operators, 9)
    kids = " ".join(f"{3 + 2 * page} 0 R" for page in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    for page in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * page} 0 R >>".encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
