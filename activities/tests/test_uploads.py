import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.uploads import check_document, check_image


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
