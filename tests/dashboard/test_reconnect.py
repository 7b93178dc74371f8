"""A learner whose server went away (dashboard.reconnect), through the app's entry in AppTest.

A reconnection is simulated as it happens behind nginx: a NEW session (a new AppTest) whose
first run carries the widget values and the address that the browser kept from its old one.
(tests/browser/test_nginx.py kills a real replica under a real browser.)"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import reconnect, upload

from .apptest_tools import APP, TIMEOUT, errors

VIEW = "../pages/learning_rate.py"
CSV = b"x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n5,10.1\n"


def _visit(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    return at.switch_page(VIEW).run()


def _reconnect(old: AppTest) -> AppTest:
    """A new session whose first run brings what the old session's browser holds."""
    new = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    new.query_params.update(old.query_params)
    new.switch_page(VIEW)
    return new._run(widget_state=old._tree.get_widget_states())


def _notices(at: AppTest) -> list[str]:
    return [i.value for i in at.info if i.value in (reconnect.SENTENCE, reconnect.SENTENCE_UPLOAD)]


def _upload_notes(at: AppTest) -> list[str]:
    """dashboard.upload's note that the address was made with a file."""
    return [i.value for i in at.info if "upload" in i.value and i.value not in _notices(at)]


def test_a_reconnected_session_says_so_once_per_view_and_keeps_the_scenario():
    old = _visit({"steps": "300"})  # a link: a first visit, however much it sets
    assert _notices(old) == [] and not errors(old)
    old.slider(key="steps").set_value(310).run()  # the same session's own reruns
    assert _notices(old) == []

    new = _reconnect(old)
    assert _notices(new) == [reconnect.SENTENCE] and not errors(new)
    assert new.slider(key="steps").value == 310
    new.slider(key="steps").set_value(320).run()  # still said on the same view ...
    assert _notices(new) == [reconnect.SENTENCE]
    new.switch_page("../pages/mse_vs_mae.py").run()  # ... and no more on another
    assert _notices(new) == [] and not errors(new)


def test_after_a_reconnection_the_upload_is_asked_for_again():
    old = _visit()
    old.file_uploader(key="upload").set_value(("points.csv", CSV, "text/csv")).run()
    assert old.query_params[upload.PARAM] in (upload.PARAM_VALUE, [upload.PARAM_VALUE])
    new = _reconnect(old)
    assert _notices(new) == [reconnect.SENTENCE_UPLOAD] and not errors(new)


def test_after_a_reconnection_the_upload_note_does_not_blame_the_link():
    old = _visit()
    old.file_uploader(key="upload").set_value(("points.csv", CSV, "text/csv")).run()
    new = _reconnect(old)
    assert _upload_notes(new) == []


def test_a_link_with_an_upload_opened_elsewhere_is_a_first_visit_and_keeps_the_upload_note():
    at = _visit({upload.PARAM: upload.PARAM_VALUE})
    assert _notices(at) == [] and len(_upload_notes(at)) == 1
