from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "shoumen.checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self) -> None:
        from shoumen.checkpoints import handlers, metrics, panels

        handlers.subscribe_all()
        panels.register()
        metrics.register()
