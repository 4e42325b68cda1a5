"""Changing the registry: every write, from the UI, the API or an import, goes here.

Each function checks the user may write in the compartment (``accounts.access``),
cleans its input through ``validation`` (so every path refuses the same things
with the same messages), runs in one transaction, keeps a version of the record
and appends an audit entry holding codes only. The work is split by what it is
about; callers use this package's names:

- ``records``: people, organisations, incidents, sources, revealing an identity;
- ``workflow``: cases and their states, assignment, opening one from a report,
  consents, referrals and tasks;
- ``transfers``: imports, exports under the two-person rule, statistics;
- ``collaboration``: comments with mentions, and who works an incident or a task;
- ``writing``: what they share (versions, audit entries, the one incident writer).
"""

from __future__ import annotations

from longreach.registry.services.collaboration import (
    COMMENT_CHARS,
    comment_add,
    incident_assign,
    mentions_seen,
    task_assign,
)
from longreach.registry.services.records import (
    REVEALABLE,
    identity_reveal,
    incident_create,
    incident_update,
    name_tokens_rebuild,
    organisation_create,
    perpetrators_screen,
    person_create,
    person_update,
    same_judge,
    source_create,
    source_update,
)
from longreach.registry.services.transfers import (
    BULK_EXPORT_VALID_FOR,
    ImportFailed,
    ImportReport,
    bulk_export_request,
    bulk_export_use,
    deidentified_export,
    incidents_export_csv,
    records_export,
    records_import,
)
from longreach.registry.services.workflow import (
    TRANSITIONS,
    OpenedCase,
    case_assign,
    case_create,
    case_move,
    case_open_from_intake,
    case_update,
    consent_record,
    consent_withdraw,
    referral_save,
    task_add,
    task_done,
    task_mark_sent,
)
from longreach.registry.services.writing import (
    StaleEdit,
)

__all__ = [
    "COMMENT_CHARS",
    "comment_add",
    "incident_assign",
    "mentions_seen",
    "task_assign",
    "BULK_EXPORT_VALID_FOR",
    "ImportFailed",
    "ImportReport",
    "OpenedCase",
    "REVEALABLE",
    "StaleEdit",
    "TRANSITIONS",
    "bulk_export_request",
    "bulk_export_use",
    "case_assign",
    "case_create",
    "case_move",
    "case_open_from_intake",
    "case_update",
    "consent_record",
    "consent_withdraw",
    "deidentified_export",
    "identity_reveal",
    "incident_create",
    "incident_update",
    "incidents_export_csv",
    "name_tokens_rebuild",
    "organisation_create",
    "perpetrators_screen",
    "person_create",
    "person_update",
    "same_judge",
    "records_export",
    "records_import",
    "referral_save",
    "source_create",
    "source_update",
    "task_add",
    "task_done",
    "task_mark_sent",
]
