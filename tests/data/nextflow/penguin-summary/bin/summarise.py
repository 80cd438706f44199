#!/usr/bin/env python3
"""Summarise one sample's penguins per species (Nextflow puts the workflow's bin/ on PATH)."""

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("measurements")
parser.add_argument("--sample", required=True)
parser.add_argument("--min-mass", type=float, default=0)
parser.add_argument("--digits", type=int, default=1)
parser.add_argument("--sleep", type=float, default=0)
parser.add_argument("--fail", action="store_true")
parser.add_argument("--output", default="summary.csv")
args = parser.parse_args()

print(f"summarising {args.sample} from {args.measurements}")
time.sleep(args.sleep)
if args.fail:
    print(f"sample {args.sample} fails on purpose (fail_sample={args.sample})", file=sys.stderr)
    sys.exit(1)

masses: dict[str, list[float]] = defaultdict(list)
flippers: dict[str, list[float]] = defaultdict(list)
with Path(args.measurements).open(newline="") as handle:
    for row in csv.DictReader(handle):
        if float(row["body_mass_g"]) >= args.min_mass:
            masses[row["species"]].append(float(row["body_mass_g"]))
            flippers[row["species"]].append(float(row["flipper_length_mm"]))

with Path(args.output).open("w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["sample", "species", "birds", "mean_body_mass_g", "mean_flipper_length_mm"])
    for species in sorted(masses):
        birds = len(masses[species])
        mass = round(sum(masses[species]) / birds, args.digits)
        flipper = round(sum(flippers[species]) / birds, args.digits)
        writer.writerow([args.sample, species, birds, mass, flipper])
print(f"{args.sample}: {sum(len(m) for m in masses.values())} birds of {len(masses)} species")
