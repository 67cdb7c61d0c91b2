from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "shoumen.supplies"
    verbose_name = _("Supplies")

    def ready(self) -> None:
        from shoumen.audit.labels import register_actions
        from shoumen.supplies import ledgers, reports, services, setup_services

        register_actions(services.ACTION_LABELS)
        register_actions(setup_services.ACTION_LABELS)
        register_actions(ledgers.ACTION_LABELS)
        reports.register()
        # The visit form's tick box per campaign due, and the campaigns' daily figure.
        from shoumen.supplies import campaign_extras, campaign_metrics  # noqa: F401

        campaign_metrics.register()
