#!/usr/bin/env python3
"""Time commands alternately, round by round, to compare them on a machine whose load changes.

hyperfine runs all runs of one command before the next; under a load that changes by the minute
(the shared benchmark machine) that compares different minutes. Here each round runs PREPARE and
then each command once, in turn, so every ratio compares neighbours.

    python3 benches/alternate.py --rounds 10 --prepare "git -C $R checkout -q -- partners && sync" \
        "$B check --repo $R" "$B import $CSV --kind revenue --repo $R"

Prints, per command, the mean ± σ of wall time, user and system CPU, and the mean ± σ of each
round's ratio to the first command.
"""
import argparse
import resource
import statistics
import subprocess
import time


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--prepare", default="true")
    ap.add_argument("commands", nargs="+")
    args = ap.parse_args()
    times = {c: [] for c in args.commands}
    for r in range(args.warmup + args.rounds):
        for c in args.commands:
            subprocess.run(args.prepare, shell=True, check=True)
            t = run(c)
            if r >= args.warmup:
                times[c].append(t)
    first = args.commands[0]
    ms = lambda xs: f"{statistics.mean(xs) * 1000:.0f} ms ± {statistics.stdev(xs) * 1000:.0f}"
    for c in args.commands:
        wall = [t[0] for t in times[c]]
        print(f"{c}\n  wall {ms(wall)} (min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f})"
              f"  user {ms([t[1] for t in times[c]])}  system {ms([t[2] for t in times[c]])}")
        if c != first:
            ratios = [a[0] / b[0] for a, b in zip(times[c], times[first])]
            cpu = [(a[1] + a[2]) / (b[1] + b[2]) for a, b in zip(times[c], times[first])]
            print(f"  ÷ first, per round: wall {statistics.mean(ratios):.2f} ± "
                  f"{statistics.stdev(ratios):.2f} (median {statistics.median(ratios):.2f}), "
                  f"CPU {statistics.mean(cpu):.2f} ± {statistics.stdev(cpu):.2f}")


main()
