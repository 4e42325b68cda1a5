"""Synthetic chat exports for the demo: read into demo cases so that a campaign spans both compartments."""

from __future__ import annotations

from longreach.accounts.models import Compartment, User
from longreach.messages import services
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
    return read
