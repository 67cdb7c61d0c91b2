"""`shoumen demo`: load the demo district and print its logins."""

import time
from typing import IO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from shoumen.accounts.roles import Role
from shoumen.demo.load import demo_load
from shoumen.demo.plan import DEFAULT_SEED, SIZES

ERR_NO_DEMO_PASSWORD = _(  # noqa: S105 (a message, not a password)
    "Refusing to create demo logins without a password: set SHOUMEN_DEMO_PASSWORD "
    "(there is no default when SHOUMEN_ENV=production)."
)


class Command(BaseCommand):
    help = (
        "Build the demo district (streets, communities, grids, buildings, households, "
        "residents) and one login per role. Running it again generates nothing: the district "
        "(code DEMO) is reused whatever --size and --seed say, missing demo logins are added "
        "and existing accounts keep their password and roles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="medium")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, size: str, seed: int, **options):
        password = settings.SHOUMEN_DEMO_PASSWORD
        if not password:
            raise CommandError(str(ERR_NO_DEMO_PASSWORD))
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        started = time.monotonic()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=options.get("verbosity", 1) == 0,
        ) as progress:
            task = progress.add_task(str(_("Residents")), total=SIZES[size].persons)

            def on_progress(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = demo_load(size=size, seed=seed, password=password, on_progress=on_progress)
        seconds = time.monotonic() - started
        counts = ", ".join(f"{k}: {v:,}" for k, v in result.counts.items())
        if result.generated:
            console.print(
                f"Demo district {result.district.name} built in {seconds:.1f} s ({counts})."
            )
        else:
            console.print(
                f"Demo district {result.district.name} already exists; nothing generated "
                f"({counts})."
            )
        table = Table(title="Demo logins")
        for column in ("Username", "Role", "Scope", "New"):
            table.add_column(column)
        for login in result.logins:
            table.add_row(
                login.username,
                str(Role(login.role).label),
                f"{login.unit.name} ({login.unit.code})",
                "yes" if login.created else "no (left as it was)",
            )
        console.print(table)
        if not settings.PRODUCTION:
            console.print(f"Password for new demo logins: {password}")
