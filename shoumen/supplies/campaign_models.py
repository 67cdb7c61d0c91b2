"""Distribution campaigns (发放): so much of one item per household over a scope, handed out
household by household, each delivery an issue movement of the stock ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household
from shoumen.screening.models import Visit
from shoumen.supplies.models import Holder, Item, Movement


class CampaignStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("distribution campaign status", "Open")
    CLOSED = "closed", pgettext_lazy("distribution campaign status", "Closed")


class Campaign(models.Model):
    """Coverage is counted live against the households in scope now, as a screening
    round's is against its tasks: a household that moves in is one more to give to."""

    name = models.CharField(_("name"), max_length=100)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="campaigns"
    )
    quantity = models.PositiveIntegerField(_("quantity per household"))
    scope = models.ForeignKey(
        OrgUnit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        Holder,
        verbose_name=_("handed out from"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("distribution campaign")
        verbose_name_plural = _("distribution campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="campaign_quantity"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignDelivery(models.Model):
    """A household given its share, once per campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="campaign_deliveries"
    )
    movement = models.OneToOneField(Movement, on_delete=models.PROTECT, related_name="delivery")
    delivered_at = models.DateTimeField(_("given at"))
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    client_uuid = models.UUIDField(unique=True)
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign delivery")
        verbose_name_plural = _("campaign deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"], name="campaign_delivery_once_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.household_id}"
