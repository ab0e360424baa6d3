"""Runtime pieces for mmengine's Runner: atomic checkpoint writes, checkpoints that load with torch's safe
unpickler, bfloat16 autocast on the CPU, heap reuse and channels-last weights for CPU runs, resumable random
state, strict checkpoint matching, CPU/GPU distributed set-up and the ``--show-dir`` visualisation hook."""
from .atomic_local_backend import AtomicLocalBackend, atomic_write
from .channels_last_hook import ChannelsLastHook
from .checkpoint_compatibility_hook import CheckpointCompatibilityHook, CheckpointMismatchError
from .cpu_autocast_optim_wrapper import CPUAutocastOptimWrapper, cpu_has_native_bfloat16
from .distributed import prepare_distributed
from .heap_reuse import keep_freed_memory
from .random_state_hook import RandomStateHook
from .safe_globals import register_checkpoint_globals
from .visualization_hook import BEVVisualizationHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

register_checkpoint_globals()

__all__ = ['AtomicLocalBackend', 'atomic_write', 'BEVVisualizationHook', 'ChannelsLastHook',
           'CheckpointCompatibilityHook', 'CheckpointMismatchError', 'CPUAutocastOptimWrapper',
           'cpu_has_native_bfloat16', 'keep_freed_memory', 'prepare_distributed', 'RandomStateHook',
           'WeightsOnlyCheckpointHook']
