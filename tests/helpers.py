"""Helpers shared by test modules (and the benchmarks): things to upload."""

import io
import zlib


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
