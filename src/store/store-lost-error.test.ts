import { describe, expect, it } from 'vitest';
import { withoutPassword } from './store-lost-error.js';

describe('withoutPassword', () => {
  it.each([
    ['user:password@host', 'postgres://loader:s3cret@db.example:5432/loyalty', 'postgres://loader@db.example:5432/loyalty'],
    ['no host, which URL parsers refuse but the driver reads', 'postgres://u:s3cret@/loyalty?host=127.0.0.1&port=1', 'postgres://u@/loyalty?host=127.0.0.1&port=1'],
    ['a password parameter, first', 'postgresql://u@127.0.0.1/db?password=s3cret&sslmode=require', 'postgresql://u@127.0.0.1/db?sslmode=require'],
    ['a password parameter, last', 'postgres://u@127.0.0.1/db?sslmode=require&password=s3cret', 'postgres://u@127.0.0.1/db?sslmode=require'],
  ])('leaves out the password given as %s', (_how, url, shown) => {
    expect(withoutPassword(url)).toEqual({ shown, hadPassword: true });
  });

  it('leaves a URL without a password and a SQLite path as they are', () => {
    expect(withoutPassword('postgres://postgres@127.0.0.1:5432/test')).toEqual({ shown: 'postgres://postgres@127.0.0.1:5432/test', hadPassword: false });
    expect(withoutPassword('file:x.db')).toEqual({ shown: 'file:x.db', hadPassword: false });
    expect(withoutPassword('./stores/a:b@c.db')).toEqual({ shown: './stores/a:b@c.db', hadPassword: false });
  });
});
