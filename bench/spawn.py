"""Run one command and write its wall time, peak memory and exit status as JSON to a file.

bench/run.py measures every command through this small launcher because Linux carries a
process's high-water RSS over fork and exec into the child's ru_maxrss: a command started
directly by run.py (with YAML, pypdf and Markdown loaded) would report at least run.py's own
size. This launcher imports only the standard library's few modules, so what it passes on is
a few MB, below any Python command's own peak.

    python bench/spawn.py RESULT.json COMMAND [ARG…]
"""

import json
import os
import subprocess
import sys
import time


def main() -> None:
    result_path, command = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    # wait4's ru_maxrss (KiB on Linux) is the largest of the child and the descendants it reaped.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump({"wall": wall, "maxrss_kib": usage.ru_maxrss, "exit": process.returncode}, out)


if __name__ == "__main__":
    main()
