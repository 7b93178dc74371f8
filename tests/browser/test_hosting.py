"""The ways to host the dashboard for a class, each run as its host runs it.

- Community Cloud: a fresh virtualenv gets only ``dashboard/requirements.txt``, and
  ``streamlit run dashboard/app.py`` from the repository root (the project not installed)
  serves a view to a browser, and every view runs through the entry point in
  that virtualenv (Streamlit's AppTest).
- Docker: the Dockerfile's settings agree with each other (base image as a build argument, a
  non-root user with UID 1000, the exposed port, a health check on /_stcore/health without
  curl, an entry path that exists), and its command, run in that virtualenv, serves and passes its
  health check. That command is the cloud way's plus the image's settings: one server stands for both.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from dashboard.views import VIEWS

from .server import ROOT, streamlit_server
from .streamlit_page import VIEW_CHARTS, error_texts, main_text, open_page

pytestmark = pytest.mark.browser

REQUIREMENTS = ROOT / "dashboard" / "requirements.txt"
DOCKERFILE = ROOT / "Dockerfile"


@pytest.fixture(scope="module")
def cloud_venv(tmp_path_factory) -> Path:
    """A fresh virtualenv with the pinned runtime requirements and nothing else."""
    venv = tmp_path_factory.mktemp("cloud") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # --no-compile: Python compiles what it imports when it imports it; compiling every installed file up
    # front was half of this fixture's time and tells nothing about the requirements
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile", "-r", str(REQUIREMENTS)]
    done = subprocess.run(pip, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv


def _serves(url: str, page, views=VIEWS) -> None:
    for view in views:
        open_page(page, f"{url}/{view.name}", charts=VIEW_CHARTS[view.name])
        assert not error_texts(page), view.name
        assert view.question in main_text(page)


def test_requirements_pin_every_runtime_dependency_of_the_project():
    import tomllib

    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", REQUIREMENTS.read_text(), re.MULTILINE))
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~ ]", d, maxsplit=1)[0].lower() for d in declared}
    assert names == {name.lower() for name in pinned}


# Every view run through the entry point in the cloud's virtualenv, outside the repository, with Streamlit's
# own AppTest (part of streamlit): each view's imports and its whole run meet only the pinned requirements.
EVERY_VIEW_THROUGH_THE_ENTRY_POINT = """
import sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(sys.argv[1], default_timeout=120).run()
for page in ["", *sys.argv[2:]]:
    if page:
        app.switch_page(page).run()
    failed = [e.value for e in app.exception] + [e.value for e in app.error]
    print(page or "start", "|", app.title[0].value if app.title else "", "|", failed)
"""


def test_the_cloud_way_serves_every_view_without_installing_the_project(cloud_venv, venv_served, page, tmp_path):
    python = cloud_venv / "bin" / "python"
    # the project itself is not importable from the virtualenv: only the entry point's path fix makes it so
    probe = subprocess.run([str(python), "-c", "import dashboard"], cwd=tmp_path, capture_output=True)
    assert probe.returncode != 0
    # every view, run in the virtualenv (a browser per view cost 70-110 s of the suite and tested the same imports)
    pages = [f"../pages/{view.file}" for view in VIEWS]
    done = subprocess.run([str(python), "-c", EVERY_VIEW_THROUGH_THE_ENTRY_POINT, str(ROOT / "dashboard" / "app.py"),
                           *pages], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    ran = [line.split(" | ") for line in done.stdout.splitlines() if " | " in line]
    assert [name for name, _, _ in ran] == ["start", *pages]
    assert [title for _, title, _ in ran[1:]] == [view.question for view in VIEWS]
    assert all(failed == "[]" for _, _, failed in ran), ran
    # and the console script, as Cloud runs it, serves a view to a real browser
    _serves(venv_served, page, [v for v in VIEWS if v.name == "local_minima"])


def _dockerfile() -> dict:
    text = DOCKERFILE.read_text()
    lines = re.sub(r"\\\n\s*", " ", text).splitlines()
    found: dict = {"ARG": [], "FROM": [], "RUN": [], "EXPOSE": [], "USER": [], "HEALTHCHECK": [], "CMD": []}
    for line in lines:
        word, _, rest = line.strip().partition(" ")
        if word in found:
            found[word].append(rest.strip())
    return found


def test_the_dockerfile_agrees_with_itself_and_with_the_repository():
    docker = _dockerfile()
    base = docker["ARG"][0].split("=", 1)
    assert base[0] == "PYTHON_IMAGE" and "slim" in base[1] and docker["FROM"] == ["${PYTHON_IMAGE}"]
    assert any("useradd" in run and "--uid 1000" in run for run in docker["RUN"])
    assert docker["USER"] == ["app"]
    (port,) = docker["EXPOSE"]
    command = json.loads(docker["CMD"][0])
    assert command[:3] == ["streamlit", "run", "dashboard/app.py"] and (ROOT / command[2]).is_file()
    assert "--server.address=0.0.0.0" in command and f"--server.port={port}" in command
    (health,) = docker["HEALTHCHECK"]
    assert f"http://127.0.0.1:{port}/_stcore/health" in health and "curl" not in health
    assert "COPY dashboard/requirements.txt" in DOCKERFILE.read_text()


@pytest.fixture(scope="module")
def venv_served(cloud_venv, tmp_path_factory) -> str:
    """The Dockerfile's command, run with the cloud's virtualenv's console script on a free loopback port: it is
    the cloud way's command (``streamlit run dashboard/app.py``) plus the image's settings, so one server stands
    for both ways; yields its base URL."""
    command = json.loads(_dockerfile()["CMD"][0])
    # the test server listens on a free loopback port: the image's address and port aside, the same command
    rest = tuple(a for a in command[3:] if not a.startswith(("--server.port=", "--server.address=")))
    log = tmp_path_factory.mktemp("venv-served") / "streamlit.log"
    with streamlit_server(Path(command[2]), log, command=(str(cloud_venv / "bin" / "streamlit"),),
                          extra_args=rest) as (url, _):
        yield url


def test_the_dockerfile_command_serves_the_app_and_its_health_check_passes(cloud_venv, venv_served):
    """The image's command serves (its view is opened by the cloud way's test, on the same server), and the
    image's health check passes against it."""
    health = json.loads(_dockerfile()["HEALTHCHECK"][0].split("CMD", 1)[1])
    port = venv_served.rsplit(":", 1)[1]
    check = [str(cloud_venv / "bin" / "python"), *(c.replace(":8501/", f":{port}/") for c in health[1:])]
    assert subprocess.run(check, timeout=30).returncode == 0, shlex.join(check)
    with urllib.request.urlopen(f"{venv_served}/_stcore/health", timeout=5) as resp:
        assert resp.read() == b"ok"
    with urllib.request.urlopen(venv_served, timeout=5) as resp:  # the app's page itself
        assert resp.status == 200 and b'<div id="root">' in resp.read()
