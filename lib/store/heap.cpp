#include "store/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace crm {

void prefault_heap(size_t bytes) {
  static size_t done = 0;
  if (bytes < (size_t{1} << 20) || bytes <= done) return;
  bytes = std::min(bytes, size_t{64} << 20) + (size_t{2} << 20);
  // Large blocks from the heap rather than their own mappings (which free() would unmap),
  // and the heap not given back to the kernel when they are freed.
  mallopt(M_MMAP_THRESHOLD, 96 << 20);
  mallopt(M_TRIM_THRESHOLD, 192 << 20);
  void* p = std::malloc(bytes);
  if (!p) return;
  auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t from = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  uintptr_t to = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(page - 1);
  // Huge pages where the block spans whole 2 MiB ones: one fault maps 512 pages.
  uintptr_t huge = uintptr_t{2} << 20;
  uintptr_t hfrom = (from + huge - 1) & ~(huge - 1), hto = to & ~(huge - 1);
  if (hto > hfrom) ::madvise(reinterpret_cast<void*>(hfrom), hto - hfrom, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);  // Linux 5.14; else a no-op
#endif
  std::free(p);
  done = bytes;
}

}  // namespace crm
