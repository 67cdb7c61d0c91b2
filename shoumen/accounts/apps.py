from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _key_canaries_after_migrate(sender, using="default", **kwargs):
    from shoumen.accounts.keys import key_canaries_write, mark_verified
    from shoumen.accounts.models import KeyCanary

    if KeyCanary._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated only part of the way
    key_canaries_write(using)
    mark_verified()


class AccountsConfig(AppConfig):
    name = "shoumen.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from shoumen.accounts import checks  # noqa: F401 (registers the key check)

        post_migrate.connect(
            _key_canaries_after_migrate, sender=self, dispatch_uid="shoumen.key_canaries"
        )
