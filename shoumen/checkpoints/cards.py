"""The printable pass card (PNG and PDF) for residents without a smartphone."""

import io
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from shoumen.checkpoints.models import Pass
from shoumen.lib.names import mask_name

# Debian's fonts-wqy-microhei (installed by `make test` and the operations guide).
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
WIDTH, HEIGHT = 600, 900


class FontMissing(RuntimeError):
    pass


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise FontMissing("No Chinese font found: apt-get install fonts-wqy-microhei")


def card_png(pass_: Pass, token: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 110), fill="#0d6efd")
    draw.text((WIDTH // 2, 55), _("Resident pass"), font=_font(48), fill="white", anchor="mm")
    draw.text((WIDTH // 2, 150), str(pass_.community), font=_font(32), fill="black", anchor="mm")
    qr = segno.make(token, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=10, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    side = min(460, code.width)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, ((WIDTH - side) // 2, 190))
    lines = [
        mask_name(pass_.person.name),
        str(pass_.household) if pass_.household else "",
        _("Valid until %(date)s") % {"date": pass_.valid_until.isoformat()},
        _("Version %(version)d") % {"version": pass_.version},
    ]
    y = 190 + side + 30
    for line in filter(None, lines):
        draw.text((WIDTH // 2, y), line, font=_font(30), fill="black", anchor="mm")
        y += 45
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def card_pdf(pass_: Pass, token: str) -> bytes:
    image = Image.open(io.BytesIO(card_png(pass_, token)))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150)
    return out.getvalue()
