"""The health centre API under ``/api/v1/health-centre/``: each part has its router."""

from ninja import Router

from shoumen.healthcentre import api_care, api_chronic, api_contracts, api_indicators

router = Router(tags=["health-centre"])
router.add_router("/", api_contracts.router)
router.add_router("/", api_chronic.router)
router.add_router("/", api_care.router)
router.add_router("/", api_indicators.router)
