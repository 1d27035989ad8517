"""The routes of accounts, administration, institution dashboards and the JSON API.

Pages and their ``.json`` twins share handlers; ``/api/…`` paths are the same
handlers answering JSON, for API tokens (``Authorization: Bearer tsu_…``) and
sessions alike. Every POST passes the CSRF check (:mod:`tsunagu.site.csrf`) unless
it carries a bearer token.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from tsunagu.site import (
    admin_views,
    auth_views,
    dashboard_views,
    export_views,
    feed_settings,
    health_views,
    run_downloads,
    source_views,
)

_POST = ["POST"]
_INSTITUTION = "/dashboard/{institution_id}"
_API_INSTITUTION = "/api/institutions/{institution_id}"
_SOURCE = "/sources/{source_id}"
_API_SOURCE = "/api/sources/{source_id}"


def institution_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [
        Route("/login", auth_views.login_form, name="login"),
        Route("/login", auth_views.login, methods=_POST, name="login_post"),
        Route("/logout", auth_views.logout, methods=_POST, name="logout"),
        Route("/invitation/{token}", auth_views.invitation_form, name="invitation"),
        Route("/invitation/{token}", auth_views.accept, methods=_POST, name="invitation_post"),
        Route("/account", auth_views.account, name="account"),
        Route("/account.json", auth_views.account, name="account_json"),
        Route("/account/password", auth_views.password_form, name="password"),
        Route("/account/password", auth_views.new_password, methods=_POST),
        Route("/account/password.json", auth_views.new_password, methods=_POST),
        Route("/admin", admin_views.admin, name="admin"),
        Route("/admin.json", admin_views.admin, name="admin_json"),
        Route("/admin/institutions", admin_views.add_institution, methods=_POST),
        Route("/admin/users/{user_id}/approve", admin_views.approve, methods=_POST),
        Route("/admin/users/{user_id}/disable", admin_views.disable, methods=_POST),
        Route("/dashboard", dashboard_views.my_dashboard, name="dashboard_home"),
        Route("/feeds/template.csv", dashboard_views.table_template),
        Route("/feeds/template.xlsx", dashboard_views.table_template),
        Route("/api/sources", dashboard_views.register, methods=_POST),
        Route("/health", health_views.health, name="health"),
        Route("/health.json", health_views.health, name="health_json"),
    ]
    for prefix in (_INSTITUTION, _API_INSTITUTION):
        routes += [
            Route(prefix + ".json", dashboard_views.dashboard),
            Route(prefix + "/invitations", admin_views.invite, methods=_POST),
            Route(prefix + "/probe", dashboard_views.probe, methods=_POST),
            Route(prefix + "/feeds", dashboard_views.register, methods=_POST),
            Route(prefix + "/tokens", dashboard_views.add_token, methods=_POST),
            Route(prefix + "/tokens/{token_id}/revoke", dashboard_views.revoke_token,
                  methods=_POST),
            Route(prefix + "/records.jsonl", export_views.records_jsonl),
            Route(prefix + "/records.csv", export_views.records_csv),
            Route(prefix + "/raw.jsonl", export_views.raw_jsonl),
            Route(prefix + "/activity.json", export_views.activity),
            Route(prefix + "/activity.csv", export_views.activity_csv),
        ]
    routes += [
        Route(_INSTITUTION, dashboard_views.dashboard, name="dashboard"),
        Route(_INSTITUTION + "/feeds/new", dashboard_views.new_feed),
        Route(_INSTITUTION + "/feeds/probe", dashboard_views.probe, methods=_POST),
        Route(_INSTITUTION + "/uploads/new", dashboard_views.new_upload_feed),
        Route(_INSTITUTION + "/activity", export_views.activity),
    ]
    for prefix in (_SOURCE, _API_SOURCE):
        routes += [
            Route(prefix + ".json", source_views.source_page),
            Route(prefix + "/sandbox.json", source_views.sandbox),
            Route(prefix + "/sandbox", source_views.check_sandbox, methods=_POST),
            Route(prefix + "/edit.json", feed_settings.edit_form),
            Route(prefix + "/settings", feed_settings.save, methods=_POST),
            Route(prefix + "/runs/{run_id}.json", source_views.run_page),
            Route(prefix + "/runs/{run_id}/report.csv", run_downloads.report_csv),
            Route(prefix + "/runs/{run_id}/report.html", run_downloads.report_html),
            Route(prefix + "/runs/{run_id}/pages/{page_id}.xml", run_downloads.page_xml),
            Route(prefix + "/publish", source_views.publish, methods=_POST),
            Route(prefix + "/unpublish", source_views.unpublish, methods=_POST),
            Route(prefix + "/harvest", source_views.harvest, methods=_POST),
            Route(prefix + "/upload", source_views.upload, methods=_POST),
            Route(prefix + "/link", source_views.link, methods=_POST),
            Route(prefix + "/runs/{run_id}/approve", source_views.approve, methods=_POST),
            Route(prefix + "/runs/{run_id}/reject", source_views.reject, methods=_POST),
        ]
    routes += [
        Route(_SOURCE, source_views.source_page, name="source"),
        Route(_SOURCE + "/sandbox", source_views.sandbox, name="sandbox"),
        Route(_SOURCE + "/edit", feed_settings.edit_form, name="feed_edit"),
        Route(_SOURCE + "/runs/{run_id}", source_views.run_page, name="run"),
        Route(_SOURCE + "/upload/mapping", source_views.upload_mapping, methods=_POST),
    ]
    return routes
