"""A queue ticket's page (``/tickets/{id}``): the number, where it stands, refreshed every 20 s.

The id is the ticket's random UUID (122 bits): the capability itself. Nothing personal is shown.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from central import tickets
from central.phone.layout import e, not_found, page, personal

router = APIRouter(include_in_schema=False)


def _line(view: dict) -> str:
    st, ahead = view["status"], view["people_ahead"]
    if view["stale"]:
        return "这是以前的号，已经过期。如需办理，请重新取号"
    return {
        "waiting": "下一个就到您，请留意叫号" if ahead == 0 else f"前面还有 {ahead} 人，请留意叫号",
        "called": f"已经叫到，请到 {view['counter']} 号窗口" if view["counter"] else "已经叫到，请到窗口办理",
        "serving": "正在办理", "done": "已经办理完毕", "transferred": "已转到其他业务，请留意叫号",
    }.get(st, "已过号。请到窗口找工作人员恢复排队")


def ticket_html(view: dict) -> str:
    prio = ' <span class="status">优先</span>' if view["priority"] and view["status"] == "waiting" else ""
    body = (f'<div class="card" style="text-align:center"><p class="sub">{e(view["station_name"])}</p>'
            f'<h2>{e(view["service_name"])}{prio}</h2>'
            f'<p id="number" style="font-size:64px;font-weight:700;margin:8px 0;color:#0b5cad">{e(view["number"])}</p>'
            f'<p id="line" class="big">{e(_line(view))}</p><p class="note">本页每 20 秒自动刷新。</p></div>')
    html = page(f"{view['number']} 排队进度", body, heading="排队进度")
    return html.replace("<title>", '<meta http-equiv="refresh" content="20"><title>', 1)


@router.get("/tickets/{ticket_id}")
def ticket_page(ticket_id: str, request: Request) -> Response:
    if len(ticket_id) > 36:
        return not_found("排队小票")
    with request.app.state.db.session() as ses:
        view = tickets.status_view(ses, ticket_id)
    if view is None:
        return not_found("排队小票")
    return personal(ticket_html(view))
