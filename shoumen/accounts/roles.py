"""What each role may do: the one table in code. Scope comes from the assignment's org unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shoumen.places.models import Level


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    STREET_OFFICER = "street_officer", _("Street officer")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CHECKPOINT_VOLUNTEER = "checkpoint_volunteer", _("Checkpoint volunteer")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    SCHOOL_HEALTH_OFFICER = "school_health_officer", _("School health officer")
    PRINCIPAL = "principal", _("Principal")
    EDUCATION_OFFICER = "education_officer", _("Education bureau officer")
    CDC_OFFICER = "cdc_officer", _("CDC officer")
    FAMILY_DOCTOR = "family_doctor", _("Family doctor")
    CENTRE_NURSE = "centre_nurse", _("Health centre nurse")
    PUBLIC_HEALTH_STAFF = "public_health_staff", _("Public health staff")
    CENTRE_MANAGER = "centre_manager", _("Health centre manager")


class Perm(models.TextChoices):
    VIEW_REGISTRY = "view_registry", _("View the registry")
    EDIT_REGISTRY = "edit_registry", _("Edit the registry")
    REVEAL_SENSITIVE = "reveal_sensitive", _("Reveal ID numbers and phones")
    EXPORT = "export", _("Export ledgers")
    EXPORT_SENSITIVE = "export_sensitive", _("Export unmasked ID numbers and phones")
    MANAGE_USERS = "manage_users", _("Manage users")
    MANAGE_ORG_UNITS = "manage_org_units", _("Manage the jurisdiction tree")
    VIEW_AUDIT = "view_audit", _("View the audit log")
    VIEW_OBSERVATIONS = "view_observations", _("View key persons and health reports")
    MANAGE_OBSERVATIONS = "manage_observations", _("Start and end observations")
    RECORD_HEALTH_REPORTS = "record_health_reports", _("Record health reports")
    HANDLE_ALERTS = "handle_alerts", _("Acknowledge and resolve alerts")
    MANAGE_ALERT_RULES = "manage_alert_rules", _("Edit alert thresholds")
    MANAGE_PASSES = "manage_passes", _("Issue and revoke checkpoint passes")
    MANAGE_CHECKPOINTS = "manage_checkpoints", _("Set up checkpoints")
    SCAN_PASSES = "scan_passes", _("Check passes at a checkpoint")
    MANAGE_SCREENING = "manage_screening", _("Create screening rounds and assign visits")
    RECORD_VISITS = "record_visits", _("Record household visits")
    VIEW_SCHOOLS = "view_schools", _("View schools, classes and pupils")
    RECORD_CLASS_CHECKS = "record_class_checks", _("Record morning and noon checks")
    MANAGE_PUPILS = "manage_pupils", _("Edit pupils and import class rosters")
    FOLLOW_UP_ABSENCES = (
        "follow_up_absences",
        _("Follow up illness absences, issue return certificates"),
    )
    REPORT_SCHOOL = "report_school", _("Confirm the school daily report and send epidemic reports")
    RECEIVE_SCHOOL_REPORTS = "receive_school_reports", _("Receive and acknowledge school reports")
    HANDLE_SCHOOL_ALERTS = "handle_school_alerts", _("Acknowledge and resolve school alerts")
    MANAGE_SCHOOLS = "manage_schools", _("Add schools to the district")
    # Apart from EXPORT, which covers the residents' ledgers of the units under the holder.
    EXPORT_SCHOOL_LEDGERS = "export_school_ledgers", _("Export school ledgers")
    CONFIRM_DAILY_REPORT = "confirm_daily_report", _("Confirm and send the unit's daily report")
    MANAGE_DUTY = "manage_duty", _("Set up duty posts and people, solve and publish rosters")
    MANAGE_SUPPLIES = "manage_supplies", _("Receive, transfer and count supplies")
    ISSUE_SUPPLIES = "issue_supplies", _("Hand out supplies")
    MANAGE_SERVICES = "manage_services", _("Take, assign and close residents' service requests")
    LOG_HOTLINE = "log_hotline", _("Keep the psychological support hotline log")
    MANAGE_VOLUNTEERS = "manage_volunteers", _("Register and approve volunteers")
    VIEW_HEALTH_RECORDS = (
        "view_health_records",
        _("View family doctor contracts, chronic patients and their follow-ups"),
    )
    RECORD_FOLLOW_UPS = (
        "record_follow_ups",
        _("Record chronic disease follow-ups and elderly checks"),
    )
    MANAGE_CONTRACTS = "manage_contracts", _("Sign, confirm, renew and end family doctor contracts")
    HANDLE_HEALTH_ALERTS = "handle_health_alerts", _("Act on follow-up and referral alerts")
    EXPORT_HEALTH_LEDGERS = "export_health_ledgers", _("Export the health centre's ledgers")
    MANAGE_HEALTH_CENTRE = (
        "manage_health_centre",
        _("Set up teams and packages, run surveys and edit work-point rules"),
    )
    VIEW_HEALTH_INDICATORS = "view_health_indicators", _("View the health centre's indicators")


# Everyone who follows key persons up and visits households.
_FOLLOW_UP = {
    Perm.RECORD_VISITS,
    Perm.VIEW_OBSERVATIONS,
    Perm.MANAGE_OBSERVATIONS,
    Perm.RECORD_HEALTH_REPORTS,
    Perm.HANDLE_ALERTS,
}

_OFFICER = {
    *_FOLLOW_UP,
    Perm.MANAGE_PASSES,
    Perm.MANAGE_CHECKPOINTS,
    Perm.SCAN_PASSES,
    Perm.MANAGE_SCREENING,
    Perm.VIEW_REGISTRY,
    Perm.EDIT_REGISTRY,
    Perm.REVEAL_SENSITIVE,
    Perm.EXPORT,
    Perm.MANAGE_USERS,
    Perm.VIEW_AUDIT,
    Perm.CONFIRM_DAILY_REPORT,
    Perm.MANAGE_DUTY,
    Perm.MANAGE_SUPPLIES,
    Perm.ISSUE_SUPPLIES,
    Perm.MANAGE_SERVICES,
    Perm.LOG_HOTLINE,
    Perm.MANAGE_VOLUNTEERS,
    Perm.VIEW_HEALTH_INDICATORS,
}

# The health centre's people, assigned at each community their centre serves. They see
# residents (to sign and follow them up) but not key persons, passes or screening; nobody
# outside the centre sees a patient's record, only the indicators.
_HEALTH_TEAM = {
    Perm.VIEW_REGISTRY,
    Perm.VIEW_HEALTH_RECORDS,
    Perm.RECORD_FOLLOW_UPS,
    Perm.HANDLE_HEALTH_ALERTS,
    Perm.VIEW_HEALTH_INDICATORS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.SYSTEM_ADMIN: frozenset(Perm),
    Role.DISTRICT_OFFICER: frozenset(_OFFICER | {Perm.EXPORT_SENSITIVE}),
    Role.STREET_OFFICER: frozenset(_OFFICER),
    Role.COMMUNITY_STAFF: frozenset(_OFFICER),
    Role.GRID_WORKER: frozenset(
        {
            Perm.VIEW_REGISTRY,
            Perm.EDIT_REGISTRY,
            Perm.REVEAL_SENSITIVE,
            Perm.MANAGE_PASSES,
            Perm.ISSUE_SUPPLIES,
            Perm.MANAGE_SERVICES,
            *_FOLLOW_UP,
        }
    ),
    Role.CHECKPOINT_VOLUNTEER: frozenset({Perm.SCAN_PASSES}),
    Role.CLASS_TEACHER: frozenset({Perm.VIEW_SCHOOLS, Perm.RECORD_CLASS_CHECKS}),
    Role.SCHOOL_HEALTH_OFFICER: frozenset(
        {
            Perm.VIEW_SCHOOLS,
            Perm.RECORD_CLASS_CHECKS,
            Perm.MANAGE_PUPILS,
            Perm.FOLLOW_UP_ABSENCES,
            Perm.REPORT_SCHOOL,
            Perm.HANDLE_SCHOOL_ALERTS,
            Perm.EXPORT_SCHOOL_LEDGERS,
        }
    ),
    Role.PRINCIPAL: frozenset(
        {
            Perm.VIEW_SCHOOLS,
            Perm.MANAGE_PUPILS,
            Perm.REPORT_SCHOOL,
            Perm.HANDLE_SCHOOL_ALERTS,
            Perm.EXPORT_SCHOOL_LEDGERS,
        }
    ),
    # District roles that see schools only: no resident registry, no key persons.
    Role.EDUCATION_OFFICER: frozenset(
        {
            Perm.MANAGE_SCHOOLS,
            Perm.VIEW_SCHOOLS,
            Perm.RECEIVE_SCHOOL_REPORTS,
            Perm.HANDLE_SCHOOL_ALERTS,
            Perm.EXPORT_SCHOOL_LEDGERS,
        }
    ),
    Role.CDC_OFFICER: frozenset(
        {
            Perm.VIEW_SCHOOLS,
            Perm.RECEIVE_SCHOOL_REPORTS,
            Perm.HANDLE_SCHOOL_ALERTS,
            Perm.EXPORT_SCHOOL_LEDGERS,
            Perm.VIEW_HEALTH_INDICATORS,
        }
    ),
    Role.FAMILY_DOCTOR: frozenset(
        {*_HEALTH_TEAM, Perm.REVEAL_SENSITIVE, Perm.MANAGE_CONTRACTS, Perm.EXPORT_HEALTH_LEDGERS}
    ),
    Role.CENTRE_NURSE: frozenset(_HEALTH_TEAM),
    Role.PUBLIC_HEALTH_STAFF: frozenset(
        {*_HEALTH_TEAM, Perm.MANAGE_CONTRACTS, Perm.EXPORT_HEALTH_LEDGERS}
    ),
    Role.CENTRE_MANAGER: frozenset(
        {
            *_HEALTH_TEAM,
            Perm.REVEAL_SENSITIVE,
            Perm.MANAGE_CONTRACTS,
            Perm.EXPORT_HEALTH_LEDGERS,
            Perm.MANAGE_HEALTH_CENTRE,
        }
    ),
}

# The level of org unit each role is assigned at (None: any level, the system admin).
ROLE_LEVEL: dict[Role, str | None] = {
    Role.SYSTEM_ADMIN: None,
    Role.DISTRICT_OFFICER: Level.DISTRICT,
    Role.STREET_OFFICER: Level.STREET,
    Role.COMMUNITY_STAFF: Level.COMMUNITY,
    Role.GRID_WORKER: Level.GRID,
    Role.CHECKPOINT_VOLUNTEER: Level.COMMUNITY,
    Role.CLASS_TEACHER: Level.CLASS,
    Role.SCHOOL_HEALTH_OFFICER: Level.SCHOOL,
    Role.PRINCIPAL: Level.SCHOOL,
    Role.EDUCATION_OFFICER: Level.DISTRICT,
    Role.CDC_OFFICER: Level.DISTRICT,
    Role.FAMILY_DOCTOR: Level.COMMUNITY,
    Role.CENTRE_NURSE: Level.COMMUNITY,
    Role.PUBLIC_HEALTH_STAFF: Level.COMMUNITY,
    Role.CENTRE_MANAGER: Level.COMMUNITY,
}

# Higher rank may grant lower ranks; nobody grants their own rank or above.
ROLE_RANK: dict[Role, int] = {
    Role.SYSTEM_ADMIN: 100,
    Role.DISTRICT_OFFICER: 40,
    Role.STREET_OFFICER: 30,
    Role.COMMUNITY_STAFF: 20,
    Role.GRID_WORKER: 10,
    Role.CHECKPOINT_VOLUNTEER: 10,
    Role.CLASS_TEACHER: 10,
    Role.SCHOOL_HEALTH_OFFICER: 15,
    Role.PRINCIPAL: 20,
    Role.EDUCATION_OFFICER: 30,
    Role.CDC_OFFICER: 30,
    Role.FAMILY_DOCTOR: 15,
    Role.CENTRE_NURSE: 10,
    Role.PUBLIC_HEALTH_STAFF: 10,
    Role.CENTRE_MANAGER: 20,
}


def role_allows(role: str, perm: str) -> bool:
    return Perm(perm) in ROLE_PERMISSIONS[Role(role)]
