import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit rows are append-only")

    def delete(self):
        raise AppendOnlyError("audit rows are append-only")


class AppendOnlyModel(models.Model):
    """Rows that are written once: the ORM refuses to change or delete them (and on
    PostgreSQL a trigger refuses it to every SQL user, migration 0006)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class AuditEvent(AppendOnlyModel):
    """One append-only entry of the audit log: who did what to which record, and why.

    Each event carries the hash of its own content; writers never wait on each other. The
    sealer later puts committed events, in id order, into signed ``AuditBlock``s."""

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,  # audit rows never change, so users stay
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    org_path = models.CharField(_("jurisdiction path"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        # Declared here, not with db_index on the fields, which on PostgreSQL add a LIKE-prefix
        # index to each text column: every request that writes appends here. No index on
        # the hash: nothing looks events up by it (blocks bind each id to its hash).
        indexes = [
            models.Index(fields=["target_type", "target_id", "-id"], name="audit_event_target"),
            models.Index(fields=["action"], name="audit_event_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_label}"

    def compute_hash(self) -> str:
        """SHA-256 of the canonical JSON of the content (``occurred_at`` in UTC)."""
        return content_hash({name: getattr(self, name) for name in CONTENT_FIELDS})


# What an event's hash covers (its id does not: ids come at insert; blocks bind the two).
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "org_path",
    "changes",
    "reason",
    "ip_address",
)


def content_hash(values: dict) -> str:
    payload = dict(values)
    payload["occurred_at"] = _utc(payload["occurred_at"])
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


class AuditBlock(AppendOnlyModel):
    """A sealed, signed run of committed events, chained to the block before it.

    ``event_ranges`` lists the exact ids sealed (``[first, last]`` runs, in id order);
    ``open_gaps`` the ids below ``high_event_id`` not sealed yet because the transaction
    that drew them may still commit (``[first, last, seen at]``), so that an event
    committed late lands in a later block."""

    number = models.BigIntegerField(_("block"), primary_key=True)
    prev_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))
    count = models.IntegerField(_("events"))
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    high_event_id = models.BigIntegerField()
    event_ranges = models.JSONField(default=list)
    open_gaps = models.JSONField(default=list)
    events_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit block")
        verbose_name_plural = _("audit blocks")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"block #{self.number}"

    def head(self) -> dict:
        """The fields the block hash covers (and, through it, the signature)."""
        return {
            "number": self.number,
            "prev_hash": self.prev_hash,
            "sealed_at": _utc(self.sealed_at),
            "count": self.count,
            "first_event_id": self.first_event_id,
            "last_event_id": self.last_event_id,
            "high_event_id": self.high_event_id,
            "event_ranges": self.event_ranges,
            "open_gaps": self.open_gaps,
            "events_hash": self.events_hash,
            "key_id": self.key_id,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.head()).encode()).hexdigest()
