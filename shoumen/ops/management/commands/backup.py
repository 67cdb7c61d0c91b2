from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shoumen.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database into a new folder: the dump and a manifest (time, migrations, "
        "row counts, the data key's fingerprint, the last signed audit head). No key is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a new folder for the backup")

    def handle(self, *args, path: Path, **options):
        try:
            manifest = backup_create(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"Backed up {len(manifest['row_counts'])} tables, {rows} rows into {path} "
            f"(data key fingerprint {manifest['data_key_fingerprint']})."
        )
