from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "longreach.accounts"
    label = "accounts"

    def ready(self) -> None:
        from longreach.accounts import signals  # noqa: F401
