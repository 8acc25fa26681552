// The signed-in key survives a reload only as ciphertext in sessionStorage, under an AES-GCM key
// that cannot be exported and lives in IndexedDB. Neither alone gives the key back: sessionStorage
// holds no clear text, and IndexedDB holds no key material a script can read out.

const DATABASE = 'switchyard-console';
const STORE = 'vault';
const ENTRY = 'session-key';
const SEALED = 'switchyard-console.sealed-key';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function inStore<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const database = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const pending = act(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(pending.result as T);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Seals `key` for this tab: a fresh non-extractable AES-GCM key in IndexedDB, the ciphertext in sessionStorage. */
export async function sealKey(key: string): Promise<void> {
  const cryptoKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, cryptoKey, new TextEncoder().encode(key)));
  await inStore('readwrite', (store) => store.put(cryptoKey, ENTRY));
  sessionStorage.setItem(SEALED, JSON.stringify({ iv: toBase64(iv), data: toBase64(sealed) }));
}

/** The key sealed before a reload, or undefined when there is none (or it cannot be opened, then both halves are dropped). */
export async function unsealKey(): Promise<string | undefined> {
  const text = sessionStorage.getItem(SEALED);
  if (text === null) return undefined;
  try {
    const { iv, data } = JSON.parse(text) as { iv: string; data: string };
    const cryptoKey = await inStore<CryptoKey | undefined>('readonly', (store) => store.get(ENTRY));
    if (cryptoKey === undefined) throw new Error('no vault key');
    const clear = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, cryptoKey, fromBase64(data));
    return new TextDecoder().decode(clear);
  } catch {
    await forgetKey();
    return undefined;
  }
}

/** Sign-out: the ciphertext and the key that opens it, both gone. */
export async function forgetKey(): Promise<void> {
  sessionStorage.removeItem(SEALED);
  await inStore('readwrite', (store) => store.delete(ENTRY)).catch(() => undefined);
}
