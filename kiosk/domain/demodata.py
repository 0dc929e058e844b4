"""Deterministic demo data for Tianjin: stations, employers, vacancies and announcements.

Used by the demo (``make run``), by the tests and by the benchmarks, on the kiosk and on the
reference central service. The same ``seed`` and ``today`` always give the same rows.
Records are plain dicts with the field names of ``kiosk.store.models``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import cache

from kiosk.domain import tianjin
from kiosk.domain.vacancy_views import JOB_TYPES

# category: (industry suffix for employer names, [(title, monthly salary band low, high)])
OCCUPATIONS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, int, int], ...]]] = {
    "家政服务": (("家政服务", "保洁服务"), (("保洁员", 2600, 4200), ("家政服务员", 3500, 6500), ("育婴员", 5000, 9000), ("养老护理员", 4000, 6500))),
    "餐饮服务": (("餐饮管理", "食品", "酒店管理"), (("厨师", 4500, 8000), ("面点师", 4000, 6500), ("餐厅服务员", 3000, 4800), ("配菜员", 3200, 4500), ("洗碗工", 2800, 3800))),
    "商超零售": (("商贸", "超市", "百货"), (("营业员", 3200, 5000), ("收银员", 3000, 4500), ("理货员", 3000, 4300), ("门店店长", 5500, 9000))),
    "物流运输": (("物流", "供应链管理", "快递服务"), (("快递员", 5000, 9000), ("仓库管理员", 4000, 6000), ("分拣员", 3800, 5500), ("配送司机", 6000, 9500), ("叉车司机", 5000, 7000))),
    "生产制造": (("机械制造", "电子科技", "汽车零部件", "新材料"), (("普工", 4000, 6000), ("电焊工", 6000, 9000), ("钳工", 5500, 8000), ("数控车床操作工", 5500, 8500), ("质检员", 4500, 6500), ("装配工", 4300, 6200))),
    "建筑装修": (("建筑工程", "装饰工程"), (("电工", 6000, 9000), ("水暖工", 5500, 8500), ("木工", 6000, 9500), ("瓦工", 6500, 10000))),
    "物业安保": (("物业服务", "保安服务"), (("保安员", 3300, 4800), ("物业管理员", 3800, 5500), ("绿化工", 3000, 4200), ("停车场管理员", 2900, 4000))),
    "行政财务": (("企业管理", "科技", "会计服务"), (("文员", 3800, 5500), ("会计", 5000, 8500), ("出纳", 4200, 6000), ("行政助理", 4000, 6000), ("人事专员", 4500, 7000))),
    "销售客服": (("商贸", "信息咨询", "房地产经纪"), (("销售代表", 4500, 10000), ("客服专员", 4000, 6000), ("电话销售", 4000, 8000), ("房产经纪人", 5000, 12000))),
    "信息技术": (("信息技术", "软件", "网络科技"), (("软件工程师", 9000, 18000), ("网络管理员", 6000, 9000), ("数据标注员", 4000, 6000), ("运维工程师", 8000, 14000))),
    "教育培训": (("教育咨询", "培训学校", "幼儿园"), (("幼儿教师", 4500, 7000), ("课外辅导教师", 5000, 9000), ("保育员", 3500, 5000))),
    "医疗健康": (("医院", "诊所", "健康管理"), (("护士", 5500, 9000), ("药剂师", 5500, 8500), ("康复治疗师", 6000, 9500), ("护工", 4200, 6500))),
    "交通出行": (("汽车服务", "出行服务", "公交"), (("网约车司机", 6000, 10000), ("公交驾驶员", 6500, 8500), ("汽车维修工", 5500, 8500))),
}

PUBLIC_WELFARE_TITLES = (("社区协管员", 2400, 3200), ("公共环境保洁员", 2320, 2900), ("治安巡逻员", 2400, 3100), ("就业服务协理员", 2600, 3400))

_JOB_TYPE_WEIGHTS = (0.74, 0.14, 0.06, 0.06)

_BRANDS = (
    "鑫达", "华泰", "恒信", "津港", "海河", "瑞丰", "盛世", "宏远", "渤海", "金桥", "安康", "顺通",
    "润泽", "中环", "新宇", "嘉禾", "永利", "百川", "利民", "万福", "天诚", "博雅", "卓越", "众诚",
    "信达", "德润", "泰和", "隆昌", "津城", "北洋", "滨江", "和顺", "联创", "同创", "兴业", "智远",
)
_EDUCATION = ("不限", "不限", "初中及以上", "高中/中专及以上", "大专及以上", "本科及以上")
_EXPERIENCE = ("不限", "不限", "1年以上", "2年以上", "3年以上")
_BENEFITS = ("五险一金", "包吃", "包住", "餐补", "交通补贴", "年终奖", "带薪年假", "节日福利", "定期体检", "免费培训", "双休", "加班补贴")
_HOURS = ("8:30-17:30，周末双休", "9:00-18:00，单休", "早晚两班倒", "7:00-15:00 / 15:00-23:00 轮班", "每天 4 小时，时间可商量", "弹性工作时间")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"

ANNOUNCEMENTS = (
    "本周五上午9:30，南市街就业驿站举办“家门口”招聘会，20余家企业现场招聘",
    "灵活就业人员社保补贴政策咨询，请到2号窗口",
    "公益性岗位报名进行中，就业困难人员优先",
    "免费职业技能培训：养老护理员、电工、育婴员，现接受报名",
    "高校毕业生就业见习岗位已更新，欢迎咨询",
)

CAMPUS_AND_PARK_STATIONS = (
    ("南开区", "学府街道", "南开大学就业驿站", "university"),
    ("津南区", "海河教育园区", "天津大学北洋园就业驿站", "university"),
    ("南开区", "万兴街道", "水上公园就业驿站", "park"),
    ("河西区", "桃园街道", "人民公园就业驿站", "park"),
)


def pinyin_fns() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """Initials and full pinyin with the phrase dictionary (会计 → kj, not hj).

    Format of the vacancy columns (the search index reads them): ``pinyin_initials`` and
    ``pinyin_full`` each hold three space-separated words, for title, employer and category.
    """
    from pypinyin import Style, lazy_pinyin

    @cache
    def initials(s: str) -> str:
        return "".join(p[0] for p in lazy_pinyin(s, style=Style.FIRST_LETTER, errors="ignore") if p)

    @cache
    def full(s: str) -> str:
        return "".join(lazy_pinyin(s, errors="ignore"))

    return initials, full


def _jitter(rng: random.Random, lat: float, lon: float, spread_m: float) -> tuple[float, float]:
    r = spread_m * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    return (
        round(lat + r * math.cos(a) / 111_000, 6),
        round(lon + r * math.sin(a) / (111_000 * math.cos(math.radians(lat))), 6),
    )


def stations(today: date | None = None) -> list[dict]:
    """One station per street and town, plus a few in parks and universities."""
    today = today or date.today()
    now = datetime.combine(today, time(6, 0))
    out = []
    for di, d in enumerate(tianjin.DISTRICTS):
        for i, s in enumerate(d.streets):
            code = f"TJ-{di + 1:02d}{i + 1:02d}"
            out.append(
                dict(
                    id=code,
                    name=f"{d.name}{s.name.removesuffix('街道')}{'街' if s.name.endswith('街道') else ''}就业驿站",
                    district=d.name,
                    street=s.name,
                    address=f"{d.name}{s.name}便民服务中心一层",
                    lat=s.lat,
                    lon=s.lon,
                    area_type=s.area_type,
                    kind="township" if s.name.endswith("镇") else "street",
                    opening_hours="周一至周五 8:30-17:30",
                    phone=f"022-{2300 + i * 7:04d} {1000 + abs(hash_str(s.name)) % 9000:04d}",
                    services="求职登记,失业登记,职业指导,政策咨询,招聘对接",
                    version=1,
                    updated_at=now,
                )
            )
    for j, (dname, sname, name, kind) in enumerate(CAMPUS_AND_PARK_STATIONS):
        s = next(st for st in tianjin.district(dname).streets if st.name == sname)
        lat, lon = _jitter(random.Random(name), s.lat, s.lon, 600)
        out.append(
            dict(
                id=f"TJ-X{j:02d}",
                name=name,
                district=dname,
                street=sname,
                address=f"{dname}{sname}",
                lat=lat,
                lon=lon,
                area_type="urban",
                kind=kind,
                opening_hours="周一至周五 9:00-17:00",
                phone="",
                services="求职登记,职业指导,创业服务,招聘对接",
                version=1,
                updated_at=now,
            )
        )
    return out


def hash_str(s: str) -> int:
    """A stable (not per-process-salted) small hash for generated codes."""
    h = 0
    for ch in s:
        h = (h * 131 + ord(ch)) & 0x7FFFFFFF
    return h


def vacancies(n: int, seed: int = 2024, today: date | None = None) -> Iterator[dict]:
    """Yield ``n`` vacancies. About 5% are expired and 3% withdrawn, as in a real feed."""
    today = today or date.today()
    rng = random.Random(seed)
    initials, full = pinyin_fns()
    streets = tianjin.all_streets()
    # Denser around the city centre, as real vacancies are.
    weights = [3.0 if s.district in ("和平区", "河西区", "南开区", "河东区", "河北区", "红桥区") else 1.0 for s in streets]
    employers: dict[tuple[str, str], list[str]] = {}
    categories = list(OCCUPATIONS)
    from kiosk.domain.jobwords import job_group, producer_vocabulary

    words = producer_vocabulary()
    # A few hundred distinct titles: the words and the group of each are worked out once, not per
    # row (they were most of the time of a large seed).
    search_terms = cache(words.search_terms)
    group_of = cache(job_group)
    for i in range(n):
        street = rng.choices(streets, weights)[0]
        job_type = rng.choices(JOB_TYPES[:4], _JOB_TYPE_WEIGHTS)[0]
        if job_type == "公益性岗位":
            category = "公益性岗位"
            title, lo, hi = rng.choice(PUBLIC_WELFARE_TITLES)
            employer = f"{street.district}{street.name}社区服务中心"
        else:
            category = rng.choice(categories)
            suffixes, titles = OCCUPATIONS[category]
            title, lo, hi = rng.choice(titles)
            pool = employers.setdefault((street.name, category), [])
            if not pool or (len(pool) < 4 and rng.random() < 0.3):
                pool.append(f"天津{rng.choice(_BRANDS)}{rng.choice(suffixes)}有限公司")
            employer = rng.choice(pool)
        lat, lon = _jitter(rng, street.lat, street.lon, 1800 if street.area_type == "urban" else 4000)
        if job_type == "兼职":
            unit = "时"
            smin = max(math.ceil(tianjin.MIN_WAGE_HOURLY), round(lo / 174 * rng.uniform(0.95, 1.2)))
            smax = smin + rng.randint(2, 10)
        else:
            unit = "月"
            smin = max(tianjin.MIN_WAGE_MONTHLY, int(round(lo * rng.uniform(0.9, 1.15), -2)))
            smax = max(smin + 300, int(round(hi * rng.uniform(0.9, 1.15), -2)))
            if job_type == "实习":
                smin, smax = max(tianjin.MIN_WAGE_MONTHLY, int(smin * 0.8 // 100 * 100)), max(smin, int(smax * 0.8 // 100 * 100))
        posted = today - timedelta(days=rng.randint(0, 60))
        roll = rng.random()
        if roll < 0.05:
            expires = today - timedelta(days=rng.randint(1, 20))
            posted = min(posted, expires - timedelta(days=10))
        else:
            expires = max(today + timedelta(days=1), posted + timedelta(days=rng.randint(30, 90)))
        status = "withdrawn" if 0.05 <= roll < 0.08 else "open"
        contact = rng.choice(_SURNAMES) + rng.choice(("先生", "女士", "经理"))
        no = 10 + (hash_str(street.name) % 80)
        vid = f"TJV{seed % 1000:03d}{i:07d}"
        row = dict(
            id=vid,
            title=title,
            category=category,
            employer=employer,
            employer_intro=f"{employer}位于{street.district}{street.name}，主营{category}相关业务，现因业务发展招聘{title}。",
            district=street.district,
            street=street.name,
            address=f"{street.district}{street.name}{rng.choice(('建设路', '幸福道', '胜利路', '友谊路', '和平路', '复兴路', '新华路'))}{no}号",
            lat=lat,
            lon=lon,
            salary_min=smin,
            salary_max=smax,
            salary_unit=unit,
            job_type=job_type,
            headcount=rng.choice((1, 1, 2, 2, 3, 5, 10)),
            education=rng.choice(_EDUCATION),
            experience=rng.choice(_EXPERIENCE),
            age_range=rng.choice(("18-45岁", "18-50岁", "20-55岁", "不限", "18-60岁")),
            work_hours=rng.choice(_HOURS) if job_type != "兼职" else "每天 4 小时，时间可商量",
            requirements=f"身体健康，责任心强；{rng.choice(('有相关经验者优先', '可接受新手，提供带教', '持相关职业资格证书者优先', '能适应倒班'))}。",
            benefits="、".join(rng.sample(_BENEFITS, rng.randint(2, 5))),
            contact_name=contact,
            contact_phone=f"022-{rng.randint(2000, 8999)} {rng.randint(1000, 9999)}",
            posted_on=posted,
            expires_on=expires,
            status=status,
            pinyin_initials=" ".join((initials(title), initials(employer), initials(category))),
            pinyin_full=" ".join((full(title), full(employer), full(category))),
            search_terms=search_terms(title, job_type),
            job_group=group_of(title, category),
            work_from=None,
            meet_place="",
            meet_time="",
            version=1,
            updated_at=datetime.combine(posted, time(8, 0)),
        )
        if i % DAY_JOB_EVERY == 3 and status == "open" and row["job_group"] in DAY_JOB_GROUPS:
            row.update(_day_job(i, street.name, today))
            row["search_terms"] = search_terms(title, row["job_type"])
        yield row


#: one vacancy in this many of the groups people do day labour in becomes a 零工 (day job), on one
#: of the next three days; chosen by position, so the random stream of every other row is unchanged
DAY_JOB_EVERY = 25
DAY_JOB_GROUPS = ("家政服务", "物流配送", "工厂普工", "餐饮", "保安物业")


def _day_job(i: int, street: str, today: date) -> dict:
    k = i // DAY_JOB_EVERY
    first = today + timedelta(days=k % 3)
    last = first + timedelta(days=k % 2)
    pay = 180 + (i % 7) * 20
    return dict(job_type="零工", salary_min=pay, salary_max=pay + 40, salary_unit="天", headcount=2 + k % 5,
                work_hours="当天 8 点到 17 点，管午饭", posted_on=min(today - timedelta(days=1), first),
                expires_on=last, work_from=first, meet_time=("07:00", "07:30", "08:00")[i % 3],
                meet_place=f"{street}{('便民服务中心门口', '社区居委会门口', '地铁站出口', '公交站旁')[k % 4]}",
                updated_at=datetime.combine(today - timedelta(days=1), time(8, 0)))


def announcements(today: date | None = None) -> list[dict]:
    today = today or date.today()
    now = datetime.combine(today, time(6, 0))
    return [
        dict(id=f"A{i:03d}", text=t, starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=30),
             priority=len(ANNOUNCEMENTS) - i, version=1, updated_at=now)
        for i, t in enumerate(ANNOUNCEMENTS)
    ]


# (title, district, street, venue, kind, day offset, start hour, hours, organiser, employers,
#  positions, target groups, description)
_FAIRS = (
    ("“家门口”就业服务招聘会", "和平区", "南市街道", "南市街就业驿站广场", "线下", 2, 9, 3,
     "和平区人力资源和社会保障局", 23, 410, "", "20余家企业现场招聘，岗位涉及家政、餐饮、物业、商超等，现场可咨询社保补贴政策。"),
    ("高校毕业生专场招聘会", "南开区", "学府街道", "南开大学就业驿站", "线下", 5, 9, 4,
     "南开区人力资源和社会保障局、南开大学", 85, 1900, "高校毕业生",
     "面向应届及离校2年内未就业高校毕业生，提供技术研发、教育培训、金融财会等岗位，现场设职业指导台。"),
    ("农民工专场招聘会", "河北区", "王串场街道", "王串场街道便民服务中心", "线下", 3, 9, 3,
     "河北区人力资源和社会保障局", 31, 620, "农民工,就业困难人员",
     "生产制造、建筑装修、物流配送岗位为主，现场提供技能培训报名和工资权益咨询。"),
    ("退役军人专场招聘会", "河西区", "友谊路街道", "河西区退役军人服务中心", "线下", 8, 9, 3,
     "河西区退役军人事务局、河西区人力资源和社会保障局", 40, 560, "退役军人",
     "安保、物流、驾驶、物业管理等岗位，优先招用退役军人，现场可办理就业登记。"),
    ("直播带岗：海河之畔好工作", "河东区", "大直沽街道", "天津公共就业服务网直播间", "直播带岗", 1, 19, 2,
     "天津市公共就业服务中心", 12, 300, "", "主播带您走进企业车间和门店，在线投递简历；驿站可协助扫码观看。"),
    ("民营企业线上招聘月", "", "", "天津公共就业服务网", "线上", 0, 0, 24 * 20,
     "天津市人力资源和社会保障局", 420, 8600, "高校毕业生,农民工,就业困难人员",
     "全市民营企业集中在线招聘，手机扫码即可浏览岗位、在线投递。"),
    ("北辰区产业园区专场招聘会", "北辰区", "瑞景街道", "北辰科技园区服务中心", "线下", 6, 9, 3,
     "北辰区人力资源和社会保障局", 52, 1300, "农民工,高校毕业生", "汽车零部件、电子制造、仓储物流企业现场招聘，多数岗位包吃住。"),
    ("就业援助月专场招聘会", "红桥区", "丁字沽街道", "丁字沽街就业驿站", "线下", 10, 9, 3,
     "红桥区人力资源和社会保障局", 28, 350, "就业困难人员,残疾人", "面向就业困难人员和残疾人，提供公益性岗位和灵活就业岗位，现场一对一帮扶。"),
    ("滨海新区大型综合招聘会", "滨海新区", "塘沽街道", "滨海新区人力资源市场", "线下", 12, 9, 4,
     "滨海新区人力资源和社会保障局", 160, 4200, "", "港口物流、石油化工、智能制造、生物医药等企业招聘。"),
    ("西青区乡村振兴专场招聘会", "西青区", "杨柳青镇", "杨柳青镇文化广场", "线下", 4, 9, 3,
     "西青区人力资源和社会保障局", 35, 700, "农民工", "就近就业岗位、季节性用工和技能培训项目推介。"),
    ("养老护理员专场招聘会", "河西区", "桃园街道", "人民公园就业驿站", "线下", 7, 14, 2,
     "河西区民政局、河西区人力资源和社会保障局", 15, 180, "就业困难人员", "养老机构和居家养老服务企业招聘，可现场报名免费养老护理员培训。"),
    ("冬季综合招聘会", "和平区", "小白楼街道", "小白楼街就业驿站", "线下", -3, 9, 3,
     "和平区人力资源和社会保障局", 20, 300, "", "本场已结束。"),
)


def job_fairs(today: date | None = None) -> list[dict]:
    """Tianjin job fairs around ``today``: upcoming ones, a month-long online fair, and one already over.

    Times are the wall clock in Tianjin (naive datetimes, like every kiosk time shown to residents).
    """
    today = today or date.today()
    now = datetime.combine(today, time(6, 0))
    out = []
    for i, (title, dname, sname, venue, kind, offset, hour, hours, org, employers, positions, groups,
            desc) in enumerate(_FAIRS):
        start = datetime.combine(today + timedelta(days=offset), time(hour, 30 if kind == "线下" else 0))
        if kind == "线上":
            start = datetime.combine(today - timedelta(days=2), time(0, 0))
        lat = lon = None
        address = ""
        if sname:
            street = next(st for st in tianjin.district(dname).streets if st.name == sname)
            lat, lon = _jitter(random.Random(title), street.lat, street.lon, 500)
            address = f"{dname}{sname}{venue}" if not venue.startswith(dname) else venue
        if kind != "线下":
            lat = lon = None
            address = ""
        fid = f"JF{today:%y%m}{i:03d}"
        out.append(dict(
            id=fid, title=title, kind=kind, venue=venue, district=dname, address=address, lat=lat, lon=lon,
            starts_at=start, ends_at=start + timedelta(hours=hours), organiser=org, employers=employers,
            positions=positions, target_groups=groups, description=desc,
            contact=f"022-{2400 + i * 13:04d} {3000 + hash_str(title) % 6000:04d}",
            url="", status="scheduled", version=1, updated_at=now))
    return out


def services(today: date | None = None) -> list[dict]:
    """The service catalogue (政策与服务) with pinyin of each name, as the producer computes it."""
    from kiosk.domain.catalogue_data import CATALOGUE

    today = today or date.today()
    now = datetime.combine(today, time(6, 0))
    initials, full = pinyin_fns()
    return [
        dict(id=sid, name=name, category=cat, summary=summary, audience=audience, materials=materials,
             place=place, how=how, time_limit=limit, basis=basis, fee="免费", sort_order=i,
             pinyin_initials=initials(name), pinyin_full=full(name), version=1, updated_at=now)
        for i, (sid, name, cat, summary, audience, materials, place, how, limit, basis) in enumerate(CATALOGUE)
    ]
