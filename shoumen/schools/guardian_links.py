"""Guardians' personal links: issue (or regenerate), revoke and resolve a pupil's link.

As residents' self-report links: a token is ``django.core.signing`` over ``[link id,
version]`` with a salt of its own, so it cannot be forged and says nothing about the pupil.
Issuing again bumps the version, so every token given out before stops working. A bad,
old, expired or revoked token resolves to nothing, the same way for each.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import clean_reason
from shoumen.schools.models import GuardianLink, Pupil

TOKEN_SALT = "shoumen.schools.guardian-link"  # noqa: S105 (a salt, not a secret)

ERR_LINK_REVOKED = _("This link is already revoked.")
ERR_PUPIL_LEFT = _("This pupil is no longer on the roll.")

# How a link can be shown: the page with its QR, or the QR as an image.
CARD_FORMATS = ("page", "png")


def guardian_link_days() -> int:
    """SHOUMEN_GUARDIAN_LINK_DAYS: how long a guardian's link works after it is issued."""
    return int(settings.SHOUMEN_GUARDIAN_LINK_DAYS)


def guardian_link_token(link: GuardianLink) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign_object([link.pk, link.version], compress=False)


def guardian_link_is_live(link: GuardianLink | None, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return link is not None and link.revoked_at is None and link.expires_at > now


def _audit(actor, action: str, link: GuardianLink, pupil: Pupil, changes=None, reason=""):
    audit_event_record(
        actor=actor,
        action=action,
        target=pupil,
        org_path=pupil.klass.unit.path,
        changes={"link": link.pk, "version": link.version, **(changes or {})},
        reason=reason,
    )


@transaction.atomic
def guardian_link_issue(*, actor, pupil: Pupil) -> GuardianLink:
    """Give the pupil's guardians a link; a pupil who has one gets a new version (every
    earlier token dies) with a fresh expiry."""
    require(actor, Perm.FOLLOW_UP_ABSENCES, pupil.klass.unit)
    if not pupil.active:
        raise ValidationError(ERR_PUPIL_LEFT)
    expires = timezone.now() + datetime.timedelta(days=guardian_link_days())
    link = GuardianLink.objects.select_for_update().filter(pupil=pupil).first()
    if link is None:
        link = GuardianLink.objects.create(pupil=pupil, expires_at=expires, created_by=actor)
        action = "guardian_link.issue"
    else:
        link.version += 1
        link.expires_at, link.revoked_at = expires, None
        link.save(update_fields=["version", "expires_at", "revoked_at"])
        action = "guardian_link.regenerate"
    _audit(actor, action, link, pupil, {"expires_at": expires.isoformat()})
    return link


@transaction.atomic
def guardian_link_revoke(*, actor, link: GuardianLink, reason: str) -> GuardianLink:
    pupil = link.pupil
    require(actor, Perm.FOLLOW_UP_ABSENCES, pupil.klass.unit)
    reason = clean_reason(reason)
    link = GuardianLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError(ERR_LINK_REVOKED)
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    _audit(actor, "guardian_link.revoke", link, pupil, reason=reason)
    return link


def guardian_link_shown(*, actor, link: GuardianLink, fmt: str) -> None:
    """The QR carries a working token: each time it is shown is audited."""
    require(actor, Perm.FOLLOW_UP_ABSENCES, link.pupil.klass.unit)
    if fmt not in CARD_FORMATS:
        raise ValueError(fmt)
    _audit(actor, "guardian_link.card", link, link.pupil, changes={"format": fmt})


def guardian_link_resolve(token: str) -> GuardianLink | None:
    """The live link a token stands for, or None (forged, superseded, expired, revoked, or
    the pupil left the roll) without saying which."""
    try:
        link_id, version = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(link_id, int) or not isinstance(version, int):
        return None
    link = (
        GuardianLink.objects.select_related("pupil__klass__unit", "pupil__school__unit")
        .filter(pk=link_id, version=version, revoked_at__isnull=True)
        .first()
    )
    if not guardian_link_is_live(link) or not link.pupil.active:  # type: ignore[union-attr]
        return None
    return link
