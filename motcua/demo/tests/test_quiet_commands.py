"""manage.py commands print what they are asked for, without django-axes' start-up line."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_manage_py_command_prints_no_axes_banner(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": "dev-only-insecure-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "help", "load_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "load_demo" in done.stdout
    assert "AXES" not in done.stdout + done.stderr
