from django.core.management.base import BaseCommand, CommandError

from shoumen.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit chain tools. `shoumen audit verify` checks every event's hash and order."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Exit 0 when the chain is intact; name the first bad event")

    def handle(self, *args, subcommand, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.bad_seq}: {report.problem} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
