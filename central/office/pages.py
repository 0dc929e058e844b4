"""The back office's pages: server-rendered HTML with ``html.escape``d values only, forms that post
with the session's CSRF token, and one small script that reveals a full phone or ID number on
request (each reveal is an audit row on the server). Nothing loads from outside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from central.staff_pages import page
from kiosk.domain.privacy import mask_id_number, mask_name, mask_phone

TZ = ZoneInfo("Asia/Shanghai")

CSS = """
nav.office{display:flex;flex-wrap:wrap;gap:6px;background:#0a426f;padding:6px 18px}
nav.office a{color:#fff;text-decoration:none;font-size:18px;padding:8px 14px;border-radius:8px;min-height:44px;
 display:inline-flex;align-items:center}
nav.office a[aria-current=page]{background:#fff;color:#0a426f;font-weight:700}
main.office-main{display:block;padding:14px 18px}
.office-main h1{font-size:24px;margin:4px 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px}
@media (max-width:900px){.cards{grid-template-columns:1fr}}
.item h3{margin:0 0 8px;font-size:21px;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.item h3 .ref{margin-left:auto;font-weight:400;font-size:17px;color:#44505e}
.item dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 14px;margin:0 0 8px;font-size:18px}
.item dt{color:#5a6878}.item dd{margin:0;overflow-wrap:anywhere}
.item.closed{opacity:.75}
.item.overdue{border:3px solid #c0392b;background:#fff6f5}
.item form{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin-top:8px;padding-top:8px;border-top:1px solid #e3e8ef}
.item form label{display:flex;flex-direction:column;font-size:16px;gap:2px}
.item form .checks{flex:1 1 100%;display:flex;flex-wrap:wrap;gap:4px 14px}
.item form .checks label{flex:0 0 auto;flex-direction:row;align-items:center;gap:6px;font-size:17px;min-height:40px}
.item form .checks input{width:22px;height:22px}
.item input[type=text],.item textarea{font-size:18px;padding:6px 8px;border:1px solid #b8c4d2;border-radius:8px;
 min-height:44px;font-family:inherit;width:100%}
.item textarea{min-height:64px;resize:vertical}
.item button,.reveal{font-size:18px;padding:8px 16px;border-radius:10px;border:none;color:#fff;cursor:pointer;
 min-height:48px;font-family:inherit;background:#0b4f8a}
.item .reveal{background:#fff;color:#0b5cad;border:1px solid #0b5cad;padding:2px 12px;min-height:36px;font-size:16px;
 margin-left:10px;vertical-align:middle}
.item .to-failed{background:#b03a2e}.item .to-hired{background:#1b8a3a}
.badge.s-new,.badge.f-pending,.badge.r-open{background:#fff1b8;color:#7a5a00}
.badge.s-contacted,.badge.s-referred,.badge.s-interview{background:#dbe9fb;color:#0b4f8a}
.badge.s-hired,.badge.f-done,.badge.r-answered{background:#d3f3dc;color:#17672f}
.badge.s-failed{background:#e3e8ef;color:#5a6878}
.badge.bad{background:#fde8e8;color:#a01515}.badge.late{background:#c0392b;color:#fff}
.badge.grp{background:#ece3fb;color:#5b3a98;font-weight:500}
.stars{color:#d98a00;letter-spacing:2px;font-size:20px}
.summary{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px}
.summary div{background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;padding:8px 14px;text-align:center;min-width:110px}
.summary b{display:block;font-size:26px;color:#0b4f8a}.summary span{font-size:15px;color:#5a6878}
.summary .warn b{color:#c0392b}
td.l,th.l{text-align:left}
main.office-main th,main.office-main td.l{white-space:normal}
#rollup td.l{min-width:9em}
.item form label{flex:1 1 100%}
tr.off td{color:#8592a3}
.acct form{display:inline}
.acct button{font-size:16px;padding:6px 12px;border-radius:8px;border:1px solid #0b5cad;background:#fff;color:#0b5cad;
 min-height:40px;cursor:pointer;font-family:inherit}
.acct button.off{border-color:#b03a2e;color:#b03a2e}
.newacct{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:flex-end}
.newacct label{display:flex;flex-direction:column;font-size:17px;gap:4px}
.newacct input,.newacct select{font-size:19px;padding:8px 10px;border:1px solid #b8c4d2;border-radius:8px;font-family:inherit;
 min-height:46px}
.newacct button{font-size:19px;padding:10px 18px;border-radius:10px;border:none;background:#1b8a3a;color:#fff;min-height:46px;
 cursor:pointer;font-family:inherit}
"""

REVEAL_JS = r"""
(function(){var CSRF=document.querySelector('meta[name=csrf]').content;
document.addEventListener('click',function(ev){var b=ev.target.closest('button.reveal');if(!b)return;
 b.disabled=true;fetch(b.dataset.url,{method:'POST',credentials:'same-origin',headers:{'X-CSRF-Token':CSRF}})
 .then(function(r){return r.json().then(function(j){return [r.ok,j];});}).then(function(x){
  var out=b.previousElementSibling;if(x[0]){out.textContent=x[1].value;b.remove();}else{out.textContent=x[1].message||'不能查看';b.disabled=false;}})
 .catch(function(){b.disabled=false;});});})();
"""

#: the back office's sections: (path, title, who sees it: staff / admin / city)
SECTIONS = (("/staff/interests", "意向", "all"), ("/staff/registrations", "登记与需求", "all"),
            ("/staff/postings", "招聘登记", "all"),
            ("/staff/registrations/rollup", "登记汇总", "admin"), ("/staff/ratings", "好差评", "all"),
            ("/staff/requests", "上门/代办", "all"), ("/staff/stats", "统计", "all"),
            ("/staff/accounts", "账号", "city"), ("/staff/audit", "审计日志", "city"))


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as the pages need it."""

    name: str
    role: str
    station_id: str
    station_name: str
    district: str
    counter: str
    csrf: str

    @property
    def role_text(self) -> str:
        return {"staff": "驿站工作人员", "district": f"{self.district}管理员", "city": "市管理员"}.get(self.role, self.role)


def local(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return f"{dt.replace(tzinfo=UTC).astimezone(TZ):%Y-%m-%d %H:%M}"


def _shell(v: Viewer, current: str, title: str, content: str, *, flash: str = "", error: bool = False) -> str:
    def shown(who: str) -> bool:
        return (who == "all" or (who == "admin" and v.role in ("district", "city")) or (who == "city" and v.role == "city")
                or (who == "station" and bool(v.station_id)))

    links = "".join(f'<a href="{p}"{" aria-current=page" if p == current else ""}>{escape(t)}</a>'
                    for p, t, who in SECTIONS if shown(who))
    console = '<a href="/staff/">窗口工作台</a>' if v.counter else ""
    where = escape(v.station_name) if v.station_id else escape(v.role_text)
    msg = (f'<div class="flash{" err" if error else ""}" id="flash" role="{"alert" if error else "status"}">'
           f'{escape(flash)}</div>') if flash else ""
    body = f"""<header><span class="brand">津彩e就业 · 驿站后台</span><span class="where">{where}</span>
<span class="who"><span>{escape(v.name)} · {escape(v.role_text)}</span>{console}
<form method="post" action="/staff/logout" style="margin:0"><input type="hidden" name="csrf" value="{escape(v.csrf)}">
<button class="link" type="submit">退出</button></form></span></header>
<nav class="office" aria-label="后台">{links}</nav>{msg}
<main class="office-main"><h1>{escape(title)}</h1>{content}</main>
<script>{REVEAL_JS}</script>"""
    return page(f"{title} · 津彩e就业", body, head=f'<meta name="csrf" content="{escape(v.csrf)}"><style>{CSS}</style>')


def _hidden(v: Viewer, version: int, back: str) -> str:
    return (f'<input type="hidden" name="csrf" value="{escape(v.csrf)}">'
            f'<input type="hidden" name="version" value="{version}">'
            f'<input type="hidden" name="back" value="{escape(back)}">')


def _options(values: Sequence[tuple[str, str]], chosen: str) -> str:
    return "".join(f'<option value="{escape(k)}"{" selected" if k == chosen else ""}>{escape(t)}</option>'
                   for k, t in values)


def _station_filter(stations: Sequence[tuple[str, str]], chosen: str) -> str:
    if len(stations) <= 1:
        return ""
    return (f'<label>驿站<select name="station" id="f-station">{_options([("", "全部驿站")] + list(stations), chosen)}'
            f'</select></label>')


def _revealable(masked: str, url: str, can: bool) -> str:
    """A masked value, with a button that fetches the full one (an audit row) for the station's staff."""
    if not masked:
        return "（未留）"
    button = f'<button type="button" class="reveal" data-url="{escape(url)}">显示完整</button>' if can else ""
    return f'<span class="val">{escape(masked)}</span>{button}'


# --- 意向 ---------------------------------------------------------------------------------------

def interests_page(v: Viewer, rows, *, names: dict[str, str], stations: Sequence[tuple[str, str]], station: str,
                   status: str, can_act, back: str, flash: str = "", error: bool = False) -> str:  # noqa: ANN001
    from central.models import INTEREST_STATUSES
    from central.office.interests import NEXT, OPEN

    filt = (f'<form class="filters" method="get" action="/staff/interests">{_station_filter(stations, station)}'
            f'<label>状态<select name="status" id="f-status">'
            f'{_options([("", "全部")] + list(INTEREST_STATUSES.items()), status)}</select></label>'
            '<button type="submit">筛选</button></form>')
    cards = []
    for r in rows:
        act = can_act(r.station_id)
        resident = " ".join(x for x in (mask_name(r.name) if r.name else "", mask_id_number(r.id_number)) if x)
        dl = [("岗位", escape(r.title or r.vacancy_id)), ("单位", escape(r.employer)),
              ("居民", escape(resident or "（未留）")),
              ("电话", _revealable(mask_phone(r.phone) if r.phone else "", f"/staff/reveal/interest/{r.id}/phone", act)),
              ("来源", {"kiosk": "自助终端", "phone": "手机页面", "counter": "工作人员推荐"}.get(r.channel, r.channel)
               + ("（报名零工，同意单位联系）" if r.kind == "signup" else "")),
              ("提交时间", escape(local(r.created_at)))]
        if len(stations) > 1:
            dl.insert(0, ("驿站", escape(names.get(r.station_id, r.station_id))))
        if r.note:
            dl.append(("备注", escape(r.note)))
        if r.updated_by:
            dl.append(("最近处理", f"{escape(r.updated_by)} · {escape(local(r.updated_at))}"))
        forms = ""
        if act and NEXT.get(r.status):
            buttons = "".join(f'<button type="submit" name="to" value="{to}" class="to-{to}">'
                              f'{escape("改为 " + INTEREST_STATUSES[to])}</button>' for to in NEXT[r.status])
            forms = (f'<form method="post" action="/staff/interests/{escape(r.id)}">{_hidden(v, r.version, back)}'
                     '<label>备注（可不填）<input type="text" name="note" maxlength="200"></label>'
                     f'{buttons}</form>')
        if r.status in ("referred", "interview", "hired"):
            forms = (f'<p><a class="slip" id="slip-{escape(r.reference)}" href="/staff/interests/{escape(r.id)}/slip">'
                     "打印推荐单</a></p>") + forms
        body = "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in dl)
        cards.append(f'<div class="card item{"" if r.status in OPEN else " closed"}" id="i-{escape(r.reference)}" '
                     f'data-status="{escape(r.status)}"><h3>{escape(r.title or "岗位")}'
                     f'<span class="badge s-{escape(r.status)}">{escape(INTEREST_STATUSES.get(r.status, r.status))}</span>'
                     f'<span class="ref">登记编号 <b>{escape(r.reference)}</b></span></h3><dl>{body}</dl>{forms}</div>')
    content = filt + (f'<div class="cards" id="list">{"".join(cards)}</div>' if cards
                      else '<p class="none" id="list">没有符合条件的投递意向。</p>')
    content += ('<p class="note">状态会同步到驿站自助机的“我的申请”（只显示岗位和状态）。备注只有工作人员能看到。'
                '查看完整电话会记入审计日志。</p>')
    return _shell(v, "/staff/interests", "投递意向", content, flash=flash, error=error)


# --- 登记与需求 -----------------------------------------------------------------------------------

def registrations_page(v: Viewer, rows, *, names: dict[str, str], stations: Sequence[tuple[str, str]],
                       station: str, group: str, need: str, followup: str, can_act, back: str,  # noqa: ANN001
                       flash: str = "", error: bool = False) -> str:
    from central.models import FOLLOWUP_STATUSES
    from central.office.registrations import GROUPS, NEEDS, OFFERS

    filt = (f'<form class="filters" method="get" action="/staff/registrations">{_station_filter(stations, station)}'
            f'<label>重点人群<select name="group" id="f-group">{_options([("", "全部")] + [(g, g) for g in GROUPS], group)}'
            f'</select></label><label>需求<select name="need" id="f-need">'
            f'{_options([("", "全部")] + [(n, n) for n in NEEDS], need)}</select></label>'
            f'<label>回访<select name="followup" id="f-followup">'
            f'{_options([("", "全部")] + list(FOLLOWUP_STATUSES.items()), followup)}</select></label>'
            '<button type="submit">筛选</button></form>')
    pending = sum(r.followup == "pending" for r in rows)
    summary = (f'<div class="summary"><div><b id="n-total">{len(rows)}</b><span>登记</span></div>'
               f'<div class="warn"><b id="n-pending">{pending}</b><span>待回访</span></div>'
               f'<div><b>{len(rows) - pending}</b><span>已回访</span></div></div>')
    cards = []
    for r in rows:
        act = can_act(r.station_id)
        groups = "".join(f'<span class="badge grp">{escape(g)}</span> ' for g in r.key_groups) or "—"
        dl = [("身份证号", _revealable(mask_id_number(r.id_number), f"/staff/reveal/registration/{r.id}/id_number", act)),
              ("电话", _revealable(mask_phone(r.phone) if r.phone else "", f"/staff/reveal/registration/{r.id}/phone", act)),
              ("就业状态", escape(r.employment_status)), ("重点人群", groups),
              ("需求", escape("、".join(x for x in r.needs_text.split(",") if x) or "—")),
              ("想找的工作", escape("、".join(r.desired_occupations) or "—")),
              ("期望", escape(" · ".join(x for x in (r.desired_district, r.expected_salary) if x) or "—")),
              ("培训意向", escape("、".join(r.training_needs) or "暂不需要")), ("登记时间", escape(local(r.submitted_at)))]
        if len(stations) > 1:
            dl.insert(0, ("驿站", escape(names.get(r.station_id, r.station_id))))
        if r.followup == "done":
            dl.append(("回访", escape(f"{'、'.join(r.offered)}{'；' if r.offered and r.followup_note else ''}"
                                     f"{r.followup_note}（{r.followed_by} · {local(r.followed_at)}）")))
        form = ""
        if act and r.followup == "pending":
            checks = "".join(f'<label><input type="checkbox" name="offered" value="{escape(o)}">{escape(o)}</label>'
                             for o in OFFERS)
            form = (f'<form method="post" action="/staff/registrations/{escape(r.id)}">{_hidden(v, r.version, back)}'
                    f'<div class="checks" role="group" aria-label="提供的服务">{checks}</div>'
                    '<label>回访情况（可不填）<input type="text" name="note" maxlength="200"></label>'
                    '<button type="submit">记为已回访</button></form>')
        if act:
            form += (f'<form method="post" action="/staff/registrations/{escape(r.id)}/refer">{_hidden(v, r.version, back)}'
                     '<label>推荐岗位：岗位编号（岗位详情、打印单或招聘登记上的编号）'
                     f'<input type="text" name="vacancy" maxlength="40" id="refer-{escape(r.id[:8])}"></label>'
                     '<button type="submit">推荐并打印推荐单</button></form>')
        body = "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in dl)
        cards.append(f'<div class="card item{" closed" if r.followup == "done" else ""}" id="r-{escape(r.id[:8])}" '
                     f'data-followup="{r.followup}"><h3>{escape(r.employment_status or "登记")}'
                     f'<span class="badge f-{r.followup}">{escape(FOLLOWUP_STATUSES[r.followup])}</span>'
                     f'<span class="ref">{escape(r.id[:8].upper())}</span></h3><dl>{body}</dl>{form}</div>')
    content = filt + summary + (f'<div class="cards" id="list">{"".join(cards)}</div>' if cards
                                else '<p class="none" id="list">没有符合条件的登记。</p>')
    content += '<p class="note">查看完整身份证号或电话会记入审计日志。</p>'
    return _shell(v, "/staff/registrations", "登记与需求", content, flash=flash, error=error)


def rollup_page(v: Viewer, rows, *, names: dict[str, str], districts: Sequence[str], district: str) -> str:  # noqa: ANN001
    from central.office.registrations import GROUPS

    filt = ""
    if v.role == "city":
        filt = (f'<form class="filters" method="get" action="/staff/registrations/rollup"><label>区'
                f'<select name="district" id="f-district">{_options([("", "全市")] + [(d, d) for d in districts], district)}'
                '</select></label><button type="submit">查看</button></form>')
    head = "".join(f"<th>{escape(g)}</th>" for g in GROUPS)
    body, total = [], {"total": 0, "followed": 0, **{g: 0 for g in GROUPS}}
    for r in rows:
        total["total"] += r.total
        total["followed"] += r.followed
        cells = ""
        for g in GROUPS:
            total[g] += r.groups[g]
            cells += f"<td>{r.groups[g]}</td>"
        body.append(f'<tr data-station="{escape(r.station_id)}"><td class="l">{escape(names.get(r.station_id, r.station_id))}'
                    f'</td><td>{r.total}</td><td>{r.followed}</td><td>{r.total - r.followed}</td>{cells}</tr>')
    foot = (f'<tr class="total"><td class="l">合计</td><td>{total["total"]}</td><td>{total["followed"]}</td>'
            f'<td>{total["total"] - total["followed"]}</td>' + "".join(f"<td>{total[g]}</td>" for g in GROUPS) + "</tr>")
    table = (f'<div class="tablewrap"><table id="rollup"><thead><tr><th class="l">驿站</th><th>登记</th><th>已回访</th>'
             f'<th>待回访</th>{head}</tr></thead><tbody>{"".join(body)}{foot}</tbody></table></div>')
    note = '<p class="note">一人可属于多个重点人群，所以各人群之和可以大于登记数。</p>'
    title = f"登记汇总 · {district or ('全市' if v.role == 'city' else v.district)}"
    return _shell(v, "/staff/registrations/rollup", title, filt + table + note)


# --- 好差评 ---------------------------------------------------------------------------------------

def ratings_page(v: Viewer, rows, *, names: dict[str, str], services: dict[str, str],
                 stations: Sequence[tuple[str, str]], station: str, only_bad: bool, today: date, can_act,  # noqa: ANN001
                 back: str, flash: str = "", error: bool = False) -> str:
    from central.office.ratings import SCORES, overdue

    filt = (f'<form class="filters" method="get" action="/staff/ratings">{_station_filter(stations, station)}'
            f'<label>显示<select name="bad" id="f-bad">{_options([("", "全部评价"), ("1", "只看差评")], "1" if only_bad else "")}'
            '</select></label><button type="submit">筛选</button></form>')
    n = len(rows)
    avg = f"{sum(r.score for r in rows) / n:.1f}" if n else "—"
    open_ = sum(r.followup == "open" for r in rows)
    late = sum(overdue(r, today) for r in rows)
    summary = (f'<div class="summary"><div><b>{n}</b><span>评价</span></div><div><b>{avg}</b><span>平均分</span></div>'
               f'<div><b>{sum(r.bad for r in rows)}</b><span>差评</span></div>'
               f'<div class="warn"><b id="n-open">{open_}</b><span>待回访</span></div>'
               f'<div class="warn"><b id="n-late">{late}</b><span>已超期</span></div></div>')
    cards = []
    for r in rows:
        late_ = overdue(r, today)
        svc = services.get(r.service, r.service) or "（未注明业务）"
        badges = '<span class="badge bad">差评</span>' if r.bad else ""
        if r.followup == "open":
            badges += ('<span class="badge late">已超期</span>' if late_ else '<span class="badge r-open">待回访</span>')
        elif r.followup == "answered":
            badges += '<span class="badge r-answered">已回访</span>'
        dl = [("评分", f'<span class="stars" aria-label="{r.score} 分">{"★" * r.score}{"☆" * (5 - r.score)}</span> '
                      f'{escape(SCORES.get(r.score, ""))}'), ("时间", escape(local(r.given_at)))]
        if len(stations) > 1:
            dl.insert(0, ("驿站", escape(names.get(r.station_id, r.station_id))))
        if r.bad and r.due_on:
            dl.append(("回访期限", escape(f"{r.due_on:%Y-%m-%d}（5 个工作日）")))
        if r.followup == "answered":
            dl += [("回访", escape(r.callback_note)), ("整改", escape(r.fix_note)),
                   ("处理", escape(f"{r.answered_by} · {local(r.answered_at)}"))]
        form = ""
        if r.followup == "open" and can_act(r.station_id):
            form = (f'<form method="post" action="/staff/ratings/{escape(r.id)}">{_hidden(v, r.version, back)}'
                    '<label>回访情况<textarea name="callback" maxlength="200" required></textarea></label>'
                    '<label>整改措施<textarea name="fix" maxlength="200" required></textarea></label>'
                    '<button type="submit">提交回访</button></form>')
        body = "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in dl)
        cls = " overdue" if late_ else (" closed" if not r.bad else "")
        cards.append(f'<div class="card item{cls}" id="g-{escape(r.id[:8])}" data-score="{r.score}">'
                     f'<h3>{escape(svc)}{badges}</h3><dl>{body}</dl>{form}</div>')
    content = filt + summary + (f'<div class="cards" id="list">{"".join(cards)}</div>' if cards
                                else '<p class="none" id="list">还没有评价。</p>')
    content += ('<p class="note">1–2 分（不满意、非常不满意）为差评，须在 5 个工作日内回访并写明整改措施；'
                '评价是匿名的，回访可写驿站内的核查情况。</p>')
    return _shell(v, "/staff/ratings", "好差评", content, flash=flash, error=error)


# --- 账号与审计 -----------------------------------------------------------------------------------

def accounts_page(v: Viewer, users, *, names: dict[str, str], stations: Sequence[tuple[str, str]],  # noqa: ANN001
                  districts: Sequence[str], me: int, flash: str = "", error: bool = False) -> str:
    from central.staff_auth import ROLES

    rows = []
    for u in users:
        role = "city" if u.role == "admin" else u.role
        scope = (names.get(u.station_id, u.station_id) if role == "staff" else u.district if role == "district"
                 else "全市")
        if role != "staff" and u.station_id:
            scope += f"（所属 {names.get(u.station_id, u.station_id)}）"
        action = "disable" if u.enabled else "enable"
        button = "本人" if u.id == me else (f'<form method="post" action="/staff/accounts/{u.id}/{action}">'
                  f'<input type="hidden" name="csrf" value="{escape(v.csrf)}">'
                  f'<button type="submit" class="{"off" if u.enabled else ""}">{"停用" if u.enabled else "启用"}</button></form>')
        rows.append(f'<tr class="{"" if u.enabled else "off"}" data-user="{escape(u.name)}"><td class="l">{escape(u.name)}</td>'
                    f'<td class="l">{escape(ROLES.get(role, role))}</td><td class="l">{escape(scope or "")}</td>'
                    f'<td>{"启用" if u.enabled else "已停用"}</td><td class="acct">{button}</td></tr>')
    table = ('<div class="tablewrap"><table id="accounts"><thead><tr><th class="l">姓名</th><th class="l">角色</th>'
             '<th class="l">范围</th><th>状态</th><th>操作</th></tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table></div>')
    form = f"""<div class="card" style="margin-top:16px"><h2>新建账号 / 重设密码</h2>
<form class="newacct" method="post" action="/staff/accounts"><input type="hidden" name="csrf" value="{escape(v.csrf)}">
<label>姓名<input name="name" id="a-name" required maxlength="40"></label>
<label>角色<select name="role" id="a-role">{_options(list(ROLES.items()), "staff")}</select></label>
<label>驿站（驿站工作人员必填）<select name="station" id="a-station">{_options([("", "无")] + list(stations), "")}</select></label>
<label>区（区管理员必填）<select name="district" id="a-district">{_options([("", "无")] + [(d, d) for d in districts], "")}</select></label>
<label>初始密码<input name="password" id="a-password" type="password" required minlength="4" maxlength="200"></label>
<button type="submit" id="a-save">保存</button></form>
<p class="note">同名账号再次保存即重设密码和角色，并结束它已登录的会话。停用账号会立即结束它所有的会话。</p></div>"""
    return _shell(v, "/staff/accounts", "账号管理", table + form, flash=flash, error=error)


def audit_page(v: Viewer, rows, *, names: dict[str, str], action: str, user: str) -> str:  # noqa: ANN001
    from central.models import AUDIT_ACTIONS

    filt = (f'<form class="filters" method="get" action="/staff/audit"><label>事项<select name="action" id="f-action">'
            f'{_options([("", "全部")] + list(AUDIT_ACTIONS.items()), action)}</select></label>'
            f'<label>工作人员<input name="user" value="{escape(user)}" maxlength="40"></label>'
            '<button type="submit">筛选</button></form>')
    kinds = {"interest": "投递意向", "registration": "登记", "rating": "评价", "service_request": "上门/代办"}
    body = "".join(
        f'<tr><td class="l">{escape(local(r.at))}</td><td class="l">{escape(r.user_name)}</td>'
        f'<td class="l">{escape(names.get(r.user_station, r.user_station) or "—")}</td>'
        f'<td class="l">{escape(AUDIT_ACTIONS.get(r.action, r.action))}</td>'
        f'<td class="l">{escape(kinds.get(r.record_type, r.record_type))} {escape(r.record_id[:8].upper())}</td>'
        f'<td class="l">{escape(names.get(r.record_station, r.record_station))}</td><td class="l">{escape(r.detail)}</td></tr>'
        for r in rows)
    table = ('<div class="tablewrap"><table id="audit"><thead><tr><th class="l">时间</th><th class="l">工作人员</th>'
             '<th class="l">所属驿站</th><th class="l">事项</th><th class="l">记录</th><th class="l">记录所属驿站</th>'
             f'<th class="l">说明</th></tr></thead><tbody>{body}</tbody></table></div>')
    if not rows:
        table = '<p class="none" id="audit">没有记录。</p>'
    return _shell(v, "/staff/audit", "审计日志", filt + table + '<p class="note">最近 500 条。</p>')


def forbidden_page(v: Viewer | None, message: str) -> str:
    if v is None:
        return page("无权访问", f'<div class="narrow"><div class="card"><p>{escape(message)}</p></div></div>')
    return _shell(v, "", "无权访问", f'<p class="error" role="alert">{escape(message)}</p>')


def query(**params: str) -> str:
    return urlencode({k: val for k, val in params.items() if val})
