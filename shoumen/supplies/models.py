"""Epidemic prevention supplies: items, the places that hold them, and an append-only stock
ledger. A holder's balance of an item is kept in ``Balance`` in the same transaction as
each movement, so that it always equals the sum of the movements; no movement takes a
balance below zero."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household


class ItemKind(models.TextChoices):
    MASK = "mask", _("Masks")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    THERMOMETER = "thermometer", _("Thermometers")
    PROTECTIVE_SUIT = "protective_suit", _("Protective suits")
    TEST_KIT = "test_kit", _("Test kits")
    SANITISER = "sanitiser", _("Hand sanitiser")
    OTHER = "other", _("Other")


class Item(models.Model):
    """A kind of supply counted in one unit (pieces, bottles, boxes). Items without a unit
    of the tree are the platform's standard list; a community may add its own."""

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("e.g. 个, 瓶, 盒"))
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_items",
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "unit"],
                condition=Q(org_unit__isnull=True),
                name="supply_item_standard_unique",
            ),
            models.UniqueConstraint(
                fields=["org_unit", "name", "unit"], name="supply_item_unique_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class HolderKind(models.TextChoices):
    STORE = "store", _("Community store")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    SCHOOL = "school", _("School")
    CDC = "cdc", _("CDC")
    WORKER_KIT = "worker_kit", _("Worker's kit")


class Holder(models.Model):
    """A place (or a worker's kit) that holds supplies, under an org unit of the tree: its
    scope is that unit's."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="holders"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HolderKind.choices)
    name = models.CharField(_("name"), max_length=60)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_kits",
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("supply holder")
        verbose_name_plural = _("supply holders")
        ordering = ["org_unit", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="holder_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Balance(models.Model):
    """What a holder has of an item now, with its reorder level: the one row a movement
    locks, so that movements of other holders and items never wait on it."""

    holder = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=0)
    reorder_level = models.DecimalField(
        _("reorder level"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["holder", "item"], name="balance_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} {self.item} {self.quantity}"


class MovementKind(models.TextChoices):
    RECEIVE = "receive", pgettext_lazy("stock movement", "Received")
    ISSUE = "issue", pgettext_lazy("stock movement", "Issued")
    TRANSFER = "transfer", _("Transferred")
    COUNT = "count", _("Stocktake")


class Source(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    ALLOCATION = "allocation", _("Allocation from above")
    DONATION = "donation", _("Donation")


class Movement(models.Model):
    """One line of the stock ledger, never changed or deleted. ``delta`` is the signed
    change at ``holder``; a transfer also adds ``quantity`` at ``to_holder``; a stocktake's
    ``quantity`` is what was counted and its ``delta`` the difference found."""

    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="movements")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    delta = models.DecimalField(max_digits=12, decimal_places=2)
    to_holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, null=True, blank=True, related_name="movements_in"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="supplies"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, blank=True)
    donor = models.CharField(_("donor"), max_length=100, blank=True)
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("time"), db_index=True)
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["holder", "item", "recorded_at"], name="movement_find")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="movement_quantity"),
            models.CheckConstraint(
                condition=Q(kind="transfer", to_holder__isnull=False)
                | (~Q(kind="transfer") & Q(to_holder__isnull=True)),
                name="movement_transfer_has_a_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.quantity}"


from shoumen.supplies.campaign_models import Campaign, CampaignDelivery  # noqa: E402, F401, I001
