"""On phones: a grid worker visits a household that needs medicine (and hands out the mask
pack a distribution campaign owes it, ticked on the same visit form); the request goes to
a volunteer with a login, who marks it delivered; the resident confirms through their own
link that it arrived."""

import datetime
import uuid

import pytest

from shoumen.accounts.models import User
from shoumen.lib.dates import today
from shoumen.observation.links import report_link_issue, report_link_token
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household, Person, Volunteer
from shoumen.screening.services import round_create
from shoumen.services.models import Door, RequestStatus, ServiceRequest
from shoumen.supplies.campaign_models import CampaignDelivery
from shoumen.supplies.campaign_services import campaign_create
from shoumen.supplies.models import Holder, HolderKind, Item, ItemKind, Source
from shoumen.supplies.services import movement_record
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def services_world(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    staff = User.objects.get(username="community_staff")
    admin = User.objects.get(username="admin_user")
    community = OrgUnit.objects.get(code="C1")
    grid = OrgUnit.objects.get(code="G1")
    day = today()
    round_ = round_create(
        actor=staff, scope=grid, name="光华第一网格入户走访", starts_on=day, ends_on=day
    )
    # A mask campaign the household is owed, handed out from the community's store.
    item = Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": ItemKind.MASK}
    )[0]
    store = Holder.objects.create(org_unit=community, name="社区物资库", kind=HolderKind.STORE)
    movement_record(
        actor=staff,
        client_uuid=uuid.uuid4(),
        kind="receive",
        item=item,
        holder=store,
        quantity=1000,
        source=Source.ALLOCATION,
    )
    campaign = campaign_create(
        actor=staff,
        scope=community,
        name="一户一包口罩",
        item=item,
        quantity=10,
        source=store,
        starts_on=day,
        ends_on=day + datetime.timedelta(days=6),
    )
    # The checkpoint volunteer's login is a volunteer of C1.
    volunteer, _ = Volunteer.objects.get_or_create(
        user=User.objects.get(username="volunteer"),
        defaults={"community": community, "name": "志愿者小李"},
    )
    # 单明 is isolated at home and reports through his own link.
    shan = Person.objects.get(name="单明")
    observation_start(actor=admin, person=shan, kind=Kind.HOME_ISOLATION, reason=Reason.OTHER)
    link = report_link_issue(actor=admin, holder=shan, subjects=[shan])
    household = Household.objects.get(grid=grid, door_number="301")
    return round_, household, campaign, volunteer, report_link_token(link)


def _log_in(phone, live_server, username):
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")


def test_a_visit_need_is_delivered_by_a_volunteer_and_confirmed_by_the_resident(
    live_server, phone, services_world
):
    round_, household, campaign, volunteer, token = services_world

    # 1. The grid worker visits: the household needs medicine, and gets its mask pack.
    _log_in(phone, live_server, "grid_worker")
    phone.goto(f"{live_server.url}/screening/")
    phone.click(f"[data-testid=rounds] a:has-text('{round_.name}')")
    phone.click("[data-testid=my-tasks]")
    phone.click(f"[data-testid=task]:has-text('{household.door_number}') a")
    phone.locator("[data-testid=visit-form]").wait_for()
    phone.check("input[name=outcome][value=visited]")
    phone.check("input[name=q_risk_travel][value=no]")
    phone.check("input[name=q_symptoms][value=no]")
    phone.fill("[name=service_need]", "需要代买降压药")
    phone.select_option("select[name=services_kind]", "medicine")
    phone.select_option("select[name=services_urgency]", "today")
    phone.check(f"input[name=supplies_campaign_{campaign.pk}]")
    phone.click("[data-testid=save-visit]")
    phone.locator("[data-testid=visit-summary]").wait_for()
    req = ServiceRequest.objects.get()
    assert (req.door, req.kind, req.household_id) == (Door.VISIT, "medicine", household.pk)
    assert req.note == "需要代买降压药" and req.visit is not None
    assert CampaignDelivery.objects.filter(campaign=campaign, household=household).count() == 1

    # 2. The grid worker gives it to the volunteer.
    phone.goto(f"{live_server.url}/services/")
    phone.click(f"[data-testid=request-row][href='/services/{req.pk}/']")
    phone.select_option("select[name=assignee]", f"v{volunteer.pk}")
    phone.click("[data-testid=assign-submit]")
    phone.locator("[data-testid=request-assignee]:has-text('志愿者小李')").wait_for()

    # 3. The volunteer, on their own phone, finds it among their tasks and delivers it.
    _log_in(phone, live_server, "volunteer")
    phone.goto(f"{live_server.url}/services/me/")
    phone.click(f"[data-testid=tasks-open] [href='/services/{req.pk}/']")
    phone.fill("textarea[name=note]", "降压药两盒已送到门口")
    phone.click("[data-testid=done-submit]")
    phone.locator("[data-testid=tasks-done]").wait_for()
    req.refresh_from_db()
    assert req.status == RequestStatus.DONE

    # 4. The resident confirms through the link, without logging in.
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/r/{token}/")
    section = phone.locator("[data-testid=link-section-services]")
    section.locator("[data-testid=help-request]:has-text('降压药两盒已送到门口')").wait_for()
    section.locator("[data-testid=help-confirm]").click()
    phone.locator("[data-testid=help-confirm]").wait_for(state="detached")
    req.refresh_from_db()
    assert req.status == RequestStatus.CONFIRMED and req.confirmed_by is None
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
