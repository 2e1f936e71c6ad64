import CMalloc

/// How this process's malloc holds freed memory.
enum HeapPolicy {
  /// Keeps freed blocks in the heap for the next batch instead of handing them back to the
  /// kernel. A streaming run allocates and frees the same buffers every window; by default
  /// glibc unmaps blocks above 128 KB and trims the heap's top, so each window faulted in
  /// fresh zeroed pages: a third of the time of 1M rows through the seed pair (W1 of bench/,
  /// 0.156 s → 0.094 s). The peak memory is unchanged; it is kept until exit. 32 MB is the
  /// largest mmap threshold glibc accepts on 64-bit machines.
  static func keepFreedMemory() {
    ensemble_malloc_thresholds(32 << 20, .max)
  }
}
