"""The stations on the phone: the list (``/stations``, where every "not found" page leads back to)
and one station (``/stations/{id}``: hours, address, services, phone)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from central.phone import data
from central.phone.layout import e, not_found, page, public, rows, tel

router = APIRouter(include_in_schema=False)


@router.get("/stations")
def station_list(request: Request) -> Response:
    with request.app.state.db.session() as ses:
        all_ = data.stations(ses)
    groups: dict[str, list[str]] = {}
    for st in all_:
        groups.setdefault(st.get("district") or "其他", []).append(
            f'<a class="row" href="/stations/{e(st["id"])}"><b>{e(st.get("name", st["id"]))}</b>'
            f'<span>{e(st.get("street", ""))}</span></a>')
    body = '<div class="card"><h1>就业驿站</h1><p class="sub">家门口的就业服务：找工作、办登记、问政策。</p></div>' + "".join(
        f'<div class="card"><h2>{e(d)}</h2>{"".join(links)}</div>' for d, links in groups.items())
    return public(request, page("就业驿站", body, heading="就业驿站"))


@router.get("/stations/{station_id}")
def station_page(station_id: str, request: Request) -> Response:
    with request.app.state.db.session() as ses:
        st = data.station(ses, station_id)
    if st is None:
        return not_found("驿站")
    services = data.service_names(st)
    svc = ("<ul>" + "".join(f"<li>{e(x)}</li>" for x in services) + "</ul>") if services else ""
    body = (f'<div class="card"><h1 id="title">{e(st.get("name", station_id))}</h1>'
            + rows([("开放时间", e(st.get("opening_hours", ""))), ("地址", e(st.get("address", ""))),
                    ("电话", tel(str(st["phone"])) if st.get("phone") else "")])
            + "</div>" + (f'<div class="card" id="services"><h2>可以办理</h2>{svc}</div>' if svc else "")
            + '<div class="card"><a class="btn alt" href="/stations">全部就业驿站</a></div>')
    return public(request, page(str(st.get("name", "就业驿站")), body, heading="就业驿站"))
