from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "longreach.messages"
    # "messages" is django.contrib.messages' label.
    label = "chats"
    verbose_name = "Messages"

    def ready(self) -> None:
        from longreach.messages import services
        from longreach.vault.services import evidence_deleted

        evidence_deleted.connect(services.forget_item, dispatch_uid="messages.forget_item")
