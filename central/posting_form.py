"""The 招聘登记 form, one rendering for the staff console and the employer's phone.

Plain HTML that works without script: every field has its label, the limits of
``kiosk.domain.postings`` as ``maxlength``, and its message right under it when the server
found it wrong (with a summary at the top that screen readers announce). The form always comes
back with what was typed.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from kiosk.domain import postings as rules
from kiosk.domain import tianjin
from kiosk.domain.jobwords import occupations

#: the kinds of job an employer may post; staff also post 公益性岗位
EMPLOYER_TYPES = ("全职", "兼职", "零工", "实习")
STAFF_TYPES = EMPLOYER_TYPES + ("公益性岗位",)

CSS = """
form.posting fieldset{border:1px solid #cdd6e1;border-radius:10px;margin:0 0 14px;padding:10px 14px 14px;background:#fff}
form.posting legend{font-weight:700;font-size:19px;padding:0 6px}
form.posting label.f{display:block;font-weight:700;margin:12px 0 4px}
form.posting label.f small{font-weight:400;color:#4a5565}
form.posting input[type=text],form.posting input[type=tel],form.posting input[type=date],form.posting input[type=time],
form.posting input[type=number],form.posting select,form.posting textarea{width:100%;min-height:48px;font:inherit;
 padding:8px 10px;border:1px solid #8a97a8;border-radius:8px;background:#fff}
form.posting textarea{min-height:96px;resize:vertical}
form.posting .pay{display:flex;gap:8px;align-items:center}
form.posting .pay input{flex:1 1 0;min-width:0}form.posting .pay select{flex:0 0 7.5em;width:auto}
form.posting .radios{display:flex;flex-wrap:wrap;gap:6px 10px}
form.posting .radios label{display:flex;align-items:center;gap:6px;min-height:48px;padding:0 12px;border:1px solid #b8c4d2;
 border-radius:24px;font-weight:400}
form.posting .radios input{width:22px;height:22px}
form.posting label.check{display:flex;gap:10px;align-items:flex-start;font-weight:400;min-height:48px;margin:10px 0 0}
form.posting label.check input{width:28px;height:28px;margin:4px 0 0;flex:none}
form.posting .ferr{color:#9b1c1c;margin:4px 0 0;font-size:16px}
form.posting .bad input,form.posting .bad select,form.posting .bad textarea{border:2px solid #c0392b;background:#fff8f7}
form.posting .hint{color:#4a5565;font-size:16px;margin:4px 0 0}
form.posting button[type=submit]{width:100%;min-height:56px;font:inherit;font-weight:700;font-size:20px;border:0;
 border-radius:10px;background:#0b5cad;color:#fff;margin-top:6px;cursor:pointer}
.errsum{background:#fdecea;color:#9b1c1c;border-radius:8px;padding:10px 12px;margin:0 0 12px}
.errsum ul{margin:4px 0 0}
"""

#: field → its label, for the summary of what is wrong
LABELS = {"company": "单位名称", "credit_code": "统一社会信用代码", "contact_name": "联系人", "contact_phone": "联系电话",
          "occupation": "工种", "title": "岗位名称", "job_type": "用工形式", "salary": "工资", "work_hours": "工作时间",
          "headcount": "招聘人数", "street": "街道（乡镇）", "address": "详细地址", "expires_on": "招聘截止日期",
          "work_from": "用工日期", "meet_place": "集合地点", "meet_time": "集合时间", "requirements": "岗位要求",
          "benefits": "福利待遇", "consent": "同意发布", "promise": "真实承诺"}


def _v(values: dict[str, str], key: str) -> str:
    return escape(str(values.get(key, "") or ""), quote=True)


def _err(errors: dict[str, str], key: str) -> str:
    return f'<p class="ferr" id="err-{key}">{escape(errors[key])}</p>' if key in errors else ""


def _box(errors: dict[str, str], key: str, inner: str) -> str:
    return f'<div class="{"bad" if key in errors else "ok"}" id="f-{key}">{inner}{_err(errors, key)}</div>'


def _text(values: dict, errors: dict, key: str, label: str, *, kind: str = "text", hint: str = "",
          required: bool = False, extra: str = "") -> str:
    limit = rules.LIMITS.get(key)
    attrs = (f' maxlength="{limit}"' if limit and kind in ("text", "tel") else "") + (" required" if required else "")
    note = f" <small>{escape(hint)}</small>" if hint else ""
    return _box(errors, key, f'<label class="f" for="{key}">{escape(label)}{note}</label>'
                             f'<input type="{kind}" id="{key}" name="{key}" value="{_v(values, key)}"{attrs}{extra}>')


def _select(name: str, options: list[tuple[str, str]], chosen: str, *, groups: dict[str, tuple[str, ...]] | None = None,
            placeholder: str = "请选择") -> str:
    out = [f'<option value="">{escape(placeholder)}</option>']
    if groups:
        for g, items in groups.items():
            out.append(f'<optgroup label="{escape(g)}">' + "".join(
                f'<option value="{escape(o)}"{" selected" if o == chosen else ""}>{escape(o)}</option>' for o in items)
                + "</optgroup>")
    else:
        out += [f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(t)}</option>'
                for v, t in options]
    return f'<select id="{name}" name="{name}">{"".join(out)}</select>'


def render(action: str, hidden: str, values: dict[str, str], errors: dict[str, str], *, district: str,
           today: date, job_types: tuple[str, ...] = EMPLOYER_TYPES, submit: str = "提交招聘信息") -> str:
    """The form posting to ``action``; ``hidden``: its hidden inputs (CSRF and the like), HTML."""
    summary = ""
    if errors:
        items = "".join(f'<li><a href="#f-{k}">{escape(LABELS.get(k, k))}：{escape(m)}</a></li>' for k, m in errors.items())
        summary = (f'<div class="errsum" role="alert" id="errors"><b>有 {len(errors)} 处需要修改，'
                   f"您填写的其他内容都保留着：</b><ul>{items}</ul></div>")
    streets = [(s.name, s.name) for s in tianjin.district(district).streets] if district in tianjin.DISTRICT_NAMES else []
    types = "".join(f'<label><input type="radio" name="job_type" value="{escape(t)}"'
                    f'{" checked" if values.get("job_type") == t else ""}>{escape(t)}</label>' for t in job_types)
    units = [(u, name) for u, name in rules.PAY_UNITS.items()]
    latest = today + timedelta(days=rules.MAX_DAYS)
    pay = (f'<label class="f" for="salary_min">工资 <small>只填数字，如 3500 到 4500</small></label>'
           f'<div class="pay"><input type="text" inputmode="numeric" id="salary_min" name="salary_min" maxlength="7" '
           f'value="{_v(values, "salary_min")}" aria-label="最低"><span>到</span>'
           f'<input type="text" inputmode="numeric" id="salary_max" name="salary_max" maxlength="7" '
           f'value="{_v(values, "salary_max")}" aria-label="最高">'
           f'{_select("salary_unit", units, values.get("salary_unit", "月"), placeholder="单位")}</div>'
           f'<p class="hint">全职月工资不低于天津市最低工资 {tianjin.MIN_WAGE_MONTHLY} 元；按小时不低于 '
           f'{tianjin.MIN_WAGE_HOURLY:g} 元。</p>')
    return f"""{summary}<form class="posting" method="post" action="{escape(action)}" novalidate>{hidden}
<fieldset><legend>单位信息</legend>
{_text(values, errors, "company", "单位名称", hint="与营业执照一致", required=True)}
{_text(values, errors, "credit_code", "统一社会信用代码", hint="营业执照上的 18 位代码", extra=' autocapitalize="characters"')}
{_text(values, errors, "contact_name", "联系人")}
{_text(values, errors, "contact_phone", "联系电话", kind="tel", hint="手机或座机", extra=' inputmode="tel"')}
</fieldset>
<fieldset><legend>岗位信息</legend>
{_box(errors, "occupation", '<label class="f" for="occupation">工种</label>' + _select("occupation", [], values.get("occupation", ""), groups=occupations()))}
{_text(values, errors, "title", "岗位名称", hint="可不填，不填就用工种名称")}
{_box(errors, "job_type", '<span class="f" style="display:block;font-weight:700;margin:12px 0 4px">用工形式</span><div class="radios" role="radiogroup" aria-label="用工形式">' + types + "</div>")}
{_box(errors, "salary", pay)}
{_text(values, errors, "work_hours", "工作时间", hint="如 早8点到晚5点，做六休一")}
{_text(values, errors, "headcount", "招聘人数", extra=' inputmode="numeric"')}
{_box(errors, "street", '<label class="f" for="street">工作地点：街道（乡镇）<small>' + escape(district) + "</small></label>" + _select("street", streets, values.get("street", "")))}
{_text(values, errors, "address", "详细地址", hint="路名、门牌号")}
{_text(values, errors, "expires_on", "招聘截止日期", kind="date", hint="零工不用填", extra=f' min="{today.isoformat()}" max="{latest.isoformat()}"')}
</fieldset>
<fieldset id="dayjob"><legend>零工填写</legend>
<p class="hint">只招一天或几天的零工，请填用工日期、集合地点和时间；到了最后一天的午夜，岗位会自动下架。</p>
{_text(values, errors, "work_from", "用工日期（第一天）", kind="date", extra=f' min="{today.isoformat()}"')}
{_text(values, errors, "work_to", "最后一天", kind="date", hint="只做一天可不填")}
{_text(values, errors, "meet_place", "集合地点")}
{_text(values, errors, "meet_time", "集合时间", kind="time")}
</fieldset>
<fieldset><legend>要求和待遇</legend>
{_box(errors, "requirements", f'<label class="f" for="requirements">岗位要求 <small>最多 {rules.LIMITS["requirements"]} 字</small></label><textarea id="requirements" name="requirements" maxlength="{rules.LIMITS["requirements"]}">{_v(values, "requirements")}</textarea>')}
{_text(values, errors, "benefits", "福利待遇", hint="如 包午餐、五险")}
</fieldset>
{_box(errors, "consent", '<label class="check"><input type="checkbox" id="consent" name="consent" value="1"' + (" checked" if values.get("consent") == "1" else "") + '><span>我同意就业驿站在自助终端、手机页面上发布以上招聘信息（含联系人和联系电话），用于招聘。</span></label>')}
{_box(errors, "promise", '<label class="check"><input type="checkbox" id="promise" name="promise" value="1"' + (" checked" if values.get("promise") == "1" else "") + '><span>我承诺所填信息真实，不收取求职者任何费用，不含就业歧视内容。</span></label>')}
<button type="submit" id="submit">{escape(submit)}</button></form>"""


FIELDS = ("company", "credit_code", "contact_name", "contact_phone", "occupation", "title", "job_type", "salary_min",
          "salary_max", "salary_unit", "work_hours", "headcount", "street", "address", "expires_on", "work_from",
          "work_to", "meet_place", "meet_time", "requirements", "benefits", "consent", "promise")


def values_of(form: dict[str, str]) -> dict[str, str]:
    """The form's own fields as typed (each cut at a generous length, so a page never echoes a flood)."""
    return {k: str(form.get(k, ""))[:2000] for k in FIELDS}
