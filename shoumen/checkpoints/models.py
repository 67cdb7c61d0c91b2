"""Checkpoints (卡点), the signed passes (出入证) residents show there, scans and visitors."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Building, Household, Person


class Checkpoint(models.Model):
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="checkpoints",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. North gate"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    # Both empty: open around the clock.
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    # Empty: every building of the community may pass.
    buildings = models.ManyToManyField(
        Building, verbose_name=_("buildings that may pass"), blank=True, related_name="+"
    )
    # Visitors scan the post's own QR, which carries this key, to register themselves.
    visitor_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="checkpoint_unique_name_in_community"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="checkpoint_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PassStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class RevokeReason(models.TextChoices):
    ISOLATION = "isolation", _("Under isolation")
    MOVED_OUT = "moved_out", _("Moved out")
    MANUAL = "manual", _("Revoked by staff")


# Reasons the system sets and lifts by itself; a manual revocation stays until staff lift it.
AUTOMATIC_REASONS = frozenset({RevokeReason.ISOLATION, RevokeReason.MOVED_OUT})


class Pass(models.Model):
    """A resident's pass: one row per person; re-issuing bumps ``version`` so that old QR
    images stop working."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="checkpoint_pass"
    )
    # The community whose checkpoints let the holder through.
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=PassStatus.choices, default=PassStatus.VALID
    )
    revoke_reason = models.CharField(
        _("revoked because"), max_length=16, choices=RevokeReason.choices, blank=True
    )
    revoke_note = models.CharField(_("note"), max_length=200, blank=True)
    # Moves on every change of status or version: the revocation list is read by it.
    changed_at = models.DateTimeField(_("changed"), db_index=True)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="valid", revoke_reason="")
                | (Q(status="revoked") & ~Q(revoke_reason="")),
                name="pass_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} v{self.version}"


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class Verdict(models.TextChoices):
    ALLOW = "allow", _("Allow")
    WARN = "warn", _("Allow, with a warning")
    DENY = "deny", _("Deny")


class VerdictReason(models.TextChoices):
    OK = "ok", _("Valid pass")
    EXPIRING = "expiring", _("The pass expires soon")
    REVOKED = "revoked", _("The pass was revoked")
    ISOLATION = "isolation", _("Under isolation: may not leave")
    EXPIRED = "expired", _("The pass has expired")
    OTHER_COMMUNITY = "other_community", _("The pass is for another community")
    BUILDING = "building", _("This post is not for the holder's building")
    OLD_VERSION = "old_version", _("An old pass: it was re-issued")
    FORGED = "forged", _("Unknown or forged pass")
    FEVER = "fever", _("Temperature too high")


class Scan(models.Model):
    """One pass through a checkpoint. On PostgreSQL partitioned by ``day``."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField()
    scanned_at = models.DateTimeField()
    checkpoint_pass = models.ForeignKey(
        Pass, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    verdict = models.CharField(max_length=5, choices=Verdict.choices)
    reason = models.CharField(max_length=16, choices=VerdictReason.choices)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    client_uuid = models.UUIDField()
    # Decided on the phone without the network, synced later.
    offline = models.BooleanField(default=False)
    # Let through offline although the pass had been revoked by then.
    flagged = models.BooleanField(default=False)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        constraints = [
            models.UniqueConstraint(fields=["client_uuid", "day"], name="scan_client_uuid"),
        ]
        indexes = [models.Index(fields=["checkpoint", "day"], name="scan_checkpoint_day")]

    def __str__(self) -> str:
        return f"{self.scanned_at:%Y-%m-%d %H:%M} {self.verdict}"


VISITOR_PHONE_CONTEXT = "visitor.phone"


class Visitor(models.Model):
    """A visitor registered at a post, by the volunteer or by scanning the post's own QR."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="visitors"
    )
    name = models.CharField(_("name"), max_length=50)
    phone_encrypted = models.BinaryField(editable=False)
    phone_last4 = models.CharField(max_length=4, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("visiting household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    visiting = models.CharField(_("visiting (address)"), max_length=100, blank=True)
    reason = models.CharField(_("reason for the visit"), max_length=100)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    arrived_at = models.DateTimeField(_("time in"))
    left_at = models.DateTimeField(_("time out"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        indexes = [models.Index(fields=["checkpoint", "arrived_at"], name="visitor_by_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(visiting=""),
                name="visitor_visits_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def self_registered(self) -> bool:
        return self.registered_by_id is None
