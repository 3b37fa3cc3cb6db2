"""Render hostile print PDFs the way an upload does: ``python -m bench.pdf``.

The hostile tester's PDFs, made here rather than stored: a 2.7 KB page of 50,000 strokes
(15 s in the request, holding PDFium's lock), a larger one of 3.2 million strokes (87 KB; did
not finish in 120 s), 5,000 strokes stretched across the page (96 s), and a 30-page blank
print PDF (11 s in the request). issues.pdf renders each page in a worker process and kills it
at RENDER_SECONDS_PER_PAGE; meanwhile this process opens another PDF, to show that nothing
here waits on PDFium's lock. Exits 1 if a page is neither rendered within a second of worker
time nor refused within its limit (plus a second for starting and stopping the worker).
"""

import sys
import threading
import time

from bench import setup_django


def cases() -> dict[str, bytes]:
    from PIL import Image

    from issues.pdf import images_to_pdf
    from tests.helpers import line_art_pdf

    return {
        "50,000 strokes (the 2.7 KB page)": line_art_pdf(operators=50_000),
        "3,200,000 strokes (the 87 KB page)": line_art_pdf(operators=3_200_000),
        "5,000 strokes across the page": line_art_pdf(operators=5_000, transform="500 0 0 800 0 0 cm"),
        "30 blank pages (a print PDF)": line_art_pdf(operators=0, pages=30),
        "30 blank scanned pages (a print PDF)": images_to_pdf([Image.new("RGB", (1654, 2339), "white")] * 30),
    }


def main() -> None:
    setup_django()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from PIL import Image

    from issues import pdf

    probe = SimpleUploadedFile("probe.pdf", pdf.images_to_pdf([Image.new("RGB", (10, 10))]))
    failures = []
    print(f"limits: {pdf.RENDER_SECONDS_PER_PAGE} s a page, {pdf.RENDER_SECONDS_PER_DOCUMENT} s a PDF")
    print(f"{'input':<38} {'KB':>6} {'pages':>5} {'rendered':>8} {'refused':>7} {'slowest s':>9} {'total s':>8} {'lock wait s':>11}")
    for name, data in cases().items():
        document = pdf.open_pdf(SimpleUploadedFile("bench.pdf", data))
        pages = len(document)
        rendered, refused, slowest, waits = 0, 0, 0.0, []
        done = threading.Event()

        def open_meanwhile():
            # What a reader's request (or another upload) would wait for in this process.
            while not done.is_set():
                start = time.perf_counter()
                pdf.open_pdf(probe)
                waits.append(time.perf_counter() - start)
                time.sleep(0.05)

        prober = threading.Thread(target=open_meanwhile)
        prober.start()
        started = time.perf_counter()
        for index in range(pages):
            page_started = time.perf_counter()
            try:
                pdf.render_page(document, index)
                rendered += 1
                limit = 1.0 + (0.5 if index == 0 else 0)  # the first page also starts the worker
            except ValidationError:
                refused += 1
                limit = pdf.RENDER_SECONDS_PER_PAGE + 1.0
            seconds = time.perf_counter() - page_started
            slowest = max(slowest, seconds)
            if seconds > limit:
                failures.append(f"{name}, page {index + 1}: {seconds:.2f} s")
        total = time.perf_counter() - started
        done.set()
        prober.join()
        pdf._jobs[document].stop()
        document.close()
        print(
            f"{name:<38} {len(data) / 1024:>6.1f} {pages:>5} {rendered:>8} {refused:>7} "
            f"{slowest:>9.2f} {total:>8.2f} {max(waits, default=0):>11.3f}"
        )
    if failures:
        print("unbounded:", "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
