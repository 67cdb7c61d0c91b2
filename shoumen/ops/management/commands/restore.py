from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shoumen.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured, empty database; refuse a different data "
        "key; then check row counts, decrypt a sample and verify the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a folder written by `shoumen backup`")

    def handle(self, *args, path: Path, **options):
        try:
            report = backup_restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not report.ok:
            lines = [f"  {t}: backup {a}, restored {b}" for t, (a, b) in report.mismatched.items()]
            raise CommandError("Row counts differ from the backup:\n" + "\n".join(lines))
        self.stdout.write(
            f"Restored {report.tables} tables, {report.rows} rows; decrypted {report.decrypted} "
            f"sampled persons. {report.audit}"
        )
