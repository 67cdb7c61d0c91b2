"""Centres, their family doctor teams and service packages, and residents' contracts.

A centre serves communities; a team (a doctor, a nurse and public health staff) serves
named grids. A resident has one contracted team at a time: the database keeps one pending
or active contract per person."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person


class HealthCentre(models.Model):
    name = models.CharField(_("name"), max_length=100)
    # The street the centre belongs to: its managers and the indicators hang on it.
    street = models.ForeignKey(
        OrgUnit,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="health_centres_here",
        limit_choices_to={"level": Level.STREET},
    )
    communities = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("communities served"),
        related_name="health_centres",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    # The centre's public service numbers and address, shown to residents: not personal.
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("health centre")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="hc_centre_name")]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    DOCTOR = "doctor", _("Family doctor")
    NURSE = "nurse", _("Nurse")
    PUBLIC_HEALTH = "public_health", _("Public health staff")


class Team(models.Model):
    centre = models.ForeignKey(
        HealthCentre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    grids = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("grids served"),
        related_name="health_teams",
        limit_choices_to={"level": Level.GRID},
    )
    # The secret in the team's QR code: it opens the sign-up page. Replaced to retire a
    # printed code.
    signup_token = models.CharField(max_length=64, unique=True)
    # The team's service phone, shown to its residents (a work number, not a person's own).
    phone = models.CharField(_("service phone"), max_length=32, blank=True)
    active = models.BooleanField(pgettext_lazy("team", "Active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("family doctor team")
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="hc_team_name")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_team_places"
    )
    role = models.CharField(_("role in the team"), max_length=16, choices=TeamRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="hc_member_once")]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"


class PackageKind(models.TextChoices):
    BASIC = "basic", _("Basic package")
    PERSONALISED = "personalised", _("Personalised package")


class Package(models.Model):
    centre = models.ForeignKey(HealthCentre, on_delete=models.PROTECT, related_name="packages")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        pgettext_lazy("package", "Kind"), max_length=16, choices=PackageKind.choices
    )
    description = models.TextField(_("what it includes"), blank=True)
    # Yuan a year paid by the resident (0 for the basic package, paid by public funds).
    fee = models.DecimalField(_("fee (yuan a year)"), max_digits=8, decimal_places=2, default=0)
    active = models.BooleanField(pgettext_lazy("package", "Active"), default=True)

    class Meta:
        verbose_name = _("service package")
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="hc_package_code"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="hc_package_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class ContractStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the team")
    ACTIVE = "active", pgettext_lazy("contract", "Active")
    RENEWED = "renewed", _("Renewed")
    CHANGED = "changed", _("Changed to another team")
    ENDED = "ended", pgettext_lazy("contract", "Ended")
    DECLINED = "declined", _("Declined by the team")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_CONTRACT_STATUSES = (ContractStatus.PENDING, ContractStatus.ACTIVE)


class ContractSource(models.TextChoices):
    QR = "qr", _("Resident scanned the team's code")
    STAFF = "staff", _("Signed with the team")
    RENEWAL = "renewal", _("Renewal")


class Contract(models.Model):
    person = models.ForeignKey(
        Person,
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="health_contracts",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="contracts"
    )
    # The resident's grid when signed: scoping goes by its path.
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.PENDING
    )
    source = models.CharField(_("how signed"), max_length=16, choices=ContractSource.choices)
    packages = models.ManyToManyField(Package, verbose_name=_("packages"), related_name="contracts")
    # Set when the team confirms: the term is one year from then.
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True, db_index=True)
    renewed_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewed_by"
    )
    requested_at = models.DateTimeField(_("requested"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The day the renewal reminder went out (once a term).
    reminded_on = models.DateField(null=True, blank=True)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("family doctor contract")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["pending", "active"]),
                name="hc_one_open_contract_per_person",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="hc_contract_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["team", "status"], name="hc_contract_team_status")]

    def __str__(self) -> str:
        return f"{self.team} · {self.person_id}"
