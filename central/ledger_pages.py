"""工作量与绩效 in the staff console: ``/staff/ledger`` (the monthly report, its charts and table)
and its exports ``/staff/ledger.csv`` and ``/staff/ledger.xlsx``.

Read-only pages behind the console's login; which stations an account sees is decided by
``central.ledger_scope.visible_stations`` alone. Nothing personal is on them: figures only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from central import ledger_charts as charts
from central import ledger_export
from central import ledger_report as report
from central import ledger_scope as scope
from central.console import current_session
from central.deps import get_database
from central.ledger import CHANNELS, IDENTITIES
from central.staff_pages import page
from central.tickets import local_day, utcnow
from central.web import NO_STORE, html_page

log = logging.getLogger("central.ledger")

router = APIRouter(prefix="/staff", include_in_schema=False)

CSS = """
.ledger{padding:14px 18px;display:block}
.kpis{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:12px;margin:4px 0 16px}
.kpi{background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;padding:10px 14px}
.kpi .k{font-size:16px;color:#5a6878}
.kpi .v{font-size:32px;font-weight:800;color:#0b4f8a;line-height:1.2;white-space:nowrap}
.kpi .v small{font-size:18px;font-weight:600}
.kpi .d{font-size:15px;color:#5a6878;min-height:21px}
.up{color:#17672f}.down{color:#a01515}
.charts{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;margin-bottom:16px}
.charts .wide{grid-column:1/-1}
.charts .wide svg{display:block;max-width:1000px;margin:0 auto}
.ledger h3{margin:0 0 8px;font-size:19px}
.ledger small.sid{color:#5a6878;font-size:14px;white-space:nowrap}
.ledger details summary{font-size:18px}
.charts h3,.mix h3{margin:0 0 6px;font-size:19px}
.mix{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;margin-bottom:16px}
.mix table td,.mix table th{font-size:16px}
.exports{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 14px}
.button.xlsx{background:#1d6f42}
.empty{background:#fff7e0;color:#6b5000;border-radius:10px;padding:10px 14px;margin:0 0 14px;font-size:18px}
h2.sel{font-size:24px;margin:4px 0 12px}
@media (max-width:980px){.kpis{grid-template-columns:repeat(6,minmax(0,1fr))}.kpi{grid-column:span 2}
 .kpi:nth-child(n+4){grid-column:span 3}.charts,.mix{grid-template-columns:1fr}
 .ledger table td,.ledger table th{padding:6px 6px;font-size:15px}.ledger td.t{white-space:normal;min-width:8em}}
"""


def _fmt(v, suffix: str = "") -> str:  # noqa: ANN001
    return "—" if v is None else f"{v}{suffix}"


def _change(now: int, before: int) -> str:
    pct = report.change_pct(now, before)
    if pct is None:
        return f"上月 {before}"
    cls = "up" if pct > 0 else "down" if pct < 0 else ""
    return f'上月 {before}，<span class="{cls}">环比 {pct:+.1f}%</span>'


def _kpis(r: report.Row) -> str:
    f, b = r.now, r.before
    cards = [
        ("服务人次", f"{f.services}", _change(f.services, b.services)),
        ("登记人数", f"{f.registrations}", f"上月 {b.registrations}"),
        ("推荐 / 录用", f"{f.referred}<small> / {f.hired}</small>", f"上月 {b.referred} / {b.hired}"),
        ("平均等候", f"{_fmt(f.wait_avg)}<small> 分钟</small>", f"{f.waited} 个号 · 上月 {_fmt(b.wait_avg)}"),
        ("满意度", f"{_fmt(f.rating_avg)}<small> 分</small>",
         f"{f.rated} 条评价 · 满意率 {_fmt(f.satisfied_pct, '%')}"),
    ]
    return '<div class="kpis" id="kpis">' + "".join(
        f'<div class="kpi" data-k="{escape(k)}"><div class="k">{escape(k)}</div><div class="v">{v}</div>'
        f'<div class="d">{d}</div></div>' for k, v, d in cards) + "</div>"


def _mix_table(title: str, counts, names: dict[str, str], table_id: str) -> str:  # noqa: ANN001
    total = sum(counts.values())
    rows = "".join(f"<tr><td class=t>{escape(name)}</td><td>{counts.get(code, 0)}</td>"
                   f"<td>{(100 * counts.get(code, 0) / total if total else 0):.0f}%</td></tr>"
                   for code, name in names.items())
    return (f'<div class="card"><h3>{escape(title)}</h3><table id="{table_id}"><thead><tr><th>类别</th><th>人次</th>'
            f'<th>占比</th></tr></thead><tbody>{rows}</tbody></table></div>')


def _table(rows: list[report.Row], table_id: str, first: str) -> str:
    head = (f"<tr><th>{escape(first)}</th><th>服务人次</th><th>上月</th><th>环比</th><th>登记人数</th><th>推荐</th>"
            "<th>录用</th><th>平均等候<br>(分钟)</th><th>满意度<br>(平均分)</th><th>评价数</th><th>满意率</th></tr>")
    body = []
    for r in rows:
        f = r.now
        cls = ' class="total"' if r.kind != "station" else ""
        name = (escape(f"{r.name}") + f'<br><small class="sid">{escape(r.id)}</small>' if r.kind == "station"
                else escape(r.district if r.kind == "district" else r.name))
        body.append(f'<tr{cls} data-id="{escape(r.id)}"><td class=t>{name}</td><td>{f.services}</td>'
                    f"<td>{r.before.services}</td><td>{_fmt(r.change, '%')}</td><td>{f.registrations}</td>"
                    f"<td>{f.referred}</td><td>{f.hired}</td><td>{_fmt(f.wait_avg)}</td><td>{_fmt(f.rating_avg)}</td>"
                    f"<td>{f.rated}</td><td>{_fmt(f.satisfied_pct, '%')}</td></tr>")
    return f'<div class="tablewrap"><table id="{table_id}"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>'


def _scope_value(sel: scope.Selection) -> str:
    return {"station": f"s:{sel.key}", "district": f"d:{sel.key}" if sel.key else "", "city": "city"}[sel.level]


def ledger_page(rep: report.Report, sel: scope.Selection, options: tuple, month: str, query: str) -> str:
    stations, districts, city = options
    value = _scope_value(sel)
    opts = []
    if city:
        opts.append(f'<option value="city"{" selected" if value == "city" else ""}>全市</option>')
    if districts:
        opts.append('<optgroup label="区">' + "".join(
            f'<option value="d:{escape(d)}"{" selected" if value == f"d:{d}" else ""}>{escape(d)}</option>'
            for d in districts) + "</optgroup>")
    opts.append('<optgroup label="驿站">' + "".join(
        f'<option value="s:{escape(st.id)}"{" selected" if value == f"s:{st.id}" else ""}>{escape(st.name)}</option>'
        for st in stations) + "</optgroup>")
    t = rep.total
    empty = ('<p class="empty" id="empty">这个月还没有服务记录、叫号或评价，下面是空报表；导出的文件也是空报表。</p>'
             if rep.empty else "")
    if sel.level == "city":
        tables = (f'<h3>各区汇总</h3>{_table(rep.districts + [t], "by-district", "区")}'
                  f'<details><summary>各驿站明细（{len(rep.stations)} 个）</summary>'
                  f'{_table(rep.stations, "by-station", "驿站")}</details>')
    elif sel.level == "district":
        tables = f'<h3>各驿站</h3>{_table(rep.stations + [t], "by-station", "驿站")}'
    else:
        tables = _table(rep.stations, "by-station", "驿站")
    body = f"""<header><span class="brand">津彩e就业 · 工作量与绩效</span>
<span class="who"><a href="/staff/stats">叫号统计</a><a href="/staff/">返回工作台</a></span></header>
<div class="ledger">
<form class="filters" method="get" action="/staff/ledger">
<label>月份<input type="month" name="month" value="{escape(month)}" required></label>
<label>范围<select name="scope" id="scope">{"".join(opts)}</select></label>
<button type="submit">查看</button></form>
<h2 class="sel" id="title">{escape(rep.title)} · {rep.month.year}年{rep.month.month}月</h2>
<div class="exports"><a class="button csv" id="csv" href="/staff/ledger.csv?{escape(query)}" download>下载 CSV</a>
<a class="button xlsx" id="xlsx" href="/staff/ledger.xlsx?{escape(query)}" download>下载 Excel（XLSX）</a></div>
{empty}{_kpis(t)}
<div class="charts">
<div class="card wide"><h3>每日服务人次</h3>{charts.daily_volume(t.now.by_day, rep.month)}</div>
<div class="card"><h3>业务构成</h3>{charts.services_mix(t.now.by_service, rep.service_names)}</div>
<div class="card"><h3>满意度（{t.now.rated} 条评价）</h3>{charts.satisfaction(t.now.ratings)}</div>
</div>
<div class="mix">{_mix_table("服务渠道", t.now.by_channel, CHANNELS, "by-channel")}
{_mix_table("身份核验方式", t.now.by_identity, IDENTITIES, "by-identity")}</div>
<div class="card">{tables}</div>
<p class="note">服务人次：同一居民同一天同一项业务只计一次（没有身份的服务每条计一次）；只计已办结的服务，未接通的视频咨询不计。
登记人数：本月在驿站登记的人数，同一人多次登记计一人。推荐/录用：本月的岗位推荐（意向改为已推荐，或工作人员为登记的居民推荐岗位，之后结果如何都算），和本月记为录用的推荐（推荐成功）。
平均等候：从取号到第一次叫号。满意度：本月评价的平均分（5 分制），满意率为 4、5 分的占比。日期按北京时间。</p>
</div>"""
    return page(f"工作量与绩效 · {rep.title}", body, head=f"<style>{CSS}</style>")


def _month_param(request: Request) -> tuple[date | None, str]:
    text = request.query_params.get("month", "")[:10]
    if not text:
        today = local_day(utcnow())
        return date(today.year, today.month, 1), f"{today:%Y-%m}"
    return report.parse_month(text), text


def _selection(request: Request, sess, known) -> scope.Selection:  # noqa: ANN001
    raw = request.query_params.get("scope", "")[:80]
    if raw.startswith("s:"):
        return scope.choose(sess, known, station=raw[2:])
    if raw.startswith("d:"):
        return scope.choose(sess, known, district=raw[2:])
    if raw == "city":
        return scope.choose(sess, known) if scope.visible_stations(sess, known) is None else _refuse()
    return scope.choose(sess, known, station=request.query_params.get("station", "")[:40],
                        district=request.query_params.get("district", "")[:40])


def _refuse() -> scope.Selection:
    raise scope.NotAllowed("您的账号不能查看全市")


def _handle(request: Request, render: Callable[[report.Report, scope.Selection, tuple, str, str], Response]) -> Response:
    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    month, text = _month_param(request)
    if month is None:
        return html_page(page("工作量与绩效", f'<div class="narrow"><div class="card"><h2>月份不对</h2>'
                                          f'<p>请用“年-月”的格式，例如 2026-11（收到的是 {escape(text)}）。</p>'
                                          '<p><a href="/staff/ledger">返回本月报表</a></p></div></div>'), 400)
    with get_database(request).session() as s:
        known = report.directory(s)
        try:
            sel = _selection(request, sess, known)
        except scope.NotAllowed as e:
            log.info("ledger view refused for staff %s at station %s", sess.user_id, sess.station_id)
            return html_page(page("工作量与绩效", f'<div class="narrow"><div class="card"><h2>不能查看</h2>'
                                              f'<p>{escape(str(e))}</p><p><a href="/staff/ledger">返回</a></p>'
                                              '</div></div>'), 403)
        rep = report.build(s, month, sel.stations, sel.title)
        options = scope.choices(sess, known)
    query = urlencode({"month": f"{month:%Y-%m}", "scope": _scope_value(sel) or "city"}) \
        if sel.level != "district" or sel.key else urlencode({"month": f"{month:%Y-%m}"})
    return render(rep, sel, options, f"{month:%Y-%m}", query)


def _file_name(rep: report.Report, sel: scope.Selection, ext: str) -> str:
    key = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in (sel.key or sel.level))
    return f"jincai-ledger-{sel.level}-{key}-{rep.month:%Y%m}.{ext}"


def _download(data: bytes, media: str, name: str) -> Response:
    return Response(data, media_type=media, headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/ledger")
def ledger(request: Request) -> Response:
    return _handle(request, lambda rep, sel, opts, month, q: html_page(ledger_page(rep, sel, opts, month, q)))


@router.get("/ledger.csv")
def ledger_csv(request: Request) -> Response:
    return _handle(request, lambda rep, sel, _o, _m, _q: _download(
        ledger_export.to_csv(rep), "text/csv; charset=utf-8", _file_name(rep, sel, "csv")))


@router.get("/ledger.xlsx")
def ledger_xlsx(request: Request) -> Response:
    return _handle(request, lambda rep, sel, _o, _m, _q: _download(
        ledger_export.to_xlsx(rep), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _file_name(rep, sel, "xlsx")))
