import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.uploads import check_document, check_image, clean_photo


def image_file(kind: str, size=(64, 48), name="photo.jpg", mode="RGB") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, color="red" if mode == "RGB" else 1).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("kind", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_real_photos_pass(kind, content_type):
    assert check_image(image_file(kind)) == (content_type, 64, 48)


def test_a_text_file_named_jpg_is_refused():
    forged = SimpleUploadedFile("photo.jpg", b"<?php echo 'hello'; ?>")
    with pytest.raises(ValidationError, match=r"photo\.jpg"):
        check_image(forged)


def test_a_gif_is_not_accepted():
    with pytest.raises(ValidationError):
        check_image(image_file("GIF", name="a.gif"))


def test_a_truncated_jpeg_is_refused():
    whole = image_file("JPEG").read()
    with pytest.raises(ValidationError):
        check_image(SimpleUploadedFile("cut.jpg", whole[: len(whole) // 3]))


def test_too_many_pixels_is_refused():
    # A one-bit 13000 x 10 PNG: tiny on disk, wider than any camera.
    with pytest.raises(ValidationError, match=r"pixels|像素"):
        check_image(image_file("PNG", size=(13000, 10), mode="1", name="wide.png"))


def test_a_decompression_bomb_is_refused():
    # 30000 x 30000 pixels in a few hundred kilobytes.
    with pytest.raises(ValidationError, match=r"pixels|像素"):
        check_image(image_file("PNG", size=(30000, 30000), mode="1", name="bomb.png"))


def test_a_file_over_the_size_limit_is_refused():
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="10 MB"):
        check_image(big)


def docx_bytes(entries=("[Content_Types].xml", "word/document.xml")) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            archive.writestr(entry, "<xml/>")
    return buffer.getvalue()


def test_real_documents_pass():
    assert check_document(SimpleUploadedFile("rule.pdf", b"%PDF-1.7\n...")) == "pdf"
    assert check_document(SimpleUploadedFile("rule.docx", docx_bytes())) == "docx"


@pytest.mark.parametrize(
    "content",
    [b"just text", docx_bytes(entries=("hello.txt",)), image_file("PNG").read()],
)
def test_forged_documents_are_refused(content):
    with pytest.raises(ValidationError):
        check_document(SimpleUploadedFile("rule.pdf", content))


# Stored photos: named by their format, upright, without metadata --------------------------------

ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825


def phone_photo(kind="JPEG", name="site.jpg") -> SimpleUploadedFile:
    """A 40 x 20 photo, red on the left and blue on the right, that the phone says to turn a
    quarter clockwise (EXIF orientation 6), with its GPS position, make and a comment."""
    image = Image.new("RGB", (40, 20), "red")
    image.paste((0, 0, 255), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif[GPS] = {1: "N", 2: (32.0, 1.0, 2.0), 3: "E", 4: (120.0, 52.0, 10.0)}
    buffer = io.BytesIO()
    extra = {"comment": b"taken at the site gate"} if kind == "JPEG" else {}
    image.save(buffer, kind, exif=exif.tobytes(), xmp=b"<x:xmpmeta>GPS here</x:xmpmeta>", **extra)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_jpeg_named_like_a_program_is_stored_as_a_jpeg():
    photo = clean_photo(phone_photo(name="照片\u202egpj.exe"))
    assert photo.file.name == "photo.jpg" and photo.content_type == "image/jpeg"


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_stored_photo_is_upright_and_keeps_no_metadata(kind):
    photo = clean_photo(phone_photo(kind))
    data = photo.file.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == kind
    assert (photo.width, photo.height) == stored.size == (20, 40)  # turned as the phone meant
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # red above, blue below
    assert not stored.getexif()
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(stored.info)
    for trace in (b"PhoneMaker", b"GPS here", b"site gate"):
        assert trace not in data


def test_a_photo_without_metadata_is_stored_as_it_is_turned():
    photo = clean_photo(image_file("PNG", size=(30, 10), name="plain.png"))
    assert photo.file.name == "photo.png" and (photo.width, photo.height) == (30, 10)


def test_a_forged_photo_is_still_refused():
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("photo.jpg", b"<?php echo 'hello'; ?>"))


# Word documents are measured before anyone opens them -------------------------------------------


def test_a_docx_bomb_is_refused_at_once():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (100 * 1024 * 1024))  # 100 MB in 100 KB
    upload = SimpleUploadedFile("制度.docx", buffer.getvalue())
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=r"制度\.docx") as refused:
        check_document(upload)
    assert time.perf_counter() - started < 2  # a sanity bound
    assert refused.value.code == "too_compressed"


@pytest.mark.django_db
@pytest.mark.usefixtures("each_storage")
def test_photos_stored_before_cleaning_are_cleaned_once(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from activities.models import ActivityPhoto
    from activities.tests.factories import ActivityLogFactory

    raw = phone_photo(name="x.jpg").read()
    photo = ActivityPhoto(log=ActivityLogFactory(), content_type="image/jpeg", width=40, height=20)
    photo.image.save("照片\u202egpj.exe", ContentFile(raw), save=False)
    photo.save()
    old = photo.image.name
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_photos", stdout=output)
    assert "cleaned=1 unreadable=0" in output.getvalue()
    photo.refresh_from_db()
    assert photo.image.name.endswith(".jpg") and (photo.width, photo.height) == (20, 40)
    assert not photo.image.storage.exists(old)
    with photo.image.open("rb") as stored:
        assert not Image.open(stored).getexif()
    call_command("clean_photos", stdout=output)
    assert "cleaned=0 unreadable=0" in output.getvalue()


def test_a_phones_multi_picture_jpeg_is_a_jpeg_of_its_first_picture():
    # Phones append a gain or depth map after the photo (Multi-Picture Format; Pillow: "MPO").
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (40, 20), "blue")]
    )
    upload = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue())
    assert check_image(upload) == ("image/jpeg", 40, 20)
    photo = clean_photo(upload)
    stored = Image.open(io.BytesIO(photo.file.read()))
    assert photo.file.name == "photo.jpg" and stored.format == "JPEG"
    assert getattr(stored, "n_frames", 1) == 1 and stored.getpixel((5, 5))[0] > 200
