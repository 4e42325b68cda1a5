from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "longreach.vault"
    label = "vault"

    def ready(self) -> None:
        # Registers the two-person kinds (vault.export, vault.delete) before any approval is decided.
        from longreach.registry import sections
        from longreach.vault import selectors, services  # noqa: F401

        sections.register(
            "evidence",
            template="vault/_evidence.html",
            kinds={"case", "incident"},
            data=selectors.evidence_section,
            order=10,
        )
