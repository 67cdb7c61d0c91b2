from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shoumen.ops"
    label = "ops"
    verbose_name = "Operations"
