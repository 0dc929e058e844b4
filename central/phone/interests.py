"""An interest in a job on the resident's phone (``/interests/{token}``): its status as staff work it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from central.models import INTEREST_STATUSES, Interest
from central.phone.guard import token_hash, valid_token
from central.phone.layout import e, not_found, page, personal, rows
from kiosk.domain.privacy import mask_name, mask_phone

router = APIRouter(include_in_schema=False)


@router.get("/interests/{token}")
def interest_page(token: str, request: Request, new: str = "") -> Response:
    if not valid_token(token):
        return not_found("意向登记")
    with request.app.state.db.session() as ses:
        row = ses.scalar(select(Interest).where(Interest.token_hash == token_hash(token)))
        if row is None:
            return not_found("意向登记")
    who = " · ".join(x for x in (mask_name(row.name), mask_phone(row.phone)) if x)
    fresh = ('<div class="ok" id="done">意向已登记。请收藏本页，随时查看进展；'
             "不要把本页链接发给别人。</div>") if new else ""
    facts = rows([("登记编号", e(row.reference)), ("岗位", e(row.title)), ("单位", e(row.employer)),
                  ("联系人", e(who)), ("登记时间", e(f"{row.created_at:%Y-%m-%d}"))])
    body = (f'<div class="card"><h1>我的意向</h1>{fresh}<p>当前状态：<span class="status" id="status">'
            f'{e(INTEREST_STATUSES.get(row.status, row.status))}</span></p>{facts}'
            f'<a class="btn alt" href="/jobs/{e(row.vacancy_id)}">查看岗位</a></div>')
    return personal(page("我的意向", body, heading="我有意向"))
