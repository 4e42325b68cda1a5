from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "longreach.intake"
    label = "intake"

    def ready(self) -> None:
        from longreach.intake import checks  # noqa: F401  (registers the system check)
