from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "shoumen.services"
    verbose_name = _("Resident services")

    def ready(self) -> None:
        from shoumen.services import (
            link_section,
            panels,
            reports,
            services,
            visit_extra,
            volunteer_labels,
        )

        services.register()
        panels.register()
        reports.register()
        visit_extra.register_extra()
        link_section.register()
        volunteer_labels.register()
