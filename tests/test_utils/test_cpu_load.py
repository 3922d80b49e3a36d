# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Load-adaptive PyTorch threads: /proc parsing and the thread choice from
faked CPU times (no timing)."""
import os

import torch

from hih_mmpose.utils import cpu_load
from hih_mmpose.utils.cpu_load import (LoadAdaptiveThreads, read_cpu_times,
                                       threads_for_load)


def test_read_cpu_times(tmp_path):
    stat = tmp_path / 'stat'
    # user nice system idle iowait irq softirq steal, in ticks
    stat.write_text('cpu  1000 10 290 5000 200 0 100 0 0 0\n'
                    'cpu0 500 5 145 2500 100 0 50 0 0 0\n')
    own = tmp_path / 'self_stat'
    fields = ['S'] + ['0'] * 10 + ['150', '50'] + ['0'] * 30
    own.write_text('1234 (python3 (x)) ' + ' '.join(fields))
    tick = os.sysconf('SC_CLK_TCK')
    machine, mine = read_cpu_times(str(stat), str(own))
    assert machine == (1000 + 10 + 290 + 100) / tick
    assert mine == 200 / tick
    assert read_cpu_times(str(tmp_path / 'missing'), str(own)) is None


def test_threads_for_load():
    assert threads_for_load(2, 0.) == 2
    assert threads_for_load(2, 0.4) == 2
    assert threads_for_load(2, 0.6) == 1
    assert threads_for_load(2, 2.0) == 1
    assert threads_for_load(8, 3.2) == 5
    assert threads_for_load(8, 0., max_threads=4) == 4
    assert threads_for_load(4, -1.) == 4


def test_monitor_follows_the_other_processes(monkeypatch):
    clock = [100.]
    # (machine busy s, own busy s) read by each measurement
    readings = iter([(0., 0.), (0.20, 0.20), (0.60, 0.30), (0.61, 0.31),
                     (0.90, 0.40), (0.95, 0.45)])
    monkeypatch.setattr(cpu_load.time, 'monotonic', lambda: clock[0])
    monkeypatch.setattr(cpu_load, 'read_cpu_times', lambda: next(readings))
    monkeypatch.setattr(cpu_load.os, 'cpu_count', lambda: 2)
    before = torch.get_num_threads()
    monitor = LoadAdaptiveThreads(max_threads=2, min_interval=0.1)
    with monitor() as threads:  # first call: nothing measured yet
        assert threads == 2 == torch.get_num_threads()
    assert torch.get_num_threads() == before
    clock[0] += 0.2  # only this process was busy
    with monitor() as threads:
        assert threads == 2 and monitor.others_busy == 0.
    clock[0] += 0.2  # others: 0.4 - 0.1 = 0.3 s in 0.2 s = 1.5 cores
    with monitor() as threads:
        assert threads == 1 and abs(monitor.others_busy - 1.5) < 1e-9
    clock[0] += 0.05  # too short a window: the choice stays
    with monitor() as threads:
        assert threads == 1
    clock[0] += 0.15  # window of 0.2 s since the last measurement:
    # others (0.9 - 0.6) - (0.4 - 0.3) = 0.2 s = 1 core
    with monitor() as threads:
        assert threads == 1 and abs(monitor.others_busy - 1.) < 1e-9
    clock[0] += 0.5  # the neighbour stopped: (0.05 - 0.05) / 0.5
    with monitor() as threads:
        assert threads == 2 and monitor.others_busy == 0.
    assert torch.get_num_threads() == before
