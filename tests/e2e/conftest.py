import tests.appfixture  # noqa: F401 - Kivy window options before any test imports kivy
