"""The home's ways into a community's supplies, services and volunteers: a row of links
for those who run them, and one's own service tasks and volunteering for workers and
volunteers. Decided from the user's rights, which the home has already read; a volunteer's
own link costs one query, and only on a volunteer's home."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.registry.models import Volunteer


@dataclass(frozen=True)
class WorkLink:
    url_name: str
    label: str | Promise
    testid: str


SUPPLIES = WorkLink("supplies:index", _("Supplies"), "home-supplies")
CAMPAIGNS = WorkLink("campaigns:list", _("Distribution campaigns"), "home-campaigns")
REQUESTS = WorkLink("services:requests", _("Service requests"), "home-services")
MY_TASKS = WorkLink("services:my_tasks", _("My service tasks"), "home-service-tasks")
VOLUNTEERS = WorkLink("volunteers:index", _("Volunteers"), "home-volunteers")
HOTLINE = WorkLink("services:hotline", _("Support hotline log"), "home-hotline")
MY_VOLUNTEERING = WorkLink("volunteers:me", _("My volunteering"), "home-volunteering")


def community_work_links(user, *, volunteer_home: bool = False) -> list[WorkLink]:
    """The links ``user`` may follow, in the order of the day's work."""
    links = []
    if can(user, Perm.MANAGE_SERVICES):
        links += [MY_TASKS, REQUESTS]
    if can(user, Perm.ISSUE_SUPPLIES):
        links += [CAMPAIGNS, SUPPLIES]
    if can(user, Perm.MANAGE_VOLUNTEERS):
        links.append(VOLUNTEERS)
    if can(user, Perm.LOG_HOTLINE):
        links.append(HOTLINE)
    if volunteer_home and Volunteer.objects.filter(user=user, is_active=True).exists():
        links += [MY_TASKS, MY_VOLUNTEERING]
    return links
