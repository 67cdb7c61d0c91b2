import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints import services
from shoumen.checkpoints.cards import HEIGHT, WIDTH, card_pdf, card_png
from shoumen.checkpoints.services import ERR_CARD_FORMAT, pass_card_export, pass_issue, pass_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_cards(monkeypatch):
    """Stand-in renderers: what is audited does not depend on the Chinese font."""
    monkeypatch.setattr(
        services,
        "CARD_RENDERERS",
        {"png": lambda p, token: b"png:" + token.encode(), "pdf": lambda p, token: b"%PDF"},
    )


def test_the_pass_card_is_a_png_with_the_qr_and_also_a_pdf(world):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    png = card_png(pass_, pass_token(pass_))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
    # The QR's quiet zone and modules: both pure white and pure black are present.
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16)}
    assert {(0, 0, 0), (255, 255, 255)} <= colours
    assert card_pdf(pass_, pass_token(pass_)).startswith(b"%PDF")


def test_each_pass_card_download_is_audited_with_its_format_and_version(world, plain_cards):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    assert pass_card_export(actor=world.grid_worker, pass_=pass_, fmt="png") == (
        b"png:" + pass_token(pass_).encode()
    )
    pass_card_export(actor=world.grid_worker, pass_=pass_, fmt="pdf")
    events = AuditEvent.objects.filter(action="pass.card_export").order_by("id")
    assert [(e.actor_id, e.target_id, e.changes) for e in events] == [
        (world.grid_worker.pk, str(pass_.pk), {"format": "png", "version": 1}),
        (world.grid_worker.pk, str(pass_.pk), {"format": "pdf", "version": 1}),
    ]
    assert {e.org_path for e in events} == {world.shan.grid.path}


def test_a_pass_card_in_an_unknown_format_is_refused_and_not_audited(world):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    with pytest.raises(ValidationError) as exc:
        pass_card_export(actor=world.grid_worker, pass_=pass_, fmt="gif")
    assert exc.value.message_dict == {"fmt": [str(ERR_CARD_FORMAT)]}
    assert not AuditEvent.objects.filter(action="pass.card_export").exists()


def test_a_worker_outside_the_grid_cannot_export_the_pass_card(world, plain_cards):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    with pytest.raises(PermissionDenied):
        pass_card_export(actor=world.neighbour_worker, pass_=pass_, fmt="png")
    assert not AuditEvent.objects.filter(action="pass.card_export").exists()
