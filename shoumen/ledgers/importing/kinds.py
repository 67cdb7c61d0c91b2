"""The kinds of file the ledger import takes: the residents' ledger is the ledgers app's
own; an app above it (schools: class rosters) registers its kind from its AppConfig.ready.

A kind names the right an importer needs over the target unit, the levels it imports
into, its fields and how headers are guessed, and ``run``: check the file (a dry run) or
import it, returning an ``ImportResult``. Uploading, the checks on the file, the task
worker, the preview with its per-row errors, the column mapping and the confirm step are
the same for every kind."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.lib.excel import Table
from shoumen.places.models import Level

RESIDENTS = "residents"

# 没有这种导入。
ERR_KIND_UNKNOWN = _("There is no such kind of import.")


@dataclass(frozen=True)
class ImportKind:
    slug: str
    label: Any
    # The right over the target unit that importing (and seeing the job) needs.
    perm: str
    # The org unit levels a file of this kind is imported into.
    levels: tuple[str, ...]
    # Field key -> label, for the column mapping (in this order).
    field_labels: Mapping[str, Any]
    # run(*, actor, org_unit, data, filename, sheet, mapping, dry_run, skip_bad_rows,
    #     on_progress, allow_moves, options) -> ImportResult; LedgerError for the file.
    run: Callable[..., Any]
    # Header -> field key guessed for a table read from a file of this kind.
    guess_mapping: Callable[[Table], dict[str, str]]
    # Headers (text -> key) that also count when looking for the header row.
    known_headers: Mapping[str, str] = field(default_factory=dict)
    # Whether the confirmed column mapping is kept for the community's next ledger.
    remembers_mapping: bool = False
    # Where the importer starts again (the job's breadcrumb).
    start_url: Callable[[Any], str] = lambda job: reverse("ledgers:import_start")
    start_label: Any = _("Import a ledger")
    # What the preview's new places are (``ImportResult.new_buildings``, per parent).
    new_places_title: Any = _("New buildings")
    new_places_help: Any = _("These buildings are not registered yet; importing registers them.")


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    """Add (or replace) a kind: called from an AppConfig.ready."""
    _KINDS[kind.slug] = kind


def kind_of(slug: str) -> ImportKind:
    """The registered kind ``slug``; LookupError when there is none."""
    _ensure_residents()
    try:
        return _KINDS[slug]
    except KeyError:
        raise LookupError(slug) from None


def all_kinds() -> list[ImportKind]:
    _ensure_residents()
    return list(_KINDS.values())


def _ensure_residents() -> None:
    if RESIDENTS not in _KINDS:
        register(residents_kind())


def _run_residents(*, options: Mapping[str, Any] | None = None, **kwargs):
    from shoumen.ledgers.importing import ledger_import

    return ledger_import(**kwargs)


def _guess_residents(table: Table) -> dict[str, str]:
    return table.guessed_mapping()


def residents_kind() -> ImportKind:
    from shoumen.ledgers.importing.reading import FIELD_LABELS

    return ImportKind(
        slug=RESIDENTS,
        label=_("Resident ledger"),
        perm=Perm.EDIT_REGISTRY,
        levels=(Level.COMMUNITY, Level.GRID),
        field_labels=FIELD_LABELS,
        run=_run_residents,
        guess_mapping=_guess_residents,
        remembers_mapping=True,
    )
