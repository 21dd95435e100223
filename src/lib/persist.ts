/**
 * Opt-in persistence of the user's inputs in this browser's IndexedDB. Nothing is written
 * unless the user ticked "remember"; "clear everything" deletes the whole database. Large
 * streamed logs are never stored (they stay Files the user picked).
 */
import type { FileKind } from '../../workers/engine/model.ts';

export interface Saved {
  log: string;
  logKind?: FileKind;
  files: { name: string; text: string; kind?: FileKind }[];
  nginxVersion: string;
}

const DB = 'upstream-doctor';
const STORE = 'inputs';
const KEY = 'current';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
  });
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(request.result as T);
        };
        tx.onerror = () => {
          db.close();
          reject(tx.error ?? new Error('IndexedDB transaction failed'));
        };
      }),
  );
}

export function save(saved: Saved): Promise<void> {
  return run<unknown>('readwrite', (store) => store.put(saved, KEY)).then(() => undefined);
}

/** The saved inputs, or null when the user never opted in (or cleared everything). */
export async function load(): Promise<Saved | null> {
  // Do not create the database just to find out there is nothing in it.
  const dbs = await indexedDB.databases?.();
  if (dbs && !dbs.some((d) => d.name === DB)) return null;
  return (await run<Saved | undefined>('readonly', (store) => store.get(KEY))) ?? null;
}

export function forget(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB);
    request.onsuccess = () => resolve();
    request.onblocked = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('could not delete the saved inputs'));
  });
}
