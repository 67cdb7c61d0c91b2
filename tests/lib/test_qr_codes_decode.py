"""QR codes are read back with a real decoder (zxing-cpp) and carry exactly their token:
the checkpoint pass card and the self-report link's QR."""

import datetime
import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.urls import resolve, reverse
from PIL import Image

from shoumen.checkpoints.services import pass_issue, pass_token
from shoumen.checkpoints.signing import verify
from shoumen.lib.dates import today
from shoumen.lib.qr import qr_png
from shoumen.observation.links import report_link_issue, report_link_resolve, report_link_token
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start

pytestmark = pytest.mark.django_db


def decoded(png: bytes) -> list[str]:
    """The text of every QR code found in the image."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def test_a_qr_png_decodes_to_its_text():
    assert decoded(qr_png("守门 https://example.org/r/abc")) == ["守门 https://example.org/r/abc"]


def test_the_pass_card_qr_decodes_to_the_signed_pass_token(world, client):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    client.force_login(world.grid_worker)
    card = client.get(reverse("checkpoints:person_pass_card", args=[world.shan.pk, "png"]))
    assert card.status_code == 200
    [token] = decoded(card.content)
    assert token == pass_token(pass_)
    claims = verify(token)
    assert (claims.pass_id, claims.person_id, claims.version) == (pass_.pk, world.shan.pk, 1)


def test_the_self_report_link_qr_decodes_to_the_links_address(world, client):
    observation_start(
        actor=world.admin_user,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=today() - datetime.timedelta(days=1),
    )
    link = report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    client.force_login(world.grid_worker)
    png = client.get(reverse("links:qr_png", args=[link.pk]))
    assert png.status_code == 200
    [url] = decoded(png.content)
    token = report_link_token(link)
    assert url == "http://testserver" + reverse("links:self_report", args=[token])
    # The address opens this link's self-report page.
    match = resolve(urlsplit(url).path)
    assert match.view_name == "links:self_report"
    assert report_link_resolve(match.args[0] if match.args else match.kwargs["token"]) == link
