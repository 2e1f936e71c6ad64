// Declarations only: OpenBLAS's CBLAS interface (cblas_sgemm and friends).
#ifndef ENSEMBLE_CBLAS_SHIM_H
#define ENSEMBLE_CBLAS_SHIM_H
#include <cblas.h>
/// OpenBLAS's own (exported, outside cblas.h): stops and joins its worker threads, which
/// otherwise spin in sched_yield for about 0.1 s after the library loads.
void blas_thread_shutdown_(void);
#endif
