"""The paths in deploy/, the guides in docs/, .env.example and the README are the same paths.

The README's nginx example aliased /srv/newsroom/media/ while deploy/nginx and the unit used
/var/lib/newsroom/media/: whoever followed the README got 404 for every photo.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA_ROOT = "/var/lib/newsroom/media"
APP = "/srv/newsroom/app"
# Every file that names a server path: the README, the guides, the env example and deploy/.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / ".env.example",
             *sorted(path for path in (ROOT / "deploy").rglob("*") if path.is_file())]
MEDIA_PATH = re.compile(r"(/[\w./-]*?/media)/?(?=[\s;\"'`)]|$)", re.MULTILINE)


def test_every_media_root_on_the_server_is_the_same_path():
    found = {
        (path.relative_to(ROOT).as_posix(), match.group(1))
        for path in DOCUMENTS
        for match in MEDIA_PATH.finditer(path.read_text())
        if match.group(1).startswith(("/srv", "/var", "/opt", "/home"))
    }
    assert {where for where, media in found if media != MEDIA_ROOT} == set(), found
    # Both the security guide's nginx example and nginx's configuration name it (the check above sees them).
    assert ("docs/dev/security.md", MEDIA_ROOT) in found and ("deploy/nginx/newsroom.conf", MEDIA_ROOT) in found


def test_commands_run_in_the_app_checkout_where_the_units_run():
    for path in DOCUMENTS:
        for match in re.finditer(r"cd (/srv/newsroom\S*)", path.read_text()):
            assert match.group(1) == APP, (path.name, match.group(0))


def test_nginx_adds_no_cache_lifetime_of_its_own_to_media():
    """The app says how long a file may be kept (newsroom.media); nginx passes that header on."""
    config = (ROOT / "deploy" / "nginx" / "newsroom.conf").read_text()
    media = config[config.index("location /protected-media/"):]
    media = media[: media.index("}")]
    assert "Cache-Control" not in media and "expires" not in media
