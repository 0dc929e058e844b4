"""A home-visit / proxy request on the resident's phone (``/requests/{reference}?k=TOKEN``): where
it stands, what staff decided, and 撤销申请 with a confirmation step.

The printed reference alone opens nothing: the link's token must hash to the one the kiosk sent
with the request. Cancelling is a POST (CSRF token, the capability token again), idempotent: a
request already cancelled, done or refused says so instead.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from central import service_requests as sr
from central.models import ServiceRequestRow
from central.phone import data, links
from central.phone.guard import csrf_token, posted_form
from central.phone.layout import e, message, not_found, page, personal, rows
from kiosk.domain.privacy import mask_id_number, mask_name, mask_phone, redact

router = APIRouter(include_in_schema=False)


def _row(ses, reference: str, token: str) -> ServiceRequestRow | None:  # noqa: ANN001
    if not sr.REFERENCE_RE.match(reference) or links.target(ses, "request", token) != reference:
        return None
    return ses.scalar(select(ServiceRequestRow).where(ServiceRequestRow.reference == reference))


def _when(row: ServiceRequestRow) -> str:
    d = row.window_day
    return f"{d.month}月{d.day}日{'上午' if row.window_half == 'am' else '下午'}"


def request_html(row: ServiceRequestRow, request: Request, token: str, *, confirm: bool = False) -> str:
    d = row.details or {}
    who = " · ".join(x for x in (mask_name(str(d.get("name") or "")), mask_id_number(str(d.get("id_number") or "")),
                                 mask_phone(str(d.get("phone") or ""))) if x)
    sched = row.scheduled_at
    facts = rows([
        ("申请号", e(row.reference)), ("办理事项", e(row.reason)), ("希望时间", e(_when(row))),
        ("街道", e(d.get("street") or "")), ("申请人", e(who)),
        ("安排时间", e(f"{sched.month}月{sched.day}日 {sched:%H:%M}") if sched and row.status == "scheduled" else ""),
        ("工作人员", e(mask_name(row.staff)) if row.staff else ""),
        ("驿站说明", e(redact(row.note)) if row.note else ""),
    ])
    action = f"/requests/{row.reference}/cancel"
    cancel = ""
    if row.status in sr.OPEN:
        hidden = (f'<input type="hidden" name="csrf" value="{e(csrf_token(request, action))}">'
                  f'<input type="hidden" name="k" value="{e(token)}">')
        if confirm:
            cancel = (f'<div class="card" id="confirm"><h2>确定撤销这个申请吗？</h2><p>撤销后驿站不再上门或代办；'
                      f'如还需要，请重新申请。</p><form method="post" action="{e(action)}">{hidden}'
                      '<input type="hidden" name="confirm" value="1"><button class="warn" id="yes">确定撤销</button></form>'
                      f'<a class="btn alt" href="/requests/{e(row.reference)}?k={e(token)}">不撤销</a></div>')
        else:
            cancel = (f'<div class="card"><form method="post" action="{e(action)}">{hidden}'
                      '<button class="alt" id="cancel">撤销申请</button></form></div>')
    body = (f'<div class="card"><h1>{e(sr.KINDS.get(row.kind, "服务"))}申请</h1>'
            f'<p>当前状态：<span class="status" id="status">{e(sr.STATUS_NAMES.get(row.status, row.status))}</span></p>'
            f"{facts}</div>{cancel}")
    return page(f"{sr.KINDS.get(row.kind, '服务')}申请进度", body, heading="我的申请")


@router.get("/requests/{reference}")
def request_page(reference: str, request: Request, k: str = "") -> Response:
    with request.app.state.db.session() as ses:
        row = _row(ses, reference, k)
        if row is None:
            return not_found("申请")
        return personal(request_html(row, request, k))


@router.post("/requests/{reference}/cancel")
async def request_cancel(reference: str, request: Request) -> Response:
    form = await posted_form(request, f"/requests/{reference}/cancel", throttled=False)
    if isinstance(form, Response):
        return form
    return await run_in_threadpool(_cancel, request, reference, form.get("k", ""), form.get("confirm") == "1")


def _cancel(request: Request, reference: str, token: str, confirmed: bool) -> Response:
    back = (f"/requests/{reference}?k={token}", "查看申请")
    with request.app.state.db.session() as ses:
        row = _row(ses, reference, token)
        if row is None:
            return not_found("申请")
        if row.status == "cancelled":
            return message("这个申请已经撤销了", "不用再撤销。如还需要上门或代办，请重新申请。", back=back, heading="我的申请")
        if row.status not in sr.OPEN:
            return message("这个申请已经不能撤销", f"它现在是“{sr.STATUS_NAMES.get(row.status, row.status)}”。",
                           status=409, kind="error", back=back, heading="我的申请")
        if not confirmed:
            return personal(request_html(row, request, token, confirm=True))
        row.status, row.updated_at, row.updated_by = "cancelled", data.utcnow(), "resident"
        ses.flush()
        sr._publish(ses, row)  # noqa: SLF001 - the same feed item a kiosk cancel publishes
    return message("申请已撤销", f"申请 {reference} 已撤销。", back=back, heading="我的申请")
