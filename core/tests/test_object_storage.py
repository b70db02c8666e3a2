"""Uploads in an S3-compatible bucket (moto's server on 127.0.0.1): stored there and not on the
web host's disk, served only through the portal's scoped pages, moved from the media folder by
a command, left out of the backup with a word saying so."""

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from activities import services
from activities.tests.factories import ActivityLogFactory
from core.files import bucket_name, open_stored
from core.tests.objectstore import keys

pytestmark = pytest.mark.django_db


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue())


def test_a_photo_goes_to_the_bucket_not_to_the_hosts_disk(s3_media, secretary_client, branch):
    endpoint, bucket = s3_media
    photo = services.photo_add(log=ActivityLogFactory(branch=branch), upload=jpeg(), actor=None)
    assert keys(endpoint, bucket) == [photo.image.name]
    assert not (Path(settings.MEDIA_ROOT) / photo.image.name).exists()
    response = secretary_client.get(reverse("activities:photo", args=[photo.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xff\xd8\xff"  # a JPEG, read from the bucket through the portal
    assert bucket_name() == bucket


def test_the_bucket_is_private_and_a_signed_address_is_short_lived(s3_media, branch):
    endpoint, bucket = s3_media
    photo = services.photo_add(log=ActivityLogFactory(branch=branch), upload=jpeg(), actor=None)
    address = default_storage.url(photo.image.name)
    query = parse_qs(urlsplit(address).query)
    assert query["X-Amz-Expires"] == ["300"]  # were it ever handed out: five minutes
    plain = f"{endpoint}/{bucket}/{photo.image.name}"
    assert requests.get(address, timeout=5).status_code == 200
    acl = default_storage.connection.meta.client.get_object_acl(Bucket=bucket, Key=photo.image.name)
    public = [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]
    assert public == [], plain


def test_another_branchs_photo_is_404_from_the_bucket_too(s3_media, secretary_client, other_branch):
    photo = services.photo_add(
        log=ActivityLogFactory(branch=other_branch), upload=jpeg(), actor=None
    )
    assert secretary_client.get(reverse("activities:photo", args=[photo.pk])).status_code == 404


def test_a_stored_file_is_streamed_from_the_bucket_not_copied_first(s3_media):
    name = default_storage.save("archives/big.bin", ContentFile(b"x" * 300_000))

    class Stored:
        storage = default_storage

    Stored.name = name
    stream = open_stored(Stored())
    assert not hasattr(stream, "file")  # the object's body, not django-storages' local copy
    assert stream.read(10) == b"x" * 10
    assert len(stream.read()) == 300_000 - 10


def test_the_move_command_copies_the_media_folder_and_can_run_again(s3_media, settings, tmp_path):
    endpoint, bucket = s3_media
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "photos" / "2026").mkdir(parents=True)
    (tmp_path / "photos" / "2026" / "a.jpg").write_bytes(b"photo a")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.pdf").write_bytes(b"%PDF-1.7 rule")
    out = io.StringIO()
    call_command("move_media_to_bucket", "--dry-run", stdout=out)
    assert "2 files would be copied" in out.getvalue()
    assert keys(endpoint, bucket) == []
    out = io.StringIO()
    call_command("move_media_to_bucket", stdout=out)
    assert "2 files copied to the bucket" in out.getvalue()
    assert keys(endpoint, bucket) == ["photos/2026/a.jpg", "rules/r.pdf"]
    with default_storage.open("rules/r.pdf") as moved:
        assert moved.read() == b"%PDF-1.7 rule"
    out = io.StringIO()
    call_command("move_media_to_bucket", stdout=out)
    assert "0 files copied to the bucket" in out.getvalue()
    assert "2 already there" in out.getvalue()
    assert (tmp_path / "rules" / "r.pdf").exists()  # the local files are kept


def test_the_move_command_never_replaces_a_different_file(s3_media, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"local")
    default_storage.save("a.txt", ContentFile(b"in the bucket"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="differ"):
        call_command("move_media_to_bucket", stdout=out)
    assert "differs in the bucket: a.txt" in out.getvalue()
    with default_storage.open("a.txt") as kept:
        assert kept.read() == b"in the bucket"


def test_the_move_command_needs_a_bucket():
    with pytest.raises(CommandError, match="DJANGO_S3_BUCKET"):
        call_command("move_media_to_bucket")


@pytest.mark.django_db(transaction=True)
def test_a_backup_says_the_uploads_are_in_the_bucket(s3_media, tmp_path):
    import json
    import tarfile

    _endpoint, bucket = s3_media
    default_storage.save("photos/p.jpg", ContentFile(b"p"))
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "b.tar"), stdout=out)
    assert f"The uploads are in the bucket {bucket}" in out.getvalue()
    with tarfile.open(tmp_path / "b.tar") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert manifest["media_bucket"] == bucket
        assert manifest["media"] == {}
        assert not [n for n in tar.getnames() if n.startswith("media/")]


def test_production_settings_store_uploads_in_the_bucket_when_told():
    from core.tests.test_settings import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; o = settings.STORAGES['default'];"
        "print(o['BACKEND'], o['OPTIONS']['bucket_name'], o['OPTIONS']['default_acl'])",
        DJANGO_SECRET_KEY="k3!" + "p" * 30 + "Zq9#" + "w" * 30,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DJANGO_S3_BUCKET="dangjian-uploads",
        DJANGO_S3_ENDPOINT_URL="https://oss-cn-shanghai.aliyuncs.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "storages.backends.s3.S3Storage",
        "dangjian-uploads",
        "private",
    ]
