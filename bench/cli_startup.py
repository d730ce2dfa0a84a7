"""How long `shopassist --help` takes, as a whole process, next to a bare Python start-up.

The command line builds its parser from every subcommand's module, so this measures how much the
package imports before it can print help: the lazy `kb_index` and `handoff` namespaces exist to
keep it small.  Runs alternate (CLI, baseline, CLI, ...) so a drifting machine hits both alike.

    .venv/bin/python bench/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMANDS = {
    "shopassist --help": [sys.executable, "-m", "gateway", "--help"],
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
}


def wall_s(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        wall_s(command)  # warm the page cache
    for n in range(runs):
        for name, command in COMMANDS.items():
            times[name].append(wall_s(command))
        print(f"\rrun {n + 1}/{runs}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    baseline = statistics.median(times["python -c pass (baseline)"])
    print("| command | median wall | min | max | median − baseline |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.0f} ms | {min(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms "
              f"| {(median - baseline) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
