from django.urls import path

from decisions import extensions
from decisions.views import (
    archive,
    conversation,
    drafting,
    paste,
    review,
    steps,
    steps_publication,
    word_import,
)

app_name = "drafting"
urlpatterns = [
    path("", drafting.home, name="home"),
    path("new/", drafting.create, name="create"),
    path("decisions/import/", word_import.start, name="word_import"),
    path("archive/new/", archive.archive_new, name="archive_new"),
    path("archive/<int:pk>/", archive.archive_done, name="archive_done"),
    path("archive/sent/<int:pk>/", archive.archive_import, name="archive_import"),
    path("decisions/<int:pk>/", drafting.overview, name="overview"),
    path("decisions/<int:pk>/import-report/", word_import.report, name="word_import_report"),
    path("decisions/<int:pk>/summary/", steps.summary, name="summary"),
    path("decisions/<int:pk>/recommendations/", steps.recommendations, name="recommendations"),
    path(
        "decisions/<int:pk>/recommendations/lead-in/",
        drafting.recommendations_lead_in,
        name="recommendations_lead_in",
    ),
    path(
        "decisions/<int:pk>/recommendations/paste/",
        paste.recommendations_paste,
        name="recommendations_paste",
    ),
    path(
        "decisions/<int:pk>/recommendations/<int:item>/",
        steps.recommendation_edit,
        name="recommendation",
    ),
    path("decisions/<int:pk>/sections/<int:kind>/", steps.section, name="section"),
    path(
        "decisions/<int:pk>/sections/<int:kind>/paste/", paste.section_paste, name="section_paste"
    ),
    path("decisions/<int:pk>/paragraphs/<int:item>/", steps.paragraph_edit, name="paragraph"),
    path("decisions/<int:pk>/links/", steps.links, name="links"),
    path("decisions/<int:pk>/links/<int:item>/", steps.link_remove, name="link"),
    path("decisions/<int:pk>/appendices/", steps.appendices, name="appendices"),
    path("decisions/<int:pk>/appendices/<int:item>/", steps.appendix_remove_view, name="appendix"),
    path(
        "decisions/<int:pk>/appendices/<int:item>/file/",
        review.appendix_file,
        name="appendix_file",
    ),
    path(
        "decisions/<int:pk>/public-access/", steps_publication.public_access, name="public_access"
    ),
    path("decisions/<int:pk>/part-2/", steps_publication.part2, name="part2"),
    path("decisions/<int:pk>/declarations/", steps_publication.declarations, name="declarations"),
    path("decisions/<int:pk>/sharing/", steps_publication.sharing, name="sharing"),
    path("decisions/<int:pk>/preview/", drafting.preview, name="preview"),
    path("decisions/<int:pk>/review/", review.review, name="review"),
    path("decisions/<int:pk>/act/<slug:action>/", review.act, name="act"),
    path("decisions/<int:pk>/confirm/<slug:action>/", review.confirm, name="confirm"),
    path("decisions/<int:pk>/comment/", conversation.comment, name="comment"),
    path("decisions/<int:pk>/history/", review.history, name="history"),
    path(
        "decisions/<int:pk>/withdraw-publication/",
        review.withdraw_publication,
        name="withdraw_publication",
    ),
    path("decisions/<int:pk>/preview.pdf", drafting.preview_pdf, name="preview_pdf"),
    # Steps other apps add (funding: the budget, contracts and grants).
    *extensions.drafting_urls(),
]
