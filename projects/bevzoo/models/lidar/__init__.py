"""LiDAR branch: voxel/pillar encoders to BEV (pillars on the CPU, sparse 3D convolution on the GPU)."""
from .lidar_bev_encoder import LidarBEVEncoder
from .sparse_bev_encoder import SparseBEVEncoder, SparseConvUnavailableError, sparse_conv_problem

__all__ = ['LidarBEVEncoder', 'SparseBEVEncoder', 'SparseConvUnavailableError', 'sparse_conv_problem']
