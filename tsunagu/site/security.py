"""Security headers on every response (a pure ASGI middleware).

The pages use no script at all; the policy still allows same-origin scripts
(``script-src 'self'``) so a future static script works, but never inline ones.
Thumbnails come from the institutions, so images may load from any http(s) host.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` (and ``Vary`` for negotiated language)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A response that chose its own frame-ancestors (the embed view of a
                # collection) is meant to be framed: X-Frame-Options would contradict it.
                framable = _frame_ancestors(headers.get("content-security-policy", "")) not in (
                    None, "'none'")
                for name, value in SECURITY_HEADERS.items():
                    if not (framable and name == "X-Frame-Options"):
                        headers.setdefault(name, value)
                # Pages and error messages follow the language cookie and header.
                headers.add_vary_header("Accept-Language")
                headers.add_vary_header("Cookie")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _frame_ancestors(policy: str) -> str | None:
    """The value of a policy's ``frame-ancestors`` directive, if it has one."""
    for directive in policy.split(";"):
        name, _, value = directive.strip().partition(" ")
        if name == "frame-ancestors":
            return value.strip()
    return None
