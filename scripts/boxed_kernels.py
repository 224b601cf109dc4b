#!/usr/bin/env python3
"""Lists sparkconv methods whose C2 compilation left Vector API calls as calls: each then runs boxed, many times
slower, with the same results. Read a HotSpot compilation log, e.g. of the model bench:

    java @conf/jvm.options -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/tmp/c2.log \\
        -cp "io/target/classes:io/target/test-classes:$(cat io/target/test-classpath.txt)" \\
        dev.sparkconv.bench.ModelBench io/target/bench-model --batches 1 --no-pytorch
    python3 scripts/boxed_kernels.py /tmp/c2.log

Exits 1 when one is found. A VectorSupport call is intrinsified when the compilation logs an <intrinsic> for it.
"""
import collections
import re
import sys

# VectorSupport methods whose intrinsic id is not the method's name (less a trailing "Op").
ALIASES = {"loadwithmap": "gather", "storewithmap": "scatter", "mayberebox": "rebox", "maskreductioncoerced": "mask"}


def boxed(log, prefix="dev.sparkconv"):
    """(method, {VectorSupport method: calls not intrinsified}) per C2 compilation of a method under prefix."""
    found = []
    for task in re.finditer(r"<task (.*?)</task>", log, re.S):
        head = task.group(1).split(">")[0]
        name = re.search(r"method='([^']*)'", head)
        if not name or not name.group(1).startswith(prefix) or "level='" in head:  # C2 tasks carry no level
            continue
        body = task.group(0)
        klass = dict(re.findall(r"<klass id='(\d+)' name='([^']*)'", body))
        method = {i: (klass.get(h, ""), n) for i, h, n in re.findall(r"<method id='(\d+)' holder='(\d+)' name='([^']*)'", body)}
        calls = collections.Counter(ALIASES.get(m, m.removesuffix("op")) for m in (
            method[i][1].lower() for i in re.findall(r"<call method='(\d+)'", body)
            if method.get(i, ("", ""))[0].endswith("VectorSupport")))
        made = collections.Counter(n[len("_Vector"):].lower().removesuffix("op")
                                   for n in re.findall(r"<intrinsic id='(_Vector\w+)'", body))
        missing = {c: n - made[c] for c, n in calls.items() if n > made[c]}
        if missing:
            found.append((" ".join(name.group(1).split()[:2]) + (" (OSR)" if "osr" in head else ""), missing))
    return found


if __name__ == "__main__":
    found = boxed(open(sys.argv[1], errors="replace").read())
    for name, missing in found:
        print(name, missing)
    print(f"{len(found)} compilations with Vector API calls left as calls")
    sys.exit(1 if found else 0)
