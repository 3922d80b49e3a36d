# Copyright (c) hih_mmpose contributors. All rights reserved.
"""CPU model and ISA flags read off a faked /proc/cpuinfo."""
from hih_mmpose.utils.cpu_info import (cpu_flags, cpu_has_bf16,
                                       cpu_model_name, describe_cpu)

CPUINFO = ('processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\n'
           'flags\t\t: fpu sse2 avx2 avx512f avx512_vnni avx512_bf16 '
           'amx_bf16 amx_int8\n\nprocessor\t: 1\nflags\t: fpu\n')


def test_flags_and_model_name(tmp_path):
    info = tmp_path / 'cpuinfo'
    info.write_text(CPUINFO)
    assert cpu_flags(str(info)) == {
        'fpu', 'sse2', 'avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16',
        'amx_bf16', 'amx_int8'
    }
    assert cpu_model_name(str(info)) == 'Intel(R) Xeon(R) Platinum 8480+'
    assert describe_cpu(path=str(info)) == (
        'Intel(R) Xeon(R) Platinum 8480+ (avx2 avx512f avx512_vnni '
        'avx512_bf16 amx_bf16 amx_int8)')
    assert cpu_flags(str(tmp_path / 'missing')) == set()


def test_native_bf16():
    assert cpu_has_bf16({'avx512_bf16'}) and cpu_has_bf16({'amx_bf16'})
    assert not cpu_has_bf16({'avx512f', 'avx512_vnni', 'avx2'})
