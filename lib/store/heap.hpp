// The heap, faulted in bulk. A command about to build large tables (a report over
// 50,000 deals) asks for the memory in one step: the kernel then maps the pages in
// one madvise call instead of one page fault per 4 KiB page touched, and on the
// virtual machines crm is benchmarked on a page fault costs about 10 µs
// (bench/RESULTS.md: 800 of the 1,770 faults of `crm report pipeline` at M).
#pragma once
#include <cstddef>

namespace crm {

// Make the next `bytes` of allocations fault-free (at most 64 MiB; below 1 MiB: nothing).
void prefault_heap(size_t bytes);

}  // namespace crm
