import io

import pytest
from PIL import Image

from shoumen.checkpoints.cards import HEIGHT, WIDTH, card_pdf, card_png
from shoumen.checkpoints.services import pass_issue, pass_token

pytestmark = pytest.mark.django_db


def test_the_pass_card_is_a_png_with_the_qr_and_also_a_pdf(world):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    png = card_png(pass_, pass_token(pass_))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
    # The QR's quiet zone and modules: both pure white and pure black are present.
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16)}
    assert {(0, 0, 0), (255, 255, 255)} <= colours
    assert card_pdf(pass_, pass_token(pass_)).startswith(b"%PDF")
