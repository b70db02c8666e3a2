"""The rehearsal of the production topology (scripts/rehearse.py) passes: two web hosts behind
haproxy, two workers, one beat, PostgreSQL, Redis and an S3 endpoint of its own, each in a network
namespace, with a web host stopped, a worker killed and beat restarted under load.

It needs root (it creates network namespaces): skipped only where it cannot run at all, which is
neither CI nor these machines. CI runs it once, in its pass on PostgreSQL and Redis."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "rehearse.py"


def namespaces_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("ip"):
        return False
    return subprocess.run(["ip", "netns", "list"], capture_output=True).returncode == 0


# It brings its own services, so one pass of CI is enough: the pass on the real services (the
# embedded defaults' pass would run the same rehearsal again, 2.5 minutes). PORTAL_REHEARSAL=1
# runs it in any configuration.
ON_REAL_SERVICES = bool(os.environ.get("DATABASE_URL")) or os.environ.get("PORTAL_REHEARSAL") == "1"

pytestmark = [
    pytest.mark.rehearsal,
    pytest.mark.skipif(
        not namespaces_available(), reason="the rehearsal needs root and `ip netns`"
    ),
    pytest.mark.skipif(
        not ON_REAL_SERVICES,
        reason="run in the real services' pass (DATABASE_URL set) or with PORTAL_REHEARSAL=1",
    ),
]


def test_the_rehearsal_passes_and_reports_every_count():
    # The script's own environment: none of this test run's settings (its database, its broker).
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "CELERY_", "PORTAL_"))
    }
    rehearsal = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    try:
        output, _ = rehearsal.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        # SIGTERM, not SIGKILL: the script then removes its namespaces and stops its hosts.
        rehearsal.terminate()
        output, _ = rehearsal.communicate(timeout=120)
        pytest.fail(f"the rehearsal took more than five minutes:\n{output}")
    assert rehearsal.returncode == 0, output
    assert "REHEARSAL PASSED" in output
    rows = [line for line in output.splitlines() if line.endswith(" ok")]
    assert len(rows) == 6, output
    assert any(row.startswith("photo uploaded via web-a") for row in rows)
    assert any(row.startswith("reminders received by SMTP / missing / duplicated") for row in rows)
    assert any(row.startswith("periodic jobs sent before / after beat's restart") for row in rows)
