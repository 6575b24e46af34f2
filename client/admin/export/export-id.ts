/**
 * A fresh id that ties one download to its `export:progress` events. getRandomValues rather than randomUUID,
 * which browsers only offer on secure origins and a self-hosted install may be served over plain HTTP.
 */
export function newExportId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}
