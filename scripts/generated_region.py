"""The one helper of the scripts that write Java code between BEGIN/END markers (gen_nchwc_*.py)."""
import re


def replace(target, begin, end, body):
    """Writes `body` between the lines `begin` and `end` of the file `target`, in place of what was there."""
    text = target.read_text()
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{target}: no generated region between {begin.strip()!r} and {end.strip()!r}")
    target.write_text(pattern.sub(lambda _: begin + body + end, text))
