"""Meeting planner vs the exact optimum: score ratio and time, 20 to 600 participants.

For each instance (``matchmaker.events.synthetic.random_problem``: structured
scores with popular participants, each supplier with ``--pairs-per-supplier``
candidate Imers) the planner (``plan_meetings``) and the exact MILP over
every (pair, slot) variable (``solve_exact``: scipy's HiGHS, gap 0, same
process, same instance) are run and compared:

* ``ratio`` = planner score / exact optimum (target ≥ 0.99; exactly 1.0
  without unavailability, where the planner is provably optimal);
* ``bound`` = planner score / the planner's own flow upper bound (a
  certificate that needs no exact solve);
* times of both, the exact solver's status (``optimal`` or ``time_limit``,
  when its score is only the best found and the ratio is against that).

Instances: ``n`` participants = ``n/2`` suppliers + ``n/2`` Imers,
``--slots`` slots, ``n/4`` tables (150 for 300 + 300), ``--max-meetings``
each; unavailability shares from ``--shares``: that share of participants
arrives late or leaves early (a block of up to a third of the day) and may
miss one more slot. A heavy share of 0.9 is added for the sizes up to
``--heavy-up-to`` (default 150; 0 for none): there the flow bound is not
tight and the planner's repair steps matter (at 600 participants the exact
MILP of that case takes too long for a default run).

Target: the planner under 10 s for 300 suppliers, 300 Imers, 12 slots, 150
tables.

The default run (sizes 20, 100, 600) takes about 4-5 minutes on two cores,
mostly the exact MILP at 600 participants; add sizes with ``--sizes``.

    python benchmarks/bench_events.py [--sizes 20,100,600] [--shares 0,0.4]
        [--heavy-up-to 150] [--slots 12] [--max-meetings 8] [--pairs-per-supplier 20]
        [--planner-time-limit 8] [--exact-time-limit 300] [--seed 1] [--no-exact]
"""

from __future__ import annotations

import argparse
import platform
import time

from matchmaker.events import plan_meetings, solve_exact
from matchmaker.events.synthetic import random_problem


def _row(
    n: int,
    share: float,
    args: argparse.Namespace,
) -> dict[str, object]:
    half = n // 2
    problem = random_problem(
        half,
        half,
        n_slots=args.slots,
        n_tables=max(1, half // 2),
        max_meetings=args.max_meetings,
        pairs_per_supplier=args.pairs_per_supplier,
        unavailable_share=share,
        seed=args.seed,
    )
    start = time.perf_counter()
    plan = plan_meetings(problem, time_limit=args.planner_time_limit)
    planner_s = time.perf_counter() - start
    row: dict[str, object] = {
        "participants": f"{half}+{half}",
        "slots": problem.n_slots,
        "tables": problem.n_tables,
        "pairs": len(problem.pairs),
        "unavail": f"{share:.1f}",
        "meetings": len(plan.meetings),
        "planner": f"{plan.total_score:.4f}",
        "planner_s": f"{planner_s:.2f}",
        "proven": "yes" if plan.optimal else "no",
        "bound": f"{plan.total_score / plan.upper_bound:.5f}" if plan.upper_bound else "-",
    }
    if args.no_exact:
        return row
    start = time.perf_counter()
    exact = solve_exact(problem, time_limit=args.exact_time_limit)
    exact_s = time.perf_counter() - start
    row.update(
        {
            "exact": f"{exact.total_score:.4f}",
            "exact_s": f"{exact_s:.1f}",
            "status": exact.status,
            "ratio": f"{plan.total_score / exact.total_score:.5f}" if exact.total_score else "-",
        }
    )
    return row


def _print(rows: list[dict[str, object]]) -> None:
    columns = list(rows[0])
    width = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.rjust(width[c]) for c in columns))
    print("  ".join("-" * width[c] for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).rjust(width[c]) for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,100,600")
    parser.add_argument("--shares", default="0,0.4")
    parser.add_argument("--heavy-up-to", type=int, default=150)
    parser.add_argument("--slots", type=int, default=12)
    parser.add_argument("--max-meetings", type=int, default=8)
    parser.add_argument("--pairs-per-supplier", type=int, default=20)
    parser.add_argument("--planner-time-limit", type=float, default=8.0)
    parser.add_argument("--exact-time-limit", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-exact", action="store_true")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    shares = [float(x) for x in args.shares.split(",")]
    cases = [(n, s) for n in sizes for s in shares]
    cases += [(n, 0.9) for n in sizes if n <= args.heavy_up_to and 0.9 not in shares]
    print(
        f"python {platform.python_version()} · {platform.machine()} · seed {args.seed} · "
        f"{args.slots} slots · max {args.max_meetings} meetings · "
        f"{args.pairs_per_supplier} candidate Imers per supplier"
    )
    rows = []
    for n, share in cases:
        rows.append(_row(n, share, args))
        print(f"  done {n} participants, unavailability {share}", flush=True)
    print()
    _print(rows)


if __name__ == "__main__":
    main()
