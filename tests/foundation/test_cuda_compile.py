"""Every CUDA kernel file in csrc/ compiles with plain nvcc (kernels are torch-free by design)."""
import glob
import os
import shutil
import subprocess

import pytest

CSRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'csrc')
CU_FILES = sorted(glob.glob(os.path.join(CSRC, '**', '*.cu'), recursive=True))
NVCC = shutil.which('nvcc')


@pytest.mark.skipif(NVCC is None, reason='nvcc is not on PATH: CUDA kernels cannot be compile-checked here')
@pytest.mark.parametrize('arch', ['sm_80', 'sm_90'])
@pytest.mark.parametrize('cu_file', CU_FILES, ids=[os.path.relpath(f, CSRC) for f in CU_FILES])
def test_cu_file_compiles(cu_file, arch, tmp_path):
    cmd = [NVCC, '-c', cu_file, '-o', str(tmp_path / 'k.o'), f'-arch={arch}', '-std=c++17', '-O3', '-I', CSRC]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0, f'{" ".join(cmd)}\n{out.stderr}'


def test_there_are_cuda_kernels():
    assert CU_FILES, 'csrc/ holds no .cu file'
