"""QR codes (segno) for printable cards: inline SVG for pages, PNG and SVG files."""

import io

import segno

# Level M survives a crease or a smudge on a printed card; the quiet zone is the standard 4.
ERROR_LEVEL = "m"
BORDER = 4


def _make(data: str) -> segno.QRCode:
    return segno.make(data, error=ERROR_LEVEL, micro=False)


def qr_svg_inline(data: str, *, scale: int = 6) -> str:
    """SVG markup to place in a page (no XML declaration)."""
    return _make(data).svg_inline(scale=scale, border=BORDER)


def qr_svg(data: str, *, scale: int = 10) -> bytes:
    """A standalone SVG file."""
    out = io.BytesIO()
    _make(data).save(out, kind="svg", scale=scale, border=BORDER, xmldecl=True)
    return out.getvalue()


def qr_png(data: str, *, scale: int = 10) -> bytes:
    """A PNG file, ``scale`` pixels per module."""
    out = io.BytesIO()
    _make(data).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()
