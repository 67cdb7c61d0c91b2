"""The health centre API: indicators."""

from ninja import Router

router = Router(tags=["health-centre"])
