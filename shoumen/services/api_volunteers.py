"""The volunteers API: the one volunteer registry, read and added to."""

from ninja import Router

router = Router(tags=["volunteers"])
