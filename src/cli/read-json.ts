import fs from 'node:fs';
import { AppError } from '../app/errors.js';

/**
 * Reading a JSON file named on the command line (a template, a reference-data file). Its size is
 * checked before it is read, so that a wrong file (a CSV export, a database) is refused at once
 * instead of filling the memory; a UTF-8 byte-order mark, which editors on Windows write, is
 * dropped.
 */

const MB = 1024 * 1024;

/** The largest template file read: a template is a few kilobytes; this leaves room for long mappings. */
export const TEMPLATE_MAX_BYTES = 10 * MB;

/**
 * The largest reference-data file read. Such a file holds whole customer bases, and is read as
 * one string: V8's longest string is just under 512 MB, so this stays below it.
 */
export const REFERENCE_DATA_MAX_BYTES = 500 * MB;

/** The JSON value in `file`, a `what` file of at most `maxBytes` bytes; FILE_NOT_READABLE or INVALID_JSON. */
export function readJsonFile(file: string, what: string, maxBytes: number): unknown {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new AppError('FILE_NOT_READABLE', `Cannot read "${file}": no such file`);
  if (stat.isDirectory()) throw new AppError('FILE_NOT_READABLE', `Cannot read "${file}": it is a directory; name the ${what} file`);
  if (stat.isFile() && stat.size > maxBytes) throw tooLarge(file, what, stat.size, maxBytes);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('FILE_NOT_READABLE', `Cannot read "${file}": ${(e as Error).message}`);
  }
  // A pipe has no size to check before it is read.
  if (!stat.isFile() && Buffer.byteLength(text) > maxBytes) throw tooLarge(file, what, Buffer.byteLength(text), maxBytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('INVALID_JSON', `"${file}" is not valid JSON: ${(e as Error).message}`);
  }
}

function tooLarge(file: string, what: string, size: number, maxBytes: number): AppError {
  return new AppError(
    'INVALID_JSON',
    `"${file}" is ${(size / MB).toFixed(1)} MB; a ${what} file is at most ${maxBytes / MB} MB. Check that it is the ${what} file you meant`,
  );
}
