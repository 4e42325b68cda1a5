from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "longreach.legal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # services registers the two-person kind legal.referral before any approval is decided.
        from longreach.legal import selectors, services  # noqa: F401
        from longreach.registry import sections

        sections.register(
            "legal",
            template="legal/_case_section.html",
            kinds={"case"},
            data=lambda user, case: selectors.case_section(user=user, case=case),
            order=15,
        )
