"""The desk's Analytics page: what is read, found, searched in vain and followed.

For editors and administrators (``analytics.view``); administrators also switch counting off
and delete the raw events (``analytics.manage``, through ``analytics.services``). The figures
come from ``analytics.reports``, the same the API gives.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from newscenter.analytics import charts, reports, services
from newscenter.analytics.models import Report
from newscenter.news import policy
from newscenter.news.policy import PolicyDenied

TABLES = (
    ("Sections", "sections"),
    ("Where readers come from", "channels"),
    ("Referring sites", "referrers"),
    ("Campaigns (utm_campaign)", "campaigns"),
    ("Sources (utm_source)", "sources"),
    ("Countries", "countries"),
    ("Devices", "devices"),
    ("Browsers", "browsers"),
    ("Operating systems", "systems"),
    ("Languages", "languages"),
    ("Searches", "searches"),
    ("Searches that found nothing", "searches_empty"),
    ("Widget and oEmbed views by embedding site", "embeds"),
    ("Kinds of page", "kinds"),
)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return policy.can(request.user, "analytics.view")

    def has_view_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, "analytics.view")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        realtime = self.admin_site.admin_view(self.realtime_view)
        return [path("realtime/", realtime, name="analytics_report_realtime"),
                *super().get_urls()]  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return self._denied(request)
        if request.method == "POST":
            return self._manage(request)
        error = ""
        try:
            span = reports.period(request.GET.get("range"), request.GET.get("start"),
                                  request.GET.get("end"))  # fmt: skip
        except reports.RangeError as exc:
            error = str(exc)
            span = reports.period("30d")
        data = reports.report(span)
        if request.GET.get("format") == "csv" and not error:
            response = HttpResponse(reports.as_csv(data), content_type="text/csv; charset=utf-8")
            name = f"analytics-{span.start}-{span.end}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": "Analytics",
            "opts": self.model._meta,
            "error": error,
            "data": data,
            "span": span,
            "range": request.GET.get("range", "30d") if not request.GET.get("start") else "custom",
            "ranges": [
                ("today", "Today"),
                ("7d", "7 days"),
                ("30d", "30 days"),
                ("12m", "12 months"),
            ],
            "chart": charts.line_chart(data["series"], title=f"Views and visitors, {span.label()}"),
            "legend": charts.legend(),
            "tables": [(title, data[key]) for title, key in TABLES],
            "realtime": reports.realtime(),
            "can_manage": policy.can(request.user, "analytics.manage"),
            "counting": services.counting_on(),
            "query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "admin/analytics/report.html", context)

    def realtime_view(self, request):
        if not self.has_view_permission(request):
            return self._denied(request)
        return TemplateResponse(request, "admin/analytics/realtime.html",
                                {"realtime": reports.realtime()})  # fmt: skip

    def _manage(self, request):
        try:
            if "counting" in request.POST:
                on = request.POST["counting"] == "on"
                services.counting_set(acting_user=request.user, on=on)
                messages.success(request, "Counting is on." if on else "Counting is off.")
            elif "delete_raw" in request.POST:
                deleted = services.raw_events_delete(acting_user=request.user)
                messages.success(request, f"{deleted} raw events deleted; daily totals kept.")
        except PolicyDenied as exc:
            messages.error(request, str(exc))
        return redirect("admin:analytics_report_changelist")

    def _denied(self, request):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
