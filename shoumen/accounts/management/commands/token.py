from django.core.management.base import BaseCommand, CommandError

from shoumen.accounts.models import ApiToken, User
from shoumen.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "Personal access tokens for the API. `shoumen token create USERNAME` prints the new "
        "token as the last word of its output; `shoumen token revoke PREFIX` revokes one."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Issue a token for a user; it is shown once")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for")
        revoke = sub.add_parser("revoke", help="Revoke the token starting with PREFIX")
        revoke.add_argument("prefix")

    def handle(self, *args, subcommand, **options):
        if subcommand == "create":
            self._create(options["username"], options["name"])
        else:
            self._revoke(options["prefix"])

    def _create(self, username: str, name: str) -> None:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is deactivated; activate it first.")
        _token, raw = api_token_create(actor=None, user=user, name=name)
        self.stdout.write(f"New API token for {user.username} (shown once, keep it safe): {raw}")

    def _revoke(self, prefix: str) -> None:
        if len(prefix) < 8:
            raise CommandError("Give at least the first 8 characters of the token.")
        tokens = list(
            ApiToken.objects.select_related("user").filter(
                prefix__startswith=prefix[:12], revoked_at__isnull=True
            )
        )
        if not tokens:
            raise CommandError(f"No active token starts with {prefix!r}.")
        if len(tokens) > 1:
            raise CommandError(f"{len(tokens)} active tokens start with {prefix!r}; give more.")
        token = api_token_revoke(actor=None, token=tokens[0])
        self.stdout.write(f"Revoked token {token.prefix}… of {token.user.username}.")
