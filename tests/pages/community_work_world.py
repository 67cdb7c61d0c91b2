"""The day's supplies, services and volunteers in the persona world, for the link crawl:
C1's store with masks received (a movement to list), an open mask campaign over C1, a
request of 单明 in grid A assigned to the checkpoint volunteer (who is a volunteer of C1
with a login), and a QR sign-up waiting for approval."""

from shoumen.registry.models import Volunteer, VolunteerSource, VolunteerStatus
from shoumen.services.services import request_assign, request_create
from tests.supplies.campaign_helpers import matrix_campaign


def community_work_day(w) -> dict:
    campaign = matrix_campaign(w)  # its store receives the masks it hands out
    own = Volunteer.objects.filter(user=w.volunteer).first() or Volunteer.objects.create(
        community=w.community, name="志愿者小李", user=w.volunteer
    )
    request, _ = request_create(
        actor=w.grid_worker,
        door="call",
        kind="medicine",
        person=w.shan,
        client_uuid="5d0c1f3e-2b7a-4c55-9e61-7a8b9c0d1e2f",
    )
    request_assign(actor=w.grid_worker, request=request, volunteer=own)
    pending = Volunteer.objects.create(
        community=w.community,
        name="扫码报名者",
        status=VolunteerStatus.PENDING,
        source=VolunteerSource.SIGN_UP,
        is_active=False,
    )
    return {"campaign": campaign, "service_request": request, "sign_up": pending}
