"""The package as a user installs it: the import name `watchproxy`, a user project's own `proxy` package
untouched by it, the bundled recordings found by name from any directory; `python -m proxy` from a clone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.installed import ROOT, Installed

USER_TEST = '''
import proxy


def test_my_proxy_and_watchproxy_side_by_side(watchproxy):
    assert proxy.WHOSE == "the project's own"
    replay = watchproxy("deletions", seed=3)      # a bundled recording, by name
    assert replay.kubeconfig and replay.url.startswith("http://127.0.0.1:")
'''


def test_a_project_with_its_own_proxy_package_runs_pytest_with_the_plugin(installed: Installed,
                                                                          tmp_path: Path) -> None:
    (tmp_path / "proxy").mkdir()
    (tmp_path / "proxy" / "__init__.py").write_text('WHOSE = "the project\'s own"\n')
    (tmp_path / "proxy" / "pytest_plugin.py").write_text("raise ImportError('not the plugin')\n")
    (tmp_path / "test_mine.py").write_text(USER_TEST)
    done = installed.python("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_installed_package_runs_as_a_module_and_a_command_from_anywhere(installed: Installed,
                                                                           tmp_path: Path) -> None:
    version = installed.python("-m", "watchproxy", "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("watchproxy "), version
    listed = installed.run(["watchproxy", "recordings"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == sorted(p.stem for p in (ROOT / "recordings").glob("*.msgpack"))
    inspected = installed.run(["watchproxy", "inspect", "nginx-deploy"], tmp_path)
    assert inspected.returncode == 0, inspected.stderr
    assert str(installed.target / "watchproxy" / "bundled" / "nginx-deploy.msgpack") in inspected.stdout


def test_a_name_that_is_neither_a_file_nor_bundled_is_one_line_listing_the_names(installed: Installed,
                                                                               tmp_path: Path) -> None:
    done = installed.run(["watchproxy", "replay", "nginx-deplyo"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["watchproxy: error: nginx-deplyo: no such file, nor a bundled recording "
                                        "(bundled: bookmarks, deletions, many-objects, nginx-deploy)"]


def test_python_m_proxy_still_works_from_the_repository_root() -> None:
    for args in (["--version"], ["recordings"]):
        done = subprocess.run([sys.executable, "-m", "proxy", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr
    assert "nginx-deploy" in done.stdout
