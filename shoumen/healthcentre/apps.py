from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthCentreConfig(AppConfig):
    name = "shoumen.healthcentre"
    label = "healthcentre"
    verbose_name = _("Community health centre")

    def ready(self) -> None:
        from shoumen.audit.labels import register_actions, register_target
        from shoumen.healthcentre import (
            centre_services,
            elderly_panels,
            followup_services,
            link_section,
            metrics,
            panels,
            patient_services,
        )

        register_actions(centre_services.ACTION_LABELS)
        register_actions(patient_services.ACTION_LABELS)
        register_actions(followup_services.ACTION_LABELS)
        register_actions(
            {
                "chronic_follow_up.ledger_export": _("Chronic disease follow-up ledger exported"),
                "chronic_follow_up.fhir_export": _("Follow-up exported as FHIR"),
            }
        )
        register_target("healthcentre.healthcentre")
        register_target("healthcentre.patient")
        register_target("healthcentre.followup")
        panels.register()  # the person page's team; contracts' and set-up's audit words
        elderly_panels.register()  # the elderly check's panel; its, surveys' and points' words
        link_section.register()  # the survey on a resident's own link page
        metrics.register()  # the daily figures
