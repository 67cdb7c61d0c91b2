"""The health centre API: care."""

from ninja import Router

router = Router(tags=["health-centre"])
