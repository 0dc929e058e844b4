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
