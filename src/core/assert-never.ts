/** Exhaustiveness check: every `switch` over a union ends here. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}
