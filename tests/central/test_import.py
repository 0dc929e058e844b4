"""python -m central import: bad rows reported by line, good rows kept, pinyin, residents' words and
groups added by the producer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from central.db import Database
from central.models import FeedItem

ROOT = Path(__file__).resolve().parents[2]
HEADER = "id,title,category,employer,district,street,address,lat,lon,salary_min,salary_max,job_type,posted_on,expires_on\n"
GOOD = "V1,保洁员,家政服务,天津鑫达家政服务有限公司,和平区,南市街道,荣业大街1号,39.13,117.19,3000,4200,全职,2026-11-01,2026-12-31\n"
NO_TITLE = "V2,,家政服务,某公司,和平区,南市街道,某路,39.13,117.19,3000,4200,全职,2026-11-01,2026-12-31\n"
BAD_LAT = "V3,电工,建筑装修,某公司,和平区,南市街道,某路,139.13,117.19,6000,9000,全职,2026-11-01,2026-12-31\n"
SALARY = "V4,厨师,餐饮服务,某公司,和平区,南市街道,某路,39.13,117.19,8000,4000,全职,2026-11-01,2026-12-31\n"


def test_import_keeps_good_rows_and_names_the_bad_lines(tmp_path):
    csv = tmp_path / "vacancies.csv"
    csv.write_text(HEADER + GOOD + NO_TITLE + BAD_LAT + SALARY, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    r = subprocess.run([sys.executable, "-m", "central", "--db", url, "import", str(csv)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "imported 1 vacancies; 3 bad rows skipped" in r.stdout
    assert f"{csv}:3: skipped: title" in r.stderr and f"{csv}:4: skipped: lat" in r.stderr
    assert f"{csv}:5: skipped: salary_max is below salary_min" in r.stderr
    db = Database(url)
    with db.session() as s:
        rows = s.scalars(select(FeedItem).where(FeedItem.feed == "vacancies")).all()
    assert [r.id for r in rows] == ["V1"]
    assert rows[0].data["pinyin_initials"].split()[0] == "bjy"  # computed where the vacancy is produced
    # so are the residents' words (with pinyin from the phrase dictionary) and the everyday group
    assert {"阿姨", "ayi", "打扫卫生", "dasaoweisheng"} <= set(rows[0].data["search_terms"].split())
    assert rows[0].data["job_group"] == "家政服务"
    db.dispose()


def test_an_exporters_own_words_and_group_are_kept_and_a_wrong_group_is_recomputed():
    from central.importer import _complete

    row = dict(id="V9", title="育婴员", category="家政服务", job_type="全职", employer="x")
    assert "保姆" in _complete(row)["search_terms"].split() and _complete(row)["job_group"] == "家政服务"
    assert _complete({**row, "search_terms": "带娃 daiwa"})["search_terms"] == "带娃 daiwa"
    assert _complete({**row, "job_group": "宇宙"})["job_group"] == "家政服务"


def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('"just a string"', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "central", "--db", f"sqlite:///{tmp_path / 'c.db'}", "import", str(bad)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "expected a JSON array" in r.stderr


def test_import_job_fairs_and_a_catalogue_with_multi_line_cells(tmp_path):
    import json

    fairs = tmp_path / "fairs.csv"
    fairs.write_text(
        "id,title,kind,venue,district,address,lat,lon,starts_at,ends_at,target_groups\n"
        "F1,春风行动招聘会,线下,南市街就业驿站,和平区,荣业大街56号,39.13,117.19,2030-03-05T09:30,2030-03-05T12:00,"
        "\"农民工,高校毕业生\"\n"
        "F2,无地点的线下招聘会,线下,某处,和平区,,,,2030-03-05T09:30,2030-03-05T12:00,\n"
        "F3,时间颠倒,线上,,,,,,2030-03-05T12:00,2030-03-05T09:00,\n", encoding="utf-8")
    catalogue = tmp_path / "services.csv"
    catalogue.write_text(
        "id,name,materials,how\n"
        "S1,档案托管,\"居民身份证\n调档函\",\"1. 申请\n2. 办理\"\n"
        "S2,,无,无\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    run = [sys.executable, "-m", "central", "--db", url, "import"]
    r = subprocess.run([*run, str(fairs), "--feed", "job_fairs"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "imported 1 job fairs; 2 bad rows skipped" in r.stdout
    assert f"{fairs}:3: skipped: an on-site fair" in r.stderr and f"{fairs}:4: skipped: ends_at" in r.stderr
    r = subprocess.run([*run, str(catalogue), "--feed", "services"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "imported 1 catalogue services; 1 bad rows skipped" in r.stdout
    assert f"{catalogue}:5: skipped: name" in r.stderr  # the line it begins on, after S1's three lines
    db = Database(url)
    with db.session() as s:
        fair = s.get(FeedItem, ("job_fairs", "F1")).data
        svc = s.get(FeedItem, ("services", "S1")).data
    db.dispose()
    assert fair["target_groups"] == "农民工,高校毕业生" and fair["starts_at"].startswith("2030-03-05T09:30")
    assert svc["materials"] == "居民身份证\n调档函" and svc["pinyin_initials"] == "datg"
    assert json.dumps(svc, ensure_ascii=False)  # stored as plain JSON


def test_an_over_long_requirements_cell_is_refused_by_name_even_at_a_megabyte(tmp_path):
    """A vacancy's long text is capped at import (the kiosk's paper is capped too): a 1 MB cell is
    one bad line with its reason, not a crash and not 187 m of receipt later."""
    header = HEADER.rstrip("\n") + ",requirements,benefits\n"
    row = GOOD.rstrip("\n")
    csv = tmp_path / "vacancies.csv"
    csv.write_text(header + row + ",身体健康,五险\n" + row.replace("V1", "V9", 1) + f",{'很长' * 500_000},五险\n"
                   + row.replace("V1", "V8", 1) + f",身体健康,{'福' * 1001}\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    r = subprocess.run([sys.executable, "-m", "central", "--db", url, "import", str(csv)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "imported 1 vacancies; 2 bad rows skipped" in r.stdout
    assert f"{csv}:3: skipped: requirements" in r.stderr and f"{csv}:4: skipped: benefits" in r.stderr
    assert "很长很长很长" not in r.stderr  # the reason names the field, it does not echo it
