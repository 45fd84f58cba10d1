"""Persona pictures: an upload is checked by Pillow, shrunk and re-encoded before it is used.

Re-encoding (not just checking) means what is stored is an image Pillow wrote: no metadata
(location, camera), no trailing payloads, and a size that fits in every event and export.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from PIL import Image

from workshop.domain.avatar import upload_picture
from workshop.services.errors import ServiceError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_BASE64 = 4 * -(-MAX_UPLOAD_BYTES // 3)  # longer base64 decodes to more than that
MAX_SIDE = 512  # pixels; a persona picture is shown at most a few centimetres wide
MAX_STORED_BYTES = 150_000
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
TOO_LARGE = "picture: the image is larger than 2 MiB"
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def _open(data: bytes, field: str = "picture") -> Image.Image:
    """The image in these bytes, verified, or ServiceError('invalid') naming `field`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                raise ServiceError("invalid", f"{field}: use a PNG, JPEG or WebP image")
            if probe.width * probe.height > MAX_PIXELS:
                raise ServiceError("invalid", f"{field}: the image has too many pixels")
            probe.verify()  # checks the file's structure without decoding it all
            image = Image.open(io.BytesIO(data))  # verify() leaves the image unusable
            image.load()
            return image
    except ServiceError:
        raise
    except Exception:  # noqa: BLE001 - Pillow's parsers raise many kinds on corrupt files
        raise ServiceError("invalid", f"{field}: this file is not a readable PNG, JPEG or "
                                      "WebP image") from None


def _encode(image: Image.Image, has_alpha: bool) -> bytes:
    """The image as PNG (with transparency) or JPEG, within MAX_STORED_BYTES.

    A busy photo can exceed the stored limit even at 512 px: rather than refusing what
    the person sent, lower the JPEG quality, then the size, until it fits.
    """
    quality = 85
    while True:
        out = io.BytesIO()
        if has_alpha:
            image.save(out, "PNG", optimize=True)
        else:
            image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= MAX_STORED_BYTES or max(image.size) <= 32:
            return out.getvalue()
        if not has_alpha and quality > 55:
            quality -= 15
        else:
            image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)))


def prepare_upload(content_base64: str) -> dict:
    """An uploaded image as the document's picture: checked, at most 512 px, re-encoded."""
    try:
        data = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError("invalid", "content_base64: not valid base64") from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise ServiceError("too_large", TOO_LARGE)
    image = _open(data)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA", "P") and "transparency" in image.info \
        or image.mode in ("RGBA", "LA")
    image = image.convert("RGBA" if has_alpha else "RGB")
    media_type = "image/png" if has_alpha else "image/jpeg"
    encoded = _encode(image, has_alpha)
    picture = upload_picture(encoded, media_type)
    check(picture)
    return picture


def check(picture: dict, field: str = "picture") -> None:
    """Refuse a picture that is not a small image of the type it claims to be.

    Every way a picture enters a document (an op, an import) passes here, so what is
    stored is always what `prepare_upload` could have written; `field` names it in errors.
    """
    try:
        data = base64.b64decode(picture["data"], validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError("invalid", f"{field}.data: not valid base64") from None
    if len(data) > MAX_STORED_BYTES:
        raise ServiceError("invalid", f"{field}: larger than {MAX_STORED_BYTES:,} bytes; "
                                      "upload it through the picture endpoint, which "
                                      "shrinks it")
    image = _open(data, field)
    if FORMATS[image.format] != picture["media_type"]:
        raise ServiceError("invalid", f"{field}: the data is {FORMATS[image.format]}, not "
                                      f"{picture['media_type']}")
    if max(image.size) > MAX_SIDE:
        raise ServiceError("invalid", f"{field}: at most {MAX_SIDE} pixels on a side")
