"""The API at /api/v1/: one NinjaAPI, routers next to their apps."""

from ninja import NinjaAPI

from shoumen.alerts.api import router as alerts_router
from shoumen.api import errors
from shoumen.api.auth import session_auth, token_auth
from shoumen.checkpoints.api import router as checkpoints_router
from shoumen.duty.api import router as duty_router
from shoumen.healthcentre.api import router as healthcentre_router
from shoumen.observation.api import router as observation_router
from shoumen.places.api import router as places_router
from shoumen.registry.api import router as registry_router
from shoumen.reports.api import router as reports_router
from shoumen.reports.api_daily import router as daily_reports_router
from shoumen.schools.api import router as schools_router
from shoumen.screening.api import router as screening_router
from shoumen.services.api import router as services_router
from shoumen.services.api_volunteers import router as volunteers_router
from shoumen.supplies.api import router as supplies_router

api = NinjaAPI(
    title="Shoumen",
    version="v1",
    description=(
        "Resident registry by jurisdiction, grid and household; key persons under "
        "observation, health reports and alerts."
    ),
    auth=[token_auth, session_auth],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", places_router)
api.add_router("/", registry_router)
api.add_router("/", screening_router)
api.add_router("/", checkpoints_router)
api.add_router("/", observation_router)
api.add_router("/", alerts_router)
api.add_router("/", schools_router)
api.add_router("/", reports_router)
api.add_router("/", daily_reports_router)
api.add_router("/", duty_router)
api.add_router("/", supplies_router)
api.add_router("/", services_router)
api.add_router("/", volunteers_router)
api.add_router("/health-centre", healthcentre_router)
