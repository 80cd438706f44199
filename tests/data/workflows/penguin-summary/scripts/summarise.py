"""Summarise one sample's penguins per species (run by Snakemake's `script:` directive)."""

import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

snakemake = globals()["snakemake"]  # injected by Snakemake
sample = snakemake.wildcards.sample
params = snakemake.params

print(f"summarising {sample} from {snakemake.input[0]}")
time.sleep(float(params.sleep))
if params.fail:
    print(f"sample {sample} fails on purpose (fail_sample={sample})", file=sys.stderr)
    sys.exit(1)

masses: dict[str, list[float]] = defaultdict(list)
flippers: dict[str, list[float]] = defaultdict(list)
with Path(snakemake.input[0]).open(newline="") as handle:
    for row in csv.DictReader(handle):
        mass = float(row["body_mass_g"])
        if mass < float(params.min_mass):
            continue
        masses[row["species"]].append(mass)
        flippers[row["species"]].append(float(row["flipper_length_mm"]))

output = Path(snakemake.output[0])
output.parent.mkdir(parents=True, exist_ok=True)
digits = int(params.digits)
with output.open("w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["sample", "species", "birds", "mean_body_mass_g", "mean_flipper_length_mm"])
    for species in sorted(masses):
        birds = len(masses[species])
        writer.writerow(
            [
                sample,
                species,
                birds,
                round(sum(masses[species]) / birds, digits),
                round(sum(flippers[species]) / birds, digits),
            ]
        )
print(f"{sample}: {sum(len(m) for m in masses.values())} birds of {len(masses)} species")
