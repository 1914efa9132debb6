from django.conf.urls.i18n import urlpatterns as i18n_urls
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from orgwork.core import gate


class SchemaView(SpectacularAPIView):
    gate_audience = gate.api_docs_audience()


class DocsView(SpectacularSwaggerView):
    gate_audience = gate.api_docs_audience()


admin_urls = admin.site.urls
gate.declare_urls(admin_urls[0], gate.ADMIN)

urlpatterns = [
    # One way to wire an API: every app's api.py has `urlpatterns`, included here under /api/v1/<app>/.
    path("api/v1/stats/", include("orgwork.stats.api")),
    path("api/v1/orgs/", include("orgwork.orgs.api")),
    path("api/v1/members/", include("orgwork.members.api")),
    path("stats/", include("orgwork.stats.urls")),
    path("roster/", include("orgwork.roster.urls")),
    path("orgs/", include("orgwork.orgs.urls")),  # the org registry's console pages (old names web:org_… answer too)
    path("members/", include("orgwork.members.urls")),  # the member registry's console pages
    path("api/v1/dues/", include("orgwork.dues.api")),
    path("api/v1/recruitment/", include("orgwork.recruitment.api")),
    path("api/v1/transfers/", include("orgwork.lifecycle.api")),
    path("api/v1/mobile/", include("orgwork.lifecycle.api_mobile")),
    path("api/v1/exits/", include("orgwork.lifecycle.api_exits")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/meetings/", include("orgwork.meetings.api")),
    path("api/v1/scores/", include("orgwork.scores.api")),
    path("api/v1/elections/", include("orgwork.elections.api")),
    path("api/v1/discipline/", include("orgwork.discipline.api")),
    path("api/v1/training/", include("orgwork.training.api")),
    path("sysadmin/", admin_urls),
    path("i18n/", include(gate.declare_urls(i18n_urls, gate.PUBLIC))),  # the language switch (set_language)
    path("meetings/", include("orgwork.meetings.urls")),
    path("scores/", include("orgwork.scores.urls")),
    path("elections/", include("orgwork.elections.urls")),
    path("discipline/", include("orgwork.discipline.urls")),
    path("training/", include("orgwork.training.urls")),
    path("reorg/", include("orgwork.reorg.urls")),
    path("inbox/", include("orgwork.notifications.urls")),
    path("dues/", include("orgwork.dues.urls")),
    path("funds/", include("orgwork.funds.urls")),
    path("api/v1/funds/", include("orgwork.funds.api")),
    path("staffing/", include("orgwork.staffing.urls")),
    path("api/v1/staffing/", include("orgwork.staffing.api")),
    path("villages/", include("orgwork.villages.urls")),
    path("api/v1/villages/", include("orgwork.villages.api")),
    path("recruitment/", include("orgwork.recruitment.urls")),
    path("lifecycle/", include("orgwork.lifecycle.urls")),
    path("portal/", include("orgwork.portal.urls")),
    path("api/v1/portal/", include("orgwork.portal.api")),
    path("worklists/", include("orgwork.worklists.urls")),
    path("api/v1/worklists/", include("orgwork.worklists.api")),
    path("disclosure/", include("orgwork.disclosure.urls")),
    path("api/v1/disclosure/", include("orgwork.disclosure.api")),
    path("12380/", include("orgwork.tipoffs.urls_public")),
    path("tipoffs/", include("orgwork.tipoffs.urls")),
    path("m/", include("orgwork.selfservice.urls")),
    path("api/v1/tipoffs/", include("orgwork.tipoffs.api")),
    path("api/v1/public/tipoffs/", include("orgwork.tipoffs.api_public")),
    path("awards/", include("orgwork.awards.urls")),
    path("education/", include("orgwork.education.urls")),
    path("api/v1/education/", include("orgwork.education.api")),
    path("api/v1/awards/", include("orgwork.awards.api")),
    path("polls/", include("orgwork.polls.urls")),
    path("api/v1/polls/", include("orgwork.polls.api")),
    path("cadres/", include("orgwork.cadres.urls")),
    path("api/v1/cadres/", include("orgwork.cadres.api")),
    path("delegates/", include("orgwork.delegates.urls")),
    path("api/v1/delegates/", include("orgwork.delegates.api")),
    path("api/v1/sms/", include("orgwork.core.api_sms")),
    path("api/v1/notifications/", include("orgwork.notifications.api")),
    path("petitions/", include("orgwork.petitions.urls")),
    path("hall/", include("orgwork.petitions.urls_public")),
    path("api/v1/petitions/", include("orgwork.petitions.api")),
    path("api/v1/public/petitions/", include("orgwork.petitions.api_public")),
    path("", include("orgwork.web.urls")),
]

handler400 = "orgwork.web.views.error_400"
handler403 = "orgwork.web.views.error_403"
handler404 = "orgwork.web.views.error_404"
handler500 = "orgwork.web.views.error_500"
