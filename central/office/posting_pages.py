"""The back office's 招聘登记 pages: the list to review, the form, the employer's link, the 推荐单."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from central.office.pages import Viewer, _hidden, _options, _shell, _station_filter, local
from central.posting_form import CSS as FORM_CSS
from central.posting_form import STAFF_TYPES, render
from central.staff_pages import page
from kiosk.domain.privacy import mask_id_number, mask_name, mask_phone
from kiosk.domain.wages import salary_text

CSS = FORM_CSS + """
.posting-wrap{max-width:760px}
.item .dup{background:#fde8e8;color:#a01515}
.item .reason{display:flex;flex-direction:column;flex:1 1 100%}
.item .to-withdraw{background:#b03a2e}.item .to-publish{background:#1b8a3a}
.linkbox{font-size:18px;word-break:break-all;background:#f3f6fa;border-radius:8px;padding:10px}
.qr svg{width:220px;height:220px}
a.btn-new{display:inline-flex;align-items:center;min-height:52px;padding:8px 20px;border-radius:10px;background:#1b8a3a;
 color:#fff;font-size:20px;font-weight:700;text-decoration:none}
.item a.btn-link{display:inline-flex;align-items:center;min-height:48px;padding:8px 16px;border-radius:10px;
 border:1px solid #0b5cad;color:#0b5cad;text-decoration:none;font-size:18px}
.item button.alt-btn{background:#fff;color:#0b5cad;border:1px solid #0b5cad}
a.slip{font-size:18px}
a.btn-flyer{display:inline-flex;align-items:center;min-height:52px;padding:8px 20px;border-radius:10px;
 border:1px solid #0b5cad;color:#0b5cad;font-size:20px;text-decoration:none;margin-left:8px}
"""

FILTERS = (("review", "待审核"), ("published", "已发布"), ("returned", "已退回"), ("withdrawn", "已撤下"), ("all", "全部"))


def _styled(html: str) -> str:
    return html.replace("</head>", f"<style>{CSS}</style></head>", 1)


def list_page(v: Viewer, rows, *, dups: dict[str, str], names: dict[str, str], stations: Sequence[tuple[str, str]],
              station: str, status: str, can_act, back: str, flash: str = "", error: bool = False) -> str:  # noqa: ANN001
    from central.models import POSTING_STATUSES
    from central.postings import posting_of

    new = ('<p><a class="btn-new" id="new" href="/staff/postings/new">＋ 登记新岗位</a> '
           '<a class="btn-flyer" id="flyer" href="/staff/postings/flyer">打印招聘登记宣传单</a></p>' if v.station_id else "")
    filt = (f'<form class="filters" method="get" action="/staff/postings">{_station_filter(stations, station)}'
            f'<label>状态<select name="status" id="f-status">{_options(list(FILTERS), status)}</select></label>'
            '<button type="submit">筛选</button></form>')
    waiting = sum(r.status == "pending" or r.changed for r in rows)
    summary = (f'<div class="summary"><div class="warn"><b id="n-review">{waiting}</b><span>待审核</span></div>'
               f'<div><b>{sum(r.status == "published" for r in rows)}</b><span>已发布</span></div></div>')
    cards = []
    for r in rows:
        p = posting_of(r)
        act = can_act(r.station_id)
        state = POSTING_STATUSES.get(r.status, r.status) + ("（有修改待审核）" if r.changed else "")
        dl = [("单位", escape(p.company)), ("信用代码", escape(p.credit_code)),
              ("联系人", escape(f"{p.contact_name} {p.contact_phone}")), ("工种", escape(p.occupation)),
              ("用工形式", escape(f"{p.job_type} · 招 {p.headcount} 人")),
              ("工资", escape(salary_text(p.salary_min, p.salary_max, p.salary_unit))),
              ("地点", escape(f"{p.district}{p.street}{p.address}")),
              ("日期", escape(f"{p.work_from} 至 {p.expires_on}，{p.meet_time} 在{p.meet_place}集合" if p.work_from
                             else f"截止 {p.expires_on}")),
              ("要求", escape(p.requirements or "—")), ("福利", escape(p.benefits or "—")),
              ("来源", "单位手机登记" if r.source == "employer" else f"工作人员登记（{escape(r.updated_by)}）"),
              ("提交", escape(local(r.created_at)))]
        if len(stations) > 1:
            dl.insert(0, ("驿站", escape(names.get(r.station_id, r.station_id))))
        if r.return_reason:
            dl.append(("退回原因", escape(r.return_reason)))
        dup = (f'<span class="badge dup" title="同一单位的同一岗位">疑似重复：{escape(dups[r.id])}</span>'
               if r.id in dups else "")
        forms = ""
        if act and r.status != "withdrawn":
            base = f"/staff/postings/{escape(r.id)}"
            buttons = ""
            if r.status in ("pending", "returned") or r.changed:
                buttons += f'<button type="submit" formaction="{base}/publish" class="to-publish">审核通过，发布</button>'
            if r.status == "pending" or r.changed:
                buttons += (f'<label class="reason">退回原因（退回时必填）<input type="text" name="reason" maxlength="200">'
                            f'</label><button type="submit" formaction="{base}/return">退回修改</button>')
            buttons += (f'<a class="btn-link" href="{base}/edit">修改</a>'
                        f'<button type="submit" formaction="{base}/link" class="alt-btn">单位查看链接</button>'
                        f'<button type="submit" formaction="{base}/withdraw" class="to-withdraw">撤下</button>')
            forms = f'<form method="post" action="{base}/publish">{_hidden(v, r.version, back)}{buttons}</form>'
        body = "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in dl)
        cards.append(f'<div class="card item{" closed" if r.status == "withdrawn" else ""}" id="p-{escape(r.reference)}" '
                     f'data-status="{escape(r.status)}"><h3>{escape(r.title)}<span class="badge s-{escape(r.status)}">'
                     f'{escape(state)}</span>{dup}<span class="ref">岗位编号 <b>{escape(r.reference)}</b></span></h3>'
                     f"<dl>{body}</dl>{forms}</div>")
    content = new + filt + summary + (f'<div class="cards" id="list">{"".join(cards)}</div>' if cards
                                      else '<p class="none" id="list">没有符合条件的招聘登记。</p>')
    content += ('<p class="note">发布后，岗位在一轮同步内出现在所有驿站终端；撤下后终端上消失，岗位页面显示已下架。'
                "同一单位（信用代码相同）的同一岗位会标出“疑似重复”。</p>")
    return _styled(_shell(v, "/staff/postings", "招聘登记", content, flash=flash, error=error))


def form_page(v: Viewer, action: str, values: dict[str, str], errors: dict[str, str], *, district: str, today: date,
              title: str, submit: str) -> str:
    hidden = (f'<input type="hidden" name="csrf" value="{escape(v.csrf)}">'
              f'<input type="hidden" name="version" value="{escape(values.get("version", ""))}">')
    content = ('<div class="posting-wrap">'
               + render(action, hidden, values, errors, district=district, today=today, job_types=STAFF_TYPES,
                        submit=submit) + "</div>")
    return _styled(_shell(v, "/staff/postings", title, content))


def link_page(v: Viewer, reference: str, url: str, qr_svg: str) -> str:
    content = (f'<div class="card"><p>岗位 <b>{escape(reference)}</b> 的单位查看链接。请交给用人单位的联系人（可用手机扫码），'
               "单位凭它查看审核结果、修改、撤下，并查看求职者的意向和报名。</p>"
               f'<p class="linkbox" id="link">{escape(url)}</p><div class="qr">{qr_svg}</div>'
               '<p class="note">这个链接只显示这一次；旧的链接已经失效。遗失后可以再生成一个。</p>'
               '<p><a href="/staff/postings">返回招聘登记</a></p></div>')
    return _styled(_shell(v, "/staff/postings", "单位查看链接", content))


SLIP_CSS = """
body{background:#fff}.slip{max-width:560px;margin:16px auto;border:2px solid #1d2530;border-radius:8px;padding:18px 22px;
 font-size:18px}
.slip h1{font-size:26px;text-align:center;margin:0 0 4px}.slip .sub{text-align:center;color:#44505e;margin:0 0 12px}
.slip dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 14px}.slip dt{color:#44505e}.slip dd{margin:0}
.slip .qr{text-align:center}.slip .qr svg{width:180px;height:180px}
.noprint{text-align:center;margin:14px}.noprint button{font-size:20px;min-height:52px;padding:8px 24px;border-radius:10px;
 border:0;background:#0b4f8a;color:#fff;cursor:pointer}
@media print{.noprint{display:none}.slip{border:none;margin:0}}
"""


def slip_page(*, station: str, reference: str, name: str, id_number: str, phone: str, job: dict, staff: str,
              when: str, qr_svg: str, url: str) -> str:
    """The 推荐单 the resident takes to the employer: masked identity, the job, the contact, a QR."""
    who = " ".join(x for x in (mask_name(name) if name else "", mask_id_number(id_number) if id_number else "") if x)
    rows = [("推荐编号", reference), ("求职者", who or "—"), ("求职者电话", mask_phone(phone) if phone else "—"),
            ("推荐岗位", str(job.get("title", ""))), ("用人单位", str(job.get("employer", ""))),
            ("工作地点", str(job.get("address", ""))),
            ("单位联系人", f"{job.get('contact_name', '')} {job.get('contact_phone', '')}".strip() or "—"),
            ("推荐驿站", station), ("经办人", staff), ("推荐日期", when)]
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(val or '—')}</dd>" for k, val in rows)
    body = (f'<div class="noprint"><button type="button" onclick="window.print()" id="print">打印推荐单</button> '
            f'<a href="/staff/interests">返回意向</a></div>'
            f'<div class="slip" id="slip"><h1>就业推荐单</h1><p class="sub">天津市就业驿站</p><dl>{dl}</dl>'
            f'<div class="qr">{qr_svg}<p>扫码查看岗位详情<br><small>{escape(url)}</small></p></div>'
            "<p>请携带本推荐单和身份证到用人单位面试。面试结果请告知推荐驿站。</p></div>")
    return page("就业推荐单", body, head=f"<style>{SLIP_CSS}</style>")


FLYER_CSS = """
body{background:#fff}.flyer{max-width:700px;margin:20px auto;text-align:center;border:3px solid #0b5cad;border-radius:16px;
 padding:28px}
.flyer h1{font-size:40px;margin:0 0 8px;color:#0b4f8a}.flyer .sub{font-size:24px;margin:0 0 18px}
.flyer .qr svg{width:320px;height:320px}.flyer ol{text-align:left;font-size:22px;max-width:520px;margin:12px auto}
.flyer .foot{font-size:18px;color:#44505e}
.noprint{text-align:center;margin:14px}.noprint button{font-size:20px;min-height:52px;padding:8px 24px;border-radius:10px;
 border:0;background:#0b4f8a;color:#fff;cursor:pointer}
@media print{.noprint{display:none}.flyer{margin:0}}
"""


def flyer_page(station: str, url: str, qr_svg: str) -> str:
    """A flyer for shops and neighbourhoods: the QR of the station's 招聘登记 form."""
    body = ('<div class="noprint"><button type="button" onclick="window.print()" id="print">打印</button> '
            '<a href="/staff/postings">返回招聘登记</a></div>'
            f'<div class="flyer" id="flyer"><h1>单位招人，免费发布</h1><p class="sub">{escape(station)}</p>'
            f'<div class="qr">{qr_svg}</div>'
            "<ol><li>手机扫码，填写单位、岗位、工资和地点；</li><li>驿站审核后，岗位出现在本区各驿站的自助终端和手机页面上；</li>"
            "<li>收藏提交后的专属链接：看审核结果、修改、撤下，看谁报了名。</li></ol>"
            "<p>长期岗位、兼职、零工（按天、按小时）都可以登记。</p>"
            f'<p class="foot">{escape(url)}</p></div>')
    return page("招聘登记宣传单", body, head=f"<style>{FLYER_CSS}</style>")
