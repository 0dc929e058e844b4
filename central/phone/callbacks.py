"""A call-back request on the resident's phone (``/callbacks/{token}``): 待回电 / 已回电 / 联系不上."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from central.callbacks import STATUS_NAMES, local
from central.models import CallbackRow
from central.phone import links
from central.phone.layout import e, not_found, page, personal, rows
from kiosk.domain.privacy import mask_phone, redact

router = APIRouter(include_in_schema=False)

EXPLAIN = {"open": "顾问会在工作时间给您回电话，请留意来电。",
           "done": "顾问已经给您回过电话了。",
           "unreachable": "顾问打过电话，但没能联系上您。如还需要咨询，请再到驿站申请。"}


@router.get("/callbacks/{token}")
def callback_page(token: str, request: Request) -> Response:
    with request.app.state.db.session() as ses:
        target = links.target(ses, "callback", token)
        row = ses.get(CallbackRow, target) if target else None
        if row is None:
            return not_found("回电申请")
    at = local(row.requested_at)
    done = local(row.handled_at) if row.handled_at else None
    facts = rows([("申请号", e(row.reference)), ("咨询主题", e(row.topic)), ("回电号码", e(mask_phone(row.phone))),
                  ("申请时间", e(f"{at.month}月{at.day}日 {at:%H:%M}")),
                  ("处理时间", e(f"{done.month}月{done.day}日 {done:%H:%M}") if done else ""),
                  ("顾问说明", e(redact(row.note)) if row.note else "")])
    body = (f'<div class="card"><h1>回电申请</h1><p>当前状态：<span class="status" id="status">'
            f'{e(STATUS_NAMES.get(row.status, row.status))}</span></p><p>{e(EXPLAIN.get(row.status, ""))}</p>{facts}</div>')
    return personal(page("回电申请进度", body, heading="回电申请"))
