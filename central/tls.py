"""Behind the TLS proxy: which replies get the ``Secure`` cookie flag and HSTS (docs/DEPLOY.md).

Uvicorn trusts the proxy's X-Forwarded-Proto only from ``serve --forwarded-allow-ips``; in
production (``serve`` without ``--demo``) cookies are ``Secure`` whatever it says, so a proxy
that forgets the header cannot make a staff session travel in clear text.
"""

from __future__ import annotations

from starlette.requests import Request

#: a year, the subdomains too: once a browser has seen central over TLS it never tries plain HTTP
HSTS = "max-age=31536000; includeSubDomains"


def secure_cookies(request: Request) -> bool:
    """Whether cookies get the ``Secure`` flag: always in production, and whenever the request came
    over TLS (as the trusted proxy's X-Forwarded-Proto says)."""
    return bool(getattr(request.app.state, "production", False)) or request.url.scheme == "https"
