"""Re-encoding an uploaded photo into the copy that is served: upright, pixels only, no metadata.

A phone photo carries EXIF (camera, time, GPS position), XMP, comments and an ICC profile; a PNG can carry
text chunks and an eXIf chunk. The served copy is built from the decoded pixels alone, so none of that
travels with it; the uploaded bytes are kept unchanged as the protected original (attachments.services).
Pure Pillow, no Django: the data migration that strips files stored before this existed uses it too.
"""

from __future__ import annotations

import io
import threading
import warnings
from contextlib import contextmanager

JPEG_QUALITY = 90
JPEG_MODES = ("L", "RGB", "CMYK")
PNG_MODES = ("1", "L", "LA", "I", "I;16", "RGB", "RGBA")


class ImageTooLarge(ValueError):
    """More pixels than the limit (judged from the header, before any decoding), or a decompression bomb."""


def check_pixels(image, max_pixels: int | None) -> None:
    """Refuse an image from its header's dimensions: a 257 KB PNG may declare 88 million pixels, and
    decoding it would cost gigabytes (Pillow's own bomb check only starts at 89 million)."""
    if max_pixels and image.width * image.height > max_pixels:
        raise ImageTooLarge(f"{image.width}x{image.height} exceeds {max_pixels} pixels")


_slots: threading.BoundedSemaphore | None = None
_slots_size = 0
_slots_lock = threading.Lock()


@contextmanager
def image_slot(concurrency: int, *, timeout: float = 30.0):
    """At most `concurrency` images decode at once in this process: each costs up to the pixel limit
    times a few bytes, so a burst of uploads cannot add those costs up. Raises TimeoutError when no slot
    frees within `timeout` seconds."""
    global _slots, _slots_size
    with _slots_lock:
        if _slots is None or _slots_size != concurrency:
            _slots, _slots_size = threading.BoundedSemaphore(max(1, concurrency)), concurrency
        slots = _slots
    if not slots.acquire(timeout=timeout):
        raise TimeoutError("no image slot free")
    try:
        yield
    finally:
        slots.release()


def reencode_image(source, image_format: str, *, max_pixels: int | None = None) -> bytes:
    """The image of `source` (a binary file) re-encoded as `image_format` ("JPEG" or "PNG").

    EXIF orientation is applied first, so the copy shows the photo the right way up once the
    orientation tag is gone. Colours in an embedded ICC profile are converted to sRGB, then the
    profile is dropped with everything else. Only the first frame of an animated PNG is kept.
    """
    from PIL import Image, ImageOps

    source.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as opened:
            if opened.format != image_format:
                raise ValueError(f"expected {image_format}, found {opened.format}")
            check_pixels(opened, max_pixels)
            opened.load()
            image = ImageOps.exif_transpose(opened)  # a new image, whatever the orientation
    source.seek(0)
    image = _to_srgb(image)
    image = _savable_mode(image, image_format)
    # The pixels alone: a fresh image has no info (EXIF, XMP, comments, text chunks, ICC, dpi).
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    output = io.BytesIO()
    if image_format == "JPEG":
        clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue()


def _to_srgb(image):
    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: keep the pixels as they are, the profile is dropped anyway


def _savable_mode(image, image_format: str):
    """A mode the encoder writes without help from the image's info (palette, transparency key)."""
    if image_format == "JPEG":
        return image if image.mode in JPEG_MODES else image.convert("RGB")
    if "transparency" in image.info or image.mode in ("P", "PA"):
        has_alpha = "transparency" in image.info or image.mode in ("PA", "LA", "RGBA")
        return image.convert("RGBA" if has_alpha else "RGB")
    return image if image.mode in PNG_MODES else image.convert("RGBA")
