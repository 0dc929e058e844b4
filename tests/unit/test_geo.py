import pytest

from kiosk.domain.geo import circle_radius_m, describe_distance, distance_m, walking_minutes


def test_distance_known_pair():
    # Tianjin railway station to the Drum Tower, about 2.9 km
    d = distance_m(39.1369, 117.2099, 39.1411, 117.1767)
    assert 2700 < d < 3100


def test_distance_zero_and_symmetric():
    assert distance_m(39.1, 117.2, 39.1, 117.2) == 0
    assert distance_m(39.1, 117.2, 39.2, 117.3) == pytest.approx(distance_m(39.2, 117.3, 39.1, 117.2))


def test_walking_minutes_round_up_and_circle_is_fifteen_minutes():
    assert walking_minutes(0) == 1
    r = circle_radius_m("urban")
    assert walking_minutes(r) == 15
    assert walking_minutes(r + 100) > 15
    assert circle_radius_m("rural") == 3000


def test_describe_distance():
    assert describe_distance(845) == "840 米 · 步行约 15 分钟"
    assert describe_distance(2500).startswith("2.5 公里")
    assert describe_distance(20_000).endswith("建议乘车")
