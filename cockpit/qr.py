"""A QR code of the pairing link as inline SVG, drawn with ReportLab's encoder (already a dependency for
the PDFs): a wall screen with a camera, or a phone handing the link on, reads it off the owner's page."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString
from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks


def qr_svg(text: str, *, label: str) -> SafeString:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # the smallest version that holds it
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    dark = "".join(
        f"M{col + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row in range(count)
        for col in range(count)
        if code.isDark(row, col)
    )
    side = count + 2 * QUIET_ZONE
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="{px}" height="{px}" '
        'role="img" aria-label="{label}" shape-rendering="crispEdges" data-testid="pairing-qr">'
        '<rect width="{side}" height="{side}" fill="#fff"/><path d="{dark}" fill="#000"/></svg>',
        side=side,
        px=side * 4,
        label=label,
        dark=dark,
    )
