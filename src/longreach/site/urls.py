from django.urls import include, path

from longreach.accounts import views as accounts
from longreach.accounts import views_admin as admin
from longreach.insight import views as insight
from longreach.insight import views_publish as publish
from longreach.insight import views_workspace as workspace
from longreach.intake import views_public as report
from longreach.intake import views_staff as triage
from longreach.legal import views as legal
from longreach.messages import views as chats
from longreach.registry import views as registry
from longreach.screening import views as screening
from longreach.site import views as site
from longreach.site.api import api
from longreach.vault import views as vault

urlpatterns = [
    path("", site.home, name="home"),
    path("login/", accounts.login_view, name="login"),
    path("login/code/", accounts.login_code_view, name="login_code"),
    path("logout/", accounts.logout_view, name="logout"),
    path("account/", accounts.account_view, name="account"),
    path("account/notices/", accounts.notice_address_view, name="notice_address"),
    path("account/tokens/", accounts.token_create_view, name="token_create"),
    path("account/tokens/<str:prefix>/revoke/", accounts.token_revoke_view, name="token_revoke"),
    path("users/", admin.users_view, name="users"),
    path("users/<str:code>/", admin.user_view, name="user"),
    path("users/<str:code>/do/<str:action>/", admin.user_action_view, name="user_action"),
    path(
        "users/<str:code>/tokens/<str:prefix>/revoke/", admin.user_token_revoke_view, name="user_token_revoke"
    ),
    path("compartments/", accounts.compartments_view, name="compartments"),
    path("compartments/new/", admin.compartment_new_view, name="compartment_new"),
    path("compartments/<str:code>/", accounts.compartment_view, name="compartment"),
    path(
        "compartments/<str:code>/members/<str:user_code>/revoke/",
        accounts.member_revoke_view,
        name="member_revoke",
    ),
    path("compartments/<str:code>/incidents/new/", registry.incident_new, name="incident_new"),
    path("compartments/<str:code>/cases/new/", registry.case_new, name="case_new"),
    path("incidents/", registry.incident_list, name="incidents"),
    path("incidents/export/", registry.incident_export, name="incident_export"),
    path("incidents/<str:code>/", registry.incident_detail, name="incident_detail"),
    path("incidents/<str:code>/edit/", registry.incident_edit, name="incident_edit"),
    path("incidents/<str:code>/do/<str:action>/", registry.incident_action, name="incident_action"),
    path("cases/", registry.case_list, name="cases"),
    path("cases/<str:code>/", registry.case_detail, name="case_detail"),
    path("cases/<str:code>/edit/", registry.case_edit, name="case_edit"),
    path("cases/<str:code>/do/<str:action>/", registry.case_action, name="case_action"),
    path("cases/<str:code>/comments/", registry.case_comment, name="case_comment"),
    path("tasks/", registry.tasks_view, name="tasks"),
    path("people/<str:code>/", registry.person_detail, name="person_detail"),
    path("people/<str:code>/same/", registry.person_same, name="person_same"),
    path("search/", site.search_view, name="search"),
    path("inbox/", site.inbox_view, name="inbox"),
    path("inbox/seen/", site.inbox_seen_view, name="inbox_seen"),
    path("history/<str:kind>/<str:code>/", registry.history_view, name="history"),
    path("cases/<str:code>/legal/new/", legal.matter_new, name="legal_matter_new"),
    path("insight/", insight.dashboard, name="insight"),
    path("insight/dataset/", workspace.dataset_page, name="insight_dataset"),
    path("insight/dataset/download.<str:fmt>", workspace.dataset_download, name="insight_dataset_download"),
    path("insight/statistics/", workspace.statistics_page, name="insight_statistics"),
    path(
        "insight/statistics/download.csv", workspace.statistics_download, name="insight_statistics_download"
    ),
    path("insight/codebook/", workspace.codebook_page, name="insight_codebook"),
    path("insight/dyads/", workspace.dyads_page, name="insight_dyads"),
    path("insight/queries/", workspace.query_save, name="insight_query_save"),
    path("insight/queries/<str:code>/delete/", workspace.query_delete, name="insight_query_delete"),
    path("insight/publish/", publish.publish_page, name="insight_publish"),
    path("insight/publish/<str:code>/withdraw/", publish.withdraw, name="insight_publish_withdraw"),
    path("insight/<str:name>.<str:fmt>", insight.chart_file, name="insight_chart"),
    path("public/statistics/", publish.public_statistics, name="public_statistics"),
    path("legal/calendar.ics", legal.calendar_ics, name="legal_calendar"),
    path("legal/<str:code>/", legal.matter_detail, name="legal_matter"),
    path("legal/<str:code>/edit/", legal.matter_edit, name="legal_matter_edit"),
    path("legal/<str:code>/review/", legal.matter_review, name="legal_matter_review"),
    path("legal/<str:code>/documents/", legal.documents_page, name="legal_documents"),
    path("legal/<str:code>/referral/", legal.referral_page, name="legal_referral"),
    path("legal/<str:code>/proceedings/", legal.proceeding_add, name="legal_proceeding_add"),
    path("legal/proceedings/<str:code>/events/", legal.event_add, name="legal_event_add"),
    path(
        "legal/proceedings/<str:code>/deadlines/", legal.typed_deadline_add, name="legal_typed_deadline_add"
    ),
    path("screening/", screening.screening_list, name="screenings"),
    path("screening/new/", screening.screening_new, name="screening_new"),
    path("screening/lists/new/", screening.watchlist_new, name="watchlist_new"),
    path("screening/lists/import/", screening.watchlist_import, name="watchlist_import"),
    path("screening/lists/<str:code>/", screening.watchlist_detail, name="watchlist_detail"),
    path("screening/lists/<str:code>/refresh/", screening.watchlist_refresh, name="watchlist_refresh"),
    path("screening/lists/<str:code>/retire/", screening.watchlist_retire, name="watchlist_retire"),
    path(
        "screening/questions/<str:code>/answer/", screening.question_answer, name="screening_question_answer"
    ),
    path("screening/<str:code>/", screening.screening_detail, name="screening_detail"),
    path("screening/<str:code>/review/", screening.screening_review, name="screening_review"),
    path("screening/<str:code>/ask/", screening.screening_ask, name="screening_ask"),
    path("screening/<str:code>/export.csv", screening.screening_export, name="screening_export"),
    path("report/", report.start, name="report_start"),
    path("report/language/", report.choose_language, name="report_language"),
    path("report/form/", report.report_form, name="report_form"),
    path("report/receipt/", report.receipt_confirm, name="report_receipt_confirm"),
    path("report/status/", report.status, name="report_status"),
    path("report/status/view/", report.status_view, name="report_status_view"),
    path("report/status/message/", report.status_message, name="report_status_message"),
    path("report/leave/", report.leave, name="report_leave"),
    path("report/where/", report.where_to_report, name="report_where"),
    path("triage/", triage.triage_list, name="triage"),
    path("triage/files/<str:code>/", triage.triage_file, name="triage_file"),
    path("triage/<str:code>/", triage.triage_detail, name="triage_detail"),
    path("triage/<str:code>/<str:action>/", triage.triage_action, name="triage_action"),
    path("evidence/packages/", vault.exports_view, name="evidence_exports"),
    path("evidence/packages/<str:code>/download/", vault.export_download, name="evidence_export_download"),
    path("evidence/add/<str:kind>/<str:code>/", vault.evidence_upload, name="evidence_upload"),
    path("evidence/package/<str:kind>/<str:code>/", vault.export_request, name="evidence_export_request"),
    path("evidence/<str:code>/", vault.item_detail, name="evidence_item"),
    path("evidence/<str:code>/download/", vault.item_download, name="evidence_download"),
    path("evidence/<str:code>/copy/<str:kind>/", vault.item_copy, name="evidence_copy"),
    path("cases/<str:code>/messages/", chats.case_messages, name="case_messages"),
    path("cases/<str:code>/messages/read/", chats.chat_import_new, name="chat_import_new"),
    path("imports/<str:code>/", chats.chat_import_page, name="chat_import"),
    path("messages/<str:code>/", chats.message_detail, name="message_detail"),
    path("messages/<str:code>/tags/", chats.message_tag_judge, name="message_tag_judge"),
    path("campaigns/", chats.campaign_list, name="campaigns"),
    path("campaigns/<str:code>/", chats.campaign_detail, name="campaign_detail"),
    path("campaigns/<str:code>/name/", chats.campaign_name, name="campaign_name"),
    path("alerts/<str:code>/seen/", chats.alert_seen, name="alert_seen"),
    path("evidence/<str:code>/do/<str:action>/", vault.item_action, name="evidence_action"),
    path("approvals/", accounts.approvals_view, name="approvals"),
    path("approvals/<str:code>/<str:decision>/", accounts.approval_decide_view, name="approval_decide"),
    path("audit/", site.audit_view, name="audit"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "longreach.core.views.error_400"
handler403 = "longreach.core.views.error_403"
handler404 = "longreach.core.views.error_404"
handler500 = "longreach.core.views.error_500"
