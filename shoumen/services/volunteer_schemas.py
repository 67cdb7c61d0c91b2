"""API shapes of the volunteer registry. Phones leave masked only."""

import uuid

from ninja import Field, Schema

from shoumen.registry.models import Skill, Team, TimeOfDay, Volunteer, VolunteerStatus
from shoumen.registry.schemas import Name, Page, Text

Weekday = int  # 0 Monday … 6 Sunday


class VolunteerListIn(Page):
    unit: Text = Field(
        "", max_length=32, description="Code or id of a community (default: every one you manage)"
    )
    status: VolunteerStatus | None = Field(None, description="Only volunteers in this status")
    team: Team | None = Field(None, description="Only members of this team")
    party: bool = Field(False, description="Only Party members")


class VolunteerIn(Schema):
    community: Text = Field(..., max_length=32, description="Code or id of the community")
    name: Name
    phone: Text = Field("", max_length=30, description="Mobile number; one volunteer per phone")
    birth_year: int | None = Field(None, ge=1900, le=2100)
    teams: list[Team] = Field(default_factory=list, max_length=len(Team.values))
    skills: list[Skill] = Field(default_factory=list, max_length=len(Skill.values))
    is_party_member: bool = False
    weekdays: list[int] = Field(
        default_factory=list, max_length=7, description="Days they can usually help, 0 Monday"
    )
    times_of_day: list[TimeOfDay] = Field(default_factory=list, max_length=4)
    client_uuid: uuid.UUID | None = Field(
        None, description="Sent again with the same value, the first answer's volunteer (200)"
    )


class VolunteerOut(Schema):
    id: int
    community: int
    community_name: str
    name: str
    phone: str = Field(..., description="Masked, e.g. 139****5678")
    birth_year: int | None
    teams: list[str]
    skills: list[str]
    is_party_member: bool
    weekdays: list[int]
    times_of_day: list[str]
    status: str
    source: str
    is_active: bool

    @staticmethod
    def of(v: Volunteer) -> "VolunteerOut":
        return VolunteerOut(
            id=v.pk,
            community=v.community_id,
            community_name=v.community.name,
            name=v.name,
            phone=v.phone_masked,
            birth_year=v.birth_year,
            teams=list(v.teams),
            skills=list(v.skills),
            is_party_member=v.is_party_member,
            weekdays=list(v.weekdays),
            times_of_day=list(v.times_of_day),
            status=v.status,
            source=v.source,
            is_active=v.is_active,
        )


class VolunteerPage(Schema):
    items: list[VolunteerOut]
    count: int
