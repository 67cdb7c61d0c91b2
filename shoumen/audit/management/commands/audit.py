"""`shoumen audit seal|head|verify`.

shoumen audit seal                 seal the committed events not yet in a block, now
shoumen audit head                 print the latest signed head (to record outside)
shoumen audit verify [--heads F]   exit 0 only when events, blocks and heads all agree
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shoumen.audit import signing
from shoumen.audit.models import AuditBlock
from shoumen.audit.sealing import audit_seal
from shoumen.audit.verify import verify_audit


class Command(BaseCommand):
    help = "Audit log tools: seal events into signed blocks, print the head, verify it all."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("seal", help="Seal the committed events not yet in a block")
        sub.add_parser("head", help="Print the latest signed block head and the public key")
        verify = sub.add_parser(
            "verify", help="Exit 0 when intact; name the first bad event, block or head"
        )
        verify.add_argument(
            "--heads",
            metavar="FILE",
            help="heads recorded outside the database (default: SHOUMEN_AUDIT_HEADS_FILE)",
        )

    def handle(self, *args, subcommand, **options):
        getattr(self, f"_{subcommand}")(**options)

    def _seal(self, **options):
        result = audit_seal()
        if not result.blocks:
            self.stdout.write("Nothing to seal.")
        for block in result.blocks:
            self.stdout.write(
                f"Sealed block #{block.number}: {block.count} events "
                f"(ids {block.first_event_id}-{block.last_event_id})."
            )

    def _head(self, **options):
        block = AuditBlock.objects.order_by("-number").first()
        if block is None:
            raise CommandError("No block sealed yet; run `shoumen audit seal` first.")
        self.stdout.write(signing.head_line(block))
        self.stdout.write(f"public key (Ed25519, base64url): {signing.public_key_text()}")

    def _verify(self, heads=None, **options):
        path = Path(heads) if heads else signing.heads_file()
        if heads and not path.exists():
            raise CommandError(f"Heads file {path} does not exist.")
        report = verify_audit(heads=path if path.exists() else None)
        if not report.ok:
            for problem in report.problems[1:20]:
                self.stderr.write(f"  also: {problem}")
            raise CommandError(
                f"Audit log broken: {report.problems[0]} "
                f"({len(report.problems)} problems; {report.events} events, "
                f"{report.blocks} blocks checked)."
            )
        anchored = (
            f"{report.heads_checked} recorded heads match"
            if path.exists()
            else f"no heads file at {path}: not checked against recorded heads"
        )
        self.stdout.write(
            f"Audit log intact: {report.events} events in {report.blocks} blocks verified; "
            f"{report.unsealed} events not sealed yet; {anchored}."
        )
