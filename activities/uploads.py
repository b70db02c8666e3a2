"""Uploaded files are checked by what they contain, never by their name."""

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core.zipcheck import MB, Limits, check_office_zip

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# A 20 MB document of text and pictures unpacks to well under this (pictures are not compressed
# further); a zip bomb passes it.
DOCUMENT_LIMITS = Limits(unpacked=200 * MB, entries=2000)
MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000: more than any phone camera
MAX_SIDE = 12_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _format(image) -> str:
    # A phone's JPEG often carries a second picture after the first (an HDR gain map, a depth
    # map: Multi-Picture Format), which Pillow names MPO: it is a JPEG, and the first picture is
    # the photo.
    return "JPEG" if image.format == "MPO" else image.format


def check_image(upload) -> tuple[str, int, int]:
    """(content type, width, height) of a real JPEG, PNG or WebP photo, else ValidationError."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="too_big"
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = _format(image)
                width, height = image.size
                if kind not in IMAGE_TYPES:
                    raise ValidationError(
                        _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": upload.name},
                        code="not_image",
                    )
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise ValidationError(
                        _("%(name)s has too many pixels.") % {"name": upload.name}, code="pixels"
                    )
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("%(name)s has too many pixels.") % {"name": upload.name}, code="pixels"
        ) from exc
    except Exception as exc:  # whatever Pillow cannot read is not a photo
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": upload.name},
            code="not_image",
        ) from exc
    finally:
        upload.seek(0)
    return IMAGE_TYPES[kind], width, height


@dataclass(frozen=True)
class Photo:
    """A photo as it is stored: upright, with no metadata, named by its format."""

    file: ContentFile
    content_type: str
    width: int
    height: int


def clean_photo(upload) -> Photo:
    """The uploaded photo checked (check_image), turned as the camera meant it (its EXIF
    orientation applied, since the orientation goes with the EXIF), and written again without
    EXIF, XMP, comments or any other metadata: a phone's photo carries where it was taken and
    on which device, which the ledger does not need (PIPL: no more than the purpose needs). Only
    the colour profile and a PNG's transparency are kept. Its name ends with the extension of
    the format found in it, whatever the uploaded name says (`照片\u202egpj.exe` is a .jpg).
    A JPEG keeps its own quantisation tables, so it loses next to nothing; of a phone's
    multi-picture JPEG only the photo itself is kept."""
    check_image(upload)
    try:
        with Image.open(upload) as image:
            kind = _format(image)
            ImageOps.exif_transpose(image, in_place=True)
            kept = {
                key: image.info[key]
                for key in ("icc_profile", "transparency")
                if image.info.get(key) is not None
            }
            image.info = {}  # EXIF, XMP, comments, text chunks and the rest
            # A JPEG keeps its own quantisation tables (not those of an MPO's: Pillow cannot).
            keep = "keep" if image.format == "JPEG" else 90
            options = {"JPEG": {"quality": keep}, "WEBP": {"quality": 90}}.get(kind, {})
            if kind != "PNG":
                kept.pop("transparency", None)
            buffer = io.BytesIO()
            image.save(buffer, kind, **options, **kept)
            width, height = image.size
    finally:
        upload.seek(0)
    return Photo(
        file=ContentFile(buffer.getvalue(), name=f"photo.{EXTENSIONS[kind]}"),
        content_type=IMAGE_TYPES[kind],
        width=width,
        height=height,
    )


# What may stay in a stored photo's info: how its pixels are encoded and coloured, nothing about
# where, when or with what it was taken.
_ENCODING_INFO = {
    "jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "adobe", "adobe_transform",
    "progressive", "progression", "icc_profile", "transparency", "gamma", "srgb", "loop",
    "background", "duration", "aspect",
}  # fmt: skip


def is_clean(stored) -> bool:
    """Whether a stored photo is already as clean_photo writes it: named by its format, upright,
    and holding no metadata (photos stored before uploads were cleaned are not)."""
    with stored.open("rb") as handle, Image.open(handle) as image:
        return (
            stored.name.lower().endswith("." + EXTENSIONS.get(image.format, "?"))
            and not image.getexif()
            and set(image.info) <= _ENCODING_INFO
        )


def check_document(upload) -> str:
    """ "pdf" or "docx" for a real PDF or Word document, else ValidationError."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 20 MB.") % {"name": upload.name}, code="too_big"
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "pdf"
    try:
        # Measured from its zip directory, never unpacked whole (core.zipcheck): staff open it.
        names = check_office_zip(upload, limits=DOCUMENT_LIMITS)
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return "docx"
    except zipfile.BadZipFile:
        pass
    raise ValidationError(
        _("%(name)s is not a PDF or DOCX document.") % {"name": upload.name}, code="not_document"
    )
