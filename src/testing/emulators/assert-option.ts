/**
 * Eager option checks shared by the emulators (a typo in a limit should fail at start, not mid-test).
 * @module
 */

/** Throws a TypeError unless `value` is a positive number (or zero when `allowZero`). */
export function assertPositive(name: string, value: number, allowZero = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  }
}

/** {@link assertPositive} on several numeric fields of `record` (all of them when `keys` is omitted). */
export function assertPositiveFields<T extends object>(
  record: T,
  keys?: ReadonlyArray<keyof T & string>,
  settings: { readonly prefix?: string; readonly allowZero?: boolean } = {},
): void {
  const names = keys ?? (Object.keys(record) as Array<keyof T & string>);
  for (const key of names) {
    assertPositive(`${settings.prefix ?? ''}${key}`, record[key] as number, settings.allowZero ?? false);
  }
}
