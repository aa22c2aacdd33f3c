// What the worker serves, built generically: a call names one of the worker's own I/O functions or an Engine
// method; the engine is awaited, the call made, and every buffer a result owns whole is transferred, not copied.
import * as Comlink from 'comlink';
import type { Engine } from '../src/engine/engine.ts';

type Call = (...args: never[]) => unknown;

/** The object to `Comlink.expose`: `io` first, then any method of the engine `ready` resolves to. */
export function servedApi(ready: () => Promise<Engine>, io: Record<string, Call>): object {
  return new Proxy(io, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      const own = Object.hasOwn(target, name) ? target[name] : null;
      return async (...args: never[]) => {
        if (own) return transferred(await own(...args), null);
        const engine = await ready();
        const method = (engine as unknown as Record<string, unknown>)[name];
        if (typeof method !== 'function') throw new Error(`The engine has no method ${name}`);
        return transferred(await method.apply(engine, args), engine.core.exports.memory.buffer);
      };
    },
  });
}

/**
 * The result marked for transfer of its typed arrays' buffers. Only a buffer a view spans whole is taken (a
 * fresh array owns its buffer), and never the Wasm memory: a view into anything the engine keeps is cloned.
 */
function transferred<T>(value: T, memory: ArrayBufferLike | null): T {
  const buffers = new Set<ArrayBuffer>();
  const visit = (x: unknown): void => {
    if (ArrayBuffer.isView(x)) {
      const b = x.buffer;
      if (b instanceof ArrayBuffer && b !== memory && x.byteOffset === 0 && x.byteLength === b.byteLength) buffers.add(b);
    } else if (x && typeof x === 'object') {
      for (const v of Object.values(x)) visit(v);
    }
  };
  visit(value);
  return buffers.size ? Comlink.transfer(value, [...buffers]) : value;
}
