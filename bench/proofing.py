"""Proofreading speed: one story against a word list, and the large cases (python -m bench.proofing).

Builds lists of made-up Chinese terms in a scratch SQLite database, then times the automaton's
build, its pickle (what the other workers load from the shared cache), and checking stories of
5,000 and 100,000 characters. The target: a 5,000-character story against 10,000 terms in under 20 ms.
"""

import os
import pickle
import random
import statistics
import sys
import tempfile
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings_test")
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from articles.proofing.engine import build, checker, proofread
    from articles.proofing.models import Category, TermList
    from django.contrib.auth import get_user_model

    from articles.services import article_create
    from articles.proofing.services import terms_import
    from articles.proofing.text import html_text

    rng = random.Random(15)
    chars = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]

    def words(count: int) -> list[str]:
        seen: set[str] = set()
        while len(seen) < count:
            seen.add("".join(rng.choice(chars) for _ in range(rng.randint(2, 5))))
        return list(seen)

    def story(length: int, terms: list[str]) -> str:
        paragraphs, text = [], []
        size = 0
        while size < length:
            piece = rng.choice(terms) if rng.random() < 0.02 else "".join(rng.choice(chars) for _ in range(8)) + rng.choice("，。,")
            text.append(piece)
            size += len(piece)
            if len(text) > 30:
                paragraphs.append("<p>" + "".join(text) + "</p>")
                text = []
        paragraphs.append("<p>" + "".join(text) + "</p>")
        return "".join(paragraphs)

    reporter = get_user_model().objects.create(username="bench")
    print(
        f"{'terms':>8} {'import ms':>9} {'story chars':>11} {'build ms':>9} {'pickle MB':>9} {'load ms':>8} "
        f"{'check ms (median of 20)':>24} {'hits':>6} {'save+check+store ms':>20}"
    )
    for term_count, story_length in ((10_000, 5_000), (10_000, 100_000), (100_000, 5_000), (100_000, 100_000)):
        TermList.objects.all().delete()
        term_list = TermList.objects.create(name=f"bench {term_count}")
        terms = words(term_count)
        started = time.perf_counter()
        terms_import(term_list=term_list, data="\n".join(terms).encode(), category=Category.BANNED)
        import_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        built = build(checker().signature)
        build_ms = (time.perf_counter() - started) * 1000
        data = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
        started = time.perf_counter()
        pickle.loads(data)
        load_ms = (time.perf_counter() - started) * 1000
        html = story(story_length, terms)
        body = html_text(html)
        texts = {"body": body}
        times = []
        for _ in range(20):
            started = time.perf_counter()
            hits = proofread(texts, using=built)
            times.append((time.perf_counter() - started) * 1000)
        # What the desk waits for on save: the article row, the check and its hits stored.
        started = time.perf_counter()
        article_create(user=reporter, headline="bench", body=html)  # the desk's one door for a new story
        save_ms = (time.perf_counter() - started) * 1000
        print(
            f"{term_count:>8} {import_ms:>9.0f} {len(body.lined):>11} {build_ms:>9.0f} {len(data) / 1e6:>9.1f} "
            f"{load_ms:>8.0f} {statistics.median(times):>24.2f} {len(hits):>6} {save_ms:>20.0f}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
