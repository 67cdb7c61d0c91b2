from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "shoumen.supplies"
    verbose_name = _("Supplies")

    def ready(self) -> None:
        from shoumen.audit.labels import register_actions
        from shoumen.supplies.services import ACTION_LABELS

        register_actions(ACTION_LABELS)
