"""API operations of the schools app: see api.py."""

from ninja import Router

router = Router(tags=["schools"])
