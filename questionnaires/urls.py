from __future__ import annotations

from django.urls import path

from questionnaires.security.ratelimits import (
    family_start_ratelimit,
    resume_ratelimit,
    token_ratelimit,
)
from questionnaires.views import (
    clinician,
    exports,
    family,
    fhir,
    kiosk,
    organisation,
    public,
    reports,
    respondent,
    safety,
)

app_name = "questionnaires"

public_urls = [
    path("", public.start, name="start"),
    path("family/", family_start_ratelimit(family.family_start), name="family-start"),
    # Guesses of a resume code count once, here (not also as token pages).
    path(
        "family/resume/",
        resume_ratelimit(family.family_resume),
        name="family-resume",
    ),
    # A password form on a handed-over device: limited like the token pages.
    path(
        "kiosk/return/",
        token_ratelimit(kiosk.kiosk_return),
        name="kiosk-return",
    ),
]

clinic_urls = [
    path("clinic/", clinician.clinic_home, name="clinic-home"),
    path("clinic/<slug:slug>/patients/", clinician.list_patients, name="patient-list"),
    path(
        "clinic/<slug:slug>/patients/new/",
        clinician.create_patient,
        name="patient-create",
    ),
]

patient_urls = [
    path("patients/<int:pk>/", clinician.patient_detail, name="patient-detail"),
    path(
        "patients/<int:pk>/screenings/new/",
        clinician.start_screening,
        name="screening-start",
    ),
    path(
        "patients/<int:pk>/export.json",
        clinician.export_patient,
        name="patient-export",
    ),
    path("patients/<int:pk>/erase/", clinician.erase_patient, name="patient-erase"),
]

screening_urls = [
    path("screenings/<int:pk>/", clinician.screening_detail, name="screening-detail"),
    path(
        "screenings/<int:pk>/acknowledge/",
        safety.acknowledge_urgent,
        name="screening-acknowledge",
    ),
    path(
        "screenings/<int:pk>/result/",
        clinician.screening_result,
        name="screening-result",
    ),
    path(
        "screenings/<int:pk>/criteria/",
        clinician.rate_criteria,
        name="screening-criteria",
    ),
    path(
        "screenings/<int:pk>/report/<str:audience>.pdf",
        reports.download_report,
        name="screening-report",
    ),
    path(
        "screenings/<int:pk>/parts/<str:role>/invite/",
        clinician.create_invitation,
        name="invitation-create",
    ),
    path(
        "screenings/<int:pk>/parts/<str:role>/hand-over/",
        clinician.hand_over_device,
        name="screening-hand-over",
    ),
    path(
        "screenings/<int:pk>/parts/<str:role>/import-fhir/",
        fhir.import_responses,
        name="screening-import-fhir",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        clinician.revoke_invitation,
        name="invitation-revoke",
    ),
]

# Every page reached with a respondent token or resume code is rate-limited per
# client address (questionnaires/security/ratelimits.py).
respond_urls = [
    path(
        "r/<str:token>/",
        token_ratelimit(respondent.start_questionnaire),
        name="respond-start",
    ),
    path(
        "r/<str:token>/page/<int:number>/",
        token_ratelimit(respondent.answer_page),
        name="respond-page",
    ),
    path(
        "r/<str:token>/review/",
        token_ratelimit(respondent.review_answers),
        name="respond-review",
    ),
    path(
        "r/<str:token>/submit/",
        token_ratelimit(respondent.submit_answers),
        name="respond-submit",
    ),
    path(
        "r/<str:token>/saved/",
        token_ratelimit(respondent.saved_for_later),
        name="respond-saved",
    ),
    path(
        "r/<str:token>/done/",
        token_ratelimit(respondent.questionnaire_done),
        name="respond-done",
    ),
    path(
        "r/<str:token>/summary.pdf",
        token_ratelimit(respondent.download_own_report),
        name="respond-report",
    ),
]

# Organisation admins: members and the audit trail of their own organisation.
organisation_urls = [
    path(
        "clinic/<slug:slug>/members/",
        organisation.list_members,
        name="organisation-members",
    ),
    path(
        "clinic/<slug:slug>/members/add/",
        organisation.add_member,
        name="organisation-member-add",
    ),
    path(
        "clinic/<slug:slug>/members/new-account/",
        organisation.create_account,
        name="organisation-account-create",
    ),
    path(
        "clinic/<slug:slug>/members/<int:pk>/role/",
        organisation.change_member_role,
        name="organisation-member-role",
    ),
    path(
        "clinic/<slug:slug>/members/<int:pk>/remove/",
        organisation.remove_member,
        name="organisation-member-remove",
    ),
    path(
        "clinic/<slug:slug>/audit/",
        organisation.list_audit_events,
        name="organisation-audit",
    ),
    path(
        "clinic/<slug:slug>/alerts/",
        safety.edit_alert_settings,
        name="organisation-alerts",
    ),
    path(
        "clinic/<slug:slug>/safety/",
        safety.show_safety_figures,
        name="organisation-safety",
    ),
    path(
        "clinic/<slug:slug>/safety.csv",
        safety.export_safety_figures_csv,
        name="organisation-safety-csv",
    ),
]

# Clinicians: CSV and FHIR downloads, with the permissions of the pages they export.
export_urls = [
    path(
        "screenings/<int:pk>/export.csv",
        exports.export_screening_csv,
        name="screening-export-csv",
    ),
    path(
        "screenings/<int:pk>/export-dictionary.csv",
        exports.export_screening_dictionary,
        name="screening-export-dictionary",
    ),
    path(
        "screenings/<int:pk>/export.fhir.json",
        exports.export_screening_fhir,
        name="screening-export-fhir",
    ),
    path(
        "clinic/<slug:slug>/export/",
        exports.organisation_export,
        name="organisation-export",
    ),
    path(
        "clinic/<slug:slug>/export.csv",
        exports.export_organisation_csv,
        name="organisation-export-csv",
    ),
    path(
        "exports/<int:pk>/download/",
        exports.download_export_file,
        name="export-file-download",
    ),
    path(
        "clinic/<slug:slug>/export-dictionary.csv",
        exports.export_organisation_dictionary,
        name="organisation-export-dictionary",
    ),
]

urlpatterns = (
    public_urls
    + clinic_urls
    + patient_urls
    + screening_urls
    + respond_urls
    + organisation_urls
    + export_urls
)
