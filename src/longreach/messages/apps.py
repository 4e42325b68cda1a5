from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "longreach.messages"
    # "messages" is django.contrib.messages' label.
    label = "chats"
    verbose_name = "Messages"
