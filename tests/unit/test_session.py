from kiosk.core.session import VisitManager


def test_end_forgets_everything_and_notifies():
    vm = VisitManager()
    calls = []
    vm.on_end(lambda: calls.append(1))
    first = vm.current
    vm.view_vacancy("V1")
    vm.view_vacancy("V1")
    first.shortlist.append("V2")
    assert first.viewed_vacancies == ["V1"] and not first.is_empty
    vm.end()
    assert calls == [1]
    assert vm.current is not first and vm.current.is_empty and vm.current.id != first.id
    assert first.is_empty  # the old object holds nothing either


def test_shortlist_toggles_and_has_a_limit():
    import pytest

    from kiosk.core.session import SHORTLIST_MAX, ShortlistFull

    vm = VisitManager()
    assert vm.toggle_shortlist("V1") is True
    assert vm.toggle_shortlist("V1") is False
    for i in range(SHORTLIST_MAX):
        vm.toggle_shortlist(f"V{i}")
    with pytest.raises(ShortlistFull, match="最多"):
        vm.toggle_shortlist("one-more")
    assert len(vm.current.shortlist) == SHORTLIST_MAX
