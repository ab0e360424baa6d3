// Lets torch-free headers declare functions that both the host compiler and nvcc compile.
#pragma once
#ifdef __CUDACC__
#define BEVZOO_HOST_DEVICE __host__ __device__
#else
#define BEVZOO_HOST_DEVICE
#endif
