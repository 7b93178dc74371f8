"""deploy/serve.py's parts, without a server: the cookie secret's sources, the checks on what the
operator types, the nginx config it writes, and the restart pauses of a replica that keeps dying.
(tests/browser/test_nginx.py runs the whole of it behind the real nginx.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import serve

SECRET = "0123456789abcdef0123456789abcdef"


def test_the_cookie_secret_comes_from_a_file_then_the_environment_then_chance(tmp_path):
    file = tmp_path / "secret"
    file.write_text(f"  {SECRET}\n")
    assert serve.cookie_secret(file, {serve.COOKIE_SECRET_ENV: "x" * 40}) == (SECRET, str(file))
    assert serve.cookie_secret(None, {serve.COOKIE_SECRET_ENV: SECRET}) == (SECRET, serve.COOKIE_SECRET_ENV)
    one, two = serve.cookie_secret(None, {}), serve.cookie_secret(None, {})
    assert one[1] == "random" and len(one[0]) == 64 and one[0] != two[0]
    file.write_text("short\n")
    with pytest.raises(ValueError, match="at least 16"):
        serve.cookie_secret(file, {})
    with pytest.raises(OSError):
        serve.cookie_secret(tmp_path / "missing", {})


@pytest.mark.parametrize("value", ["'self'", "'none'", "'self' https://lms.example.edu",
                                   "https://*.example.edu:443 'self'", "https:", "lms.example.edu/course/"])
def test_frame_ancestors_takes_a_csp_source_list(value):
    assert serve.check_frame_ancestors(value) == " ".join(value.split())


@pytest.mark.parametrize("value", ["", "'self'; script-src *", '\'self\'" always; add_header X "1', "{", "'unsafe-inline'",
                                   "https://a.example\nhttps://b.example;"])
def test_frame_ancestors_refuses_what_could_break_out_of_the_header(value):
    with pytest.raises(ValueError, match="frame-ancestors"):
        serve.check_frame_ancestors(value)


def test_server_names_are_host_names():
    assert serve.check_server_names(["class.example.org", "*.school.edu", "127.0.0.1"])
    for bad in ("class.example.org;", "a b", "*", "x.*.org", "-a.org", "évole.fr"):
        with pytest.raises(ValueError, match="--server-name"):
            serve.check_server_names([bad])


def test_the_nginx_config_names_replicas_not_addresses_and_fills_every_field(tmp_path):
    text = serve.nginx_config([8501, 8502], port=8500, host="127.0.0.1", run_dir=tmp_path)
    assert not re.search(r"@[A-Z_]+@", text)  # every field filled
    assert "server_name ~.;" in text and "frame-ancestors 'self'" in text
    assert '"dashboard_replica=r1; Path=/; HttpOnly; SameSite=Lax"' in text
    assert "r2 dashboard_r2;" in text and "server 127.0.0.1:8501 backup;" in text
    # server.maxUploadSize of the app's config, plus Streamlit's 1 MiB for the multipart wrapping
    assert f"client_max_body_size {serve.max_upload_mb() + 1}m;" in text


def test_a_page_of_another_site_may_frame_the_app_over_https_only(tmp_path):
    text = serve.nginx_config([8501], port=8500, host="0.0.0.0", run_dir=tmp_path, server_names=["class.example.org"],
                              frame_ancestors="'self' https://lms.example.edu")
    assert "server_name class.example.org;" in text
    assert "frame-ancestors 'self' https://lms.example.edu" in text
    assert "SameSite=None; Secure" in text  # the affinity cookie reaches a framed page
    assert serve.embeds_cross_site("'self' https://lms.example.edu") and not serve.embeds_cross_site("'self'")


def test_nginx_accepts_the_config(tmp_path):
    nginx = serve.find_nginx()
    if nginx is None:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("REQUIRE_NGINX is set but nginx is not installed")
        pytest.skip("nginx not installed")
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.nginx_config([8501, 8502, 8503], port=8500, host="127.0.0.1", run_dir=tmp_path,
                                       server_names=["class.example.org", "*.school.edu"],
                                       frame_ancestors="'self' https://lms.example.edu"))
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_replica_that_keeps_dying_young_waits_longer_each_time_and_one_that_ran_long_restarts_at_once(tmp_path):
    if serve.find_nginx() is None:
        pytest.skip("nginx not installed")
    lines = []
    # a "python" that exits at once with code 3, whatever it is asked to run
    cluster = serve.Cluster(1, run_dir=tmp_path, say=lines.append,
                            python=str(_script(tmp_path, "import sys; sys.exit(3)")))
    replica = cluster.replicas[0]
    t = 1000.0
    cluster._spawn(replica, t)
    pauses = []
    for _ in range(8):
        replica.proc.wait()
        cluster.check(t)  # noticed: a restart is scheduled
        pauses.append(replica.pause)
        first = replica.proc
        cluster.check(t + replica.pause - 0.01)
        assert replica.proc is first or replica.pause == 0  # not before its time
        t += replica.pause
        cluster.check(t)
        assert replica.proc is not first  # started again
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]
    assert lines[0].startswith("replica r1 (port 8501) exited with code 3 after 0 s; restarting it in 1 s (restart 1;")
    # one that ran a good while is restarted at once, and its pauses start over
    replica.proc.wait()
    cluster.check(t + serve.STEADY_S)
    assert replica.pause == 0 and replica.due is None and replica.restarts == 9
    assert "restarting it now" in lines[-1] and len(lines) == 9
    cluster.stop()
    assert replica.proc.poll() is not None


def _script(folder: Path, code: str) -> Path:
    path = folder / "fake-python"
    path.write_text(f"#!{sys.executable}\n{code}\n")
    path.chmod(0o755)
    return path


def test_the_docker_recipes_restart_the_app_and_limit_its_memory():
    root = Path(serve.ROOT)
    dockerfile, compose = (root / "Dockerfile").read_text(), (root / "deploy" / "compose.yaml").read_text()
    run = next(line for line in dockerfile.splitlines() if "docker run" in line)
    assert "--restart unless-stopped" in run and "--memory 1g --memory-swap 1g" in run
    for line in ("restart: unless-stopped", "mem_limit: 1g", "memswap_limit: 1g", "context: .."):
        assert line in compose, line
