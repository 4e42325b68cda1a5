"""Documents drafted from a legal matter (CCF request in English or French, memo, case summary) and the
referral packet (consent, the ledger, a lead's approval when it names the client), in the browser and
laid out as PDF with every script's font."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from longreach.accounts.models import PendingAction
from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.legal import services as legal
from longreach.legal.models import LegalMatter
from longreach.registry import services as registry
from longreach.registry.models import Referral, Reveal
from tests.django.test_legal import MATTER, new_matter
from tests.django.test_messages import keep

pytestmark = pytest.mark.django_db

NAME = "ئىلھام توختى"  # the client's name, in Uyghur's Arabic script
CHARGES = "组织、领导、参加恐怖组织罪 (Article 120 of the Criminal Law)"


@pytest.fixture
def matter(cast: Any, client_for: Any) -> Any:
    """A red notice on a case whose client has a name, with a review answered and two exhibits."""
    with using_keyring(cast.keyring("analyst")):
        person = registry.person_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={"name": NAME, "phone": "+905321234567", "location": "Zeytinburnu, Istanbul"},
        )
        case = registry.case_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={"origin_state": "CN", "host_country": "TR", "client": person.code},
        )
        registry.case_assign(user=cast.analyst, case=case, assignees=[cast.analyst])
    c = client_for("analyst")
    new_matter(c, case, charges=CHARGES)
    found = LegalMatter.objects.get()
    c.post(
        f"/legal/{found.code}/review/",
        {
            "answer:article-3.peaceful-activity": "yes",
            "evidence:article-3.peaceful-activity": "Charged for a WeChat post about a mosque",
        },
    )
    items = [keep(cast, "analyst", case, f"exhibit-{k}.txt", f"exhibit {k}".encode()) for k in range(2)]
    found.evidence.set(items)
    return found


def pdf_of(response: Any) -> PdfReader:
    assert response.status_code == 200, response.content[:600]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def fonts_of(reader: PdfReader) -> set[str]:
    found = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            found.add(str(ref.get_object().get("/BaseFont", "")))
    return found


def draft(c: Any, matter: Any, **fields: Any) -> Any:
    return c.post(f"/legal/{matter.code}/documents/", {"document": "memo", "format": "html", **fields})


def test_a_memo_cites_the_rules_by_name_with_exhibits_and_is_audited(
    cast: Any, client_for: Any, matter: Any
) -> None:
    c = client_for("analyst")
    page = c.get(f"/legal/{matter.code}/").content.decode()
    assert f"/legal/{matter.code}/documents/" in page and f"/legal/{matter.code}/referral/" in page
    shown = draft(c, matter).content.decode()
    assert "Article 3 of INTERPOL&#x27;s Constitution" in shown
    assert "Charged for a WeChat post about a mosque" in shown and "组织、领导" in shown
    item = matter.evidence.order_by("acquired_at").first()
    assert item.sha256[:16] in shown and "Evidence acquired" in shown  # hash and custody
    assert NAME not in shown and matter.case.code in shown  # not named unless asked
    reader = pdf_of(draft(c, matter, format="pdf"))
    text = text_of(reader)
    assert "Article 3 of INTERPOL" in text and item.sha256[:16] in text
    entries = AuditEntry.objects.filter(event="legal.document_made", object_code=matter.code)
    assert [e.detail["format"] for e in entries.order_by("index")] == ["html", "pdf"]
    assert "mosque" not in str([e.detail for e in entries]) and "组织" not in str([e.detail for e in entries])


def test_every_script_is_set_in_a_font_that_has_it(cast: Any, client_for: Any, matter: Any) -> None:
    """Chinese charges, a Uyghur name, and the memo in Uyghur, Arabic, Persian, Russian and Chinese: each
    script comes out in a font that covers it (no missing-glyph boxes), right to left where needed."""
    from longreach.legal.pdf import missing_fonts

    assert not missing_fonts(), f"install the fonts documents need: make pdf-tools ({missing_fonts()})"
    c = client_for("analyst")
    named = {"name_client": "on", "reason": "The lawyer needs the client's name"}
    for language in ("en", "ug", "ar", "fa", "ru", "zh-hans", "tr"):
        reader = pdf_of(draft(c, matter, format="pdf", language=language, **named))
        fonts = " ".join(fonts_of(reader))
        assert "WenQuanYi" in fonts, (language, fonts)  # the charges in Han characters
        assert "Arabic" in fonts, (language, fonts)  # the client's name in Uyghur
        text = text_of(reader)
        assert "组织" in text
    shown = draft(c, matter, language="ug").content.decode()
    assert 'dir="rtl"' in shown and 'lang="ug"' in shown


def test_the_ccf_request_is_in_english_or_french_whatever_the_interface(
    cast: Any, client_for: Any, matter: Any
) -> None:
    c = client_for("analyst")
    c.cookies["lr_language"] = "ug"
    english = draft(c, matter, document="ccf-request").content.decode()
    assert 'lang="ug"' in english.split("<article", 1)[0]  # the page around the draft is in Uyghur
    assert "Commission for the Control of INTERPOL" in english and "Requests Chamber" in english
    assert "Article 3 of INTERPOL&#x27;s Constitution" in english
    assert "delete the data concerning" not in english  # its own words, checked below
    assert "have them deleted from INTERPOL" in english  # deletion asked by default
    assert "The charges rest on the applicant" in english
    french = draft(c, matter, document="ccf-request", language="fr", requests=["access", "interim"]).content
    french_text = french.decode()
    assert "Commission de contrôle des fichiers" in french_text and "Statut d&#x27;INTERPOL" in french_text
    assert "Les accusations reposent" in french_text and "notice rouge" in french_text
    assert "mesure provisoire" in french_text and "suppression" not in french_text.split("Demandes")[1]
    text = text_of(pdf_of(draft(c, matter, document="ccf-request", language="fr", format="pdf")))
    assert "Commission de contrôle" in text


def test_naming_the_client_is_a_reveal_with_its_reason(cast: Any, client_for: Any, matter: Any) -> None:
    c = client_for("analyst")
    r = draft(c, matter, name_client="on", reason="")
    assert r.status_code == 400 and "reason" in r.content.decode()
    assert not Reveal.objects.exists()
    shown = draft(c, matter, document="ccf-request", name_client="on", reason="Filing with the CCF").content
    assert NAME in shown.decode()
    assert Reveal.objects.filter(field_name="name").count() == 1
    assert AuditEntry.objects.filter(event="identity.revealed").count() == 1


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"document": "affidavit"}, "document"),
        ({"document": "ccf-request", "language": "ug"}, "language"),
        ({"document": "memo", "language": "fr"}, "language"),
        ({"document": "memo", "language": "x" * 5_000}, "language"),
        ({"document": "ccf-request", "requests": ["extradite"]}, "requests"),
        ({"document": "referral"}, "referral packet"),
        ({"name_client": "on", "reason": "r" * 501}, "reason"),
    ],
)
def test_bad_drafts_are_refused_naming_the_field(
    cast: Any, client_for: Any, matter: Any, fields: dict[str, Any], says: str
) -> None:
    r = draft(client_for("analyst"), matter, **fields)
    assert r.status_code == 400 and says in r.content.decode()
    assert not AuditEntry.objects.filter(event="legal.document_made").exists()


def test_documents_of_another_compartment_are_not_found(cast: Any, client_for: Any, matter: Any) -> None:
    for who in ("analyst2", "researcher"):
        c = client_for(who)
        assert c.get(f"/legal/{matter.code}/documents/").status_code in (403, 404)
        assert draft(c, matter).status_code in (403, 404)
        assert c.get(f"/legal/{matter.code}/referral/").status_code in (403, 404)
    assert not AuditEntry.objects.filter(event="legal.document_made").exists()


def consent(cast: Any, matter: Any, purpose: str = "REFERRAL", **changes: Any) -> Any:
    with using_keyring(cast.keyring("analyst")):
        return registry.consent_record(
            user=cast.analyst,
            case=matter.case,
            data={
                "purpose": purpose,
                "method": "WRITTEN",
                "recipient": "Special Rapporteur on human rights defenders",
                **changes,
            },
        )


def packet(c: Any, matter: Any, step: str, **fields: Any) -> Any:
    return c.post(
        f"/legal/{matter.code}/referral/",
        {"step": step, "referral_type": "UN_SPECIAL_PROCEDURES", "share": ["facts", "incidents"], **fields},
    )


def test_a_packet_without_the_name_is_released_on_consent_and_recorded(
    cast: Any, client_for: Any, matter: Any
) -> None:
    c = client_for("analyst")
    r = packet(c, matter, "release")
    assert r.status_code == 400 and "consent" in r.content.decode()
    k = consent(cast, matter)
    preview = packet(c, matter, "preview", consent=k.code).content.decode()
    assert "Special Rapporteur on human rights defenders" in preview and "组织、领导" in preview
    assert "SHA-256" not in preview  # exhibits were not among the parts shared
    assert not AuditEntry.objects.filter(event="legal.referral_released").exists()
    reader = pdf_of(packet(c, matter, "release", consent=k.code))
    assert NAME not in text_of(reader)
    released = AuditEntry.objects.get(event="legal.referral_released")
    assert released.detail["consent"] == k.code and released.detail["parts"] == "facts:incidents"
    assert "Rapporteur" not in str(released.detail)
    made = Referral.objects.get(case=matter.case)
    assert made.status == "made" and made.referral_type == "UN_SPECIAL_PROCEDURES"


def test_consent_must_fit_the_referral_and_be_in_force(cast: Any, client_for: Any, matter: Any) -> None:
    c = client_for("analyst")
    wrong = consent(cast, matter, purpose="ADVOCACY")
    r = packet(c, matter, "release", consent=wrong.code)
    assert r.status_code == 400 and "needs consent for REFERRAL" in r.content.decode()
    police = consent(cast, matter)
    r = packet(c, matter, "release", consent=police.code, referral_type="EMERGENCY_POLICE")
    assert r.status_code == 400 and "SHARE_WITH_HOST_AUTHORITIES" in r.content.decode()
    withdrawn = consent(cast, matter)
    with using_keyring(cast.keyring("analyst")):
        registry.consent_withdraw(user=cast.analyst, consent=withdrawn, on=dt.date.today())
    r = packet(c, matter, "release", consent=withdrawn.code)
    assert r.status_code == 400 and "not in force" in r.content.decode()
    for bad in ({"share": []}, {"share": ["passwords"]}, {"referral_type": "NOPE"}, {"consent": "K" * 500}):
        r = packet(c, matter, "release", **{"consent": police.code, **bad})
        assert r.status_code == 400, bad
    assert not AuditEntry.objects.filter(event="legal.referral_released").exists()
    assert not Referral.objects.exists()


def test_a_packet_that_names_the_client_needs_a_leads_approval_used_once(
    cast: Any, client_for: Any, matter: Any
) -> None:
    c = client_for("analyst")
    k = consent(cast, matter)
    naming = {"consent": k.code, "share": ["name", "contact", "facts"]}
    r = packet(c, matter, "release", **naming)
    assert r.status_code == 400 and "needs a lead&#x27;s approval" in r.content.decode()
    preview = packet(c, matter, "preview", **naming).content.decode()
    assert NAME not in preview and "+905321234567" not in preview
    packet(c, matter, "request", **naming)
    action = PendingAction.objects.get(kind="legal.referral")
    early = packet(c, matter, "release", approval=action.code, **naming)
    assert early.status_code == 400 and "has not been approved" in early.content.decode()
    lead = client_for("lead")
    assert f"Referral packet of {matter.code}" in lead.get("/approvals/").content.decode()
    home = lead.get("/").content.decode()  # the lead's home page says what waits, in its own words
    assert f"Referral packet of {matter.code}" in home and "asked by analyst" in home
    assert c.post(f"/approvals/{action.code}/approve/").status_code in (302, 403, 404)  # not the requester
    action.refresh_from_db()
    assert action.status == "pending"
    lead.post(f"/approvals/{action.code}/approve/")
    action.refresh_from_db()
    assert action.status == "approved"
    other_parts = packet(
        c, matter, "release", approval=action.code, **{**naming, "share": ["name", "location"]}
    )
    assert other_parts.status_code == 400 and "approved for other parts" in other_parts.content.decode()
    text = text_of(pdf_of(packet(c, matter, "release", approval=action.code, **naming)))
    assert "+905321234567" in text and "Zeytinburnu" not in text  # contact shared, location not
    assert Reveal.objects.filter(field_name="phone").exists()
    again = packet(c, matter, "release", approval=action.code, **naming)
    assert again.status_code == 400 and "already used" in again.content.decode()
    assert AuditEntry.objects.filter(event="legal.referral_released").count() == 1


def test_fifty_exhibits_make_one_document(cast: Any, client_for: Any, matter: Any) -> None:
    case = matter.case
    items = [keep(cast, "analyst", case, f"e{k}.txt", f"item {k}".encode()) for k in range(50)]
    matter.evidence.set(items)
    with using_keyring(cast.keyring("analyst")):
        drafted = legal.document_draft(user=cast.analyst, matter=matter, kind="memo", as_pdf=True)
    assert drafted.pdf is not None
    text = text_of(PdfReader(io.BytesIO(drafted.pdf)))
    assert all(item.sha256[:16] in text for item in items)
    assert MATTER["interpol_ref"] in text


def test_the_matter_form_links_the_cases_evidence_as_exhibits(
    cast: Any, client_for: Any, matter: Any
) -> None:
    c = client_for("analyst")
    matter.evidence.clear()
    item = keep(cast, "analyst", matter.case, "statement.txt", b"a witness statement")
    form = c.get(f"/legal/{matter.code}/edit/").content.decode()
    assert f'name="evidence" value="{item.code}"' in form
    c.post(f"/legal/{matter.code}/edit/", {**MATTER, "evidence": [item.code]})
    assert list(matter.evidence.values_list("code", flat=True)) == [item.code]
    r = c.post(f"/legal/{matter.code}/edit/", {**MATTER, "evidence": ["E-NOTMINE1"]})
    assert r.status_code == 400 and "evidence" in r.content.decode()
    assert list(matter.evidence.values_list("code", flat=True)) == [item.code]  # nothing lost


def test_the_api_gives_the_memo_as_pdf_scoped_and_checked(
    cast: Any, api: Any, client: Any, matter: Any
) -> None:
    from django.test import Client

    c = Client()
    r = c.get(f"/api/v1/legal-matters/{matter.code}/memo.pdf", **api("analyst"))
    text = text_of(pdf_of(r))
    assert "Article 3 of INTERPOL" in text and NAME not in text
    read = c.get(f"/api/v1/legal-matters/{matter.code}", **api("analyst")).json()
    assert sorted(read["evidence"]) == sorted(matter.evidence.values_list("code", flat=True))
    french = c.get(f"/api/v1/legal-matters/{matter.code}/ccf-request.pdf?language=fr", **api("analyst"))
    assert "Commission de contrôle" in text_of(pdf_of(french))
    named = c.get(f"/api/v1/legal-matters/{matter.code}/summary.pdf?reason=For+the+lawyer", **api("analyst"))
    assert NAME in text_of(pdf_of(named)) and Reveal.objects.count() == 1
    for path, status in (
        (f"/api/v1/legal-matters/{matter.code}/affidavit.pdf", 422),
        (f"/api/v1/legal-matters/{matter.code}/memo.pdf?language=fr", 422),
        (f"/api/v1/legal-matters/{matter.code}/memo.pdf?reason=no", 422),
        (f"/api/v1/legal-matters/{matter.code}/referral.pdf", 400),
        ("/api/v1/legal-matters/L-NOTHERE/memo.pdf", 404),
    ):
        assert c.get(path, **api("analyst")).status_code == status, path
    assert c.get(f"/api/v1/legal-matters/{matter.code}/memo.pdf", **api("analyst2")).status_code == 404
    assert c.get(f"/api/v1/legal-matters/{matter.code}/memo.pdf").status_code == 401
