# Copyright (c) hih_mmpose contributors. All rights reserved.
"""PyTorch threads that follow the cores other processes leave idle.

A PyTorch CPU operator splits its work over an OpenMP team and waits at a
barrier for the slowest thread. When another process keeps the cores busy,
a thread of the team is often descheduled, and every operator waits for it
to be scheduled again: a landmark call measured 6-50x slower beside a
training run on two cores (docs/speed.md, "Latency under load"). One
thread has no barrier to wait at and slows down only by its share of the
CPU. :class:`LoadAdaptiveThreads` measures, between two calls, how many
cores the *other* processes kept busy, and runs the next call on the cores
they left.
"""
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional, Tuple

import torch


def read_cpu_times(stat_path: str = '/proc/stat',
                   self_path: str = '/proc/self/stat'
                   ) -> Optional[Tuple[float, float]]:
    """Busy CPU seconds of the whole machine (all cores) and of this
    process since boot, or ``None`` where /proc is not there."""
    try:
        with open(stat_path) as f:
            fields = f.readline().split()
        with open(self_path) as f:
            own = f.read().rsplit(')', 1)[1].split()
    except (OSError, IndexError):
        return None
    tick = os.sysconf('SC_CLK_TCK') if hasattr(os, 'sysconf') else 100
    # cpu user nice system idle iowait irq softirq steal ...
    values = [float(v) for v in fields[1:]]
    busy = sum(values) - values[3] - (values[4] if len(values) > 4 else 0)
    # utime, stime: fields 14 and 15 of /proc/PID/stat (1-based), i.e. 11
    # and 12 after the ")" that ends the command name
    return busy / tick, (float(own[11]) + float(own[12])) / tick


_THREADS_LOCK = threading.Lock()
_THREADS_STATE = dict(active=0, saved=None)


@contextmanager
def torch_threads(threads: int) -> Iterator[int]:
    """Run the block with ``threads`` PyTorch CPU threads, then restore
    PyTorch's thread count.

    PyTorch's thread count is one setting of the process: blocks that run
    at once in several Python threads share it (the last one entered sets
    it) and the count from before the first of them is restored when the
    last one ends.
    """
    with _THREADS_LOCK:
        if _THREADS_STATE['active'] == 0:
            _THREADS_STATE['saved'] = torch.get_num_threads()
        _THREADS_STATE['active'] += 1
        torch.set_num_threads(threads)
    try:
        yield threads
    finally:
        with _THREADS_LOCK:
            _THREADS_STATE['active'] -= 1
            if _THREADS_STATE['active'] == 0:
                torch.set_num_threads(_THREADS_STATE['saved'])


def threads_for_load(cores: int, others_busy: float,
                     max_threads: Optional[int] = None) -> int:
    """Threads for the next call: the cores not kept busy by other
    processes (``others_busy`` cores' worth over the last interval),
    rounded to the nearest, at least 1 and at most ``max_threads``."""
    free = int(round(cores - max(0., others_busy)))
    return max(1, min(free, max_threads or cores))


class LoadAdaptiveThreads:
    """Context manager factory: ``with monitor(): ...`` runs the block with
    :func:`threads_for_load` PyTorch threads, then restores PyTorch's
    thread count. The load is measured from /proc over the window since
    the last measurement (this process's own blocks included, its own CPU
    time subtracted) once the window is at least ``min_interval`` seconds
    long; shorter windows keep the previous choice and grow. Where /proc
    is not there the threads stay at ``max_threads``.

    Args:
        max_threads (int, optional): Upper bound (default: PyTorch's thread
            count when the monitor is made).
        min_interval (float): Shortest window measured (s); /proc counts in
            10 ms ticks. Defaults to ``0.1``.
    """

    def __init__(self, max_threads: Optional[int] = None,
                 min_interval: float = 0.1) -> None:
        self.max_threads = max_threads or torch.get_num_threads()
        self.cores = os.cpu_count() or 1
        self.min_interval = min_interval
        self.threads = self.max_threads
        self.others_busy = 0.
        self._start = None  # (wall, machine busy, own busy) of the window
        self._lock = threading.Lock()

    def _update(self) -> None:
        times = read_cpu_times()
        if times is None:
            return
        now = (time.monotonic(), ) + times
        if self._start is not None:
            wall = now[0] - self._start[0]
            if wall < self.min_interval:
                return
            others = (now[1] - self._start[1]) - (now[2] - self._start[2])
            self.others_busy = max(0., others) / wall
            self.threads = threads_for_load(self.cores, self.others_busy,
                                            self.max_threads)
        self._start = now

    def __call__(self):
        """A :func:`torch_threads` block with the threads for the load
        measured now."""
        with self._lock:
            self._update()
            threads = self.threads
        return torch_threads(threads)
