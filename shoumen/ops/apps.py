from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shoumen.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # The platform's figures join django-prometheus's in the default registry; the
        # collector reads the database only when scraped.
        from shoumen.ops.metrics import register_platform_collector

        register_platform_collector()
