"""The schools API: schools, classes, pupils and class checks; illness absences; daily
reports and reporting rates. One router per part, mounted here."""

from ninja import Router

from shoumen.schools.api_absences import router as absences_router
from shoumen.schools.api_checks import router as checks_router
from shoumen.schools.api_reports import router as reports_router

router = Router(tags=["schools"])
router.add_router("/", checks_router)
router.add_router("/", absences_router)
router.add_router("/", reports_router)
