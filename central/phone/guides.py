"""The whole 办事指南 of one catalogue service on the phone (``/services/{id}``)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from central.phone import data
from central.phone.layout import e, not_found, page, public, rows

router = APIRouter(include_in_schema=False)


def _lines(text: object) -> list[str]:
    if isinstance(text, list):
        return [str(x).strip() for x in text if str(x).strip()]
    return [re.sub(r"^\d+[.．、]\s*", "", x.strip()) for x in str(text or "").splitlines() if x.strip()]


def guide_html(v: dict) -> str:
    materials = _lines(v.get("materials"))
    steps = _lines(v.get("how") or v.get("steps"))
    mat = ("<ul>" + "".join(f"<li>{e(m)}</li>" for m in materials) + "</ul>") if materials else "<p>无需材料</p>"
    how = ("<ol>" + "".join(f"<li>{e(x)}</li>" for x in steps) + "</ol>") if steps else ""
    body = (f'<div class="card"><h1 id="title">{e(v.get("name", ""))}</h1>'
            f'<p class="sub">{e(v.get("category", ""))}</p><p>{e(v.get("summary", ""))}</p>'
            f'{rows([("服务对象", e(v.get("audience", ""))), ("办理地点", e(v.get("place", "")))])}</div>'
            f'<div class="card" id="materials"><h2>办理材料</h2>{mat}</div>'
            + (f'<div class="card" id="steps"><h2>办理流程</h2>{how}</div>' if how else "")
            + f'<div class="card">{rows([("办理时限", e(v.get("time_limit", ""))), ("收费", e(v.get("fee") or "免费")), ("依据", e(v.get("basis", "")))])}'
            '<a class="btn alt" href="/stations">找就近的就业驿站办理</a></div>')
    return page(f"{v.get('name', '')} 办事指南", body, heading="办事指南")


@router.get("/services/{service_id}")
def guide_page(service_id: str, request: Request) -> Response:
    with request.app.state.db.session() as ses:
        row = data.item(ses, "services", service_id)
        if row is None or row.deleted:
            return not_found("办事指南")
        v = dict(row.data)
    return public(request, guide_html(v))
