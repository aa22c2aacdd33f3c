// String interning over Arrow's utf8 layout (int32 offsets + bytes): each distinct value gets a dense id.
// Lets the host turn a code column into integer ids without a per-row JavaScript loop.

// One table per column: open addressing on FNV-1a hashes, grown by rehashing at half load. It stores
// (ptr, len) of each value's first occurrence, so the host keeps the byte buffers alive until it frees it.
@unmanaged
class Interner {
  slots: usize = 0; // i32 per slot: id + 1, 0 = empty
  capacity: i32 = 0;
  keyPtr: usize = 0; // usize per id
  keyLen: usize = 0; // i32 per id
  keyRoom: i32 = 0;
  count: i32 = 0;
}

function hashBytes(ptr: usize, len: i32): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < len; i++) {
    h ^= <u32>load<u8>(ptr + <usize>i);
    h *= 16777619;
  }
  return h;
}

function bytesEqual(a: usize, b: usize, len: i32): bool {
  for (let i = 0; i < len; i++) {
    if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  }
  return true;
}

function allocSlots(cap: i32): usize {
  const slots = heap.alloc(<usize>cap << 2);
  memory.fill(slots, 0, <usize>cap << 2);
  return slots;
}

function rehash(it: Interner): void {
  const cap = it.capacity << 1;
  const mask = cap - 1;
  const slots = allocSlots(cap);
  for (let id = 0; id < it.count; id++) {
    const ptr = load<usize>(it.keyPtr + <usize>id * sizeof<usize>());
    const len = load<i32>(it.keyLen + (<usize>id << 2));
    let slot = <i32>(hashBytes(ptr, len) & <u32>mask);
    while (load<i32>(slots + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
    store<i32>(slots + (<usize>slot << 2), id + 1);
  }
  heap.free(it.slots);
  it.slots = slots;
  it.capacity = cap;
}

export function internerNew(): usize {
  const it = changetype<Interner>(heap.alloc(offsetof<Interner>()));
  it.capacity = 1024;
  it.slots = allocSlots(it.capacity);
  it.keyRoom = 256;
  it.keyPtr = heap.alloc(<usize>it.keyRoom * sizeof<usize>());
  it.keyLen = heap.alloc(<usize>it.keyRoom << 2);
  it.count = 0;
  return changetype<usize>(it);
}

export function internerFree(handle: usize): void {
  const it = changetype<Interner>(handle);
  heap.free(it.slots);
  heap.free(it.keyPtr);
  heap.free(it.keyLen);
  heap.free(handle);
}

export function internerCount(handle: usize): i32 {
  return changetype<Interner>(handle).count;
}

/**
 * Interns rows [0, n) of a utf8 column: offsets has n+1 int32 entries into bytes.
 * Writes each row's id to outIds. Ids new in this call are consecutive from the count before it;
 * for each, firstRow[id − countBefore] receives the row where it first occurs. Returns the new count.
 */
export function internUtf8(handle: usize, offsets: usize, bytes: usize, n: i32, outIds: usize, firstRow: usize): i32 {
  const it = changetype<Interner>(handle);
  const countBefore = it.count;
  for (let row = 0; row < n; row++) {
    const start = load<i32>(offsets + (<usize>row << 2));
    const len = load<i32>(offsets + (<usize>(row + 1) << 2)) - start;
    const ptr = bytes + <usize>start;
    const mask = it.capacity - 1;
    let slot = <i32>(hashBytes(ptr, len) & <u32>mask);
    let id = -1;
    while (true) {
      const entry = load<i32>(it.slots + (<usize>slot << 2));
      if (entry == 0) break;
      const cand = entry - 1;
      if (load<i32>(it.keyLen + (<usize>cand << 2)) == len &&
          bytesEqual(load<usize>(it.keyPtr + <usize>cand * sizeof<usize>()), ptr, len)) {
        id = cand;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (id < 0) {
      if (it.count == it.keyRoom) {
        it.keyRoom <<= 1;
        it.keyPtr = heap.realloc(it.keyPtr, <usize>it.keyRoom * sizeof<usize>());
        it.keyLen = heap.realloc(it.keyLen, <usize>it.keyRoom << 2);
      }
      id = it.count++;
      store<i32>(it.slots + (<usize>slot << 2), id + 1);
      store<usize>(it.keyPtr + <usize>id * sizeof<usize>(), ptr);
      store<i32>(it.keyLen + (<usize>id << 2), len);
      store<i32>(firstRow + (<usize>(id - countBefore) << 2), row);
      if (it.count * 2 > it.capacity) rehash(it);
    }
    store<i32>(outIds + (<usize>row << 2), id);
  }
  return it.count;
}

/** dst[i] = map[src[i]] for n rows: turns per-batch dictionary indices into column-wide ids. */
export function remapIds(src: usize, n: i32, map: usize, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const k = load<i32>(src + (<usize>i << 2));
    store<i32>(dst + (<usize>i << 2), k < 0 ? -1 : load<i32>(map + (<usize>k << 2)));
  }
}
