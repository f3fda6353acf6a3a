"""Every write that matters: one function per business event.

The lifecycle (licensing.workflow): an applicant drafts an application, adds lines, parties,
an end-use declaration and documents, and submits it. A case officer checks it within 5
working days — issuing one deficiency notice that lists everything missing, or accepting it —
then reviews it within 45 working days of acceptance (pauses for expert consultation,
technical identification, on-site verification and information requests are not counted),
and recommends a decision. Where policy requires, a second person countersigns; an approval
issues the licence. The applicant may withdraw an open case; an unanswered request lapses it.

Each service locks the application row, checks the transition and its guards, changes the
row, writes exactly one audit Event in the same transaction, and enqueues follow-up work only
after commit. Nothing else assigns a status.

The services live in modules by stage — drafting, submission, review, closing (withdrawal,
lapse, expiry), reference (reference data and the calendar), rescreening, access (API keys
and webhooks) — and _common holds what they share. Callers import this package only.
"""

from licensing.services._common import (
    DRAFT_FIELDS,
    LICENCE_VALIDITY_DAYS,
    REQUIRED_DOCUMENTS,
    SCREENING_FIELDS,
    assessment_instant,
    calendar_overrides,
    local_date,
    record_event,
)
from licensing.services.access import (
    create_api_key,
    create_webhook_endpoint,
    delete_webhook_endpoint,
    revoke_api_key,
)
from licensing.services.closing import (
    expire_licence,
    lapse_application,
    lapse_unanswered_request,
    withdraw_application,
)
from licensing.services.drafting import (
    add_line,
    add_party,
    create_draft,
    remove_document,
    remove_line,
    remove_party,
    set_end_use,
    update_draft,
    upload_document,
)
from licensing.services.reference import (
    delete_reference_data,
    recompute_clocks,
    record_catalogue_load,
    save_calendar_override,
    save_reference_data,
    save_reference_formset,
)
from licensing.services.rescreening import rescreen_for_rules_change, screen_application
from licensing.services.review import (
    answer_information_request,
    approve_application,
    countersign_decision,
    pause_clock,
    recommend_decision,
    refer_application,
    refuse_application,
    request_information,
    resume_clock,
    return_for_review,
)
from licensing.services.submission import (
    accept_application,
    assign_officer,
    deem_accepted,
    issue_deficiency_notice,
    resubmit_application,
    submission_problems,
    submit_application,
)

__all__ = [
    "DRAFT_FIELDS",
    "LICENCE_VALIDITY_DAYS",
    "REQUIRED_DOCUMENTS",
    "SCREENING_FIELDS",
    "accept_application",
    "add_line",
    "add_party",
    "answer_information_request",
    "approve_application",
    "assessment_instant",
    "assign_officer",
    "calendar_overrides",
    "countersign_decision",
    "create_api_key",
    "create_draft",
    "create_webhook_endpoint",
    "deem_accepted",
    "delete_reference_data",
    "delete_webhook_endpoint",
    "expire_licence",
    "issue_deficiency_notice",
    "lapse_application",
    "lapse_unanswered_request",
    "local_date",
    "pause_clock",
    "recommend_decision",
    "recompute_clocks",
    "record_catalogue_load",
    "record_event",
    "refer_application",
    "refuse_application",
    "remove_document",
    "remove_line",
    "remove_party",
    "request_information",
    "rescreen_for_rules_change",
    "resubmit_application",
    "resume_clock",
    "return_for_review",
    "revoke_api_key",
    "save_calendar_override",
    "save_reference_data",
    "save_reference_formset",
    "screen_application",
    "set_end_use",
    "submission_problems",
    "submit_application",
    "update_draft",
    "upload_document",
    "withdraw_application",
]
