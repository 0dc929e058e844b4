"""上门·代办: a home visit or proxy service request, one decision per page; 我的申请.

The chooser (上门服务 / 代理服务 / 我的申请) needs identity first; then one page per decision:
(home visits: who may ask) → street → building/unit/room on the keypad → half-day window →
reason → (proxy: the documents to hand over) → phone → consent. Nothing is written until the
resident agrees; the draft lives in memory and is wiped with the visit.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme
from kiosk.core.home_services import (
    CONSENT_TEXT,
    ELIGIBILITY_GROUPS,
    KINDS,
    AlreadyOpen,
    Draft,
    RequestRefused,
    RequestView,
    Submitted,
    already_open_message,
    eligible_by_age,
)
from kiosk.domain.i18n import _
from kiosk.domain.privacy import mask_phone
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import BigButton, keep
from kiosk.widgets.dialog import ConfirmDialog
from kiosk.widgets.keypad import NumericKeypad  # noqa: F401 - used by home_service.kv
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.rating import RatingBar  # noqa: F401 - used by home_service.kv
from kiosk.widgets.visibility import set_shown

NOT_IN_GROUPS = "以上都不是"
FIELDS = (("building", "楼号"), ("unit", "单元"), ("room", "室号"))
PANELS = ("choices", "keypad", "text", "cards", "done")
#: which panel each page uses
PAGE_PANEL = {"menu": "choices", "eligibility": "choices", "street": "choices", "window": "choices",
              "reason": "choices", "detail": "keypad", "phone": "keypad", "documents": "text", "consent": "text",
              "existing": "choices", "mine": "cards", "status": "cards", "done": "done"}
#: pages with a 下一步 button (the others advance with one tap on a choice)
NEXT_PAGES = {"detail": "下一步", "phone": "下一步", "documents": "下一步", "consent": "同意并提交"}


class RequestCard(BoxLayout):
    """One request under 我的申请: what, when, the status, and 取消 while it is open."""

    view = ObjectProperty(None, allownone=True)
    can_cancel = BooleanProperty(False)
    wide = BooleanProperty(False)
    __events__ = ("on_cancel",)

    def on_kv_post(self, base_widget) -> None:
        self._cancel_button = self.ids.cancel.__self__
        set_shown(self._cancel_button, self.can_cancel)

    def on_can_cancel(self, *_args) -> None:
        if hasattr(self, "_cancel_button"):
            set_shown(self._cancel_button, self.can_cancel)

    def on_cancel(self) -> None:
        pass


class HomeServiceScreen(KioskScreen):
    page = StringProperty("menu")
    title = StringProperty("上门·代办")
    heading = StringProperty("")
    hint = StringProperty("")
    error = StringProperty("")
    progress = StringProperty("")
    body = StringProperty("")
    field = StringProperty("building")
    submitting = BooleanProperty(False)
    submitted: Submitted | None = ObjectProperty(None, allownone=True)
    qr_data = StringProperty("")
    print_status = StringProperty("")

    def on_kv_post(self, base_widget) -> None:
        self.draft = Draft()
        self.flow: list[str] = []
        self._params: dict = {}
        self.dialog: ConfirmDialog | None = None
        self.existing: RequestView | None = None
        self.views: list[RequestView] = []
        # strong references: ids are weak, and hidden parts leave the tree
        self._panels = {name: self.ids[name + "_panel"].__self__ for name in PANELS}
        self._fields_box = self.ids.fields.__self__
        self._next = self.ids.next.__self__
        self._previous = self.ids.previous.__self__
        self._cancel_button = self.ids.cancel_button.__self__
        self._keypad = self.ids.keypad.__self__
        self._keypad.bind(value=self._typed)
        self._show_panels()

    # -- navigation -------------------------------------------------------------------------
    def set_params(self, kind: str = "", reference: str = "", **_params) -> None:
        self._params = {"kind": kind, "reference": reference}
        if self.manager is not None and self.manager.current == self.name:
            self.activate()  # already showing (a QR scanned on this screen): the navigator will not re-enter it

    def activate(self) -> None:
        params, self._params = self._params, {}
        if params.get("reference"):
            self.show_status(params["reference"])
        elif params.get("kind"):
            self.start(params["kind"])
        elif self.page not in ("done",):
            self.show_menu()

    def on_page(self, *_args) -> None:
        self._show_panels()

    def _show_panels(self) -> None:
        if not hasattr(self, "_panels"):
            return
        wanted = PAGE_PANEL.get(self.page, "choices")
        for name, panel in self._panels.items():
            set_shown(panel, name == wanted)
        set_shown(self._fields_box, self.page == "detail")
        bar = self.ids.bar
        bar.clear_widgets()  # in this order, whichever are shown: 取消 | 上一步 | 下一步
        bar.add_widget(self._cancel_button)
        if self.page in self.flow:
            bar.add_widget(self._previous)
        if self.page in NEXT_PAGES:
            bar.add_widget(self._next)
        self._next.text = NEXT_PAGES.get(self.page, "下一步")

    def _set(self, page: str, heading: str, hint: str = "", body: str = "") -> None:
        self.error = ""
        self.heading, self.hint, self.body = heading, hint, body
        if page in self.flow:
            self.progress = f"第 {self.flow.index(page) + 1} 步，共 {len(self.flow)} 步"
        else:
            self.progress = ""
        self.page = page
        self._show_panels()

    def _choices(self, options, on_choose, cols: int | None = None, chosen: str = "",  # noqa: ANN001
                 font_size: float | None = None) -> None:
        font_size = font_size or LOOK.FONT_TITLE
        box = self.ids.choices
        box.clear_widgets()
        box.cols = cols or (2 if self.width > self.height else 1)
        for value, text in options:
            b = keep(BigButton(text=text, bg_color=theme.GOOD if value == chosen and chosen else theme.BRAND),
                     font_size=font_size)
            b.value = value
            b.bind(on_release=lambda btn: on_choose(btn.value))
            box.add_widget(b)

    def choice(self, text: str) -> BigButton:
        """The choice button whose text starts with ``text`` (tests and the tour tap it)."""
        return next(b for b in self.ids.choices.children if b.text.startswith(text))

    def go_back(self) -> None:
        """返回 in the header: the previous page, or out of the screen from the chooser."""
        if self.page in self.flow and self.flow.index(self.page) > 0:
            self.show_page(self.flow[self.flow.index(self.page) - 1])
        elif self.page in ("menu", "status") or (self.page == "done"):
            self.back()
        else:
            self.show_menu()

    def cancel(self) -> None:
        """取消: nothing is kept; back to the home menu."""
        self.draft.clear()
        self._keypad.value = ""
        self.home()

    # -- the chooser ------------------------------------------------------------------------
    def show_menu(self) -> None:
        self.flow = []
        self.title = "上门·代办"
        self._set("menu", "请选择您要办理的事项",
                  "上门服务：工作人员到您家里办理，面向60岁及以上老人、残疾人、就业困难人员和行动不便的居民。\n"
                  "代理服务：驿站替您去办，您把材料交给工作人员即可。")
        self._choices((("home_visit", "上门服务"), ("proxy", "代理服务"), ("mine", "我的申请")), self.start, cols=1)

    def start(self, kind: str) -> None:
        who = self.services.visits.current.identity
        if who is None:
            purpose = "查看申请需要先验证身份" if kind == "mine" else f"申请{KINDS[kind].name}需要先验证身份"
            self.go("login", next="home_service", purpose=purpose, next_params={"kind": kind})
            return
        if kind == "mine":
            self.show_mine()
            return
        self.draft.clear()
        self.draft.kind = kind
        self.title = KINDS[kind].name
        self.submitting = True
        desk = self.services.home_services
        self.services.background.submit(desk.open_request, self._person_key(), kind,
                                        on_done=lambda existing: self._begin(kind, existing),
                                        on_error=self._failed)

    def _person_key(self) -> str | None:
        return self.services.visits.person_key()

    def _begin(self, kind: str, existing: RequestView | None) -> None:
        self.submitting = False
        if existing is not None:
            self.show_existing(existing)
            return
        who = self.services.visits.current.identity
        aged = eligible_by_age(who.birth_date, self.services.home_services.today())
        steps = ["street", "detail", "window", "reason", "phone", "consent"]
        if kind == "home_visit" and not aged:
            steps.insert(0, "eligibility")
        if kind == "proxy":
            steps.insert(steps.index("phone"), "documents")
        self.flow = steps
        self.show_page(steps[0])

    def show_page(self, page: str) -> None:
        getattr(self, "_page_" + page)()

    # -- the pages ----------------------------------------------------------------------------
    def _page_eligibility(self) -> None:
        self._set("eligibility", "您属于以下哪种情况？",
                  "上门服务面向60岁及以上老人和以下居民。请如实选择，工作人员上门时会核实。")
        self._choices([(g, g) for g in ELIGIBILITY_GROUPS] + [(NOT_IN_GROUPS, NOT_IN_GROUPS)], self._eligible,
                      chosen=(self.draft.declared or [""])[0])

    def _eligible(self, group: str) -> None:
        if group == NOT_IN_GROUPS:
            self.draft.declared = []
            self.error = ("上门服务只面向60岁及以上老人、残疾人、就业困难人员和行动不便的居民。"
                          "您可以返回选择“代理服务”，或到服务窗口办理")
            return
        self.draft.declared = [group]
        self._page_street()

    def _page_street(self) -> None:
        aged = self.flow and self.flow[0] == "street" and self.draft.kind == "home_visit"
        self._set("street", "您住在哪个街道？",
                  ("您已满60岁，可以申请上门服务。" if aged else "") + "请选择您住的街道（本驿站服务本区居民）")
        self._choices([(s, s) for s in self.services.home_services.streets()], self._street,
                      cols=3 if self.width > self.height else 2, chosen=self.draft.address.street)

    def _street(self, street: str) -> None:
        self.draft.address.street = street
        self._page_detail()

    def _page_detail(self) -> None:
        self._set("detail", f"{self.draft.address.street}：请输入门牌",
                  "先点上面的“楼号”“单元”或“室号”，再按数字。没有单元可以不填")
        self.field = "building"
        self._keypad.max_length = 5
        self._keypad.value = self.draft.address.building
        self._refresh_fields()

    def choose_field(self, name: str) -> None:
        self.field = name
        self._keypad.value = getattr(self.draft.address, name)
        self._refresh_fields()

    def _typed(self, _kp, value: str) -> None:
        if self.page == "detail":
            limit = self.draft.address.LIMITS[self.field]
            if len(value) > limit:
                self._keypad.value = value[:limit]
                return
            setattr(self.draft.address, self.field, value)
            self._refresh_fields()
        elif self.page == "phone":
            self.body = value or "—"

    def _refresh_fields(self) -> None:
        for name, label in FIELDS:
            b = self.ids["field_" + name]
            v = getattr(self.draft.address, name)
            b.text = f"{label}\n{v or '—'}"
            b.bg_color = theme.ACCENT if name == self.field else theme.BRAND
        self.body = self.draft.address.detail or "—"

    def _page_window(self) -> None:
        self._set("window", "希望工作人员什么时候上门？" if self.draft.kind == "home_visit"
                  else "什么时候方便交材料、接电话？", "可选接下来5个工作日的上午（9:00-12:00）或下午（14:00-17:00）")
        chosen = self.draft.window
        ws = self.services.home_services.windows()
        if self.width > self.height:  # a row of mornings over a row of afternoons, one column a day
            ws = [w for w in ws if w.half == "am"] + [w for w in ws if w.half == "pm"]
            self._choices([(w, w.short_label) for w in ws], self._window, cols=len(ws) // 2, chosen=chosen,
                          font_size=LOOK.FONT_SMALL)
        else:  # a row a day: morning, afternoon
            self._choices([(w, w.label.replace("）", "）\n")) for w in ws], self._window, cols=2, chosen=chosen,
                          font_size=LOOK.FONT_BODY)

    def _window(self, window) -> None:  # noqa: ANN001
        self.draft.window = window
        self._page_reason()

    def _page_reason(self) -> None:
        self._set("reason", "要办理什么事？" if self.draft.kind == "home_visit" else "请驿站替您代办什么？")
        self._choices([(r, r) for r in KINDS[self.draft.kind].reasons], self._reason, chosen=self.draft.reason,
                      cols=3 if self.width > self.height else 1)

    def _reason(self, reason: str) -> None:
        self.draft.reason = reason
        self.show_page(self.flow[self.flow.index("reason") + 1])

    def _page_documents(self) -> None:
        docs = "\n".join(f"· {d}" for d in self.draft.documents)
        self._set("documents", "请准备好这些材料", f"{self.draft.reason}：工作人员会和您约定交材料的方式",
                  body=docs)

    def _page_phone(self) -> None:
        self._set("phone", "请输入您的手机号码", "工作人员会用这个号码和您约定时间")
        self._keypad.max_length = 11
        self._keypad.value = self.draft.phone
        self.body = self.draft.phone or "—"

    def _page_consent(self) -> None:
        d = self.draft
        lines = [f"事项：{KINDS[d.kind].name} · {d.reason}", f"时间：{d.window.label if d.window else ''}",
                 f"地址：{d.address.text}", f"电话：{mask_phone(d.phone)}"]
        if d.declared:
            lines.append(f"情况：{'、'.join(d.declared)}（工作人员会核实）")
        self._set("consent", "请核对并同意提交", "", body="\n".join(lines) + "\n\n" +
                  CONSENT_TEXT.format(kind=KINDS[d.kind].name))

    def next_step(self) -> None:
        if self.submitting:
            return
        if self.page == "detail":
            try:
                self.draft.address.check(self.services.home_services.streets())
            except RequestRefused as e:
                self.error = str(e)
                return
            self._page_window()  # first: clearing the keypad on the address page would clear a field
            self._keypad.value = ""
        elif self.page == "documents":
            self._page_phone()
        elif self.page == "phone":
            phone = self._keypad.value
            if len(phone) != 11 or not phone.startswith("1"):
                self.error = "请输入11位手机号码，以1开头"
                return
            self.draft.phone = phone
            self._keypad.value = ""
            self._page_consent()
        elif self.page == "consent":
            self.submit()

    # -- submitting ---------------------------------------------------------------------------
    def submit(self) -> None:
        who = self.services.visits.current.identity
        if who is None:
            self.error = "请先验证身份"
            return
        self.submitting = True
        self.error = ""
        self.hint = "正在提交…"
        self.services.background.submit(self.services.home_services.submit, who, self._person_key(), self.draft,
                                        on_done=self._submitted, on_error=self._refused)

    def _refused(self, e: BaseException) -> None:
        self.submitting = False
        self.hint = ""
        if isinstance(e, AlreadyOpen):
            self.show_existing(e.existing)
        elif isinstance(e, RequestRefused):
            self.error = str(e)
        else:
            self._failed(e)

    def _failed(self, _e: BaseException) -> None:
        self.submitting = False
        self.error = "暂时无法办理，请到服务窗口咨询。您的信息没有保存"

    def _submitted(self, sub: Submitted) -> None:
        self.submitting = False
        street = self.draft.address.street
        self.draft.clear()
        self.submitted = sub
        self.qr_data = self.services.config.service_request_url(sub.reference, sub.token)
        self.flow = []
        self._set("done", f"{sub.kind_name}申请已提交",
                  "驿站工作人员会打电话和您确认时间。再来驿站时，点“上门·代办”→“我的申请”可查看进度")
        self.print_status = "正在打印申请确认单…"
        self.ask_rating(self.ids.rating, sub.kind)
        who = self.services.visits.current.identity
        self.services.background.submit(self.services.printing.service_request, sub, street,
                                        who.display if who else "", on_done=self._printed)

    def _printed(self, outcome) -> None:  # noqa: ANN001
        ref = self.submitted.reference if self.submitted else ""
        self.print_status = outcome.text if outcome.printed else outcome.text + _("。请记住申请号：") + ref

    # -- an open request, 我的申请, a scanned code -------------------------------------------------
    def show_existing(self, existing: RequestView) -> None:
        self.existing = existing
        self.flow = []
        self._set("existing", "您已经有一个申请了", already_open_message(existing))
        self._choices((("mine", "查看我的申请"), ("cancel", "取消这个申请，重新填写")),
                      lambda v: self.show_mine() if v == "mine" else self.ask_cancel(existing, restart=True),
                      cols=2 if self.width > self.height else 1)

    def show_mine(self) -> None:
        self.flow = []
        self.title = "我的申请"
        self._set("mine", "我的申请", "正在查询…")
        key = self._person_key()
        requests, interests = self.services.home_services, self.services.interest

        def mine() -> list:
            """Home-visit and proxy requests, then 投递意向: both taken at this kiosk, with central's status."""
            return [*requests.mine(key), *interests.mine(key)]

        self.services.background.submit(mine, on_done=self._show_views, on_error=self._failed)

    def _show_views(self, views: list[RequestView], can_cancel: bool = True) -> None:
        self.views = views
        box = self.ids.cards
        box.clear_widgets()
        if not views:
            self.hint = "您在本机还没有上门服务、代理服务或投递意向的申请"
            return
        self.hint = "工作人员处理后，这里会显示最新进度（本机与中心联网时更新）"
        for v in views:
            card = RequestCard(view=v, can_cancel=can_cancel and v.is_open and v.kind != "interest",
                               wide=self.width > self.height)
            card.bind(on_cancel=lambda c: self.ask_cancel(c.view))
            box.add_widget(card)

    def show_status(self, reference: str) -> None:
        self.flow = []
        self.title = "申请进度"
        self._set("status", f"申请号 {reference}", "正在查询…")

        def shown(view: RequestView | None) -> None:
            if view is None:
                self._show_views([])
                self.hint = "没有找到这个申请的进度。本机与中心联网后会更新，也可以问驿站工作人员"
                return
            self._show_views([view], can_cancel=False)
            self.hint = "如需取消，请刷身份证后在“我的申请”里办理"

        self.services.background.submit(self.services.home_services.by_reference, reference, on_done=shown,
                                        on_error=self._failed)

    def ask_cancel(self, view: RequestView, restart: bool = False) -> None:
        self.dialog = ConfirmDialog(title="取消申请", message=f"{view.kind_name} · {view.reason}\n"
                                    f"{view.window.label}\n申请号 {view.reference}\n\n确定要取消吗？",
                                    yes_text="确定取消", no_text="不取消", on_yes=lambda: self._cancel(view, restart))
        self.dialog.open(animation=False)

    def _cancel(self, view: RequestView, restart: bool) -> None:
        def done(_v) -> None:  # noqa: ANN001
            self.toast(f"申请 {view.reference} 已取消")
            if restart:
                self.start(view.kind)
            else:
                self.show_mine()

        self.services.background.submit(self.services.home_services.cancel, self._person_key(), view.reference,
                                        on_done=done, on_error=lambda e: setattr(self, "error", str(e)))

    def finish(self) -> None:
        self.services.end_visit()

    def reset(self) -> None:
        if self.dialog is not None and self.dialog.parent is not None:
            self.dialog.dismiss(animation=False)
        self.dialog = None
        self.draft.clear()
        self.flow = []
        self._params = {}
        self.existing = None
        self.views = []
        self._keypad.value = ""
        self.submitted = None
        self.qr_data = self.print_status = self.body = self.error = self.hint = self.heading = ""
        self.submitting = False
        self.ids.choices.clear_widgets()
        self.ids.cards.clear_widgets()
        self.page = "menu"


load_kv(__file__)
