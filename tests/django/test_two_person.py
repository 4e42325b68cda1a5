"""The two-person rule, used for adding members to a compartment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from longreach.accounts import services
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import Membership, PendingAction
from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring


def request_add(cast: Any, who: str = "analyst2", comp: str = "demo-a") -> PendingAction:
    with using_keyring(cast.keyring("lead")):
        return services.membership_request(
            compartment=cast.compartments[comp], user=cast.users[who], acting_user=cast.lead
        )


def test_a_member_is_added_only_after_a_second_person_approves(cast: Any) -> None:
    comp = cast.compartments["demo-a"]
    action = request_add(cast)
    assert not Membership.objects.filter(user=cast.analyst2, compartment=comp).exists()
    services.pending_approve(action=action, acting_user=cast.admin)
    assert Membership.objects.filter(user=cast.analyst2, compartment=comp).exists()
    assert cast.keyring("analyst2").compartment_key(comp.pk) == cast.keyring("lead").compartment_key(comp.pk)
    entry = AuditEntry.objects.filter(event="membership.approved").order_by("-index").first()
    assert entry.detail["requested_by"] == cast.lead.code and entry.actor == cast.admin.code


def test_self_approval_is_refused_and_audited(cast: Any) -> None:
    action = request_add(cast)
    with pytest.raises(NotAllowed, match="second person"):
        services.pending_approve(action=action, acting_user=cast.lead)
    assert AuditEntry.objects.filter(event="approval.refused", actor=cast.lead.code).exists()
    assert PendingAction.objects.get(pk=action.pk).status == "pending"


@pytest.mark.parametrize("approver", ["analyst", "volunteer", "researcher", "auditor", "analyst2"])
def test_unauthorised_people_cannot_approve(cast: Any, approver: str) -> None:
    action = request_add(cast, who="analyst2")
    with pytest.raises(NotAllowed):
        services.pending_approve(action=action, acting_user=cast.users[approver])


def test_only_members_who_lead_can_request(cast: Any) -> None:
    with using_keyring(cast.keyring("analyst")), pytest.raises(NotAllowed):
        services.membership_request(
            compartment=cast.compartments["demo-a"], user=cast.analyst2, acting_user=cast.analyst
        )


def test_requests_are_refused_for_wrong_targets_and_duplicates(cast: Any) -> None:
    with pytest.raises(ServiceError, match="already a member"):
        request_add(cast, who="analyst")
    with pytest.raises(ServiceError, match="only active leads"):
        request_add(cast, who="researcher")
    request_add(cast)
    with pytest.raises(ServiceError, match="already waiting"):
        request_add(cast)


def test_expired_and_decided_requests_cannot_be_approved(cast: Any) -> None:
    action = request_add(cast)
    PendingAction.objects.filter(pk=action.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotAllowed, match="expired"):
        services.pending_approve(action=action, acting_user=cast.admin)
    PendingAction.objects.filter(pk=action.pk).update(expires_at=timezone.now() + timedelta(days=1))
    services.pending_reject(action=action, acting_user=cast.admin)
    with pytest.raises(NotAllowed, match="already decided"):
        services.pending_approve(action=action, acting_user=cast.admin)


def test_a_rotation_in_between_voids_the_request(cast: Any) -> None:
    action = request_add(cast)
    services.compartment_rotate_key(
        compartment=cast.compartments["demo-a"], acting_user=cast.lead, keyring=cast.keyring("lead")
    )
    with pytest.raises(ServiceError, match="rotated"):
        services.pending_approve(action=action, acting_user=cast.admin)


def test_the_approval_flow_through_the_pages(cast: Any, client_for: Any) -> None:
    comp = cast.compartments["demo-a"]
    lead = client_for("lead")
    r = lead.post(f"/compartments/{comp.code}/", {"username": "analyst2"})
    assert r.status_code == 302
    action = PendingAction.objects.get(status="pending")
    r = lead.post(f"/approvals/{action.code}/approve/", follow=True)
    assert b"cannot approve your own request" in r.content
    r = lead.post(f"/compartments/{comp.code}/", {"username": "<script>x</script>"})
    assert b"Select a valid choice" in r.content
    admin = client_for("admin")
    assert admin.post(f"/approvals/{action.code}/bogus/").status_code == 404
    admin.post(f"/approvals/{action.code}/approve/")
    assert Membership.objects.filter(user=cast.analyst2, compartment=comp).exists()
    assert client_for("analyst2").get(f"/compartments/{comp.code}/").status_code == 200


def test_revoking_through_the_page(cast: Any, client_for: Any) -> None:
    comp = cast.compartments["demo-a"]
    assert (
        client_for("analyst")
        .post(f"/compartments/{comp.code}/members/{cast.volunteer.code}/revoke/")
        .status_code
        == 404
    )
    client_for("lead").post(f"/compartments/{comp.code}/members/{cast.volunteer.code}/revoke/")
    assert not Membership.objects.filter(user=cast.volunteer, compartment=comp).exists()
    assert client_for("lead").post(f"/compartments/{comp.code}/members/nobody/revoke/").status_code == 404
