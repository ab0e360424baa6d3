"""Installs the ``bevzoo`` package from ``projects/`` and builds ``csrc/`` into ``bevzoo._C``.

The C++ CPU kernels are always built. The CUDA kernels are added when a CUDA toolkit is found
and torch is a CUDA build (or ``FORCE_CUDA=1``). GPU architectures come from
``TORCH_CUDA_ARCH_LIST``; when it is unset we default to every architecture from sm_70 to sm_90
that the local ``nvcc`` supports, plus PTX of the newest so later GPUs JIT-compile it.
"""
import glob
import os
import re
import subprocess

from setuptools import find_packages, setup

try:
    import torch
    from torch.utils.cpp_extension import CUDA_HOME, BuildExtension, CppExtension, CUDAExtension
except ImportError as exc:  # pip without --no-build-isolation lands here
    raise SystemExit(
        'bevzoo: torch must be installed before building bevzoo '
        '(run `make setup`, or `pip install torch==2.13.0` then `pip install --no-build-isolation -e .`).'
    ) from exc

DEFAULT_ARCHS = ('7.0', '7.5', '8.0', '8.6', '8.9', '9.0')


def read_version() -> str:
    with open(os.path.join('projects', 'bevzoo', 'version.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def want_cuda() -> bool:
    forced = os.environ.get('FORCE_CUDA')
    if forced is not None:
        if forced == '1' and (CUDA_HOME is None or torch.version.cuda is None):
            raise SystemExit('bevzoo: FORCE_CUDA=1 needs a CUDA build of torch and a CUDA toolkit '
                             f'(torch.version.cuda={torch.version.cuda}, CUDA_HOME={CUDA_HOME}).')
        return forced == '1'
    return CUDA_HOME is not None and torch.version.cuda is not None


def default_cuda_archs() -> str:
    """Archs in DEFAULT_ARCHS that this nvcc can target, the newest also as PTX."""
    nvcc = os.path.join(CUDA_HOME, 'bin', 'nvcc')
    listed = subprocess.run([nvcc, '--list-gpu-arch'], capture_output=True, text=True).stdout
    supported = {f'{m[0]}.{m[1:]}' for m in re.findall(r'compute_(\d+)', listed)}
    archs = [a for a in DEFAULT_ARCHS if a in supported] or [DEFAULT_ARCHS[-1]]
    archs[-1] += '+PTX'
    return ';'.join(archs)


def process_libstdcxx() -> list:
    """The libstdc++ this process (torch) runs with, to link by path.

    A toolchain that ships only a static libstdc++ (the GPU image's /opt/gcc) otherwise copies one into
    ``_C``; its locale ids then disagree with the process's libstdc++ and the first error message that formats
    a number crashes the process instead of raising (docs/ops.md). Linked first, the shared library provides
    every symbol it has.
    """
    try:
        with open('/proc/self/maps') as maps:
            paths = sorted({line.split()[-1] for line in maps if '/libstdc++.so' in line})
    except OSError:  # not Linux
        return []
    return paths[:1]


def make_extension():
    cpp_sources = sorted(glob.glob('csrc/**/*.cpp', recursive=True))
    cuda_sources = sorted(glob.glob('csrc/**/*.cu', recursive=True))
    # at::parallel_for is header code: it only runs multi-threaded when the extension is built with OpenMP.
    openmp = ['-fopenmp'] if torch.backends.openmp.is_available() else []
    link_args = process_libstdcxx() + openmp
    # No fused multiply-adds in C++: the CPU kernels compiled for AVX2/AVX-512 keep the baseline's roundings.
    cxx_flags = ['-O3', '-ffp-contract=off'] + openmp
    include_dirs = [os.path.abspath('csrc')]
    if want_cuda():
        os.environ.setdefault('TORCH_CUDA_ARCH_LIST', default_cuda_archs())
        print(f"bevzoo: building CUDA kernels for TORCH_CUDA_ARCH_LIST={os.environ['TORCH_CUDA_ARCH_LIST']}")
        return CUDAExtension('bevzoo._C', cpp_sources + cuda_sources, define_macros=[('WITH_CUDA', None)],
                             include_dirs=include_dirs, extra_link_args=link_args,
                             extra_compile_args={'cxx': cxx_flags, 'nvcc': ['-O3', '--use_fast_math']})
    print('bevzoo: building CPU kernels only (no CUDA toolkit or CPU-only torch; set FORCE_CUDA=1 to insist)')
    return CppExtension('bevzoo._C', cpp_sources, include_dirs=include_dirs, extra_link_args=link_args,
                        extra_compile_args={'cxx': cxx_flags})


setup(
    name='bevzoo',
    version=read_version(),
    description='A model zoo of BEV camera-LiDAR fusion networks with multi-task heads',
    package_dir={'': 'projects'},
    packages=find_packages('projects'),
    python_requires='>=3.9,<3.13',
    ext_modules=[make_extension()],
    cmdclass={'build_ext': BuildExtension},
    zip_safe=False,
)
