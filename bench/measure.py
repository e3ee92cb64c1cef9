"""Run one command and print its wall time and peak memory (max RSS of the process tree's largest
process, from the kernel's rusage) as JSON. Used by run_bench.py: one fresh process per measure."""

import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if proc.returncode:
    sys.stderr.write(proc.stderr[-3000:])
print(json.dumps({"rc": proc.returncode, "wall_s": round(wall, 2), "peak_mib": round(peak_kib / 1024, 1)}))
