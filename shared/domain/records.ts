// Plain records keyed by ids, and the order ids sort in.

/** The value of an own key only: ids such as `constructor` must not reach Object.prototype. */
export function own<V>(
  record: Readonly<Record<string, V>> | undefined,
  key: string,
): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Strings by UTF-16 code unit (what `<` compares): unlike localeCompare, alike in every locale. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
