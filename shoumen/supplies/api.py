"""The supplies API: items, holders, stock, movements; campaigns mounted here."""

from ninja import Router

from shoumen.supplies.api_campaigns import router as campaigns_router

router = Router(tags=["supplies"])
router.add_router("/", campaigns_router)
