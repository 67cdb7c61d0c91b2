from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthCentreConfig(AppConfig):
    name = "shoumen.healthcentre"
    label = "healthcentre"
    verbose_name = _("Community health centre")
