from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "longreach.messages"
    # "messages" is django.contrib.messages' label.
    label = "chats"
    verbose_name = "Messages"

    def ready(self) -> None:
        from longreach.messages import selectors, services
        from longreach.registry import sections
        from longreach.vault.services import evidence_deleted

        sections.register(
            "chat",
            template="messages/_case_section.html",
            kinds={"case"},
            data=lambda user, case: selectors.case_section(user=user, case=case),
            order=20,
        )

        evidence_deleted.connect(services.forget_item, dispatch_uid="messages.forget_item")
