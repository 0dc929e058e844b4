"""The appointment's phone page (behind the QR on the printed confirmation): markup and styles.

Pure functions of plain values, mobile first (360 px wide and up), nothing loaded from outside:
the page, the cancel confirmation, the outcome of a cancel, and the friendly 404. Every value is
``html.escape``d.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from kiosk.domain.dates import WEEKDAYS

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
 sans-serif;font-size:17px;line-height:1.55;color:#1d2733;background:#eef2f7;overflow-wrap:anywhere}
header{background:#0b4f8a;color:#fff;padding:12px 16px;font-size:18px;font-weight:700}
main{max-width:560px;margin:0 auto;padding:14px 12px 28px}
.card{background:#fff;border-radius:14px;box-shadow:0 1px 3px #0002;padding:16px}
h1{font-size:24px;margin:6px 0 2px;line-height:1.3}
.when{font-size:22px;font-weight:700;color:#0b4f8a;margin:4px 0 10px}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:6px 14px;margin:12px 0 0}
dt{color:#5a6878}dd{margin:0}
.badge{display:inline-block;border-radius:8px;padding:2px 10px;font-size:16px;font-weight:700}
.st-booked{background:#dbe9fb;color:#0b4f8a}.st-arrived{background:#d3f3dc;color:#17672f}
.st-no_show{background:#fff1b8;color:#7a5a00}.st-cancelled{background:#e3e8ef;color:#44505e}
.note{color:#44505e;font-size:16px;margin:14px 0 0}
.msg{border-radius:12px;padding:12px 14px;margin:0 0 14px;font-size:17px}
.msg.ok{background:#e3f6e8;color:#17672f}.msg.warn{background:#fff6e0;color:#7a4a00}
.actions{display:flex;flex-direction:column;gap:12px;margin-top:18px}
.button{display:flex;align-items:center;justify-content:center;min-height:48px;width:100%;padding:10px 16px;
 border-radius:12px;font-size:18px;font-weight:700;font-family:inherit;text-decoration:none;cursor:pointer;border:none}
.button.danger{background:#b03a2e;color:#fff}
.button.plain{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a}
form{margin:0}
a{color:#0b5cad}
p,.msg,dd{text-wrap:pretty}
"""




@dataclass(frozen=True)
class AppointmentView:
    """What the page shows: nothing here identifies the resident beyond the masked forms."""

    reference: str
    service_name: str
    starts_at: datetime  # station-local
    station_name: str
    station_address: str
    station_phone: str
    who: str  # masked name and ID number
    status: str
    status_text: str
    can_cancel: bool


def when_text(t: datetime) -> str:
    return f"{t.year}年{t.month}月{t.day}日 周{WEEKDAYS[t.weekday()]} {t:%H:%M}"


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<style>{CSS}</style></head>
<body><header>津彩e就业 · 我的预约</header><main>{body}</main></body></html>"""


def _details(v: AppointmentView) -> str:
    rows = [("预约号", f"<b>{escape(v.reference)}</b>"), ("地点", escape(v.station_name)
                                                         + (f"<br>{escape(v.station_address)}" if v.station_address else "")),
            ("预约人", escape(v.who))]
    if v.station_phone:
        rows.append(("电话", f'<a href="tel:{escape(v.station_phone.replace(" ", ""))}">{escape(v.station_phone)}</a>'))
    dl = "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in rows)
    return (f'<span class="badge st-{escape(v.status)}" id="status">{escape(v.status_text)}</span>'
            f'<h1 id="service">{escape(v.service_name)}</h1><div class="when" id="when">{escape(when_text(v.starts_at))}</div>'
            f"<dl>{dl}</dl>")


def appointment_page(v: AppointmentView, cancel_href: str, message: str = "", kind: str = "ok") -> str:
    msg = f'<div class="msg {kind}" id="msg" role="status">{escape(message)}</div>' if message else ""
    action = (f'<div class="actions"><a class="button plain" id="cancel" href="{escape(cancel_href)}">取消预约</a></div>'
              if v.can_cancel else "")
    note = {"booked": "请提前 10 分钟到驿站，在自助机上扫描预约单的二维码签到，或向工作人员出示预约号。",
            "cancelled": "如需办理，请到驿站重新预约或取号。"}.get(v.status, "")
    return _page(f"{v.service_name} · 我的预约", f'{msg}<div class="card">{_details(v)}{action}'
                 f'{f"<p class=note>{note}</p>" if note else ""}</div>')


def confirm_page(v: AppointmentView, post_href: str, back_href: str, csrf: str) -> str:
    body = (f'<div class="msg warn" role="alert">确定要取消这个预约吗？取消后这个时间会让给其他居民。</div>'
            f'<div class="card">{_details(v)}<div class="actions">'
            f'<form method="post" action="{escape(post_href)}"><input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<button class="button danger" id="confirm" type="submit">确认取消预约</button></form>'
            f'<a class="button plain" id="keep" href="{escape(back_href)}">不取消，返回</a></div></div>')
    return _page("取消预约 · 我的预约", body)


def not_found_page() -> str:
    body = ('<div class="card"><h1>没有找到这个预约</h1>'
            '<p>二维码可能不完整，或者不是本市就业驿站打印的。请重新扫描预约单上的二维码，'
            '或带上预约单到驿站服务窗口查询。</p></div>')
    return _page("没有找到预约 · 津彩e就业", body)


def refused_page(text: str) -> str:
    return _page("无法完成 · 我的预约", f'<div class="card"><h1>无法完成</h1><p>{escape(text)}</p></div>')
