"""The daily reports over the API."""

from ninja import Router

router = Router(tags=["reports"])
