// glibc's malloc tuning (malloc.h is outside Swift's Glibc module).
#ifndef ENSEMBLE_CMALLOC_SHIM_H
#define ENSEMBLE_CMALLOC_SHIM_H
#include <malloc.h>
/// Sets glibc's mmap and trim thresholds (bytes), which mallopt takes as M_MMAP_THRESHOLD and
/// M_TRIM_THRESHOLD (macros, which do not import into Swift).
static inline void ensemble_malloc_thresholds(int mmap_threshold, int trim_threshold) {
  mallopt(M_MMAP_THRESHOLD, mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
#endif
