"""找工作: search and browse vacancies, nearest first.

Residents type pinyin on a big alphabetical keyboard (bj → 保洁员), tap a popular
occupation, or browse by everyday group (按类别: big tiles with counts, no typing), and narrow
with scope chips (15-minute circle / district / city) and a filter panel. Results update as
they type, from a worker thread, a page at a time.

The search understands residents' own words and slips (kiosk.store.search); the line under the
summary says what it did ("也为您找了：家政服务员、育婴员", "已按“保洁”为您查找"). A search that
finds nothing never leaves the resident at a dead end: the nearest words to tap, the popular
chips, and the group tiles for the current scope.
"""

from __future__ import annotations

from datetime import timedelta

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk import theme
from kiosk.domain.i18n import N_, _
from kiosk.domain.jobwords import GROUPS
from kiosk.domain.search import Scope, SearchQuery, Sort, make_query
from kiosk.domain.vacancy_views import DAY_JOB, JOB_TYPES, to_row
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import BigButton, Chip
from kiosk.widgets.letter_keyboard import LetterKeyboard  # noqa: F401 - used by the .kv
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.tile import Tile
from kiosk.widgets.tr import follow
from kiosk.widgets.visibility import set_shown

PAGE = 50
TYPE_DEBOUNCE_S = 0.35
#: a 按类别 tile: its name over the count of jobs, in the standard type
GROUP_TILE_H = 210
#: popular search words: the chip shows the word in the visit's language and searches the Chinese
POPULAR = (N_("保洁"), N_("保安"), N_("厨师"), N_("快递"), N_("普工"), N_("司机"), N_("营业员"), N_("护理"), N_("服务员"),
           N_("电工"), N_("会计"), N_("公益性岗位"))
SALARY_CHOICES = ((N_("不限"), None), (N_("3000元以上"), 3000), (N_("5000元以上"), 5000), (N_("8000元以上"), 8000))
POSTED_CHOICES = ((N_("不限"), None), (N_("3天内"), 3), (N_("7天内"), 7), (N_("30天内"), 30))
SORT_CHOICES = ((N_("离驿站最近"), Sort.DISTANCE), (N_("工资最高"), Sort.SALARY), (N_("最新发布"), Sort.NEWEST))
SCOPE_NAMES = {Scope.CIRCLE: N_("步行15分钟内"), Scope.DISTRICT: N_("本区"), Scope.CITY: N_("全市")}


class VacancyRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One row; all its state comes from the data dict (rows are reused while scrolling)."""

    vacancy_id = StringProperty("")
    title = StringProperty("")
    salary = StringProperty("")
    employer = StringProperty("")
    place = StringProperty("")
    job_type = StringProperty("")
    in_circle = BooleanProperty(False)

    def on_release(self) -> None:
        screen = self.parent.recycleview.parent_screen if self.parent else None
        if screen is not None and self.vacancy_id:
            screen.open_vacancy(self.vacancy_id)


class FilterPanel(ModalView):
    """Job type, wage, freshness and order; the screen reads the chips when it closes."""

    def __init__(self, screen: VacancyListScreen, **kw) -> None:
        self.screen = screen
        super().__init__(**kw)
        self._fill(self.ids.job_types, [(t, t) for t in JOB_TYPES], "", screen.filters["job_types"])
        self._fill(self.ids.salary, SALARY_CHOICES, "salary", [screen.filters["salary_min"]])
        self._fill(self.ids.posted, POSTED_CHOICES, "posted", [screen.filters["posted_within_days"]])
        self._fill(self.ids.sort, SORT_CHOICES, "sort", [screen.filters["sort"]])

    def _fill(self, box, choices, group: str, selected) -> None:
        for label, value in choices:
            chip = Chip(text=_(label), group=group or None, allow_no_selection=not group,
                        state="down" if value in selected else "normal")
            chip.choice = value
            box.add_widget(chip)

    @staticmethod
    def _chosen(box) -> list:
        return [c.choice for c in reversed(box.children) if c.state == "down"]

    def apply(self) -> None:
        self.screen.filters = {
            "job_types": self._chosen(self.ids.job_types),
            "salary_min": (self._chosen(self.ids.salary) or [None])[0],
            "posted_within_days": (self._chosen(self.ids.posted) or [None])[0],
            "sort": (self._chosen(self.ids.sort) or [Sort.DISTANCE])[0],
        }
        self.dismiss(animation=False)
        self.screen.refresh()

    def clear(self) -> None:
        self.screen.filters = VacancyListScreen.default_filters()
        self.dismiss(animation=False)
        self.screen.refresh()


class VacancyListScreen(KioskScreen):
    query_text = StringProperty("")
    scope = StringProperty(Scope.CIRCLE.value)
    summary = StringProperty("")
    keyboard_open = BooleanProperty(False)
    total = NumericProperty(0)
    loading = BooleanProperty(False)
    filters = DictProperty({})
    filter_count = NumericProperty(0)
    shortlist_count = NumericProperty(0)
    #: showing 为你推荐 (ranked for the visit's profile) instead of a search
    recommending = BooleanProperty(False)
    has_profile = BooleanProperty(False)
    #: the everyday group chosen on a 按类别 tile ("" for all)
    group = StringProperty("")
    #: the group tiles are open by the resident's choice
    browse_open = BooleanProperty(False)
    #: the last search found nothing (the tiles and suggestions take the list's place)
    empty = BooleanProperty(False)
    #: what the search did with the words: 也为您找了… / 已按“保洁”为您查找
    notice = StringProperty("")
    browse_heading = StringProperty("")
    #: the 零工 chip: day jobs only, and the day they work on ("today", "tomorrow" or "" for any)
    day_jobs = BooleanProperty(False)
    work_day = StringProperty("")

    @staticmethod
    def default_filters() -> dict:
        return {"job_types": [], "salary_min": None, "posted_within_days": None, "sort": Sort.DISTANCE}

    def on_kv_post(self, base_widget) -> None:
        self.filters = self.default_filters()
        self.ids.rv.parent_screen = self
        self._trigger = Clock.create_trigger(lambda _dt: self.refresh(), TYPE_DEBOUNCE_S)
        self.ids.keyboard.bind(value=self._typed)
        self.group_chip = follow(Chip(bold=True), "text", self._group_chip_text)
        self.group_chip.bind(on_release=lambda _c: self.toggle_browse())
        self.ids.popular.add_widget(self.group_chip)
        self.day_chip = follow(Chip(bold=True, allow_no_selection=True), "text", N_("零工"))
        self.day_chip.bind(on_release=lambda _c: self.toggle_day_jobs())
        self.ids.popular.add_widget(self.day_chip)
        for word in POPULAR:
            chip = follow(Chip(group="popular", allow_no_selection=True), "text", word)
            chip.word = word
            chip.bind(on_release=self._popular)
            self.ids.popular.add_widget(chip)
        self._generation = 0
        self._tiles: dict[str, Tile] = {}
        for g in GROUPS:
            tile = Tile(title=g, subtitle="", key=g, size_hint_y=None, height=GROUP_TILE_H * LOOK.K)  # kv translates
            tile.bind(on_release=lambda t: self.choose_group(t.key))
            self._tiles[g] = tile
            self.ids.group_tiles.add_widget(tile)
        LOOK.fbind("K", lambda *_a: [setattr(t, "height", GROUP_TILE_H * LOOK.K) for t in self._tiles.values()])
        # strong references: ids are weak, and these parts leave the tree while hidden
        self._keyboard_panel = self.ids.keyboard_panel.__self__
        self._recommended = self.ids.recommended.__self__
        self._rv = self.ids.rv.__self__
        self._browse = self.ids.browse.__self__
        self._day_row = self.ids.day_row.__self__
        set_shown(self._day_row, False)
        set_shown(self._keyboard_panel, self.keyboard_open)
        set_shown(self._recommended, self.has_profile)
        self._show_browse()

    def on_keyboard_open(self, _inst, shown: bool) -> None:
        if hasattr(self, "_keyboard_panel"):
            set_shown(self._keyboard_panel, shown)

    def on_has_profile(self, _inst, shown: bool) -> None:
        if hasattr(self, "_recommended"):
            set_shown(self._recommended, shown)

    def on_browse_open(self, *_a) -> None:
        self._show_browse()
        self._mark_group_chip()

    def on_empty(self, *_a) -> None:
        self._show_browse()

    def on_recommending(self, *_a) -> None:
        self._show_browse()

    def on_group(self, _inst, group: str) -> None:
        self.group_chip.text = self._group_chip_text()
        self._mark_group_chip()

    def _group_chip_text(self) -> str:
        return _("类别：{group}").format(group=_(self.group)) if self.group else _("按类别")

    def _mark_group_chip(self) -> None:
        if hasattr(self, "group_chip"):
            self.group_chip.state = "down" if self.group or self.browse_open else "normal"

    def _show_browse(self) -> None:
        """The tiles (and suggestions) take the list's place when asked for or when nothing was found."""
        if not hasattr(self, "_browse"):
            return
        shown = self.browse_open or (self.empty and not self.recommending)
        set_shown(self._browse, shown)
        set_shown(self._rv, not shown)

    def on_filters(self, _inst, f: dict) -> None:
        d = self.default_filters()
        self.filter_count = sum(1 for k in d if f.get(k) != d[k])

    # -- query --------------------------------------------------------------------------------
    def query(self) -> SearchQuery:
        f = self.filters
        day = None
        if self.day_jobs and self.work_day:
            day = self.services.vacancies.today() + timedelta(days=1 if self.work_day == "tomorrow" else 0)
        return make_query(self.query_text, scope=Scope(self.scope),
                          job_types=[DAY_JOB] if self.day_jobs else f["job_types"],
                          groups=[self.group] if self.group else [], salary_min=f["salary_min"],
                          posted_within_days=f["posted_within_days"], sort=f["sort"], work_day=day)

    def toggle_day_jobs(self) -> None:
        """零工: day jobs only, with the 今天 / 明天 chips under the words."""
        self.day_jobs = not self.day_jobs
        self.work_day = ""
        self.browse_open = False
        self.refresh()

    def on_day_jobs(self, _inst, on: bool) -> None:
        self.day_chip.state = "down" if on else "normal"
        set_shown(self._day_row, on)

    def set_work_day(self, day: str) -> None:
        self.work_day = day
        self.refresh()

    def _row(self, hit) -> dict:  # noqa: ANN001 - a search Hit
        return to_row(hit, self.services.vacancies.station, self.services.vacancies.today())

    def set_params(self, recommend: bool = False, **_params) -> None:
        if recommend and self.services.visits.current.profile is not None:
            self.recommending = True
            self.ids.rv.data = []

    def activate(self) -> None:
        self.shortlist_count = len(self.services.visits.current.shortlist)
        self.has_profile = self.services.visits.current.profile is not None
        if self.recommending and not self.ids.rv.data:
            self.recommend()
        elif not self.ids.rv.data:
            self.refresh()

    def recommend(self) -> None:
        """为你推荐: vacancies ranked for the registration profile, each saying why."""
        self._generation += 1
        gen = self._generation
        vac = self.services.vacancies
        profile = self.services.visits.current.profile
        self.browse_open = False
        self.empty = False
        self.notice = ""
        self.loading = True
        self.summary = _("正在为您挑选岗位…")
        self.services.background.submit(lambda: vac.recommend(profile, limit=30),
                                        on_done=lambda recs: self._show_recommendations(gen, recs),
                                        on_error=self._failed)

    def _show_recommendations(self, gen: int, recs) -> None:
        if gen != self._generation:
            return
        self.loading = False
        rows = []
        for r in recs:
            row = self._row(r.hit)
            row["place"] = " · ".join(r.reasons[:2])
            rows.append(row)
        self.ids.rv.data = rows
        self.total = len(rows)
        self.summary = _("根据您的登记信息，为您推荐 {n} 个岗位").format(n=len(rows))

    def refresh(self) -> None:
        """New search from the first page; results of older searches are dropped on arrival."""
        self.recommending = False
        self._generation += 1
        gen = self._generation
        self.loading = True
        self.summary = _("正在查找…")
        q = self.query()
        self.services.background.submit(self.services.vacancies.find, q, PAGE, 0,
                                        on_done=lambda r: self._show(gen, r), on_error=self._failed)

    def _show(self, gen: int, result) -> None:
        if gen != self._generation:
            return
        self.loading = False
        self.ids.rv.data = [self._row(h) for h in result.hits]
        self.ids.rv.scroll_y = 1
        self.total = result.total
        self.summary = self._summary(result.total)
        self.notice = notice_of(result)
        if result.total == 0 and Scope(self.scope) is Scope.CIRCLE and (self.query_text or self.filter_count
                                                                         or self.group):
            self.summary += _("。试试“本区”或“全市”")
        self._fill_suggestions([s.word for s in result.suggestions] if result.total == 0 else [])
        self.empty = result.total == 0
        if self.empty:
            self.load_groups()

    def _summary(self, total: int) -> str:
        where = _(SCOPE_NAMES[Scope(self.scope)])
        what = f"“{self.query_text.strip()}”" if self.query_text.strip() else _("岗位")
        group = f" · {self.group}" if self.group else ""
        if self.day_jobs:
            what = (_("“{q}”零工").format(q=self.query_text.strip()) if self.query_text.strip()
                    else {"today": _("今天的零工"), "tomorrow": _("明天的零工")}.get(self.work_day, _("零工岗位")))
        order = _(next(label for label, s in SORT_CHOICES if s == self.filters["sort"]))
        return _("{where}找到 {total} 个{what}{group} · 按{order}").format(where=where, total=total, what=what,
                                                                     group=group, order=order)

    # -- 按类别 and the empty result ------------------------------------------------------------
    def toggle_browse(self) -> None:
        self.browse_open = not self.browse_open
        self._mark_group_chip()
        if self.browse_open:
            self.keyboard_open = False
            self.summary = _("点一个类别，看这一类的岗位")
            self.load_groups()
        else:
            self.summary = self._summary(self.total)

    def load_groups(self) -> None:
        """Counts on the tiles: the current scope and filters, without the typed text."""
        where = _(SCOPE_NAMES[Scope(self.scope)])
        below = bool(self.ids.suggestions.children)
        self.browse_heading = _("按类别找工作（{where}）").format(where=where) if not self.empty else (
            (_("没有找到“{q}”。您可以点下面的词，或按类别找：") if below
             else _("没有找到“{q}”。您可以点上面的常用词，或按类别找：")).format(q=self.query_text.strip())
            if self.query_text.strip()
            else _("没有找到符合条件的岗位。您可以按类别找，或试试“本区”“全市”："))
        q = make_query("", scope=Scope(self.scope), job_types=self.filters["job_types"],
                       salary_min=self.filters["salary_min"], posted_within_days=self.filters["posted_within_days"])
        gen = self._generation
        self.services.background.submit(self.services.vacancies.group_counts, q,
                                        on_done=lambda counts: self._show_groups(gen, counts),
                                        on_error=self._failed)

    def _show_groups(self, gen: int, counts: dict[str, int]) -> None:
        if gen != self._generation:
            return
        for g, tile in self._tiles.items():
            n = counts.get(g, 0)
            tile.subtitle = _("{n} 个岗位").format(n=n) if n else _("暂无岗位")
            tile.tile_color = theme.BRAND if n else theme.MUTED
            tile.count = n

    def choose_group(self, group: str) -> None:
        """A tile: list that group in the current scope; typed text that found nothing goes."""
        tile = self._tiles.get(group)
        if tile is not None and not getattr(tile, "count", 1):
            return
        self.group = "" if group == self.group else group
        self.browse_open = False
        self.empty = False
        self.ids.keyboard.value = ""
        self._trigger.cancel()
        self.refresh()

    def _fill_suggestions(self, words: list[str]) -> None:
        box = self.ids.suggestions
        box.clear_widgets()
        for w in words:
            b = BigButton(text=w, size_hint_x=None, width=max(240, 90 * len(w) + 80), bg_color=theme.ACCENT)
            b.bind(on_release=lambda btn: self.use_suggestion(btn.text))
            box.add_widget(b)

    def use_suggestion(self, word: str) -> None:
        self.empty = False
        self.ids.keyboard.value = word

    def load_more(self) -> None:
        rv = self.ids.rv
        if self.recommending or self.loading or len(rv.data) >= self.total:
            return
        self.loading = True
        gen = self._generation
        self.services.background.submit(self.services.vacancies.find, self.query(), PAGE, len(rv.data),
                                        on_done=lambda r: self._append(gen, r), on_error=self._failed)

    def _append(self, gen: int, result) -> None:
        if gen != self._generation:
            return
        self.loading = False
        self.ids.rv.data.extend(self._row(h) for h in result.hits)

    def on_scroll_stop(self) -> None:
        if self.ids.rv.scroll_y <= 0.05:
            self.load_more()

    def _failed(self, _exc: BaseException) -> None:
        self.loading = False
        self.summary = _("岗位信息暂时无法读取，请稍后再试或咨询工作人员")

    # -- controls -------------------------------------------------------------------------------
    def _typed(self, _kb, value: str) -> None:
        self.query_text = value
        self.browse_open = False
        for chip in self.ids.popular.children:
            if getattr(chip, "word", None) is not None and chip.state == "down" and chip.word != value:
                chip.state = "normal"
        self._trigger()

    def _popular(self, chip: Chip) -> None:
        self.ids.keyboard.value = chip.word if chip.state == "down" else ""
        self._trigger.cancel()
        self.refresh()

    def set_scope(self, scope: str) -> None:
        if scope != self.scope or self.recommending:
            self.scope = scope
            self.refresh()

    def toggle_keyboard(self) -> None:
        self.keyboard_open = not self.keyboard_open

    def clear_text(self) -> None:
        self.ids.keyboard.value = ""

    def open_filters(self) -> None:
        self.panel = FilterPanel(self)
        self.panel.open(animation=False)

    def open_vacancy(self, vacancy_id: str) -> None:
        self.keyboard_open = False
        self.go("vacancy_detail", vacancy_id=vacancy_id)

    def reset(self) -> None:
        self._generation += 1
        self.group = ""
        self.browse_open = False
        self.empty = False
        self.notice = ""
        self._fill_suggestions([])
        self.ids.rv.data = []
        self.ids.rv.scroll_y = 1
        self.ids.keyboard.value = ""
        self.query_text = ""
        self.scope = Scope.CIRCLE.value
        self.filters = self.default_filters()
        self.keyboard_open = False
        self.summary = ""
        self.total = 0
        self.shortlist_count = 0
        self.recommending = False
        self.has_profile = False
        self.day_jobs = False
        self.work_day = ""
        for chip in self.ids.popular.children:
            chip.state = "normal"


def notice_of(result) -> str:  # noqa: ANN001 - a kiosk.store.search.SearchResult
    """The line under the summary: how the typed words were read, and what was added for them."""
    parts = [_("已按“{word}”为您查找").format(word=s.word) for s in result.spelled]
    if result.also:
        parts.append(_("也为您找了：") + _("、").join(result.also))
    return _("；").join(parts)


load_kv(__file__)
