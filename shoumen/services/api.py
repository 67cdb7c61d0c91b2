"""The resident services API: service requests and their assignment, done and confirm."""

from ninja import Router

router = Router(tags=["services"])
