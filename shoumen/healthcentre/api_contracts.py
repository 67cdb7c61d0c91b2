"""The health centre API: contracts."""

from ninja import Router

router = Router(tags=["health-centre"])
