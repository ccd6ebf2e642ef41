"""PDF documents (notices, records, boards, reports) with Chinese rendered in an embedded CJK font.

ReportLab embeds the subset of WenQuanYi Micro Hei (TrueType outlines) that the document uses, so the
PDF shows Chinese on any reader and its text can be extracted. The font ships as a pinned PyPI package.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.documents import district_name

FONT = "RedlineCJK"
_registered = False


def font_path() -> Path:
    import paperang_p2_fonts_cjk

    return Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"


def register_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
        _registered = True


def _styles():
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=10, alignment=TA_CENTER, textColor=colors.grey
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=12.5, leading=20, spaceBefore=8, spaceAfter=4
        ),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
    }


def text(value) -> str:
    """Escape user text for ReportLab's mini-markup, keeping line breaks."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


class PdfDocument:
    """A document built top to bottom: title, facts table, sections, signatures."""

    def __init__(self, title: str, *, serial: str = "", subtitle: str = ""):
        register_font()
        self.styles = _styles()
        self.title = title
        self.story: list = [Paragraph(text(title), self.styles["title"])]
        # The number stands alone, in the agency's form (蓬应急责改〔2026〕17号, R-HAZ-13).
        line = " · ".join(part for part in [subtitle, serial] if part)
        if line:
            self.story.append(Paragraph(text(line), self.styles["subtitle"]))
        self.story.append(Spacer(1, 6 * mm))

    def heading(self, value: str) -> PdfDocument:
        self.story.append(Paragraph(text(value), self.styles["heading"]))
        return self

    def paragraph(self, value: str) -> PdfDocument:
        self.story.append(Paragraph(text(value), self.styles["body"]))
        return self

    def facts(self, rows: Iterable[tuple[str, object]]) -> PdfDocument:
        cell = self.styles["cell"]
        data = [[Paragraph(text(k), cell), Paragraph(text(v), cell)] for k, v in rows]
        if data:
            table = Table(data, colWidths=[38 * mm, 132 * mm])
            table.setStyle(_grid(header=False))
            self.story.append(table)
        return self

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]], widths=None) -> PdfDocument:
        cell = self.styles["cell"]
        data = [[Paragraph(text(h), cell) for h in header]]
        data += [[Paragraph(text(v), cell) for v in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(_grid(header=True))
        self.story.append(table)
        return self

    def signatures(self, labels: Sequence[str | tuple[str, str]]) -> PdfDocument:
        """Signature lines; a (label, name) pair prints the name already filled in (the issuing body)."""
        self.story.append(Spacer(1, 10 * mm))
        cell = self.styles["cell"]
        lines = [label if isinstance(label, tuple) else (label, "") for label in labels]
        rows = [
            [Paragraph(text(f"{label}：{name}"), cell), Paragraph(text(_("Date:")), cell)]
            for label, name in lines
        ]
        table = Table(rows, colWidths=[100 * mm, 70 * mm], rowHeights=[14 * mm] * len(rows))
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
        self.story.append(table)
        return self

    def image(self, png: bytes, *, width_mm: float = 170) -> PdfDocument:
        """A picture (a chart from core.charts) scaled to the width, keeping its proportions."""
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        reader = ImageReader(io.BytesIO(png))
        width, height = reader.getSize()
        self.story.append(Image(io.BytesIO(png), width=width_mm * mm, height=width_mm * mm * height / width))
        return self

    def spacer(self, height_mm: float = 4) -> PdfDocument:
        self.story.append(Spacer(1, height_mm * mm))
        return self

    def render(self) -> bytes:
        buffer = io.BytesIO()
        printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        issuer = district_name()  # the district's name, not the software's

        def footer(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.drawString(18 * mm, 10 * mm, f"{issuer} · {self.title} · {printed}")
            canvas.drawRightString(192 * mm, 10 * mm, f"{doc.page}")
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=self.title,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=18 * mm,
        )
        doc.build(self.story, onFirstPage=footer, onLaterPages=footer)
        return buffer.getvalue()


def _grid(*, header: bool) -> TableStyle:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1) if not header else (-1, 0), colors.whitesmoke),
    ]
    return TableStyle(commands)


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    return response
