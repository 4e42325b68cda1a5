from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "longreach.vault"
    label = "vault"

    def ready(self) -> None:
        # Registers the two-person kinds (vault.export, vault.delete) before any approval is decided.
        from longreach.vault import services  # noqa: F401
