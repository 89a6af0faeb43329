import { describe, expect, it } from 'vitest';
import { withoutApplicationName } from './worker.js';

describe('withoutApplicationName', () => {
  it("takes the URL's application_name out, so that the worker's own name is the one the server sees", () => {
    expect(withoutApplicationName('postgres://u@db:5432/loyalty?application_name=ops&sslmode=disable')).toBe('postgres://u@db:5432/loyalty?sslmode=disable');
    expect(withoutApplicationName('postgres:///loyalty?host=/var/run/postgresql')).toBe('postgres:///loyalty?host=/var/run/postgresql');
  });
});
