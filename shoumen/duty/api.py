"""The duty API: posts and people, rosters (solve, read, publish), swaps, re-solves around
sick calls and check-ins. One router per part, mounted here."""

from ninja import Router

from shoumen.duty.api_checkins import router as checkins_router
from shoumen.duty.api_resolves import router as resolves_router
from shoumen.duty.api_rosters import router as rosters_router
from shoumen.duty.api_setup import router as setup_router
from shoumen.duty.api_swaps import router as swaps_router

router = Router(tags=["duty"])
router.add_router("/", setup_router)
router.add_router("/", rosters_router)
router.add_router("/", swaps_router)
router.add_router("/", resolves_router)
router.add_router("/", checkins_router)
