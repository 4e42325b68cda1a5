from django.apps import AppConfig


class SealedAppConfig(AppConfig):
    name = "tests.sealedapp"
    label = "sealedapp"
