"""What a person's page shows about observation: the active observation (kind, day N of M,
responsible worker), the self-report link, and the actions that can apply."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.labels import register_actions, register_target
from shoumen.lib.dates import today
from shoumen.observation.calls import TAP_ACTION_LABELS, call_is_mine
from shoumen.observation.models import Observation, ObservationStatus, ReportLink
from shoumen.observation.templatetags.observation_pages import ACTION_LABELS, CHANGE_LABELS
from shoumen.registry.models import Person, Status
from shoumen.registry.panels import Panel, register_person_panel

LINK_ACTION_LABELS = {
    "report_link.issue": _("Self-report link given"),
    "report_link.regenerate": _("Self-report link renewed"),
    "report_link.revoke": _("Self-report link stopped"),
    "report_link.card": _("Self-report link card printed"),
}


def active_observation_of(person: Person) -> Observation | None:
    """The person's active observation ending last, with its responsible worker."""
    return (
        Observation.objects.filter(person=person, status=ObservationStatus.ACTIVE)
        .select_related("responsible")
        .order_by("-ends_on", "-pk")
        .first()
    )


def report_link_of(person: Person) -> ReportLink | None:
    """The self-report link the person holds or is reported through."""
    return (
        ReportLink.objects.filter(Q(holder=person) | Q(subjects=person))
        .order_by("-pk")
        .distinct()
        .first()
    )


def observation_panel(user, person: Person) -> Panel | None:
    """The state card and the observation buttons; "start" only when none is running."""
    if not can(user, Perm.VIEW_OBSERVATIONS, person.grid):
        return None
    obs = active_observation_of(person)
    can_links = can(user, Perm.RECORD_HEALTH_REPORTS, person.grid)
    link = report_link_of(person) if can_links else None
    resident = person.status == Status.RESIDENT
    context = {
        "obs": obs,
        "day_number": obs.day_number(today()) if obs else None,
        "link": link,
        "link_active": link is not None
        and link.revoked_at is None
        and link.expires_at > timezone.now(),
        "can_issue_link": can_links and resident and link is None,
        "can_start": obs is None and resident and can(user, Perm.MANAGE_OBSERVATIONS, person.grid),
        # The responsible worker calls in one tap, as on Today (recorded, no reason asked).
        "can_call": obs is not None and call_is_mine(user, observation=obs),
    }
    return Panel(
        "observation/_person_panel.html",
        context,
        order=10,
        actions_template="observation/_person_actions.html",
    )


def register() -> None:
    # The observation history's words: the same labels its pages used, now for every page.
    register_actions(ACTION_LABELS)
    register_actions(LINK_ACTION_LABELS)
    register_actions(TAP_ACTION_LABELS)
    register_target("observation.observation", labels=CHANGE_LABELS)
    register_target("observation.reportlink", labels={"format": _("Format")})
    register_person_panel("observation.state", observation_panel)
