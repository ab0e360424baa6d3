"""Keep freed memory in the process heap (glibc), so each CPU training step reuses the pages of the last one.

glibc serves every allocation above its mmap threshold (128 kB, rising to at most 32 MB) with a fresh ``mmap``
and unmaps it on ``free``, so every step of a CPU training run faults in and zeroes its large activations and
gradients again. On the 2-core machine that was almost a fifth of a world multi-task training step (1.90 s ->
1.55 s in float32 with the heap kept; docs/tools.md). The price: the process keeps its peak heap instead of
handing memory back between steps, the behaviour of the caching allocators (jemalloc, tcmalloc) often preloaded
for CPU training. Data-loader workers forked after the call inherit the setting.
"""
import ctypes
import platform

_M_TRIM_THRESHOLD = -1  # mallopt parameters of glibc's malloc.h
_M_MMAP_MAX = -4
_NEVER_TRIM = 2**31 - 1  # the largest threshold mallopt takes (an int): only a free top of 2 GB is handed back


def keep_freed_memory() -> bool:
    """Serve large allocations from the heap and never trim it; True when applied, False where the C library is
    not glibc (the call then changes nothing)."""
    if platform.system() != 'Linux' or platform.libc_ver()[0] != 'glibc':
        return False
    mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # mallopt returns 1 on success
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, _NEVER_TRIM))
