"""Self-report links: issue, regenerate, revoke, resolve a token, and submit through one.

A token is ``django.core.signing`` over ``[link id, version]`` with a salt of its own, so it
cannot be forged or guessed and says nothing readable about the person. Regenerating bumps
the link's version: every token printed before stops working. Expiry and revocation live on
the link, so one check at resolve time covers them. A bad, old, expired or revoked token
resolves to nothing, the same way, so that the public page tells nobody which it was.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require, scope_q
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import clean_reason
from shoumen.observation.health_reports import ReportResult, health_reports_ingest
from shoumen.observation.models import HealthReport, Observation, ObservationStatus, ReportLink
from shoumen.registry.models import Person, Relation, Status

TOKEN_SALT = "shoumen.observation.report-link"  # noqa: S105 (a salt, not a secret)

ERR_NO_SUBJECTS = _("Choose at least one person to report for.")
ERR_SUBJECT_HOUSEHOLD = _("Only members of the holder's own household can be covered.")
ERR_SUBJECT_NOT_OBSERVED = _("%(name)s is not under observation.")
ERR_DEPENDENTS_HEAD_ONLY = _("Only the head of the household can report for others.")
ERR_HOLDER_NOT_RESIDENT = _("Only current residents can have a self-report link.")
ERR_LINK_REVOKED = _("This link is already revoked.")


def link_days() -> int:
    return int(settings.REPORT_LINK_DAYS)


def report_link_token(link: ReportLink) -> str:
    """The link's current token (the same string for the same version)."""
    return signing.Signer(salt=TOKEN_SALT).sign_object([link.pk, link.version], compress=False)


def _observed_ids(person_ids) -> set[int]:
    return set(
        Observation.objects.filter(
            person_id__in=person_ids, status=ObservationStatus.ACTIVE
        ).values_list("person_id", flat=True)
    )


def _validated_subjects(holder: Person, subjects: Sequence[Person]) -> list[Person]:
    if holder.status != Status.RESIDENT:
        raise ValidationError(ERR_HOLDER_NOT_RESIDENT)
    chosen = list({p.pk: p for p in subjects}.values())
    if not chosen:
        raise ValidationError({"subjects": [ERR_NO_SUBJECTS]})
    if any(p.household_id != holder.household_id or p.status != Status.RESIDENT for p in chosen):
        raise ValidationError({"subjects": [ERR_SUBJECT_HOUSEHOLD]})
    if any(p.pk != holder.pk for p in chosen) and holder.relation_to_head != Relation.HEAD:
        raise ValidationError({"subjects": [ERR_DEPENDENTS_HEAD_ONLY]})
    observed = _observed_ids([p.pk for p in chosen])
    for person in chosen:
        if person.pk not in observed:
            raise ValidationError({"subjects": [ERR_SUBJECT_NOT_OBSERVED % {"name": person.name}]})
    return chosen


def _audit(actor, action: str, link: ReportLink, holder: Person, changes=None, reason=""):
    audit_event_record(
        actor=actor,
        action=action,
        target=holder,
        org_path=holder.grid.path,
        changes={"link": link.pk, "version": link.version, **(changes or {})},
        reason=reason,
    )


@transaction.atomic
def report_link_issue(*, actor, holder: Person, subjects: Sequence[Person]) -> ReportLink:
    """Give ``holder`` a self-report link covering ``subjects`` (the holder, and for a
    household head, chosen dependents). A holder who already has a link gets it back with
    the new subjects, a new version (old tokens die) and a fresh expiry."""
    require(actor, Perm.RECORD_HEALTH_REPORTS, holder.grid)
    chosen = _validated_subjects(holder, subjects)
    now = timezone.now()
    expires = now + datetime.timedelta(days=link_days())
    link = ReportLink.objects.select_for_update().filter(holder=holder).first()
    if link is None:
        link = ReportLink.objects.create(holder=holder, expires_at=expires, created_by=actor)
    else:
        link.version += 1
        link.expires_at, link.revoked_at = expires, None
        link.save(update_fields=["version", "expires_at", "revoked_at"])
    link.subjects.set(chosen)
    _audit(
        actor,
        "report_link.issue",
        link,
        holder,
        {"subjects": sorted(p.pk for p in chosen), "expires_at": expires.isoformat()},
    )
    return link


def _locked(link: ReportLink) -> ReportLink:
    return (
        ReportLink.objects.select_for_update(of=("self",))
        .select_related("holder__grid")
        .get(pk=link.pk)
    )


@transaction.atomic
def report_link_regenerate(*, actor, link: ReportLink) -> ReportLink:
    """A new token for the same link: the version goes up, so every earlier token (a lost
    card, a forwarded message) stops working; the expiry starts again."""
    require(actor, Perm.RECORD_HEALTH_REPORTS, link.holder.grid)
    link = _locked(link)
    link.version += 1
    link.expires_at = timezone.now() + datetime.timedelta(days=link_days())
    link.revoked_at = None
    link.save(update_fields=["version", "expires_at", "revoked_at"])
    _audit(
        actor,
        "report_link.regenerate",
        link,
        link.holder,
        {"expires_at": link.expires_at.isoformat()},
    )
    return link


@transaction.atomic
def report_link_revoke(*, actor, link: ReportLink, reason: str) -> ReportLink:
    require(actor, Perm.RECORD_HEALTH_REPORTS, link.holder.grid)
    reason = clean_reason(reason)
    link = _locked(link)
    if link.revoked_at is not None:
        raise ValidationError(ERR_LINK_REVOKED)
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    _audit(actor, "report_link.revoke", link, link.holder, reason=reason)
    return link


# How a link's card can be shown: the printable page, or its QR as an image.
CARD_FORMATS = ("page", "png", "svg")


def report_link_card_shown(*, actor, link: ReportLink, fmt: str) -> None:
    """The link's card or QR carries a working token: each time one is shown is audited."""
    require(actor, Perm.RECORD_HEALTH_REPORTS, link.holder.grid)
    if fmt not in CARD_FORMATS:
        raise ValueError(fmt)
    _audit(actor, "report_link.card", link, link.holder, changes={"format": fmt})


def report_link_resolve(token: str) -> ReportLink | None:
    """The live link a token stands for, or None (forged, superseded, expired, revoked, or
    its holder no longer lives here) without saying which."""
    try:
        link_id, version = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(link_id, int) or not isinstance(version, int):
        return None
    link = (
        ReportLink.objects.select_related("holder")
        .filter(pk=link_id, version=version, revoked_at__isnull=True)
        .first()
    )
    if link is None or link.expires_at <= timezone.now():
        return None
    if link.holder.status != Status.RESIDENT:
        return None
    return link


def link_subjects(link: ReportLink) -> list[Person]:
    """The persons a link reports for who are still residents, holder first."""
    subjects = link.subjects.filter(status=Status.RESIDENT).order_by("pk")
    return sorted(subjects, key=lambda p: (p.pk != link.holder_id, p.pk))


@transaction.atomic
def report_link_submit(*, link: ReportLink, rows: Sequence[dict[str, Any]]) -> list[ReportResult]:
    """Self-reports through a link: the holder's own rows are ``self``, the others
    ``proxy``; a replayed client UUID changes nothing."""
    rows = [
        {**row, "source": "self" if row.get("person") == link.holder_id else "proxy"}
        for row in rows
    ]
    results = health_reports_ingest(actor=None, rows=rows, link=link)
    if any(r.result != "error" for r in results):
        ReportLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return results


def report_links_visible_to(user, perm: str = Perm.RECORD_HEALTH_REPORTS) -> QuerySet[ReportLink]:
    return ReportLink.objects.filter(scope_q(user, perm, "holder__grid__path"))


def report_link_for(user, *, pk: int, perm: str = Perm.RECORD_HEALTH_REPORTS) -> ReportLink:
    """One link whose holder is in the actor's scope, or ReportLink.DoesNotExist."""
    return report_links_visible_to(user, perm).select_related("holder__grid").get(pk=pk)


def household_candidates(holder: Person) -> list[tuple[Person, bool]]:
    """Who a link for ``holder`` could cover: the holder, and for a head, the household's
    residents; each with whether they are under observation now."""
    if holder.relation_to_head == Relation.HEAD:
        members = list(
            Person.objects.filter(household_id=holder.household_id, status=Status.RESIDENT)
            .only("pk", "name", "relation_to_head", "household_id", "status")
            .order_by("pk")
        )
    else:
        members = [holder]
    observed = _observed_ids([p.pk for p in members])
    members.sort(key=lambda p: (p.pk != holder.pk, p.pk))
    return [(p, p.pk in observed) for p in members]


def link_reports_today(link: ReportLink, person_ids, day: datetime.date) -> dict:
    """What the link's persons have already reported today: (person id, slot) → temperature."""
    allowed = set(person_ids) & set(link.subjects.values_list("pk", flat=True))
    return {
        (person_id, slot): temperature
        for person_id, slot, temperature in HealthReport.objects.filter(
            person_id__in=allowed, date=day
        ).values_list("person_id", "slot", "temperature")
    }
