"""设备运维: the fleet page for city and district administrators (``/fleet/``).

Behind the staff console's login. A city administrator sees every kiosk, a district administrator
the kiosks of their district's stations, station staff are refused (their station's kiosk is on
their own console). The list filters by problem (offline, device, outbox, old version); each
kiosk has a page with its last three days as charts; the alerts are listed and exported (CSV).
Nothing personal is on these pages: states and figures only.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from html import escape
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from central import fleet, orders, releases
from central import staff_auth as auth
from central.console import current_session, session_key
from central.deps import get_database
from central.fleet_charts import line_chart
from central.scope import stations_in_scope
from central.staff_pages import page
from central.web import NO_STORE, html_page, same_origin

router = APIRouter(include_in_schema=False)
#: under /staff/ because the console's login cookie is scoped to it; /fleet/ leads there
BASE = "/staff/fleet"

FILTERS = {"": "全部", "offline": "离线超过 5 分钟", "device": "设备异常", "outbox": "上传积压",
           "version": "旧版本"}

CSS = """
.fleet{padding:14px 18px}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 14px}
.counts a{display:block;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;padding:8px 14px;
 text-decoration:none;color:#1d2733;font-size:17px;min-height:44px}
.counts a b{display:block;font-size:28px;color:#0b4f8a}
.counts a.bad b{color:#a01515}
.counts a.on{outline:3px solid #0b4f8a}
.fleet td,.fleet th{text-align:left}.fleet td.num{text-align:right}
.scroll{overflow-x:auto}
table.kiosks td,table.kiosks th{font-size:16px;padding:7px 8px;vertical-align:top}
.st{display:inline-block;border-radius:8px;padding:1px 8px;font-size:15px;white-space:nowrap}
.upd{color:#3d4a5c}.upd.bad,b.bad{color:#a01515}
.st.ok{background:#e3f4e8;color:#17672f}.st.bad{background:#fde7e7;color:#a01515}.st.warn{background:#fff3d6;color:#6b5000}
.charts{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:10px;margin:0 0 14px}
.facts div{background:#fff;border-radius:10px;padding:8px 12px;box-shadow:0 1px 3px #0002}
.facts b{display:block;font-size:15px;color:#5a6878;font-weight:600}
#orders pre{white-space:pre-wrap;font-size:13px;max-height:420px;overflow:auto;background:#f4f6f9;padding:8px}
#orders form{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;margin:0 0 8px}
#orders input[name=args]{min-width:320px}
@media (max-width:980px){.charts{grid-template-columns:1fr}}
"""


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "从未"
    if seconds < 90:
        return f"{int(seconds)} 秒前"
    if seconds < 5400:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} 小时前"
    return f"{int(seconds // 86400)} 天前"


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} 小时"
    return f"{seconds / 86400:.1f} 天"


def _when(at: datetime | None) -> str:
    return f"{at:%m-%d %H:%M}" if at else "<b>未恢复</b>"


def _header(title: str) -> str:
    return (f'<header><span class="brand">津彩e就业 · {escape(title)}</span><span class="who">'
            f'<a href="{BASE}/">设备运维</a><a href="{BASE}/alerts">告警</a><a href="/staff/ledger">工作量</a>'
            '<a href="/staff/">返回工作台</a></span></header>')


def _refused(reason: str, status: int) -> Response:
    return html_page(page("设备运维", f'{_header("设备运维")}<div class="narrow"><div class="card" id="refused">'
                                   f'<h2>不能查看</h2><p>{escape(reason)}</p></div></div>'), status)


def _scope(request: Request):  # noqa: ANN202 - (session, stations | None) or a Response
    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    if sess.role not in ("city", "admin", "district"):
        return _refused("设备运维页只对区、市管理员开放；本驿站终端的状态在工作台的“终端”一栏。", 403)
    with get_database(request).session() as s:
        stations = None if sess.role in ("city", "admin") else stations_in_scope(s, sess)
    return sess, stations


def _state(state: str) -> str:
    return fleet.STATE_NAMES.get(state.lower(), state)


def _device_cell(k: fleet.KioskState) -> str:
    if not k.devices:
        return '<span class="st warn">未上报</span>'
    bad = k.devices_not_ok()
    return " ".join(
        f'<span class="st {"bad" if name in bad else "ok"}">{escape(fleet.DEVICE_NAMES.get(name, name))}'
        f'{"：" + escape(_state(str(d.get("state", "")))) if name in bad else ""}</span>'
        for name, d in sorted(k.devices.items()))


UPDATE_STAGES = {"downloading": "下载中", "checking": "校验中", "installing": "安装中", "ready": "已就绪，空闲时切换",
                 "trial": "试运行", "confirmed": "已更新", "rolled_back": "已回退", "failed": "更新失败"}


def _update_note(k: fleet.KioskState) -> str:
    """The kiosk's last or running self-update, unless it is simply the version it runs now."""
    upd = k.beat.get("update") or {}
    if not upd or (upd.get("stage") == "confirmed" and upd.get("version") == k.version):
        return ""
    bad = upd.get("stage") in ("rolled_back", "failed")
    return (f'<br><small class="upd{" bad" if bad else ""}" title="{escape(str(upd.get("detail", "")))}">'
            f'→ {escape(str(upd.get("version", "")))} {escape(UPDATE_STAGES.get(str(upd.get("stage")), "?"))}</small>')


def _releases_card(lines: list) -> str:  # noqa: ANN001 - central.releases.ReleaseLine
    if not lines:
        return ""
    rows = "".join(f'<tr data-version="{escape(x.version)}"><td>{escape(x.version)}</td><td>{x.published_at:%m-%d %H:%M}</td>'
                   f'<td>{escape(x.rollout)}</td><td class="num">{x.running}</td><td class="num">{x.updating}</td>'
                   f'<td class="num">{f"<b class=bad>{x.failed}</b>" if x.failed else 0}</td></tr>' for x in lines)
    return (f'<div class="card scroll"><h3>版本发布</h3><table id="releases"><thead><tr><th>版本</th><th>发布（UTC）</th>'
            f'<th>推送范围</th><th>运行中</th><th>更新中</th><th>回退或失败</th></tr></thead><tbody>{rows}</tbody></table>'
            f'<p class="note">用 python -m central release 发布和推送；更新失败或回退的终端继续运行原版本，原因见终端页。</p></div>')


def _image_card(s) -> str:  # noqa: ANN001 - a Session
    """What a new kiosk starts from: central's vacancy image, or the paged pull without one."""
    from sqlalchemy import select

    from central import feed_images
    from central.models import FeedImage

    row = s.execute(select(FeedImage.rows, FeedImage.size, FeedImage.cursor, FeedImage.built_at,
                           FeedImage.schema_rev).where(FeedImage.feed == "vacancies")).first()
    if row is None:
        text = '<span class="st warn">未发布</span> 新终端首次同步时逐页拉取并建索引（10 万条约 1 分钟）。'
    else:
        stale = feed_images.stale_reason(s, row.cursor)
        size = f'{row.size / 2**20:.1f} MB' if row.size >= 2**20 else f'{max(1, row.size // 1024)} KB'
        facts = (f'{row.rows} 条 · {size} · 生成于 {row.built_at:%m-%d %H:%M}（UTC）'
                 f' · 终端数据库版本 {escape(row.schema_rev)}')
        text = (f'<span class="st bad" title="{escape(stale)}">已过期</span> {facts}。新终端改为逐页同步；'
                '请检查每晚的镜像任务（jincai-central-vacancy-image.timer）。' if stale else
                f'<span class="st ok">可用</span> {facts}。新终端首次同步时直接安装，再拉取之后的变化。')
    return (f'<div class="card"><h3>职位镜像</h3><p id="vacancy-image">{text}</p>'
            '<p class="note">用 python -m central vacancy-image show 查看；每晚 04:15 自动生成并发布。</p></div>')


def _row(k: fleet.KioskState, now: datetime, newest: str) -> str:
    found = fleet.problems(k, now)
    b = k.beat
    status = ('<span class="st ok">正常</span>' if not found else " ".join(
        f'<span class="st bad" title="{escape(d)}">{escape(fleet.KIND_NAMES[kind])}</span>' for kind, d in found.items()))
    version = (escape(k.version or "—") + (' <span class="st warn">旧</span>' if k.version and k.version != newest else "")
               + _update_note(k))
    oldest = float(b.get("outbox_oldest_age_s") or 0)
    return (f'<tr data-kiosk="{escape(k.id)}"><td><a href="{BASE}/kiosks/{quote(k.id)}">{escape(k.id)}</a><br>'
            f'<small>{escape(k.station_name or k.station_id)} · {escape(k.district or "—")}</small></td>'
            f'<td>{status}</td><td>{_ago(k.seconds_silent(now))}</td><td>{version}</td>'
            f'<td>{_duration(float(b.get("uptime_s") or 0)) if b else "—"}</td><td>{_device_cell(k)}</td>'
            f'<td class="num">{int(b.get("outbox_pending") or 0)}'
            f'{f"<br><small>最早 {_duration(oldest)}</small>" if oldest else ""}</td>'
            f'<td class="num">{float(b.get("clock_offset_s") or 0):+.1f} 秒</td>'
            f'<td class="num">{float(b.get("disk_free_mb") or 0) / 1024:.1f} GB<br>'
            f'<small>内存 {float(b.get("rss_mb") or 0):.0f} MB</small></td></tr>')


def matches(k: fleet.KioskState, what: str, now: datetime, newest: str) -> bool:
    found = fleet.problems(k, now)
    return {"": True, "offline": "offline" in found, "device": "device" in found or "crash_loop" in found,
            "outbox": "outbox" in found, "version": bool(k.version) and k.version != newest}.get(what, True)


@router.get("/fleet/")
@router.get("/fleet")
def fleet_short() -> Response:
    return RedirectResponse(f"{BASE}/", status_code=307)


@router.get(f"{BASE}/")
def fleet_page(request: Request, problem: str = "") -> Response:
    scoped = _scope(request)
    if isinstance(scoped, Response):
        return scoped
    _sess, stations = scoped
    if problem not in FILTERS:
        return html_page(page("设备运维", f'{_header("设备运维")}<div class="narrow"><div class="card"><h2>筛选条件不对</h2>'
                                       f'<p>可选：{"、".join(k or "（全部）" for k in FILTERS)}。'
                                       f'</p><p><a href="{BASE}/">查看全部终端</a></p></div></div>'), 400)
    now = fleet.utcnow()
    with get_database(request).session() as s:
        fleet.check(s, now)  # the page is never staler than the heartbeats
        rows = fleet.states(s, stations)
        release_lines = releases.summary(s, [k.beat for k in rows])
        image_card = _image_card(s)
    newest = fleet.newest_version(rows)
    counts = {what: sum(1 for k in rows if matches(k, what, now, newest)) for what in FILTERS}
    links = "".join(f'<a id="f-{what or "all"}" class="{"bad " if what and counts[what] else ""}'
                    f'{"on" if what == problem else ""}" href="{BASE}/{"?problem=" + what if what else ""}">'
                    f'<b>{counts[what]}</b>{escape(label)}</a>' for what, label in FILTERS.items())
    shown = [k for k in rows if matches(k, problem, now, newest)]
    table = ("".join(_row(k, now, newest) for k in shown) if shown
             else '<tr><td colspan="9" id="none">没有符合条件的终端。</td></tr>')
    body = f"""{_header("设备运维")}<div class="fleet">
<h2 id="title">终端 {len(rows)} 台{" · " + escape(FILTERS[problem]) if problem else ""}</h2>
<p class="note">最新版本：{escape(newest or "—")}。心跳每分钟一次；5 分钟没有心跳算离线。</p>
<div class="counts" id="counts">{links}</div>
<div class="card scroll"><table class="kiosks" id="kiosks"><thead><tr><th>终端 / 驿站</th><th>状态</th><th>上次心跳</th>
<th>版本</th><th>已运行</th><th>设备</th><th>待上传</th><th>时钟偏差</th><th>磁盘 / 内存</th></tr></thead>
<tbody>{table}</tbody></table></div>{_releases_card(release_lines)}{image_card}</div>"""
    return html_page(page("设备运维", body, head=f"<style>{CSS}</style>"))


@router.get(f"{BASE}/kiosks/{{kiosk_id}}")
def kiosk_page(request: Request, kiosk_id: str, days: int = 3, message: str = "", error: str = "") -> Response:
    scoped = _scope(request)
    if isinstance(scoped, Response):
        return scoped
    sess, stations = scoped
    if not 1 <= days <= fleet.HISTORY_DAYS:
        return _refused(f"天数应在 1 到 {fleet.HISTORY_DAYS} 之间（收到 {days}）。", 400)
    now = fleet.utcnow()
    with get_database(request).session() as s:
        found = [k for k in fleet.states(s, stations) if k.id == kiosk_id]
        if not found:
            return _refused("没有这台终端，或它不在您管理的范围内。", 404)
        k = found[0]
        samples = fleet.history(s, kiosk_id, days, now)
        recent = [a for a in fleet.alerts(s, stations, days=days, now=now) if a.kiosk_id == kiosk_id]
        given = orders.recent(s, kiosk_id)
        order_rows = "".join(_order_row(o) for o in given) or '<tr><td colspan="5">还没有下过指令。</td></tr>'
        logs = next((o for o in given if o.kind == "upload_logs" and o.done_at and o.output), None)
    points = [(x.at, x) for x in samples]
    charts = "".join(
        f'<div class="card"><h3>{escape(title)}</h3>'
        f'{line_chart([(t, getter(x)) for t, x in points], title, unit, f"chart-{cid}", now, days)}</div>'
        for cid, title, unit, getter in (
            ("outbox", "待上传记录", "条", lambda x: x.outbox_pending),
            ("uptime", "已运行（小时）", "小时", lambda x: x.uptime_s / 3600),
            ("memory", "内存（MB）", "MB", lambda x: x.rss_mb),
            ("disk", "磁盘剩余（GB）", "GB", lambda x: x.disk_free_mb / 1024)))
    problems = fleet.problems(k, now)
    facts = "".join(f"<div><b>{escape(label)}</b>{value}</div>" for label, value in (
        ("驿站", escape(f"{k.station_name or k.station_id}（{k.district or '—'}）")),
        ("状态", "正常" if not problems else escape("；".join(f"{fleet.KIND_NAMES[p]}：{d}" for p, d in problems.items()))),
        ("上次心跳", _ago(k.seconds_silent(now))), ("版本", escape(k.version or "—") + _update_note(k)),
        *([("更新情况", escape(str((k.beat.get("update") or {}).get("detail", "")) or "—"))]
          if k.beat.get("update") else []),
        ("设备", _device_cell(k)), ("心跳样本", f"{len(samples)} 个（每 {fleet.SAMPLE_EVERY_S // 60} 分钟一个）")))
    alert_rows = "".join(
        f'<tr><td>{escape(fleet.KIND_NAMES.get(a.kind, a.kind))}</td><td>{escape(a.detail)}</td>'
        f'<td>{a.started_at:%m-%d %H:%M}</td><td>{f"{a.ended_at:%m-%d %H:%M}" if a.ended_at else "未恢复"}</td></tr>'
        for a in recent) or '<tr><td colspan="4">这几天没有告警。</td></tr>'
    body = f"""{_header("设备运维")}<div class="fleet">
<h2 id="title">终端 {escape(k.id)} · 最近 {days} 天</h2>
<div class="facts" id="facts">{facts}</div>
<div class="charts" id="charts">{charts}</div>
{_orders_card(k.id, order_rows, logs, auth.csrf_token(session_key(request), sess), message, error)}
<div class="card"><h3>告警</h3><table id="kiosk-alerts"><thead><tr><th>类型</th><th>情况</th><th>开始（UTC）</th>
<th>恢复（UTC）</th></tr></thead><tbody>{alert_rows}</tbody></table></div></div>"""
    return html_page(page(f"终端 {k.id}", body, head=f"<style>{CSS}</style>"))


def _order_row(o) -> str:  # noqa: ANN001 - a KioskOrder
    state = ("等待终端联系" if o.delivered_at is None else "已送达，等待结果") if o.done_at is None else (
        "完成" if o.ok else "被终端拒绝")
    args = "，".join(f"{k}={v}" for k, v in o.args.items())
    return (f'<tr data-order="{escape(o.id)}"><td>{o.issued_at:%m-%d %H:%M}</td>'
            f'<td>{escape(orders.KIND_NAMES.get(o.kind, o.kind))}{"（" + escape(args) + "）" if args else ""}</td>'
            f'<td>{escape(o.issued_by)}</td><td class="state">{state}</td><td>{escape(o.detail)}</td></tr>')


def _orders_card(kiosk_id: str, rows: str, logs, csrf: str, message: str, error: str) -> str:  # noqa: ANN001
    kinds = "".join(f'<option value="{k}">{escape(n)}</option>' for k, n in orders.KIND_NAMES.items())
    note = (f'<div class="msg ok" id="msg" role="status">{escape(message)}</div>' if message else
            f'<div class="msg err" id="msg" role="alert">{escape(error)}</div>' if error else "")
    shown = ""
    if logs is not None:
        shown = (f'<details id="logs"><summary>{logs.done_at:%m-%d %H:%M} 上传的日志（{len(logs.output)} 行，'
                 f'个人信息已遮盖）</summary><pre>{escape(chr(10).join(logs.output))}</pre></details>')
    return f"""<div class="card" id="orders"><h3>远程指令</h3>{note}
<form method="post" action="{BASE}/kiosks/{quote(kiosk_id)}/orders" class="filters">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<label>指令<select name="kind" id="kind">{kinds}</select></label>
<label>参数<input name="args" id="args" placeholder="如 feed=vacancies、lines=300、idle.timeout_s=90、version=1.2.0"></label>
<button type="submit" id="give">下达</button></form>
<p class="note">指令随终端下一次心跳（约 1 分钟内）送达；终端逐条执行并回报，每条只执行一次。修改配置在终端下次启动时生效。</p>
<table id="order-list"><thead><tr><th>时间（UTC）</th><th>指令</th><th>下达人</th><th>状态</th><th>结果</th></tr></thead>
<tbody>{rows}</tbody></table>{shown}</div>"""


@router.post(f"{BASE}/kiosks/{{kiosk_id}}/orders")
async def give_order(request: Request, kiosk_id: str) -> Response:
    scoped = _scope(request)
    if isinstance(scoped, Response):
        return scoped
    sess, stations = scoped
    form = parse_qs((await request.body()).decode("utf-8", "replace")[:4000])
    if not same_origin(request) or not auth.csrf_ok(session_key(request), sess, (form.get("csrf") or [""])[0]):
        return _refused("请求来源不对，请刷新页面后再试。", 403)
    kind = (form.get("kind") or [""])[0]
    text = (form.get("args") or [""])[0]
    args = {}
    for part in text.replace("，", ",").replace("、", ",").replace("\n", ",").split(","):
        if part.strip():
            key, sep, value = part.partition("=")
            if not sep:
                return RedirectResponse(f"{BASE}/kiosks/{quote(kiosk_id)}?error=" + quote(f"参数应写成 名字=值：{part.strip()}"),
                                        status_code=303)
            args[key.strip()] = value.strip()
    with get_database(request).session() as s:
        if not [k for k in fleet.states(s, stations) if k.id == kiosk_id]:
            return _refused("没有这台终端，或它不在您管理的范围内。", 404)
        try:
            o = orders.give(s, kiosk_id, kind, args, by=sess.name, by_id=sess.user_id, role=sess.role)
        except orders.OrderRefused as e:
            s.rollback()
            return RedirectResponse(f"{BASE}/kiosks/{quote(kiosk_id)}?error=" + quote(str(e)), status_code=303)
        done = f"已下达：{orders.KIND_NAMES[o.kind]}"
    return RedirectResponse(f"{BASE}/kiosks/{quote(kiosk_id)}?message=" + quote(done), status_code=303)


@router.get(f"{BASE}/alerts")
def alerts_page(request: Request) -> Response:
    scoped = _scope(request)
    if isinstance(scoped, Response):
        return scoped
    _sess, stations = scoped
    with get_database(request).session() as s:
        fleet.check(s)
        rows = fleet.alerts(s, stations)
        listed = [fleet.alert_json(a) | {"started": a.started_at, "ended": a.ended_at} for a in rows]
    body_rows = "".join(
        f'<tr class="{"open" if a["ended"] is None else ""}"><td><a href="{BASE}/kiosks/{quote(a["kiosk_id"])}">'
        f'{escape(a["kiosk_id"])}</a><br><small>{escape(a["station_id"])}</small></td>'
        f'<td>{escape(a["kind_name"])}</td><td>{escape(a["detail"])}</td><td>{a["started"]:%m-%d %H:%M}</td>'
        f'<td>{_when(a["ended"])}</td></tr>' for a in listed
    ) or '<tr><td colspan="5" id="none">最近 7 天没有告警。</td></tr>'
    open_n = sum(1 for a in listed if a["ended"] is None)
    body = f"""{_header("告警")}<div class="fleet">
<h2 id="title">告警 · 未恢复 {open_n} 条</h2>
<p class="note">最近 7 天的告警（时间为 UTC）。新告警会推送到配置的接收地址（{escape(fleet.WEBHOOK_ENV)}）。</p>
<div class="exports"><a class="button csv" id="csv" href="{BASE}/alerts.csv" download>下载 CSV</a></div>
<div class="card"><table id="alerts"><thead><tr><th>终端</th><th>类型</th><th>情况</th><th>开始</th><th>恢复</th>
</tr></thead><tbody>{body_rows}</tbody></table></div></div>"""
    return html_page(page("告警 · 设备运维", body, head=f"<style>{CSS}</style>"))


@router.get(f"{BASE}/alerts.csv")
def alerts_csv(request: Request) -> Response:
    scoped = _scope(request)
    if isinstance(scoped, Response):
        return scoped
    _sess, stations = scoped
    with get_database(request).session() as s:
        rows = [fleet.alert_json(a) for a in fleet.alerts(s, stations)]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["终端", "驿站", "类型", "情况", "开始（UTC）", "恢复（UTC）"])
    for a in rows:
        w.writerow([a["kiosk_id"], a["station_id"], a["kind_name"], a["detail"], a["started_at"], a["ended_at"] or ""])
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": 'attachment; filename="jincai-fleet-alerts.csv"'})
