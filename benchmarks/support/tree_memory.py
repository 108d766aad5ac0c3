"""Memory of this process and of a process tree (``/proc``): what a run costs in resident and
proportional memory, sampled on a thread while it runs."""

from __future__ import annotations

import resource


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    now = peak = float("nan")
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    now = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return now, peak


def _children(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux's /proc)."""
    import os

    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _status_kb(path: str, key: str) -> int:
    """A ``key:  N kB`` line's N from a /proc file (0 when the process is gone)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """(proportional set size summed over ``pid`` and every process below it, the largest
    resident size of one of them), MB. The proportional size counts a page shared by n
    processes (the model's libraries in forked workers) as 1/n in each: together, the memory
    the processes take."""
    procs = [pid, *_children(pid)]
    pss = sum(_status_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in procs) / 1024
    rss = max((_status_kb(f"/proc/{p}/status", "VmRSS:") for p in procs), default=0) / 1024
    return pss, rss


class TreeMemory:
    """Samples ``tree_memory_mb(pid)`` every ``every_s`` on a thread while in the ``with``;
    ``peak_mb`` is the largest proportional sum, ``peak_rss_mb`` the largest single process."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        import threading

        self.pid, self.every_s, self.peak_mb, self.peak_rss_mb = pid, every_s, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="posecoach-memory", daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.every_s):
            pss, rss = tree_memory_mb(self.pid)
            self.peak_mb, self.peak_rss_mb = max(self.peak_mb, pss), max(self.peak_rss_mb, rss)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
