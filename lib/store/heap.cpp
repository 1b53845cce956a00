#include "store/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace crm {

namespace {

// Whether the kernel holds `n` free 2 MiB blocks already: a huge page asked for with MADV_HUGEPAGE
// is otherwise made by compacting memory while the command waits (Debian's default, "defrag:
// madvise"), which on a busy machine with fragmented memory costs far more than it saves.
bool huge_pages_free(size_t n) {
  std::FILE* f = std::fopen("/proc/buddyinfo", "re");
  if (!f) return false;
  // "Node 0, zone   Normal  25329 13496 ... 407 3187": free blocks of order 0 to 10 (4 KiB << order).
  size_t free2m = 0;
  char zone[32];
  unsigned long c[11];
  while (std::fscanf(f, " Node %*d, zone %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", zone, &c[0], &c[1], &c[2],
                     &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9], &c[10]) == 12)
    free2m += c[9] + 2 * c[10];
  std::fclose(f);
  return free2m >= 2 * n;  // a margin for other processes asking at the same time
}

}  // namespace

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
  if (hto > hfrom && huge_pages_free((hto - hfrom) / huge)) ::madvise(reinterpret_cast<void*>(hfrom), hto - hfrom, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);  // Linux 5.14; else a no-op
#endif
  std::free(p);
  done = bytes;
}

}  // namespace crm
