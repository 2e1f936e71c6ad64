// Declarations only: OpenBLAS's CBLAS interface (cblas_sgemm and friends).
#ifndef ENSEMBLE_CBLAS_SHIM_H
#define ENSEMBLE_CBLAS_SHIM_H
#include <cblas.h>
#endif
