"""WordPress core around the plugins: route table, errors, headers, root index, users/me."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rest import Reply, Request, Route
from .store import md5

if TYPE_CHECKING:
    from .state import SiteState


def rest_forbidden(status: int) -> Reply:
    headers = {"Vary": "Origin"} if status == 401 else {}
    return Reply(
        status,
        {
            "code": "rest_forbidden",
            "message": "Sorry, you are not allowed to do that.",
            "data": {"status": status},
        },
        headers=headers,
        allow=False,
    )


def no_route() -> Reply:
    return Reply(
        404,
        {
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404, "wpfluent": {"env": "production"}},
        },
        allow=False,
    )


def invalid_json() -> Reply:
    return Reply(
        400,
        {
            "code": "rest_invalid_json",
            "message": "Invalid JSON body passed.",
            "data": {"status": 400, "json_error_code": 4, "json_error_message": "Syntax error"},
        },
        allow=False,
    )


def critical_error() -> Reply:
    return Reply(
        500,
        {
            "code": "internal_server_error",
            "message": "<p>There has been a critical error on this website.</p><p><a "
            'href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more '
            "about troubleshooting WordPress.</a></p>",
            "data": {"status": 500},
            "additional_errors": [],
        },
        allow=False,
    )


def bad_gateway() -> Reply:
    html = (
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return Reply(502, raw=html.encode(), content_type="text/html; charset=utf-8", allow=False)


def html_page(site: SiteState) -> Reply:
    """What a browser gets outside /wp-json: a theme page, not JSON."""
    name = site.name.replace("<", "&lt;")
    html = (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        f'<title>{name}</title>\n</head>\n<body class="home blog">\n'
        f"<header><h1>{name}</h1><p>Just another WordPress site</p></header>\n"
        "</body>\n</html>\n"
    )
    return Reply(200, raw=html.encode(), content_type="text/html; charset=UTF-8", allow=False)


def rest_headers(base_url: str, signed_in: bool) -> dict[str, str]:
    headers = {
        "X-Powered-By": "PHP/8.2.36",
        "X-Robots-Tag": "noindex",
        "Link": f'<{base_url}/wp-json/>; rel="https://api.w.org/"',
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
        "Access-Control-Allow-Headers": (
            "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"
        ),
    }
    if signed_in:
        # WordPress sends its no-cache headers only to signed-in users.
        headers["Expires"] = "Wed, 11 Jan 1984 05:00:00 GMT"
        headers["Cache-Control"] = "no-cache, must-revalidate, max-age=0, no-store, private"
    return headers


def namespaces(site: SiteState) -> list[str]:
    out = ["oembed/1.0"]
    if site.crm_enabled:
        out.append("fluent-crm/v2")
    if site.support_enabled:
        out.append("fluent-support/v2")
    return [*out, "wp/v2", "wp-site-health/v1", "wp-block-editor/v1", "wp-abilities/v1"]


def root_index(site: SiteState, request: Request) -> Reply:
    base = request.base_url
    body: dict[str, Any] = {
        "name": site.name,
        "description": "Just another WordPress site",
        "url": base,
        "home": base,
        "gmt_offset": _gmt_offset(site),
        "timezone_string": site.timezone,
        "page_for_posts": 0,
        "page_on_front": 0,
        "show_on_front": "posts",
        "namespaces": namespaces(site),
        "authentication": {
            "application-passwords": {
                "endpoints": {"authorization": f"{base}/wp-admin/authorize-application.php"}
            }
        },
        "routes": {
            f"/{ns}": {"namespace": ns, "methods": ["GET"], "endpoints": []}
            for ns in namespaces(site)
        },
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }
    fields = request.query.get("_fields")
    if isinstance(fields, str) and fields:
        wanted = [f.strip() for f in fields.split(",") if f.strip()]
        body = {key: body[key] for key in wanted if key in body}
    return Reply(200, body)


def _gmt_offset(site: SiteState) -> int | float:
    offset = site.current_time().astimezone(site.clock.zone).utcoffset()
    hours = offset.total_seconds() / 3600 if offset else 0
    return int(hours) if hours == int(hours) else hours


CAPABILITIES = [
    "switch_themes",
    "edit_themes",
    "activate_plugins",
    "edit_plugins",
    "edit_users",
    "edit_files",
    "manage_options",
    "moderate_comments",
    "manage_categories",
    "manage_links",
    "upload_files",
    "import",
    "unfiltered_html",
    "edit_posts",
    "edit_others_posts",
    "edit_published_posts",
    "publish_posts",
    "edit_pages",
    "read",
    "level_10",
    "level_9",
    "level_8",
    "level_7",
    "level_6",
    "level_5",
    "level_4",
    "level_3",
    "level_2",
    "level_1",
    "level_0",
    "edit_others_pages",
    "edit_published_pages",
    "publish_pages",
    "delete_pages",
    "delete_others_pages",
    "delete_published_pages",
    "delete_posts",
    "delete_others_posts",
    "delete_published_posts",
    "delete_private_posts",
    "edit_private_posts",
    "read_private_posts",
    "delete_private_pages",
    "edit_private_pages",
    "read_private_pages",
    "delete_users",
    "create_users",
    "unfiltered_upload",
    "edit_dashboard",
    "update_plugins",
    "delete_plugins",
    "install_plugins",
    "update_themes",
    "install_themes",
    "update_core",
    "list_users",
    "remove_users",
    "promote_users",
    "edit_theme_options",
    "delete_themes",
    "export",
]


def users_me(site: SiteState, request: Request) -> Reply:
    user = request.user
    if user is None:
        return Reply(
            401,
            {
                "code": "rest_not_logged_in",
                "message": "You are not currently logged in.",
                "data": {"status": 401},
            },
            headers={"Vary": "Origin", "Allow": "GET"},
        )
    base = request.base_url
    person = site.store.persons.get(user.person_id)
    if user.role == "administrator":
        caps = dict.fromkeys(CAPABILITIES, True) | {"administrator": True}
        roles = ["administrator"]
    elif user.role == "editor":
        caps = {"read": True, "edit_posts": True, "edit_others_posts": True, "publish_posts": True}
        roles = ["editor"]
    else:
        caps = {"read": True, "level_0": True, "fluent_support_agent": True}
        roles = ["fluent_support_agent"]
    avatar = md5(user.email.lower()) + md5(user.email)[:32]
    body = {
        "id": user.person_id,
        "username": user.username,
        "name": user.full_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "url": base,
        "description": "",
        "link": f"{base}/author/{user.username}/",
        "locale": "en_US",
        "nickname": user.username,
        "slug": user.username,
        "roles": roles,
        "registered_date": site.clock.iso(person["created_at"]) if person else None,
        "capabilities": caps,
        "extra_capabilities": {roles[0]: True},
        "avatar_urls": {
            size: f"https://secure.gravatar.com/avatar/{avatar}?s={size}&d=mm&r=g"
            for size in ("24", "48", "96")
        },
        "meta": {"persisted_preferences": []},
        "_links": {
            "self": [
                {
                    "href": f"{base}/wp-json/wp/v2/users/{user.person_id}",
                    "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                }
            ],
            "collection": [{"href": f"{base}/wp-json/wp/v2/users"}],
        },
    }
    if request.query.get("context") != "edit":
        for key in ("username", "first_name", "last_name", "email", "locale", "nickname",
                    "roles", "registered_date", "capabilities", "extra_capabilities"):  # fmt: skip
            body.pop(key, None)
    return Reply(200, body)


ROUTES = [
    Route(r"/", {"GET": root_index}, "GET"),
    Route(r"/wp/v2/users/me", {"GET": users_me}, "GET, POST, PUT, PATCH, DELETE"),
]
