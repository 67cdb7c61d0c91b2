"""The health centre API: chronic."""

from ninja import Router

router = Router(tags=["health-centre"])
