"""The day's duty in the persona world, for the link crawl: C1's north gate post with three
shifts, the community staff member and the checkpoint volunteer on duty with colleagues, a
published roster from today where both stand shifts, a colleague's sick call re-solved
around, and a rest notice of the volunteer."""

import datetime
from decimal import Decimal

from shoumen.duty.models import DutyPerson, Post, PostKind, RestNotice, Shift
from shoumen.lib.dates import today
from shoumen.registry.models import Volunteer
from tests.duty.swap_rows import published, put, ready_resolve

DAY = datetime.timedelta(days=1)


def duty_day(w, gate) -> dict:
    post = Post.objects.create(
        community=w.community, name="北门卡点", kind=PostKind.CHECKPOINT, checkpoint=gate
    )
    for i, (code, label, hour, night) in enumerate(
        [("N", "夜班", 0, True), ("D", "白班", 8, False), ("E", "晚班", 16, False)]
    ):
        Shift.objects.create(
            post=post,
            code=code,
            label=label,
            start=datetime.time(hour),
            hours=Decimal(8),
            is_night=night,
            order=i,
        )
    staff = DutyPerson.objects.create(
        community=w.community, name="社区值班员", user=w.community_staff
    )
    linked = Volunteer.objects.create(community=w.community, name="志愿者小李", user=w.volunteer)
    volunteer = DutyPerson.objects.create(community=w.community, name=linked.name, volunteer=linked)
    mate = DutyPerson.objects.create(
        community=w.community,
        name="志愿者小王",
        volunteer=Volunteer.objects.create(community=w.community, name="志愿者小王"),
    )
    start = today()
    roster = published(w.community, start, start + 6 * DAY)
    for k in range(5):
        put(roster, post, "D", start + k * DAY, volunteer)
        put(roster, post, "E", start + k * DAY, staff)
        put(roster, post, "N", start + k * DAY, mate)
    # The mate called in sick for a sixth day, and staff re-solved the roster around it.
    sick = put(roster, post, "N", start + 5 * DAY, mate, absent=True)
    ready_resolve(sick)
    notice = RestNotice.objects.create(
        person=volunteer, days_without_rest=8, rest_from=start + 5 * DAY, rest_to=start + 6 * DAY
    )
    return {"duty_post": post, "duty_roster": roster, "rest_notice": notice}
