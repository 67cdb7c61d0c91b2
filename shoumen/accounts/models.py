import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Role
from shoumen.places.models import OrgUnit


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # A work phone for alert text messages (SMS); empty: no text messages.
    phone = models.CharField(_("work phone (SMS)"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held over one org unit and everything under it."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"], name="roleassignment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="roleassignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.org_unit}"


class ApiToken(models.Model):
    """A personal access token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class KeyCanary(models.Model):
    """What proves the configured keys are this database's: a value encrypted with the data
    key, and the public half of the pass signing key. Written on the first migrate or start,
    checked by `shoumen check --database default` and when the web process starts."""

    class Name(models.TextChoices):
        DATA_KEY = "data_key", "SHOUMEN_DATA_KEY"
        PASS_SIGNING_KEY = "pass_signing_key", "SHOUMEN_PASS_SIGNING_KEY"

    name = models.CharField(max_length=32, choices=Name.choices, unique=True)
    value = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("key canary")
        verbose_name_plural = _("key canaries")

    def __str__(self) -> str:
        return self.name
