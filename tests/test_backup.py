"""Backups round-trip: what `backup` saved, `restore` brings back, rows and files alike.

Runs on whichever database the suite uses; CI runs it on SQLite and again on PostgreSQL.
"""

import io
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.models import Article, Photo
from issues.models import Issue, Page
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory
from tests.helpers import real_pdf

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def paper(media_root):
    page = PageFactory(issue=IssueFactory(), number=1, name="要闻",
                       pdf=SimpleUploadedFile("p1.pdf", real_pdf()))
    article = PlacementFactory(page=page, article=ArticleFactory(headline="备份前的头条", approved=True)).article
    article.tags.add("民生")
    photo = PhotoFactory(article=article, caption="备份前的图片")
    return {"page": page, "article": article, "photo": photo,
            "files": {path.relative_to(media_root): path.read_bytes() for path in media_root.rglob("*") if path.is_file()}}


def test_backup_then_restore_brings_back_rows_and_files_and_drops_later_changes(paper, media_root, tmp_path):
    archive = tmp_path / "nightly.tar.gz"
    # The page PDF, the photo, and the photo's renditions.
    assert f"{len(paper['files'])} files" in run("backup", "--output", str(archive))

    # A bad night: the story is deleted, a wrong one filed, the page's files lost.
    Article.objects.filter(pk=paper["article"].pk).delete()
    ArticleFactory(headline="备份之后的稿件")
    for path in list(media_root.rglob("*")):
        if path.is_file():
            path.unlink()

    assert "from the backup of" in run("restore", str(archive), "--no-input")

    assert list(Article.objects.values_list("headline", flat=True)) == ["备份前的头条"]
    article = Article.objects.get()
    assert list(article.tags.names()) == ["民生"]
    assert article.photos.get().caption == "备份前的图片"
    assert Page.objects.get().pdf.name == paper["page"].pdf.name
    restored = {path.relative_to(media_root): path.read_bytes() for path in media_root.rglob("*") if path.is_file()}
    assert restored == paper["files"]
    # The site can write again after a restore (sequences and connections are sane).
    IssueFactory()
    assert Issue.objects.count() == 2


def test_restore_refuses_a_damaged_or_foreign_archive_and_changes_nothing(paper, tmp_path):
    truncated = tmp_path / "cut.tar.gz"
    good = tmp_path / "good.tar.gz"
    run("backup", "--output", str(good))
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    not_ours = tmp_path / "other.tar.gz"
    with tarfile.open(not_ours, "w:gz") as archive:
        info = tarfile.TarInfo("../../etc/evil")
        data = b"x"
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))

    for bad in (truncated, not_ours):
        with pytest.raises(CommandError, match="Nothing was changed"):
            run("restore", str(bad), "--no-input")
    assert Article.objects.get().headline == "备份前的头条"
    assert Photo.objects.count() == 1


def test_backup_keeps_only_the_newest_archives_when_asked(paper, settings, tmp_path):
    settings.NEWSROOM_BACKUP_DIR = tmp_path / "backups"
    settings.NEWSROOM_BACKUP_DIR.mkdir()
    for stamp in ("20201201-010000", "20201202-010000", "20201203-010000"):
        (settings.NEWSROOM_BACKUP_DIR / f"newsroom-{stamp}.tar.gz").write_bytes(b"old")
    run("backup", "--keep", "2")
    kept = sorted(path.name for path in settings.NEWSROOM_BACKUP_DIR.iterdir())
    assert len(kept) == 2 and kept[0] == "newsroom-20201203-010000.tar.gz"


def test_backup_output_may_be_a_folder_as_the_systemd_unit_passes_it(paper, tmp_path):
    folder = tmp_path / "var-backups"
    folder.mkdir()
    run("backup", "--output", str(folder))
    (archive,) = folder.iterdir()
    assert archive.name.startswith("newsroom-") and archive.name.endswith(".tar.gz")


@pytest.mark.parametrize("data_filter", [True, False], ids=["python-with-tar-filters", "debian-12-python-3.11.2"])
def test_restore_unpacks_safely_with_or_without_tarfile_s_data_filter(paper, tmp_path, monkeypatch, data_filter):
    good = tmp_path / "good.tar.gz"
    run("backup", "--output", str(good))
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("../outside")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    if not data_filter:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    Article.objects.update(headline="备份后的改动")

    with pytest.raises(CommandError, match="Nothing was changed"):
        run("restore", str(evil), "--no-input")
    assert not (tmp_path / "outside").exists()
    run("restore", str(good), "--no-input")
    assert Article.objects.get().headline == "备份前的头条"
