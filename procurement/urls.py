from django.urls import path

from procurement import community_views, key_views, tender_views, views

urlpatterns = [
    path("workloads/", views.workload_list, name="workload_list"),
    path("workloads/new/", views.workload_create, name="workload_create"),
    path("workloads/<int:pk>/", views.workload_detail, name="workload_detail"),
    path("workloads/<int:pk>/edit/", views.workload_edit, name="workload_edit"),
    # GET asks for confirmation, POST archives; unarchive undoes it.
    path("workloads/<int:pk>/archive/", views.workload_archive, name="workload_archive"),
    path("workloads/<int:pk>/unarchive/", views.workload_unarchive, name="workload_unarchive"),
    path("workloads/<int:pk>/compare/", views.comparison_create, name="comparison_create"),
    path("comparisons/<int:pk>/", views.comparison_detail, name="comparison_detail"),
    path(
        "comparisons/<int:pk>/snapshot.json", views.comparison_snapshot, name="comparison_snapshot"
    ),
    path(
        "comparisons/<int:pk>/export.xlsx",
        views.comparison_export_xlsx,
        name="comparison_export_xlsx",
    ),
    path(
        "comparisons/<int:pk>/export.csv", views.comparison_export_csv, name="comparison_export_csv"
    ),
    path("comparisons/<int:pk>/propose/", views.decision_propose, name="decision_propose"),
    path("comparisons/<int:pk>/documents/", views.document_create, name="document_create"),
    path("documents/<uuid:pk>/", views.document_detail, name="document_detail"),
    path("documents/<uuid:pk>/status/", views.document_status, name="document_status"),
    path("documents/<uuid:pk>/download/", views.document_download, name="document_download"),
    path("transparency/", views.transparency, name="transparency"),
    path("verify/", views.document_verify, name="document_verify"),
    path("verify/key/", views.snapshot_signing_key, name="snapshot_signing_key"),
    path("verify/checkpoints/", views.audit_checkpoints, name="audit_checkpoints"),
    path("verify/checkpoints.json", views.audit_checkpoints_file, name="audit_checkpoints_file"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    # From plan to award: the tender of an approved decision, its bids, their opening.
    path("decisions/<int:pk>/tender/", tender_views.tender_create, name="tender_create"),
    path("tenders/", tender_views.tender_list, name="tender_list"),
    path("tenders/<int:pk>/", tender_views.tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/bids/new/", tender_views.bid_record, name="bid_record"),
    path("tenders/<int:pk>/open/", tender_views.tender_open, name="tender_open"),
    path(
        "tenders/<int:pk>/bid-document/",
        tender_views.tender_bid_document,
        name="tender_bid_document",
    ),
    # The technical stage: the committee, each bid's technical result, the marks (QCBS).
    path("tenders/<int:pk>/committee/", tender_views.committee_appoint, name="committee_appoint"),
    path(
        "tenders/<int:pk>/bids/<int:bid_pk>/technical/",
        tender_views.technical_result,
        name="technical_result",
    ),
    path("tenders/<int:pk>/marks/", tender_views.technical_marks, name="technical_marks"),
    # The financial stage: the engine's evaluation, invitations to match L1, award, contract.
    path("tenders/<int:pk>/evaluate/", tender_views.tender_evaluate, name="tender_evaluate"),
    path("tenders/<int:pk>/invitations/", tender_views.invitation_issue, name="invitation_issue"),
    path(
        "tenders/<int:pk>/invitations/<int:invitation_pk>/reply/",
        tender_views.invitation_reply,
        name="invitation_reply",
    ),
    path("tenders/<int:pk>/award/", tender_views.award_propose, name="award_propose"),
    path("tenders/<int:pk>/contract/", tender_views.contract_sign, name="contract_sign"),
    path(
        "tenders/<int:pk>/evaluation-report/",
        tender_views.tender_evaluation_report,
        name="tender_evaluation_report",
    ),
    path("decisions/<int:pk>/approve/", views.decision_approve, name="decision_approve"),
    path("decisions/<int:pk>/return/", views.decision_return, name="decision_return"),
    # What awaits the person signed in: approvals, proposals returned to them.
    path("inbox/", views.inbox, name="inbox"),
    path("history/", views.history, name="history"),
    # Awards and what they served: the quarters reported and not, a CSV upload and its template.
    path("awards/", views.awards, name="awards"),
    path("awards/usage/upload/", views.usage_upload, name="usage_upload"),
    path("awards/usage/template.csv", views.usage_template, name="usage_template"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<slug:slug>/v<int:version>/", views.policy_detail, name="policy_detail"),
    path("policies/<slug:slug>/v<int:version>/adopt/", views.policy_adopt, name="policy_adopt"),
    path("policies/<slug:slug>/v<int:version>/pack.json", views.policy_file, name="policy_file"),
    path("policies/<slug:slug>/v<int:old>...v<int:new>/", views.policy_diff, name="policy_diff"),
    # The community: public directory and evidence; evaluator members' forms; stewards' review.
    path("community/", community_views.community_index, name="community_index"),
    path(
        "community/evaluators/<slug:slug>/",
        community_views.community_evaluator,
        name="community_evaluator",
    ),
    path(
        "community/evaluations/new/",
        community_views.community_evaluation_submit,
        name="community_evaluation_submit",
    ),
    path(
        "community/evaluations/<int:pk>/",
        community_views.community_evaluation,
        name="community_evaluation",
    ),
    path(
        "community/evaluations/<int:pk>/evidence/",
        community_views.community_evidence,
        name="community_evidence",
    ),
    path(
        "community/evaluations/<int:pk>/items.jsonl",
        community_views.community_item_results,
        name="community_item_results",
    ),
    path(
        "community/evaluations/<int:pk>/review/",
        community_views.community_evaluation_review,
        name="community_evaluation_review",
    ),
    path(
        "community/benchmarks/new/",
        community_views.community_benchmark_submit,
        name="community_benchmark_submit",
    ),
    path(
        "community/benchmarks/<int:pk>/",
        community_views.community_benchmark,
        name="community_benchmark",
    ),
    path(
        "community/benchmarks/<int:pk>/review/",
        community_views.community_benchmark_review,
        name="community_benchmark_review",
    ),
    path(
        "community/submissions/",
        community_views.community_submissions,
        name="community_submissions",
    ),
    path("community/review/", community_views.community_review, name="community_review"),
    path(
        "community/providers/<slug:slug>/",
        community_views.community_provider,
        name="community_provider",
    ),
    path(
        "community/provider-changes/new/",
        community_views.community_provider_change_submit,
        name="community_provider_change_submit",
    ),
    path(
        "community/provider-changes/<int:pk>/",
        community_views.community_provider_change,
        name="community_provider_change",
    ),
    path(
        "community/provider-changes/<int:pk>/review/",
        community_views.community_provider_change_review,
        name="community_provider_change_review",
    ),
    path(
        "community/measurements/new/",
        community_views.community_measurement_submit,
        name="community_measurement_submit",
    ),
    path(
        "community/measurements/<int:pk>/",
        community_views.community_measurement,
        name="community_measurement",
    ),
    path(
        "community/measurements/<int:pk>/evidence/",
        community_views.community_measurement_evidence,
        name="community_measurement_evidence",
    ),
    path(
        "community/measurements/<int:pk>/review/",
        community_views.community_measurement_review,
        name="community_measurement_review",
    ),
    path(
        "community/notes/new/",
        community_views.community_domain_note_submit,
        name="community_domain_note_submit",
    ),
    path(
        "community/notes/<int:pk>/",
        community_views.community_domain_note,
        name="community_domain_note",
    ),
    path(
        "community/notes/<int:pk>/review/",
        community_views.community_domain_note_review,
        name="community_domain_note_review",
    ),
    path("api-keys/", key_views.api_key_list, name="api_key_list"),
    path("api-keys/new/", key_views.api_key_create, name="api_key_create"),
    path("api-keys/<slug:prefix>/revoke/", key_views.api_key_revoke, name="api_key_revoke"),
]
