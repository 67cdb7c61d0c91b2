"""Every write on family doctor contracts: requested (a resident through a team's QR code),
signed (by staff, in the clinic or on a visit), confirmed, declined, renewed, changed to
another team, ended. Each is audited; signing is idempotent on ``client_uuid``.

A resident has one contracted team at a time: the database keeps at most one pending or
active contract per person (``hc_one_open_contract_per_person``); a renewal or a change
closes the old contract in the same transaction that opens the new one.

Who may do what:
- request: the team's QR page, for a resident whose identity it checked, living in a
  community the team's centre serves. The team need not serve the resident's grid: the
  resident chooses their doctor (the team's grids are where it goes round, not a fence);
- sign: a health role over the resident's grid who manages contracts or is on the team;
  the contract is active at once when the signer is on the team, else awaits the team;
- confirm, decline, renew, change, end: a member of the contract's team, or a health role
  who manages contracts over the resident's grid."""

import calendar
import datetime
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import (
    Contract,
    ContractSource,
    ContractStatus,
    Package,
    PackageKind,
    Team,
    TeamMember,
)
from shoumen.healthcentre.models.centres import OPEN_CONTRACT_STATUSES
from shoumen.lib.dates import today
from shoumen.lib.errors import clean_reason, deny
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status

ERR_NOT_RESIDENT = _("This person no longer lives here.")
ERR_NOT_SERVED = _("This team's centre does not serve the resident's community.")
ERR_TEAM_INACTIVE = _("This team no longer takes contracts.")
ERR_ALREADY_OPEN = _("This resident already has a contract with a team, or one awaiting it.")
ERR_PACKAGE = _("Choose packages of the team's centre that are on offer.")
ERR_NO_BASIC = _("The centre has no basic package on offer: the manager must add one.")
ERR_UUID_REUSED = _("This client UUID was used for another contract.")
ERR_NOT_PENDING = _("This contract is not awaiting the team.")
ERR_NOT_ACTIVE = _("Only an active contract can be renewed, changed or ended this way.")
ERR_TOO_EARLY = _("A contract can be renewed in its last %(days)d days.")
ERR_SAME_TEAM = _("Choose another team.")
ERR_OPEN = _("This contract is already closed.")

ACTION_LABELS = {
    "contract.request": _("Contract requested by the resident"),
    "contract.sign": _("Contract signed"),
    "contract.confirm": _("Contract confirmed"),
    "contract.decline": _("Contract declined"),
    "contract.renew": _("Contract renewed"),
    "contract.change": _("Contract changed to another team"),
    "contract.end": _("Contract ended"),
    "contract.cancel": _("Contract request cancelled"),
    "contract.remind": _("Contract renewal reminder sent"),
}

REQUEST_LABEL = "team sign-up code %s"
JOB_LABEL = "daily contracts job"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def term_end(starts_on: datetime.date) -> datetime.date:
    """The last day of a term starting ``starts_on``: a term of months, less one day."""
    months = settings.SHOUMEN_CONTRACT_TERM_MONTHS
    return add_months(starts_on, months) - datetime.timedelta(days=1)


def renewal_opens_on(contract: Contract) -> datetime.date | None:
    """The first day a contract may be renewed (its reminder day)."""
    if contract.ends_on is None:
        return None
    days = settings.SHOUMEN_CONTRACT_RENEWAL_NOTICE_DAYS
    return contract.ends_on - datetime.timedelta(days=days)


def on_team(user, team: Team | int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    team_id = team.pk if isinstance(team, Team) else team
    return TeamMember.objects.filter(team_id=team_id, user=user).exists()


def may_manage(user, contract: Contract) -> bool:
    """Whether ``user`` may confirm, decline, renew, change or end ``contract``."""
    path = contract.grid.path
    if not covers(user, Perm.VIEW_HEALTH_RECORDS, path):
        return False
    return covers(user, Perm.MANAGE_CONTRACTS, path) or on_team(user, contract.team_id)


def _require_manage(user, contract: Contract) -> None:
    if not may_manage(user, contract):
        raise deny()


def _record(actor, action: str, contract: Contract, changes: dict, *, label=None) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        target=contract,
        org_path=contract.grid.path,
        changes=changes,
        actor_label=label,
    )


def _check_person(team: Team, person: Person) -> None:
    if person.status != Status.RESIDENT:
        raise ValidationError({"person": [ERR_NOT_RESIDENT]})
    if not team.active:
        raise ValidationError({"team": [ERR_TEAM_INACTIVE]})
    community = OrgUnit.objects.get_parent(person.grid)
    if not team.centre.communities.filter(pk=community.pk).exists():
        raise ValidationError({"team": [ERR_NOT_SERVED]})


def contract_packages(team: Team, chosen: Sequence[Package | str]) -> list[Package]:
    """The centre's basic package(s) on offer, always, and the personalised ones chosen
    (as packages or codes)."""
    offered = {p.code: p for p in Package.objects.filter(centre_id=team.centre_id, active=True)}
    picked = []
    for item in chosen:
        code = item.code if isinstance(item, Package) else str(item)
        if code not in offered:
            raise ValidationError({"packages": [ERR_PACKAGE]})
        picked.append(offered[code])
    basic = [p for p in offered.values() if p.kind == PackageKind.BASIC]
    if not basic:
        raise ValidationError({"packages": [ERR_NO_BASIC]})
    return sorted({p.pk: p for p in [*basic, *picked]}.values(), key=lambda p: p.code)


def _replay(client_uuid, person: Person, team: Team) -> Contract | None:
    if client_uuid is None:
        return None
    existing = Contract.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.person_id != person.pk or existing.team_id != team.pk:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def _insert(contract: Contract, packages: list[Package], client_uuid) -> Contract | None:
    """Insert ``contract``; None when another copy or another open contract won."""
    try:
        with transaction.atomic():
            contract.save(force_insert=True)
            contract.packages.set(packages)
    except IntegrityError:
        winner = _replay(client_uuid, contract.person, contract.team)
        if winner is not None:
            return winner
        if Contract.objects.filter(
            person=contract.person, status__in=OPEN_CONTRACT_STATUSES
        ).exists():
            raise ValidationError({"person": [ERR_ALREADY_OPEN]}) from None
        raise
    return None


def _new(
    *, person: Person, team: Team, source: str, packages, client_uuid, **fields
) -> tuple[Contract, bool]:
    existing = _replay(client_uuid, person, team)
    if existing is not None:
        return existing, False
    _check_person(team, person)
    chosen = contract_packages(team, packages)
    if Contract.objects.filter(person=person, status__in=OPEN_CONTRACT_STATUSES).exists():
        # A copy of this very request may have just won: that is a replay, not a refusal.
        winner = _replay(client_uuid, person, team)
        if winner is not None:
            return winner, False
        raise ValidationError({"person": [ERR_ALREADY_OPEN]})
    contract = Contract(
        person=person,
        team=team,
        grid=person.grid,
        source=source,
        requested_at=timezone.now(),
        client_uuid=client_uuid,
        **fields,
    )
    winner = _insert(contract, chosen, client_uuid)
    if winner is not None:
        return winner, False
    return contract, True


def _package_codes(contract: Contract) -> list[str]:
    return sorted(p.code for p in contract.packages.all())


def contract_request(
    *, team: Team, person: Person, packages: Sequence[Package | str] = ()
) -> tuple[Contract, bool]:
    """A resident asks ``team`` for a contract through its QR page (identity checked by
    the page). Pending until the team confirms."""
    with transaction.atomic():
        contract, created = _new(
            person=person, team=team, source=ContractSource.QR, packages=packages, client_uuid=None
        )
        if created:
            _record(
                None,
                "contract.request",
                contract,
                {"team": team.pk, "packages": _package_codes(contract)},
                label=REQUEST_LABEL % team.pk,
            )
    return contract, created


def _term(day: datetime.date) -> dict:
    return {"starts_on": day, "ends_on": term_end(day)}


def contract_sign(
    *,
    actor,
    person: Person,
    team: Team,
    packages: Sequence[Package | str] = (),
    client_uuid: uuid.UUID | str | None = None,
) -> tuple[Contract, bool]:
    """Staff sign ``person`` up with ``team``. Returns (contract, created); a replay of
    the same client UUID returns the first contract."""
    existing = _replay(client_uuid, person, team)
    if existing is not None:
        return existing, False
    path = person.grid.path
    member = on_team(actor, team)
    if not covers(actor, Perm.VIEW_HEALTH_RECORDS, path) or not (
        member or covers(actor, Perm.MANAGE_CONTRACTS, path)
    ):
        raise deny()
    now = timezone.now()
    fields: dict = {}
    if member:
        fields = {
            "status": ContractStatus.ACTIVE,
            "confirmed_at": now,
            "confirmed_by": actor,
            **_term(timezone.localdate(now)),
        }
    with transaction.atomic():
        contract, created = _new(
            person=person,
            team=team,
            source=ContractSource.STAFF,
            packages=packages,
            client_uuid=client_uuid,
            **fields,
        )
        if created:
            _record(
                actor,
                "contract.sign",
                contract,
                {
                    "team": team.pk,
                    "status": contract.status,
                    "packages": _package_codes(contract),
                    "ends_on": contract.ends_on.isoformat() if contract.ends_on else None,
                },
            )
    return contract, created


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("grid", "team", "person")
        .get(pk=contract.pk)
    )


def contract_confirm(*, actor, contract: Contract) -> Contract:
    """The team takes the resident on: active from today for one term."""
    _require_manage(actor, contract)
    with transaction.atomic():
        contract = _locked(contract)
        if contract.status != ContractStatus.PENDING:
            raise ValidationError(ERR_NOT_PENDING)
        now = timezone.now()
        term = _term(timezone.localdate(now))
        contract.status = ContractStatus.ACTIVE
        contract.confirmed_at, contract.confirmed_by = now, actor
        contract.starts_on, contract.ends_on = term["starts_on"], term["ends_on"]
        contract.save(
            update_fields=["status", "confirmed_at", "confirmed_by", "starts_on", "ends_on"]
        )
        _record(actor, "contract.confirm", contract, {"ends_on": contract.ends_on.isoformat()})
    return contract


def _close(
    actor, contract: Contract, status: str, action: str, changes: dict, label=None
) -> Contract:
    contract.status = status
    contract.closed_at = timezone.now()
    contract.save(update_fields=["status", "closed_at"])
    _record(actor, action, contract, {"status": status, **changes}, label=label)
    return contract


def contract_decline(*, actor, contract: Contract, reason: str) -> Contract:
    _require_manage(actor, contract)
    reason = clean_reason(reason)
    with transaction.atomic():
        contract = _locked(contract)
        if contract.status != ContractStatus.PENDING:
            raise ValidationError(ERR_NOT_PENDING)
        return _close(
            actor,
            contract,
            ContractStatus.DECLINED,
            "contract.decline",
            {"reason": reason[:200]},
        )


def contract_renew(
    *, actor, contract: Contract, packages: Sequence[Package | str] | None = None
) -> Contract:
    """A new term with the same team from the day after the old one ends (the old becomes
    "renewed"); allowed in the old term's last notice days, or after it while the daily job
    has not yet ended it."""
    _require_manage(actor, contract)
    with transaction.atomic():
        old = _locked(contract)
        if old.status != ContractStatus.ACTIVE or old.ends_on is None:
            raise ValidationError(ERR_NOT_ACTIVE)
        opens = renewal_opens_on(old)
        if opens is not None and today() < opens:
            days = settings.SHOUMEN_CONTRACT_RENEWAL_NOTICE_DAYS
            raise ValidationError(ERR_TOO_EARLY % {"days": days})
        chosen = contract_packages(old.team, _package_codes(old) if packages is None else packages)
        # The old one leaves the open statuses first: the new one is then the only open one.
        _close(actor, old, ContractStatus.RENEWED, "contract.renew", {})
        now = timezone.now()
        new = Contract(
            person=old.person,
            team=old.team,
            grid=old.person.grid,
            status=ContractStatus.ACTIVE,
            source=ContractSource.RENEWAL,
            renewed_from=old,
            requested_at=now,
            confirmed_at=now,
            confirmed_by=actor,
            **_term(old.ends_on + datetime.timedelta(days=1)),
        )
        new.save(force_insert=True)
        new.packages.set(chosen)
        _record(
            actor,
            "contract.sign",
            new,
            {
                "team": new.team_id,
                "status": new.status,
                "renews": old.pk,
                "packages": [p.code for p in chosen],
                "ends_on": str(new.ends_on),
            },
        )
    return new


def contract_change(
    *, actor, contract: Contract, team: Team, packages: Sequence[Package | str] = ()
) -> Contract:
    """The resident moves to ``team``: the old contract becomes "changed", a new one awaits
    the new team."""
    _require_manage(actor, contract)
    with transaction.atomic():
        old = _locked(contract)
        if old.status != ContractStatus.ACTIVE:
            raise ValidationError(ERR_NOT_ACTIVE)
        if team.pk == old.team_id:
            raise ValidationError({"team": [ERR_SAME_TEAM]})
        _check_person(team, old.person)
        chosen = contract_packages(team, packages)
        _close(actor, old, ContractStatus.CHANGED, "contract.change", {"to_team": team.pk})
        new = Contract(
            person=old.person,
            team=team,
            grid=old.person.grid,
            source=ContractSource.STAFF,
            requested_at=timezone.now(),
        )
        new.save(force_insert=True)
        new.packages.set(chosen)
        _record(
            actor,
            "contract.sign",
            new,
            {"team": team.pk, "status": new.status, "changed_from": old.pk},
        )
    return new


def contract_end(*, actor, contract: Contract, reason: str) -> Contract:
    """End an active contract (or cancel one awaiting the team) before its term."""
    _require_manage(actor, contract)
    reason = clean_reason(reason)[:200]
    with transaction.atomic():
        contract = _locked(contract)
        if contract.status == ContractStatus.PENDING:
            return _close(
                actor, contract, ContractStatus.CANCELLED, "contract.cancel", {"reason": reason}
            )
        if contract.status != ContractStatus.ACTIVE:
            raise ValidationError(ERR_OPEN)
        return _close(actor, contract, ContractStatus.ENDED, "contract.end", {"reason": reason})


def contracts_expire(*, day: datetime.date) -> int:
    """Active contracts whose term ended before ``day`` and were not renewed become
    ended. Returns how many."""
    count = 0
    for contract in Contract.objects.filter(
        status=ContractStatus.ACTIVE, ends_on__lt=day
    ).select_related("grid"):
        with transaction.atomic():
            locked = _locked(contract)
            if locked.status == ContractStatus.ACTIVE:
                _close(
                    None,
                    locked,
                    ContractStatus.ENDED,
                    "contract.end",
                    {"reason": "term"},
                    label=JOB_LABEL,
                )
                count += 1
    return count


def contract_mark_reminded(*, contract: Contract, day: datetime.date) -> bool:
    """Note the renewal reminder once a term; False when it was already sent."""
    updated = Contract.objects.filter(pk=contract.pk, reminded_on__isnull=True).update(
        reminded_on=day
    )
    if updated:
        _record(None, "contract.remind", contract, {"day": day.isoformat()}, label=JOB_LABEL)
    return bool(updated)
