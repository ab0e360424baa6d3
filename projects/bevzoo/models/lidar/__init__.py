"""LiDAR branch: voxel/pillar encoders to BEV (pillars on the CPU, sparse 3D convolution on the GPU)."""
from .lidar_bev_encoder import LidarBEVEncoder
from .sparse_bev_encoder import SparseBEVEncoder, SparseConvUnavailableError, inspection_build, sparse_conv_problem
from .sparse_conv_flops import SparseConvCount, count_sparse_encoder, strided_conv_pairs, submanifold_pairs

__all__ = ['LidarBEVEncoder', 'SparseBEVEncoder', 'SparseConvUnavailableError', 'inspection_build',
           'sparse_conv_problem', 'SparseConvCount', 'count_sparse_encoder', 'strided_conv_pairs',
           'submanifold_pairs']
