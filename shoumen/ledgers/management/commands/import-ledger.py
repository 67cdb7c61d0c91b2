"""`shoumen import-ledger FILE --org-unit CODE`: check and import a resident ledger."""

from pathlib import Path
from typing import IO, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shoumen.ledgers.importing import LedgerError, ledger_import
from shoumen.places.models import OrgUnit

COMMAND_LABEL = "import-ledger command"
SHOWN_ERRORS = 50
# 找不到编码为 %(code)s 的单位。
ERR_NO_UNIT = _("There is no org unit with code %(code)s.")
# 有 %(count)d 行存在问题，未导入任何数据。修改后重新导入，或加上 --skip-bad-rows 只导入正确的行。
ERR_BAD_ROWS = _(
    "%(count)d rows have problems; nothing was imported. Fix them and import again, "
    "or add --skip-bad-rows to import only the good rows."
)
# 以下人员迁往另一住户（已迁移）。
MOVES_MADE = _("Household moves (made)")
# 以下人员按台账应迁往另一住户：未迁移，加上 --allow-moves 才迁移。
MOVES_HELD = _("Household moves (not made: add --allow-moves to make them)")
# 有 %(count)d 行存在问题（仅检查，未写入）。
ERR_BAD_ROWS_DRY = _("%(count)d rows have problems (checked only, nothing written).")


class Command(BaseCommand):
    help = (
        "Import residents from an Excel or CSV ledger (.xlsx, .xls, .ods, .csv in UTF-8 or "
        "GBK). --org-unit is the grid the rows belong to, or a community when the rows carry "
        "a grid column. Any bad row stops the import (exit status 1) unless --skip-bad-rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--org-unit", required=True, help="code of the grid or community")
        parser.add_argument("--sheet", default=None, help="sheet name (default: found)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--skip-bad-rows", action="store_true")
        parser.add_argument(
            "--allow-moves",
            action="store_true",
            help="move matched residents to the household their row names (listed either way)",
        )
        parser.add_argument("--errors-out", type=Path, default=None, help="bad rows as .xlsx")

    def handle(
        self,
        *args,
        file: Path,
        org_unit: str,
        sheet,
        dry_run,
        skip_bad_rows,
        allow_moves,
        **options,
    ):
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        unit = OrgUnit.objects.filter(code=org_unit).first()
        if unit is None:
            raise CommandError(str(ERR_NO_UNIT % {"code": org_unit}))
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from None
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=options.get("verbosity", 1) == 0,
        ) as progress:
            task = progress.add_task(str(_("Checking rows")), total=None)

            def on_progress(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                result = ledger_import(
                    actor=None,
                    system_label=COMMAND_LABEL,
                    org_unit=unit,
                    data=data,
                    filename=file.name,
                    sheet=sheet,
                    dry_run=dry_run,
                    skip_bad_rows=skip_bad_rows,
                    on_progress=on_progress,
                    allow_moves=allow_moves,
                )
            except LedgerError as exc:
                raise CommandError(str(exc.message)) from None

        counts = Table(title=f"{file.name} · {result.sheet} → {unit.name}")
        for column in ("new", "updated", "unchanged", "bad"):
            counts.add_column(column, justify="right")
        counts.add_row(*(f"{result.counts[k]:,}" for k in ("new", "updated", "unchanged", "bad")))
        console.print(counts)
        if result.errors:
            errors = Table(title=str(_("Problems")))
            for column in ("sheet", "row", "column", "value", "reason"):
                errors.add_column(column)
            for error in result.errors[:SHOWN_ERRORS]:
                errors.add_row(error.sheet, str(error.row), error.column, error.value, error.reason)
            console.print(errors)
            if len(result.errors) > SHOWN_ERRORS:
                console.print(f"… {len(result.errors) - SHOWN_ERRORS} more")
        for grid, names in result.new_buildings.items():
            console.print(f"{_('New buildings')} · {grid}: {'、'.join(names)}")
        if result.moves:
            moves = Table(title=str(MOVES_MADE if allow_moves and not dry_run else MOVES_HELD))
            for column in ("row", "name", "from", "to"):
                moves.add_column(column)
            for move in result.moves:
                moves.add_row(str(move["row"]), move["name"], move["from"], move["to"])
            console.print(moves)
        errors_out = options.get("errors_out")
        if errors_out is not None and result.error_report:
            errors_out.write_bytes(result.error_report)
            console.print(f"Bad rows written to {errors_out}")
        if result.committed:
            console.print("Imported.")
        elif dry_run and not result.bad:
            console.print("Checked only; nothing written.")
        if result.bad and not skip_bad_rows:
            message = ERR_BAD_ROWS_DRY if dry_run else ERR_BAD_ROWS
            raise CommandError(str(message % {"count": result.bad}))
