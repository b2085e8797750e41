"""Speed of two commits measured side by side in one sitting: the default-area replicate.

    python benchmarks/side_by_side.py BASE [HEAD] [--rounds 5] [--reps 3] [--years 10]

The machine's speed drifts between days and with other load, so a change is judged by the
ratio of two commits measured together, never by a time from another day. Each commit is
checked out into a temporary git worktree (HEAD defaults to the current commit); rounds
alternate BASE, HEAD, BASE, HEAD ... and each round runs ``--reps`` default-area replicates of
``--years`` years in a fresh process, timing each replicate's CPU seconds (less sensitive to
other processes than wall time). The report gives each commit's median and the ratio
HEAD / BASE (the issues' check: a new mechanism may cost at most 10%).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import os
if os.path.exists(os.path.join(sys.argv[1], "calibration", "resolve.py")):
    from calibration.resolve import resolve_params
else:  # commits from before the engine stopped importing calibration
    from simulation.scenario import resolve_params
from simulation.runner import run_replicate
from simulation.scenario import load_scenario

years, reps = int(sys.argv[2]), int(sys.argv[3])
scenario = load_scenario("baseline")
out = []
for r in range(reps):
    params = resolve_params(scenario, "england-average", r)
    cpu0 = time.process_time()
    res = run_replicate(params, years, 1, r)
    out.append({"cpu": time.process_time() - cpu0, "wall": res.wall_seconds,
                "events": res.events})
print(json.dumps(out))
"""


def _worktree(ref: str, where: Path) -> Path:
    path = where / ref.replace("/", "_")
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(path), ref], cwd=ROOT,
                   check=True)  # fmt: skip
    return path


def _round(tree: Path, years: int, reps: int) -> list[dict[str, float]]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(years), str(reps)],
                          cwd=tree, capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{tree}: the replicate failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("head", nargs="?", default="HEAD")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carepaths-side-by-side-") as tmp:
        trees = {ref: _worktree(ref, Path(tmp)) for ref in (args.base, args.head)}
        try:
            cpu: dict[str, list[float]] = {ref: [] for ref in trees}
            events: dict[str, int] = {}
            for k in range(args.rounds):
                for ref, tree in trees.items():
                    runs = _round(tree, args.years, args.reps)
                    cpu[ref] += [r["cpu"] for r in runs]
                    events[ref] = int(runs[0]["events"])
                    print(f"round {k + 1} {ref}: " + ", ".join(f"{r['cpu']:.3f}" for r in runs),
                          flush=True)  # fmt: skip
        finally:
            for tree in trees.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                               check=False)  # fmt: skip
    base, head = (statistics.median(cpu[ref]) for ref in (args.base, args.head))
    print(
        f"\n{args.base}: median {base:.3f} s CPU per {args.years}-year replicate "
        f"({len(cpu[args.base])} runs, {events[args.base]:,} events in replicate 0)"
    )
    print(
        f"{args.head}: median {head:.3f} s CPU ({len(cpu[args.head])} runs, "
        f"{events[args.head]:,} events in replicate 0)"
    )
    print(f"ratio {args.head} / {args.base}: {head / base:.3f}")


if __name__ == "__main__":
    main()
