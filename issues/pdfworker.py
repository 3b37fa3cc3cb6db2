"""The process that renders PDF pages for issues.pdf, so a hostile PDF costs the web process nothing.

PDFium has one process-wide lock and no way to stop a render half-way: a 70 KB page of 5,000
wide strokes kept it busy for 96 s, and every other PDF call of that web worker waited. Pages
are therefore rendered here, in a child process the web process can kill when a page takes
longer than its limit (issues.pdf.RENDER_SECONDS_PER_PAGE).

It runs as ``python -m issues.pdfworker`` (a fresh interpreter: no copy of the web process's
threads or locks) and imports only pypdfium2 and Pillow, never Django, the database or the
storage. It reads the PDF's bytes once on stdin, then page numbers, and answers each on stdout.
"""

import io
import os
import struct
import sys

import pypdfium2 as pdfium


def render(document: pdfium.PdfDocument, index: int, long_side: int, quality: int) -> bytes:
    """One page as a JPEG whose long side is ``long_side`` pixels."""
    page = document[index]
    width, height = page.get_size()
    scale = long_side / max(width, height, 1)
    image = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil()
    page.close()
    if image.mode != "RGB":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def _read_frame(stream) -> bytes | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    return stream.read(struct.unpack(">Q", header)[0])


def _write_frame(stream, status: bytes, payload: bytes) -> None:
    stream.write(status + struct.pack(">Q", len(payload)) + payload)
    stream.flush()


def limit_cpu(seconds: int) -> None:
    """A backstop for a worker whose web process died mid-render: the kernel stops it at this much CPU."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the web process's wall-clock limit still holds


def serve(requests, answers) -> None:
    """Read the PDF, then render each page asked for until the input ends (or the process is killed).

    Frames are an 8-byte big-endian length and the bytes; a request is "index long_side quality";
    an answer is a status byte (b"+" a JPEG, b"-" an error message) and a frame.
    """
    try:
        os.nice(5)  # readers' requests on the same cores come first
    except OSError:
        pass
    document = pdfium.PdfDocument(_read_frame(requests))
    while (request := _read_frame(requests)) is not None:
        index, long_side, quality = (int(number) for number in request.split())
        try:
            _write_frame(answers, b"+", render(document, index, long_side, quality))
        except Exception as error:  # a damaged page: the web process says which
            _write_frame(answers, b"-", f"{error.__class__.__name__}: {error}".encode())
    document.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        limit_cpu(int(sys.argv[1]))
    serve(sys.stdin.buffer, sys.stdout.buffer)
