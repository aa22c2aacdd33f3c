// Raw allocation for columns the host places in linear memory (TLSF from the minimal runtime).
// Kernels never allocate managed objects on their hot paths; the host owns every block it asks for.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
