"""The one way Shoumen writes PDFs: a small document builder on ReportLab's platypus, with
real, selectable Chinese text in ReportLab's CID font STSong-Light (no font file needed:
every PDF reader carries the Adobe-GB1 glyphs).

A document is built in reading order and rendered once::

    doc = PdfDocument(title="复课证明", pagesize=A5)
    doc.heading("复课证明")
    doc.right("编号：FK-2026-001", size=9)
    doc.key_values([("学校", "光华小学"), ("班级", "一年级1班")])
    doc.paragraph("经查验医院诊断证明，该生已过隔离期，准予复课。")
    doc.signature([("校医（疫情报告人）", "王医生"), ("签发日期", "2026年12月5日")])
    content = doc.build()

What it offers: page size and margins, a title and a subtitle, wrapped paragraphs
(Chinese breaks between any two characters), key–value lines, tables whose header row is
repeated after a page break, page breaks, a signature and date block, and a footer with
"page n of m" on every page. Text is data, never markup: it is escaped before ReportLab
reads it.

Used by the return-to-class certificate (shoumen/schools/certificate_pdf.py) and the daily
report's export (shoumen/reports/daily_exports.py); later documents (duty leave notices,
volunteer certificates) are built with it too. This module is level 0: it imports no app.
"""

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

FONT = "STSong-Light"
PDF_CONTENT_TYPE = "application/pdf"
# The footer's words, formatted with the page number and the page count.
PAGE_FOOTER = "第 {page} 页 / 共 {pages} 页"
BODY_SIZE = 10.5
GRID_COLOUR = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#e9eef3")


def cjk_font() -> str:
    """The CID font's name, registered with ReportLab on first use."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _style(size: float, *, align: int = TA_LEFT, leading: float | None = None, **kw: Any):
    return ParagraphStyle(
        f"shoumen-{size}-{align}",
        fontName=cjk_font(),
        fontSize=size,
        leading=leading or size * 1.45,
        alignment=align,
        wordWrap="CJK",
        **kw,
    )


def _text(value: Any) -> str:
    """A value as paragraph text: escaped, line breaks kept."""
    text = "—" if value is None or value == "" else str(value)
    return escape(text).replace("\n", "<br/>")


def _footer_canvas(footer: str | None):
    """A canvas class that writes ``footer`` and "page n of m" on every page: the pages are
    kept until the end, when their count is known."""

    class FooterCanvas(pdf_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._draw_footer(count)
                super().showPage()
            super().save()

        def _draw_footer(self, count: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(cjk_font(), 8)
            self.setFillColor(colors.grey)
            words = PAGE_FOOTER.format(page=self._pageNumber, pages=count)
            if footer:
                self.drawString(15 * mm, 8 * mm, footer)
            self.drawRightString(width - 15 * mm, 8 * mm, words)
            self.restoreState()

    return FooterCanvas


class PdfDocument:
    """A document built in reading order; ``build()`` renders it to PDF bytes."""

    def __init__(
        self,
        *,
        title: str,
        pagesize: tuple[float, float] = A4,
        margin_mm: float = 15,
        footer: str | None = None,
        page_numbers: bool = True,
        author: str = "Shoumen",
    ) -> None:
        self.title = title
        self.pagesize = pagesize
        self.margin = margin_mm * mm
        self.footer = footer
        self.page_numbers = page_numbers
        self.author = author
        self.story: list[Flowable] = []

    @property
    def width(self) -> float:
        """The width between the margins."""
        return self.pagesize[0] - 2 * self.margin

    def add(self, flowable: Flowable) -> "PdfDocument":
        """Any platypus flowable, for what the builder does not offer."""
        self.story.append(flowable)
        return self

    def heading(self, text: str, *, size: float = 18) -> "PdfDocument":
        """The document's title, centred."""
        self.add(Paragraph(_text(text), _style(size, align=TA_CENTER, spaceAfter=size * 0.4)))
        return self

    def subtitle(self, text: str, *, size: float = 12) -> "PdfDocument":
        """A line under the title, centred."""
        self.add(Paragraph(_text(text), _style(size, align=TA_CENTER, spaceAfter=size * 0.6)))
        return self

    def section(self, text: str, *, size: float = 13) -> "PdfDocument":
        """A heading inside the document, left-aligned."""
        style = _style(size, spaceBefore=size * 0.6, spaceAfter=size * 0.3)
        self.add(Paragraph(_text(text), style))
        return self

    def paragraph(self, text: str, *, size: float = BODY_SIZE, indent: bool = False):
        """Wrapped text; ``indent`` starts it two characters in, as Chinese prose does."""
        style = _style(size, firstLineIndent=2 * size if indent else 0, spaceAfter=size * 0.5)
        self.add(Paragraph(_text(text), style))
        return self

    def right(self, text: str, *, size: float = BODY_SIZE) -> "PdfDocument":
        """A line against the right margin (a document number, a date)."""
        self.add(Paragraph(_text(text), _style(size, align=TA_RIGHT)))
        return self

    def spacer(self, height_mm: float = 4) -> "PdfDocument":
        self.add(Spacer(1, height_mm * mm))
        return self

    def key_values(
        self,
        pairs: Sequence[tuple[str, Any]],
        *,
        size: float = 12,
        label_mm: float = 27,
        line_mm: float = 10,
    ) -> "PdfDocument":
        """ "Label：value" lines, the values aligned in a column and wrapped when long."""
        label_style, value_style = _style(size), _style(size)
        rows = [
            [Paragraph(_text(f"{label}："), label_style), Paragraph(_text(value), value_style)]
            for label, value in pairs
        ]
        table = Table(rows, colWidths=[label_mm * mm, self.width - label_mm * mm])
        padding = max(0.0, (line_mm * mm - size * 1.45) / 2)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), padding),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
                ]
            )
        )
        table.hAlign = "LEFT"
        return self.add(table)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        widths: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
        size: float = 9.5,
        highlight: Sequence[int] = (),
    ) -> "PdfDocument":
        """A grid with a shaded header row, repeated at the top of each page the table
        runs onto. ``widths`` are shares of the text width; ``numeric`` columns (0-based)
        are right-aligned; ``highlight`` rows (0-based, without the header) are shaded."""
        leading = size * 1.3
        head_style = _style(size, align=TA_CENTER, leading=leading)
        cell_style = _style(size, leading=leading)
        number_style = _style(size, align=TA_RIGHT, leading=leading)
        data = [[Paragraph(_text(h), head_style) for h in headers]]
        for row in rows:
            data.append(
                [
                    Paragraph(_text(v), number_style if i in numeric else cell_style)
                    for i, v in enumerate(row)
                ]
            )
        shares = list(widths) if widths else [1.0] * len(headers)
        total = sum(shares) or 1.0
        table = Table(data, colWidths=[self.width * s / total for s in shares], repeatRows=1)
        commands: list[tuple] = [
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for index in highlight:
            commands.append(("BACKGROUND", (0, index + 1), (-1, index + 1), colors.mistyrose))
        table.setStyle(TableStyle(commands))
        return self.add(table)

    def signature(
        self,
        pairs: Sequence[tuple[str, Any]],
        *,
        size: float = BODY_SIZE,
        inline: bool = False,
    ) -> "PdfDocument":
        """The signature and date block, kept on one page: "label：value", a blank value
        leaving a line to sign on; one pair a line, or all on one line with ``inline``."""
        style = _style(size, spaceBefore=size * 0.4)
        shown = [
            f"{_text(label)}：{_text(value) if value not in (None, '') else '_' * 16}"
            for label, value in pairs
        ]
        if inline:
            shown = ["&nbsp;&nbsp;&nbsp;&nbsp;".join(shown)]
        lines: list[Flowable] = [Spacer(1, 4 * mm)]
        lines += [Paragraph(line, style) for line in shown]
        return self.add(KeepTogether(lines))

    def page_break(self) -> "PdfDocument":
        return self.add(PageBreak())

    def build(self) -> bytes:
        """The document as PDF bytes."""
        buffer = io.BytesIO()
        template = SimpleDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=self.margin,
            bottomMargin=self.margin + (6 * mm if self.page_numbers or self.footer else 0),
            title=self.title,
            author=self.author,
            creator="Shoumen",
        )
        story = self.story or [Spacer(1, 1)]
        if self.page_numbers or self.footer:
            canvasmaker = _footer_canvas(self.footer)
            if not self.page_numbers:
                canvasmaker = _plain_footer_canvas(self.footer)
            template.build(list(story), canvasmaker=canvasmaker)
        else:
            template.build(list(story))
        return buffer.getvalue()


def _plain_footer_canvas(footer: str | None):
    class PlainFooterCanvas(pdf_canvas.Canvas):
        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            if footer:
                self.saveState()
                self.setFont(cjk_font(), 8)
                self.setFillColor(colors.grey)
                self.drawString(15 * mm, 8 * mm, footer)
                self.restoreState()
            super().showPage()

    return PlainFooterCanvas
