// A value the page follows, for plain-TypeScript helpers that cannot hold runes themselves (paged-list.ts).
// The value is replaced whole, never proxied: frozen scenarios and row objects pass through as they are.

export function reactiveCell<T>(initial: T): { value: T } {
  let value = $state.raw(initial);
  return {
    get value() {
      return value;
    },
    set value(next: T) {
      value = next;
    },
  };
}
