"""Closing the store while a worker thread still writes: the gateway's shutdown cancels the
ingester while its batch runs in a thread, and closing SQLite under that write crashed the
process (CI, a segmentation fault). The race runs in a child process, so a crash fails this
test instead of ending the test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_RACE = textwrap.dedent("""
    import sqlite3, sys, threading
    from pathlib import Path
    from gateway.insights.store import Event, InsightsStore

    store = InsightsStore(Path(sys.argv[1]))
    writing = threading.Event()

    def write() -> None:
        batch = [Event(f"in:{n}-0", float(n), "turn", f"c{n % 50}", {"n": n}, lang="ko") for n in range(20000)]
        writing.set()
        try:
            store.add(batch)
            print("written")
        except sqlite3.ProgrammingError as exc:  # closed before this batch began: refused, not a crash
            print("refused:", exc)

    writer = threading.Thread(target=write)
    writer.start()
    writing.wait()
    store.close()
    writer.join()
    print("closed")
""")


def test_closing_waits_for_a_write_running_in_another_thread(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run([sys.executable, "-c", _RACE, str(tmp_path / "insights.sqlite3")],
                           cwd=root, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.splitlines()[-1] == "closed"
