"""Synthetic chat exports for the demo: read into demo cases so that a campaign spans both compartments,
and an analyst's judgements of one of them, so that Demo A's tag model has learned a code word."""

from __future__ import annotations

from typing import Any

from longreach.accounts.models import Compartment, User
from longreach.messages import services
from longreach.messages.models import Message
from longreach.registry.models import Case
from longreach.vault import services as vault

OFFICER = "+86 138 0013 8000"

CHATS = {
    "A": [
        (
            "02/07/2019, 21:14 - {officer}: Think of your family, {name}. Your parents are getting old.\n"
            "02/07/2019, 21:15 - {officer}: Send us a photo of your passport and your address in Istanbul.\n"
            "02/07/2019, 21:20 - {name}: Who is this? Why are you writing to me?\n"
            "03/07/2019, 09:01 - {officer}: Security check: log in at hxxps://accounts-google[.]com-security[.]info/login\n"
            "03/07/2019, 09:05 - {officer}: Come back home, nothing will happen to you. Go to the embassy.\n"
        ),
        (
            "14/09/2019, 08:02 - {officer}: Think of your family {name}, your parents are getting old!\n"
            "14/09/2019, 08:03 - {officer}: Tell us who attended the meeting on Saturday.\n"
            "14/09/2019, 08:30 - {name}: I will not answer you.\n"
        ),
        # A handler's code word the rules do not know: "homework" is a report on the community.
        (
            "20/10/2019, 19:00 - {officer}: The teacher is still waiting for your homework from Friday.\n"
            "20/10/2019, 19:02 - {name}: I have exams this week.\n"
            "21/10/2019, 08:10 - {officer}: Homework is late again. The teacher is not happy.\n"
            "21/10/2019, 08:15 - {name}: My mother is fine, thank you.\n"
            "22/10/2019, 20:00 - {officer}: Put the names in the homework this time, the teacher needs"
            " them.\n"
            "22/10/2019, 20:05 - {name}: The weather here is cold.\n"
            "24/10/2019, 18:30 - {officer}: Bring the homework about the association to the teacher on"
            " Monday.\n"
            "24/10/2019, 18:31 - {name}: I am at work until late.\n"
            "27/10/2019, 21:00 - {officer}: The teacher liked your homework about the new students.\n"
            "27/10/2019, 21:04 - {name}: I do not understand what you want.\n"
            "30/10/2019, 09:00 - {officer}: Do the homework about the mosque committee before Sunday.\n"
            "30/10/2019, 09:20 - {name}: Please leave me alone.\n"
            "02/11/2019, 10:00 - {officer}: The teacher says the homework about Saturday's meeting is due"
            " tomorrow.\n"
        ),
    ],
    "B": [
        (
            "05/08/2019, 10:00 - Officer Wang: Think of your family, {name}. Your parents are getting old.\n"
            "05/08/2019, 10:02 - {name}: Please stop writing to me.\n"
            "05/08/2019, 10:04 - Officer Wang: Stop posting about the camps or your brother will pay.\n"
        ),
    ],
}
NAMES = ["Aziz", "Dilnur", "Murat"]


def demo_chats(*, user: User, compartment: Compartment, prefix: str) -> int:
    """Keep each synthetic export as evidence of one of the compartment's cases and read it; messages read."""
    cases = list(Case.objects.filter(compartment=compartment).order_by("code")[: len(CHATS[prefix])])
    read = 0
    for k, (case, chat) in enumerate(zip(cases, CHATS[prefix], strict=False)):
        text = chat.format(officer=OFFICER, name=NAMES[k % len(NAMES)])
        incoming = vault.encrypt_chunks(iter([text.encode()]), name=f"WhatsApp Chat {prefix}{k + 1}.txt")
        item = vault.item_acquire(
            user=user, compartment=compartment, incoming=incoming, how="upload", target=case
        )
        imp = services.chat_import_request(
            user=user, case=case, item=item.item, options=services.ReadOptions()
        )
        imp.refresh_from_db()
        read += imp.messages
        if "homework" in text:
            _judge_homework(user=user, imp=imp)
    return read


def _judge_homework(*, user: User, imp: Any) -> None:
    """The demo analyst's judgements: the handler's "homework" asks for reports on others, the
    client's replies do not; the last message is left for the model to suggest."""
    rows = list(Message.objects.filter(chat_import=imp).order_by("position"))
    for message in rows[:-1]:
        carries = message.sender == OFFICER
        services.tag_judge(user=user, message=message, tag="INFO_OTHERS", carries=carries)
