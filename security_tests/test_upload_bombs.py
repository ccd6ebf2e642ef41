"""Issue 19, findings 4 and 9: a pixel bomb is refused from its header (400, no decoding, bounded image
work) and a PDF must parse and carry no JavaScript, launch action or embedded file."""

import io
import resource
import struct
import threading
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from attachments import imaging
from attachments.models import Attachment
from attachments.services import store_attachment
from core.errors import InvalidInput, Unavailable


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@pytest.fixture(scope="module")
def pixel_bomb() -> bytes:
    """The outside test's file: 9400×9400 grey pixels of zero, about 90 KB compressed."""
    width = height = 9400
    raw = zlib.compress(b"\0" * ((width + 1) * height), 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")


def test_a_pixel_bomb_is_refused_before_decoding(pixel_bomb, persona, api_as, monkeypatch, security_figures):
    from PIL import ImageFile

    decoded = []
    original_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(1) or original_load(self))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = api_as("duruan").post(
        "/api/v1/attachments/", {"file": SimpleUploadedFile("bomb.png", pixel_bomb)}, format="multipart"
    )
    elapsed = time.perf_counter() - started
    rss_growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert response.status_code == 400
    assert "40" in str(response.json()["file"])  # the limit, in millions of pixels
    assert decoded == []  # refused from the header: not one row decoded
    assert not Attachment.objects.filter(name="bomb.png").exists()
    security_figures["pixel_bomb"] = {
        "goal": "refused with 400 from its header, without decoding",
        "met": response.status_code == 400 and not decoded,
        "file_kib": len(pixel_bomb) // 1024,
        "pixels": 9400 * 9400,
        "seconds": round(elapsed, 3),
        "peak_memory_growth_mib": round(rss_growth_kib / 1024, 1),
    }


def test_the_pixel_limit_is_a_setting(settings, persona):
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (300, 200)).save(buffer, format="PNG")
    settings.IMAGE_MAX_PIXELS = 50_000
    with pytest.raises(InvalidInput):
        store_attachment(actor=persona("duruan"), upload=SimpleUploadedFile("a.png", buffer.getvalue()))
    settings.IMAGE_MAX_PIXELS = 60_000
    assert store_attachment(actor=persona("duruan"), upload=SimpleUploadedFile("a.png", buffer.getvalue()))


def test_image_work_is_capped(settings, persona):
    """With every slot taken, another upload waits, then answers 503 rather than adding its memory."""
    settings.IMAGE_CONCURRENCY = 1
    holding, release = threading.Event(), threading.Event()

    def hold():
        with imaging.image_slot(1):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    try:
        with pytest.raises(TimeoutError), imaging.image_slot(1, timeout=0.05):
            pass
    finally:
        release.set()
        thread.join()
    with imaging.image_slot(1, timeout=0.05):
        pass
    assert Unavailable.status_code == 503


def _pdf(extra=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    if extra:
        extra(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript(writer):
    writer.add_js("app.alert('x');")


def _open_action(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _attachment(writer):
    writer.add_attachment("payload.exe", b"MZ...")


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",  # the old check accepted this
        b"%PDF-1.7\n" + b"garbage " * 100 + b"\n%%EOF\n",
        "javascript",
        "open_action",
        "embedded_file",
    ],
    ids=["no_pages", "garbage", "javascript", "open_action", "embedded_file"],
)
def test_an_unparsable_or_active_pdf_is_refused(content, persona):
    builders = {"javascript": _javascript, "open_action": _open_action, "embedded_file": _attachment}
    data = _pdf(builders[content]) if isinstance(content, str) else content
    with pytest.raises(InvalidInput):
        store_attachment(actor=persona("duruan"), upload=SimpleUploadedFile("doc.pdf", data))


def test_a_plain_pdf_is_accepted(persona):
    stored = store_attachment(actor=persona("duruan"), upload=SimpleUploadedFile("doc.pdf", _pdf()))
    assert stored.content_type == "application/pdf"
