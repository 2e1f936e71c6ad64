#!/usr/bin/env bash
# make fuzz: libFuzzer (with AddressSanitizer) over the readers of untrusted input, seeded from
# the fixtures, for FUZZ_SECONDS per target (default 60). Findings go to .build-fuzz/findings/;
# known libhdf5 crashes on damaged files are isolated by the command line (Files/Cleanup.swift),
# so the h5 target runs with -ignore_crashes and reports them without stopping.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
# lld: gold fails on the sanitizer runtimes' symbols. libFuzzer's own main is not linked, since
# SwiftPM's executable main is; it calls LLVMFuzzerRunDriver.
ENSEMBLE_FUZZ=1 swift build --build-path .build-fuzz --product EnsembleFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -E "error|Compiling|Build" | tail -3
binary=.build-fuzz/debug/EnsembleFuzz
mkdir -p .build-fuzz/findings
seeds=.build-fuzz/seeds
rm -rf "$seeds" && mkdir -p "$seeds"/config "$seeds"/inputs "$seeds"/h5
.venv/bin/python - "$seeds" <<'PY'
import glob, h5py, os, sys
seeds = sys.argv[1]
for path in sorted(glob.glob("fixtures/models/*.h5")):
    name = os.path.basename(path)
    with open(path, "rb") as f, open(os.path.join(seeds, "h5", name), "wb") as out:
        out.write(f.read())
    with h5py.File(path) as f:
        if "model_config" in f.attrs:
            config = f.attrs["model_config"]
            with open(os.path.join(seeds, "config", name + ".json"), "w") as out:
                out.write(config if isinstance(config, str) else config.decode())
for path in sorted(glob.glob("fixtures/expected/*.input0.npy"))[:40]:
    with open(path, "rb") as f, open(os.path.join(seeds, "inputs", os.path.basename(path)), "wb") as out:
        out.write(f.read())
PY
printf '0,1,2,3,4,5\n6,7,8,9,10,11\n' > "$seeds/inputs/rows.csv"
status=0
for target in config inputs h5; do
  extra=()
  [ "$target" = h5 ] && extra=(-fork=2 -ignore_crashes=1 -ignore_timeouts=1)
  echo "fuzzing $target for ${seconds}s"
  ENSEMBLE_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$binary" "${extra[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix=.build-fuzz/findings/$target- "$seeds/$target" > ".build-fuzz/$target.log" 2>&1 || status=1
  grep -E "stat::number_of_executed_units|stat::peak_rss|Test unit written|ERROR|Fatal error" ".build-fuzz/$target.log" | head -8
done
echo "findings:"; ls .build-fuzz/findings
# Crashes in our own readers (config, inputs) fail the run; the h5 target's are libhdf5's.
exit $status
