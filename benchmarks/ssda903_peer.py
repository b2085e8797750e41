"""The peer demand model on our synthetic SSDA903, its forecast beside ours.

Runs ``python run.py simulate --years 5 --ssda903-out`` (or reads a run folder given with
``--run``), hands replicate 0's first two collection years to Social Finance's
``cs-demand-model`` 0.5.1 (a Markov stock-and-flow over age bands x placement categories,
estimated from the episodes; it pins pandas < 2, so it runs in its own environment under the
project's cache, made on first use), and sets side by side, at each later 31 March:

- the synthetic area's own stock (replicate 0's episodes: what the peer tries to predict),
- the peer's forecast from the last 12 months of its two years,
- carepaths calibrated from the same two years (``calibrate --ssda903``: direct estimates,
  hazard scales by simulation, the stock on 1 April after them) and run forward: the forecast
  to set beside the peer's (mean over replicates);
- the generating simulation's own mean over replicates (what a perfect forecast would give).

The peer's prediction also carries a NOT_IN_CARE column per age band (children who have
left): it is not counted as stock.

Stock is compared in total and for foster care (U1-U6, the peer's FOSTERING). The peer reads
SUPPORTED as H5/P2 only, so supported accommodation coded K3 falls in its OTHER.

    python benchmarks/ssda903_peer.py [--run RUN_DIR] [--train-years 2] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibration.ssda903.measure import periods_of  # noqa: E402
from calibration.ssda903.reader import read_ssda903  # noqa: E402
from calibration.ssda903.validator import isolated_python  # noqa: E402
from simulation.agents import FOSTER_GROUPS  # noqa: E402

PEER = "cs-demand-model==0.5.1"

# Runs inside the peer's environment: fit on [start, end], predict to each date, print JSON.
PEER_CODE = r"""
import json, sys, logging
from datetime import datetime
logging.disable(logging.CRITICAL)
req = json.load(sys.stdin)
from cs_demand_model.__main__ import CliSetup
from cs_demand_model import ModelPredictor
start = datetime.fromisoformat(req["start"]); end = datetime.fromisoformat(req["end"])
setup = CliSetup(req["source"], start, end)
predictor = ModelPredictor.from_model(setup.stats, start, end)
last = max(datetime.fromisoformat(d) for d in req["dates"])
days = (last - end).days
pop = predictor.predict(days, progress=False)
out = {}
for d in req["dates"]:
    row = pop.loc[pop.index <= datetime.fromisoformat(d)].iloc[-1]
    care = {k: v for k, v in row.items() if not str(k[1]).endswith("NOT_IN_CARE")}
    foster = sum(v for k, v in care.items() if str(k[1]).endswith("FOSTERING"))
    out[d] = {"total": float(sum(care.values())), "foster": float(foster)}
json.dump(out, sys.stdout)
"""


def stock(folder: Path, day: date) -> dict[str, float]:
    """The synthetic area's own stock on ``day`` (total, foster)."""
    data = read_ssda903(folder)
    total = foster = 0
    for child in data.children:
        for period in periods_of(child):
            if period.start <= day and (period.end is None or period.end > day):
                group = next((p.group for p in reversed(period.placements) if p.start <= day), -1)
                total += 1
                foster += group in FOSTER_GROUPS
    return {"total": float(total), "foster": float(foster)}


FOSTER = ("cla_foster_kinship", "cla_foster_inhouse", "cla_foster_agency")


def ours(run: Path, years: list[int]) -> dict[int, dict[str, float]]:
    """carepaths' mean over replicates of the stock at 31 March (indicators.csv)."""
    sums: dict[tuple[int, int, str], float] = {}
    with (run / "indicators.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            y, name = int(row["year"]), row["indicator"]
            if y not in years or (name != "cla_31_march" and name not in FOSTER):
                continue
            key = (y, int(row["replicate"]), "total" if name == "cla_31_march" else "foster")
            sums[key] = sums.get(key, 0.0) + float(row["value"])
    out = {}
    for y in years:
        out[y] = {}
        for kind in ("total", "foster"):
            vals = [v for (yy, _, k), v in sums.items() if yy == y and k == kind]
            out[y][kind] = sum(vals) / len(vals) if vals else float("nan")
    return out


def calibrated_forecast(peer_in: Path, years: int, reps: int) -> dict[int, dict[str, float]]:
    """Calibrate an area from ``peer_in`` and run it ``years`` years: stock by year ahead."""
    import tempfile
    import tomllib

    from calibration.ssda903.calibrate import calibrate_ssda903
    from simulation.params import Parameters
    from simulation.runner import run_replicate

    with tempfile.TemporaryDirectory() as tmp:
        path = calibrate_ssda903(peer_in, name="peer_check", validate=False, out_dir=Path(tmp))
        changes = tomllib.loads(path.read_text())["parameters"]
    params = Parameters.defaults().with_changes(
        {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()}
    )
    sums: dict[tuple[int, str], float] = {}
    for r in range(reps):
        result = run_replicate(params, years, 11, r)
        first = min(y for y, _, _ in result.indicators)
        for y, name, value in result.indicators:
            kind = "total" if name == "cla_31_march" else ("foster" if name in FOSTER else "")
            if kind:
                key = (y - first + 1, kind)
                sums[key] = sums.get(key, 0.0) + value
    return {a: {k: sums[(a, k)] / reps for k in ("total", "foster")} for a in range(1, years + 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--run", type=Path, help="a run folder written with --ssda903-out")
    ap.add_argument("--train-years", type=int, default=2)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    run = args.run
    if run is None:
        out = ROOT / "results" / "runs"
        done = subprocess.run(
            [
                sys.executable,
                "run.py",
                "simulate",
                "--years",
                "5",
                "--reps",
                str(args.reps),
                "--ssda903-out",
                "--no-report",
                "--out",
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        run = Path(done.stdout.split("Run folder:")[-1].strip())
    rep = run / "ssda903" / "rep-000"
    years = sorted(int(p.name) for p in rep.iterdir() if p.is_dir())
    train = years[: args.train_years]
    later = years[args.train_years :]
    peer_in = run / "ssda903" / "peer-input"
    peer_in.mkdir(exist_ok=True)
    for y in train:
        dst = peer_in / str(y)
        dst.mkdir(exist_ok=True)
        for f in (rep / str(y)).glob("*.csv"):
            (dst / f.name).write_bytes(f.read_bytes())
    end = date(train[-1], 3, 31)
    request = {
        "source": str(peer_in),
        "start": (end - timedelta(days=365)).isoformat(),
        "end": end.isoformat(),
        "dates": [date(y, 3, 31).isoformat() for y in later],
    }
    exe = isolated_python("cs-demand-model-0.5.1", PEER)
    done = subprocess.run(
        [str(exe), "-c", PEER_CODE], input=json.dumps(request), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"the peer model failed: {done.stderr.strip().splitlines()[-1:]}")
    peer = json.loads(done.stdout)
    mine = ours(run, later)
    fitted = calibrated_forecast(peer_in, len(later), args.reps)
    rows = []
    for y in later:
        ahead = y - train[-1]
        truth = stock(rep, date(y, 3, 31))
        rows.append(
            {
                "year": y,
                "synthetic_total": truth["total"],
                "peer_total": round(peer[date(y, 3, 31).isoformat()]["total"], 1),
                "calibrated_total": round(fitted[ahead]["total"], 1),
                "generating_total": round(mine[y]["total"], 1),
                "synthetic_foster": truth["foster"],
                "peer_foster": round(peer[date(y, 3, 31).isoformat()]["foster"], 1),
                "calibrated_foster": round(fitted[ahead]["foster"], 1),
                "generating_foster": round(mine[y]["foster"], 1),
            }
        )
    print(f"run {run}; peer {PEER} fitted on {request['start']} to {request['end']}")
    print(
        "31 March | synthetic area (rep 0) | peer forecast | carepaths calibrated | "
        "generating model mean || foster: the same four"
    )
    for r in rows:
        print(
            f"{r['year']} | {r['synthetic_total']:.0f} | {r['peer_total']:.0f} | "
            f"{r['calibrated_total']:.0f} | {r['generating_total']:.0f} || "
            f"{r['synthetic_foster']:.0f} | {r['peer_foster']:.0f} | "
            f"{r['calibrated_foster']:.0f} | {r['generating_foster']:.0f}"
        )
    if args.out:
        args.out.write_text(json.dumps({"run": str(run), "peer": PEER, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
