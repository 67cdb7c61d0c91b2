"""Print the public keys that verify checkpoint passes (for rotation and offline devices)."""

from django.core.management.base import BaseCommand

from shoumen.checkpoints import signing


class Command(BaseCommand):
    help = "Print the public keys (by key id) that checkpoint passes are verified with."

    def handle(self, *args, **options):
        current = signing.key_id(signing.public_raw(signing.signing_key().public_key()))
        for kid, public in signing.public_keys().items():
            label = "current" if kid == current else "retired"
            self.stdout.write(f"{kid}  {public}  {label}")
