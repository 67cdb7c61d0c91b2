"""API shapes of the duty set-up: posts with their shifts, people on duty. Phones leave
masked only."""

from decimal import Decimal

from ninja import Field, Schema

from shoumen.duty.models import DutyPerson, Post, PostKind, Shift, Skill, Team
from shoumen.registry.schemas import Id, Name, Page, Text

HeadcountByDay = dict[str, int]
# A local time of day as HH:MM (no offset: the community's own clock).
LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class DutySetupListIn(Page):
    unit: Text = Field(
        "", max_length=32, description="Code or id of a community (default: every one you manage)"
    )


class DutyShiftIn(Schema):
    code: Text = Field(..., max_length=8, description="e.g. A, D, N; unique within the post")
    label: Text = Field(..., max_length=20, description="e.g. Night")
    start: str = Field(..., pattern=LOCAL_TIME, description="Local starting time, e.g. 08:00")
    hours: Decimal = Field(..., ge=1, le=24, max_digits=4, decimal_places=2)
    headcount: int = Field(1, ge=0, le=50, description="People needed on a usual day")
    headcount_by_day: HeadcountByDay = Field(
        default_factory=dict,
        description='People needed on a weekday ("0" Monday … "6" Sunday) or on "holiday"',
    )
    is_night: bool | None = Field(
        None, description="Default: true when the shift has any time from 00:00 to 05:00"
    )
    needs_medical: bool = False
    needs_party: bool = False
    no_lone_elder_at_night: bool = False


class DutyPostIn(Schema):
    unit: Text = Field(..., max_length=32, description="Code or id of the community")
    name: Text = Field(..., max_length=100)
    kind: PostKind
    checkpoint: Id | None = Field(None, description="The checkpoint of a checkpoint post")
    team: Team | None = Field(None, description="Only members of this team stand here")
    shifts: list[DutyShiftIn] = Field(..., min_length=1, max_length=12)


class DutyShiftOut(Schema):
    id: int
    code: str
    label: str
    start: str = Field(..., pattern=LOCAL_TIME, description="Local starting time, e.g. 08:00")
    hours: Decimal
    is_night: bool
    headcount: int
    headcount_by_day: HeadcountByDay
    needs_medical: bool
    needs_party: bool
    no_lone_elder_at_night: bool

    @staticmethod
    def of(shift: Shift) -> dict:
        return {
            "id": shift.pk,
            "code": shift.code,
            "label": shift.label,
            "start": shift.start.strftime("%H:%M"),
            "hours": shift.hours,
            "is_night": shift.is_night,
            "headcount": shift.headcount,
            "headcount_by_day": shift.headcount_by_day or {},
            "needs_medical": shift.needs_medical,
            "needs_party": shift.needs_party,
            "no_lone_elder_at_night": shift.no_lone_elder_at_night,
        }


class DutyPostOut(Schema):
    id: int
    unit: str = Field(..., description="Code of the community")
    name: str
    kind: str
    checkpoint: int | None
    team: str
    is_active: bool
    shifts: list[DutyShiftOut]

    @staticmethod
    def of(post: Post) -> dict:
        return {
            "id": post.pk,
            "unit": post.community.code,
            "name": post.name,
            "kind": post.kind,
            "checkpoint": post.checkpoint_id,
            "team": post.team,
            "is_active": post.is_active,
            "shifts": [DutyShiftOut.of(s) for s in post.shifts.all()],
        }


class DutyPostPage(Schema):
    items: list[DutyPostOut]
    count: int


class DutyNewVolunteerIn(Schema):
    name: Name
    phone: Text = Field("", max_length=30)
    birth_year: int | None = Field(None, ge=1900, le=2100)


class DutyPersonIn(Schema):
    """One of ``user`` (a staff member's login id), ``volunteer`` (a registered volunteer of
    the community) or ``new_volunteer``."""

    unit: Text = Field(..., max_length=32, description="Code or id of the community")
    user: Id | None = None
    volunteer: Id | None = None
    new_volunteer: DutyNewVolunteerIn | None = None
    team: Team | None = None
    is_party_member: bool = False
    skills: list[Skill] = Field(default_factory=list, max_length=len(Skill.values))
    birth_year: int | None = Field(None, ge=1900, le=2100)
    max_hours_week: int = Field(48, ge=1, le=84)
    prefers_no_nights: bool = False
    prefers_weekends_off: bool = False


class DutyPersonOut(Schema):
    id: int
    unit: str = Field(..., description="Code of the community")
    name: str
    kind: str = Field(..., description="staff or volunteer")
    user: int | None
    volunteer: int | None
    phone_masked: str = Field(..., description="A volunteer's phone, masked (138****5678)")
    team: str
    is_party_member: bool
    skills: list[str]
    birth_year: int | None
    max_hours_week: int
    prefers_no_nights: bool
    prefers_weekends_off: bool
    is_active: bool

    @staticmethod
    def of(person: DutyPerson) -> dict:
        volunteer = person.volunteer
        return {
            "id": person.pk,
            "unit": person.community.code,
            "name": person.name,
            "kind": "staff" if person.user_id else "volunteer",
            "user": person.user_id,
            "volunteer": person.volunteer_id,
            "phone_masked": volunteer.phone_masked if volunteer else "",
            "team": person.team,
            "is_party_member": person.is_party_member,
            "skills": list(person.skills or []),
            "birth_year": person.birth_year,
            "max_hours_week": person.max_hours_week,
            "prefers_no_nights": person.prefers_no_nights,
            "prefers_weekends_off": person.prefers_weekends_off,
            "is_active": person.is_active,
        }


class DutyPersonPage(Schema):
    items: list[DutyPersonOut]
    count: int
