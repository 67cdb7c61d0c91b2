from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shoumen.registry"
    verbose_name = _("Resident registry")

    def ready(self) -> None:
        from shoumen.registry import figures, history

        history.register()
        figures.register()
