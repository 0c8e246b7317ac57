/** electron-store files (in the app's userData folder) as the core's `KeyValueStore`. */
import Store from 'electron-store';
import type { KeyValueStore } from '../core/key-value-store';

export function electronKeyValueStore(name: string): KeyValueStore {
  const store = new Store<Record<string, unknown>>({ name, clearInvalidConfig: true });
  return {
    get: (key) => store.get(key),
    set: (key, value) => {
      if (value === undefined) store.delete(key);
      else store.set(key, value);
    },
    delete: (key) => store.delete(key),
  };
}
