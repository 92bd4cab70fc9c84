/**
 * `{ ...new Defaults(), ...options }`, ignoring members set to `undefined`: how every concern's
 * options class fills in its defaults.
 */
export function withDefaults<T extends object>(Defaults: new () => T, options: T): Required<T> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...new Defaults(), ...defined } as Required<T>;
}
