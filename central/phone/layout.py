"""The one layout of the resident's phone pages, and how they are answered.

Every page is plain HTML with its small stylesheet inline: one request, nothing from another
server, readable on a 360 px phone (body text 18 px, every link and button at least 48 px tall).
Public pages (a job, a fair, a guide, a station) are cacheable and answer ``If-None-Match`` with
304; personal pages (opened by a capability link) are never stored, never indexed and send no
referrer, so the token in their address cannot leak to another site.
"""

from __future__ import annotations

import hashlib
from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

CSS = """*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:18px/1.6 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
color:#1d2530;background:#f3f5f8;overflow-wrap:anywhere}
header{background:#0b5cad;color:#fff;padding:10px 16px;font-weight:700}
header a{color:#fff;text-decoration:none;display:inline-flex;align-items:center;min-height:48px}
main{max-width:640px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:10px;padding:16px;margin:0 0 12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:24px;line-height:1.35;margin:0 0 8px}h2{font-size:20px;margin:0 0 8px}
.sub{color:#4a5565;margin:0 0 8px}.big{font-size:22px;font-weight:700;color:#c0392b}
dl{margin:0}dt{color:#4a5565;font-size:16px;margin-top:10px}dd{margin:0}
ul,ol{margin:4px 0 0;padding-left:24px}li{margin:4px 0}
a{color:#0b5cad}
a.btn,button,.row{display:flex;align-items:center;justify-content:center;min-height:48px;width:100%;
border:0;border-radius:8px;font:inherit;font-weight:700;text-decoration:none;margin:8px 0;padding:8px 12px}
a.btn,button{background:#0b5cad;color:#fff}a.btn.alt,button.alt{background:#e8eef6;color:#0b5cad}
button.warn{background:#c0392b}
.row{justify-content:space-between;background:#f7f9fc;color:#1d2530;font-weight:400;text-align:left;gap:8px}
.row span{color:#4a5565;font-size:16px;white-space:nowrap}
.row small{display:block;font-weight:400;color:#4a5565;font-size:16px}
a.inline{display:inline-flex;align-items:center;min-height:48px;font-weight:700}
label{display:block;margin:12px 0 4px;font-weight:700}
input[type=text],input[type=tel]{width:100%;min-height:48px;font:inherit;padding:8px 10px;border:1px solid #8a97a8;
border-radius:8px}
label.check{display:flex;gap:10px;align-items:flex-start;font-weight:400;min-height:48px}
label.check input{width:28px;height:28px;margin:4px 0 0;flex:none}
.error{background:#fdecea;color:#9b1c1c;border-radius:8px;padding:10px 12px;margin:8px 0}
.ok{background:#e7f6ec;color:#14532d;border-radius:8px;padding:10px 12px;margin:8px 0}
.status{display:inline-block;padding:2px 12px;border-radius:16px;background:#e8eef6;color:#0b5cad;font-weight:700}
.note{color:#4a5565;font-size:16px}
footer{max-width:640px;margin:0 auto;padding:0 12px 24px;color:#4a5565;font-size:16px}"""

BRAND = "津彩e就业"
PERSONAL_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
PUBLIC_HEADERS = {"Cache-Control": "public, max-age=300", "Referrer-Policy": "no-referrer",
                  "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}


def e(value: object) -> str:
    return escape(str(value), quote=True)


def page(title: str, body: str, *, heading: str = "") -> str:
    """A whole page: the brand bar (back to the station list), ``body`` inside ``<main>``."""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="format-detection" content="telephone=no">'
            f"<title>{e(title)} · {BRAND}</title><style>{CSS}</style></head><body>"
            f'<header><a href="/stations">{BRAND}{" · " + e(heading) if heading else ""}</a></header>'
            f"<main>{body}</main>"
            f'<footer>天津市公共就业服务 · <a class="inline" href="/stations">就业驿站</a></footer></body></html>')


def tel(number: str) -> str:
    """A phone number as a link that dials it (digits only in the href)."""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if not digits:
        return e(number)
    return f'<a class="inline" href="tel:{e(digits)}">{e(number)}</a>'


def rows(pairs: list[tuple[str, str]]) -> str:
    """``dt``/``dd`` pairs; values are HTML already (escape them first), empty ones left out."""
    return "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in pairs if v) + "</dl>"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def public(request: Request, html: str, status: int = 200) -> Response:
    """A public page: cacheable, with an ETag; 304 when the phone has this version already."""
    body = html.encode()
    tag = etag_of(body)
    sent = request.headers.get("if-none-match", "")
    if status == 200 and sent and tag in [t.strip().removeprefix("W/") for t in sent.split(",")]:
        return Response(status_code=304, headers={**PUBLIC_HEADERS, "ETag": tag})
    headers = {**PUBLIC_HEADERS, "ETag": tag} if status == 200 else {**PUBLIC_HEADERS, "Cache-Control": "no-cache"}
    return HTMLResponse(body, status_code=status, headers=headers)


def personal(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=PERSONAL_HEADERS)


def not_found_page(what: str = "页面") -> str:
    body = (f'<div class="card"><h1>没有找到这个{e(what)}</h1>'
            "<p>链接可能不完整，或者信息已经过期。请再扫一次纸条上的二维码，或到就业驿站咨询工作人员。</p>"
            '<a class="btn" href="/stations">查看就业驿站</a></div>')
    return page(f"没有找到{what}", body)


def not_found(what: str = "页面") -> HTMLResponse:
    """The friendly 404 in Chinese, with the way back (never cached: the thing may appear later)."""
    return personal(not_found_page(what), 404)


def message(title: str, text: str, *, status: int = 200, kind: str = "ok", back: tuple[str, str] | None = None,
            heading: str = "") -> HTMLResponse:
    """A short answer page (a refused form, a throttled address, an action already done)."""
    link = f'<a class="btn" href="{e(back[0])}">{e(back[1])}</a>' if back else \
        '<a class="btn alt" href="/stations">查看就业驿站</a>'
    body = f'<div class="card"><h1>{e(title)}</h1><div class="{e(kind)}">{e(text)}</div>{link}</div>'
    return personal(page(title, body, heading=heading), status)
