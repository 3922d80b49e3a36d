# Copyright (c) hih_mmpose contributors. All rights reserved.
"""What the CPU can do: its model name and the instruction-set flags that
decide the fast precision (bf16, int8) and backend."""
from typing import Optional, Set

#: /proc/cpuinfo flags of CPUs with native bfloat16 arithmetic
BF16_FLAGS = ('avx512_bf16', 'amx_bf16')
#: flags of CPUs with int8 dot-product instructions (VNNI or AMX)
#: flags named in speed tables, in this order
ISA_FLAGS = ('avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16',
             'amx_bf16', 'amx_int8')


def _cpuinfo_value(key: str, path: str) -> Optional[str]:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key) and ':' in line:
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_flags(path: str = '/proc/cpuinfo') -> Set[str]:
    """The first processor's feature flags (empty where the file is not
    there, e.g. off Linux)."""
    value = _cpuinfo_value('flags', path)
    return set(value.split()) if value else set()


def cpu_model_name(path: str = '/proc/cpuinfo') -> str:
    """The first processor's model name (``platform.processor()`` where
    /proc/cpuinfo is not there)."""
    value = _cpuinfo_value('model name', path)
    if value:
        return value
    import platform
    return platform.processor() or 'unknown CPU'


def cpu_has_bf16(flags: Optional[Set[str]] = None) -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX-512 BF16 or AMX);
    elsewhere bf16 is emulated and slower than float32."""
    flags = cpu_flags() if flags is None else flags
    return any(flag in flags for flag in BF16_FLAGS)


def describe_cpu(flags: Optional[Set[str]] = None,
                 path: str = '/proc/cpuinfo') -> str:
    """``'<model name> (<ISA flags>)'``, e.g. ``'AMD EPYC (avx2 avx512f
    avx512_vnni avx512_bf16)'``: the line every speed table starts with."""
    flags = cpu_flags(path) if flags is None else flags
    isa = [flag for flag in ISA_FLAGS if flag in flags]
    return f'{cpu_model_name(path)} ({" ".join(isa) or "no AVX2"})'
