import Papa from 'papaparse';
import { FileError } from './error-codes.js';

/**
 * The streaming CSV reader: bytes in, trimmed records with their spreadsheet row numbers out.
 * Parsing is papaparse's core `Parser` (quotes, escapes, cells over several lines); this module
 * adds what an uploaded file needs around it: encodings (byte-order marks, UTF-16 told by its zero
 * bytes), lone-\r line ends, row numbers as a spreadsheet shows them, skipTop/skipBottom, blank
 * rows, cells trimmed of every kind of white space, and a hard stop on a row longer than
 * `MAX_ROW_CHARS` (a quote that never closes, or a cell with no line break for megabytes).
 * Memory holds one read slice plus at most one unfinished record.
 */

export const CSV_ENCODINGS = ['utf-8', 'latin1', 'utf-16le', 'utf-16be'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export interface CsvOptions {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  skipTop: number;
  skipBottom: number;
  encoding: CsvEncoding;
  /** The longest row read, in characters; `MAX_ROW_CHARS` unless a test wants a small one. */
  maxRowChars?: number;
}

export const DEFAULT_CSV_OPTIONS: CsvOptions = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  skipTop: 0,
  skipBottom: 0,
  encoding: 'utf-8',
};

export interface CsvRecord {
  /**
   * 1-based: the row a spreadsheet shows this record on. Every record is one row, a blank line
   * included and a record whose quoted cell spans several lines too.
   */
  rowNumber: number;
  cells: string[];
}

/**
 * The longest row the reader takes: 8 MiB of text (8,388,608 characters), cells, delimiters and
 * quotes together. A spreadsheet holds at most 32,767 characters in a cell and a loyalty row is a
 * few hundred, so a longer row is a quote that never closes or a file that is not line-based
 * text; stopping there keeps memory bounded whatever the file holds.
 */
export const MAX_ROW_CHARS = 8 * 1024 * 1024;

/**
 * Decoded text is parsed in slices of at most this many characters: a file read in one piece is
 * held to the row limit as soon as one read in 1 MiB chunks, and a batch of records (about 350
 * rows of a point-of-sale export) dies young. Slices of 1 MiB made batches of ~23,000 records
 * that outlived the young generation: the first pass took twice as long and an import's peak
 * memory was ~25 MB higher (docs/benchmarks.md).
 */
const SLICE_CHARS = 16 * 1024;

/** Bytes looked at to tell UTF-16 without a byte-order mark by its zero bytes. */
const SNIFF_BYTES = 512;

/**
 * Reads a CSV byte stream. `header()` resolves to the header record (null when the template
 * says the file has none); `records()` then yields the data records in batches.
 */
export class CsvReader {
  private readonly iterator: AsyncIterator<CsvRecord[]>;
  private pending: CsvRecord[] = [];
  private headerRecord: CsvRecord | null | undefined;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly options: CsvOptions,
  ) {
    const text = sliced(lineEnds(decode(source, options.encoding)), Math.min(SLICE_CHARS, options.maxRowChars ?? MAX_ROW_CHARS));
    this.iterator = withoutBottom(nonBlank(skipTop(parseRecords(text, options), options.skipTop)), options.skipBottom)[Symbol.asyncIterator]();
  }

  /** The header record, read once; null when `header` is false. */
  async header(): Promise<CsvRecord | null> {
    if (this.headerRecord !== undefined) return this.headerRecord;
    if (!this.options.header) {
      this.headerRecord = null;
      return null;
    }
    while (this.pending.length === 0) {
      const next = await this.iterator.next();
      if (next.done) {
        this.headerRecord = null;
        return null;
      }
      this.pending = next.value;
    }
    this.headerRecord = this.pending.shift()!;
    return this.headerRecord;
  }

  /**
   * The data records, in batches as they are read. Call `header()` first. Stopping early (a
   * `break`, an error) closes the source: a preview of the first rows leaves no file open.
   */
  async *records(): AsyncGenerator<CsvRecord[]> {
    try {
      await this.header();
      if (this.pending.length > 0) {
        yield this.pending;
        this.pending = [];
      }
      for (;;) {
        const next = await this.iterator.next();
        if (next.done) return;
        if (next.value.length > 0) yield next.value;
      }
    } finally {
      await this.iterator.return?.(undefined);
    }
  }
}

/**
 * Decodes bytes to text: a byte-order mark wins over the configured encoding and is dropped; a
 * file with no mark whose first bytes hold zero bytes is UTF-16 (ASCII text in UTF-16 is every
 * other byte zero, and UTF-8 or Latin-1 text has none), little- or big-endian by where they fall.
 */
async function* decode(source: AsyncIterable<Uint8Array>, encoding: CsvEncoding): AsyncGenerator<string> {
  let decoder: ((bytes: Uint8Array, end: boolean) => string) | null = null;
  let head: Uint8Array = new Uint8Array(0);
  let offset = 0;
  for await (const chunk of source) {
    let bytes: Uint8Array = chunk;
    if (!decoder) {
      head = concat(head, bytes);
      if (head.length < SNIFF_BYTES) continue;
      const picked = pickDecoder(head, encoding);
      decoder = picked.decode;
      bytes = head.subarray(picked.bomLength);
      offset = picked.bomLength;
    }
    yield decodeOrFail(decoder, bytes, false, offset);
    offset += bytes.length;
  }
  if (!decoder) {
    const picked = pickDecoder(head, encoding);
    decoder = picked.decode;
    yield decodeOrFail(decoder, head.subarray(picked.bomLength), false, 0);
  }
  yield decodeOrFail(decoder, new Uint8Array(0), true, offset);
}

function pickDecoder(head: Uint8Array, encoding: CsvEncoding): { decode: (b: Uint8Array, end: boolean) => string; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { decode: textDecoder('utf-8'), bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { decode: textDecoder('utf-16le'), bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { decode: textDecoder('utf-16be'), bomLength: 2 };
  if (encoding === 'utf-8' || encoding === 'latin1') {
    const utf16 = utf16ByZeroBytes(head);
    if (utf16) return { decode: textDecoder(utf16), bomLength: 0 };
  }
  if (encoding === 'latin1') return { decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'), bomLength: 0 };
  return { decode: textDecoder(encoding), bomLength: 0 };
}

/**
 * UTF-16 without a byte-order mark, told by its zero bytes: in little-endian, ASCII and Latin
 * letters have their zero byte second (odd offsets), in big-endian first. A quarter of the
 * character pairs is the threshold, so that a stray NUL in a UTF-8 file does not turn it into
 * UTF-16, while a file whose header is in a script without zero bytes (CJK, Devanagari) still
 * counts once its digits and delimiters start within the bytes looked at.
 */
function utf16ByZeroBytes(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(Math.min(head.length, SNIFF_BYTES) / 2);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  if (pairs === 0 || Math.max(even, odd) * 4 < pairs) return null;
  return odd >= even ? 'utf-16le' : 'utf-16be';
}

function textDecoder(encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): (b: Uint8Array, end: boolean) => string {
  const decoder = new TextDecoder(encoding, { fatal: true });
  return (bytes, end) => decoder.decode(bytes, { stream: !end });
}

function decodeOrFail(decode: (b: Uint8Array, end: boolean) => string, bytes: Uint8Array, end: boolean, offset: number): string {
  try {
    return decode(bytes, end);
  } catch {
    throw new FileError(
      'MALFORMED_CSV',
      `The file has bytes that are not valid text in its encoding (in the ${ordinalKb(offset)} of the file); save it as UTF-8, or set csv.encoding to "latin1" in the template`,
    );
  }
}

function ordinalKb(offset: number): string {
  return offset < 1024 ? 'first kilobyte' : `kilobyte ${Math.floor(offset / 1024) + 1}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Turns every lone \r (old Mac exports, or a file whose lines were joined from several sources)
 * into \n, leaving \r\n alone, so that the parser sees one kind of line end. A lone \r inside a
 * quoted cell becomes \n too: spreadsheets show both as a line break. A \r at the end of a piece
 * waits for the next piece to tell which it is.
 */
async function* lineEnds(text: AsyncIterable<string>): AsyncGenerator<string> {
  let held = '';
  for await (const piece of text) {
    let t = held.length === 0 ? piece : held + piece;
    held = '';
    if (t.indexOf('\r') === -1) {
      if (t.length > 0) yield t;
      continue;
    }
    if (t.endsWith('\r')) {
      held = '\r';
      t = t.slice(0, -1);
    }
    yield t.replace(LONE_CR, '\n');
  }
  if (held) yield '\n';
}

const LONE_CR = /\r(?!\n)/g;

/** Cuts text into pieces of at most `size` characters. */
async function* sliced(text: AsyncIterable<string>, size: number): AsyncGenerator<string> {
  for await (const piece of text) {
    if (piece.length <= size) {
      yield piece;
      continue;
    }
    for (let at = 0; at < piece.length; at += size) yield piece.slice(at, at + size);
  }
}

interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>;
  abort(): void;
}

/** Every record of the text, blank ones included, numbered by the line it starts on. */
async function* parseRecords(text: AsyncIterable<string>, options: CsvOptions): AsyncGenerator<CsvRecord[]> {
  const ParserClass = (Papa as unknown as { Parser: new (config: object) => PapaParser }).Parser;
  // Lines end in \n (lone \r were made \n); a \r before it is trimmed with the cell (papaparse
  // allows white space between a closing quote and the line end), so \r\n and \n files read the same.
  const config = { delimiter: options.delimiter, newline: '\n', quoteChar: options.quote, escapeChar: options.escape };
  const parser = new ParserClass(config);
  const maxRowChars = options.maxRowChars ?? MAX_ROW_CHARS;
  let buffer = '';
  // Rows count records (what a spreadsheet shows); lines count line breaks (what an editor shows,
  // and what a message about an unclosed quote names).
  let row = 1;
  let line = 1;
  const tooLong = (open: boolean): FileError => {
    const limit = `${maxRowChars.toLocaleString('en-US')} characters`;
    return new FileError(
      'MALFORMED_CSV',
      open
        ? `A quoted cell that starts on line ${line} is still open after ${limit}, the longest row read: a closing quote is probably missing; close the quote or remove it`
        : `The row on line ${line} is longer than ${limit}, the longest row read (a cell of megabytes, with no line break?); check that the file is the CSV export, or shorten the cell`,
    );
  };
  /** Where the first record of the buffer ends: a parser stopped after one row tells. */
  const firstRecordEnd = (final: boolean): number => {
    let end = 0;
    const once: PapaParser = new ParserClass({
      ...config,
      step: (result: Papa.ParseResult<string[]>) => {
        end = result.meta.cursor;
        once.abort();
      },
    });
    once.parse(buffer, 0, !final);
    return end;
  };
  const emit = (result: Papa.ParseResult<string[]>, final: boolean): CsvRecord[] => {
    const rows = result.data;
    for (const error of result.errors) {
      // Outside the last read, an error in the record still being read may vanish once the rest
      // of that record arrives; only errors in finished records count.
      if (!final && (error.row ?? 0) >= rows.length) continue;
      const at = line + countNewlines(buffer, 0, error.index ?? 0);
      throw new FileError(
        'MALFORMED_CSV',
        error.code === 'MissingQuotes'
          ? `A quote opened on line ${at} is never closed, so the rest of the file cannot be read; close the quote or remove it`
          : `A quoted cell on line ${at} has text after its closing quote; double the quote inside the cell ("") or remove it`,
      );
    }
    const consumed = final ? buffer.length : result.meta.cursor;
    // Slices are no longer than the limit, so only the first finished record, which began in
    // the text held over from earlier slices, can be longer; it is measured only then.
    if (consumed > maxRowChars && rows.length > 0 && firstRecordEnd(final) > maxRowChars) throw tooLong(false);
    const records: CsvRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) records[i] = { rowNumber: row++, cells: rows[i]! };
    line += countNewlines(buffer, 0, consumed);
    buffer = buffer.slice(consumed);
    return records;
  };
  for await (const piece of text) {
    buffer = buffer.length === 0 ? piece : buffer + piece;
    const records = emit(parser.parse(buffer, 0, true), false);
    if (records.length > 0) yield records;
    if (buffer.length > maxRowChars) {
      // The row is still open: parsing it as if the file ended here tells whether in a quote.
      throw tooLong(parser.parse(buffer, 0, false).errors.some((e) => e.code === 'MissingQuotes'));
    }
  }
  if (buffer.length > 0) {
    const records = emit(parser.parse(buffer, 0, false), true);
    if (records.length > 0) yield records;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

/** Drops the first `count` rows of the file (blank ones count: they are rows of a spreadsheet). */
async function* skipTop(records: AsyncIterable<CsvRecord[]>, count: number): AsyncGenerator<CsvRecord[]> {
  for await (const batch of records) {
    yield count === 0 ? batch : batch.filter((r) => r.rowNumber > count);
  }
}

/**
 * White space trimmed from both ends of a cell: what `String.prototype.trim` takes (Unicode
 * space separators, no-break spaces, line ends, U+FEFF), plus the next-line control U+0085, the
 * zero-width space U+200B, the word joiner U+2060 and U+180E, which spreadsheets and web pages
 * leave around copied values and which no identifier, code or number holds.
 */
const EDGE_SPACE = /^[\s\u0085\u180e\u200b\u2060]+|[\s\u0085\u180e\u200b\u2060]+$/g;

/** Whether a cell may start or end in white space: the cheap test before the regular expression. */
function maySpace(code: number): boolean {
  return code <= 0x20 || (code >= 0x85 && (code === 0x85 || code === 0xa0 || code === 0x1680 || code === 0x180e || (code >= 0x2000 && code <= 0x200b) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x2060 || code === 0x3000 || code === 0xfeff));
}

/** Trims a cell of every kind of white space. */
export function trimCell(cell: string): string {
  return cell.length > 0 && (maySpace(cell.charCodeAt(0)) || maySpace(cell.charCodeAt(cell.length - 1))) ? cell.replace(EDGE_SPACE, '') : cell;
}

/** Trims cells and drops blank records (an empty line, or a line of empty cells). */
async function* nonBlank(records: AsyncIterable<CsvRecord[]>): AsyncGenerator<CsvRecord[]> {
  for await (const batch of records) {
    const out: CsvRecord[] = [];
    for (const record of batch) {
      const cells = record.cells;
      let blank = true;
      for (let i = 0; i < cells.length; i++) {
        const trimmed = trimCell(cells[i]!);
        cells[i] = trimmed;
        if (trimmed !== '') blank = false;
      }
      if (!blank) out.push(record);
    }
    yield out;
  }
}

/** Holds back the last `count` non-blank records, which the template says to ignore. */
async function* withoutBottom(records: AsyncIterable<CsvRecord[]>, count: number): AsyncGenerator<CsvRecord[]> {
  if (count === 0) {
    yield* records;
    return;
  }
  let held: CsvRecord[] = [];
  for await (const batch of records) {
    held = held.length === 0 ? batch : held.concat(batch);
    if (held.length > count) {
      yield held.slice(0, held.length - count);
      held = held.slice(held.length - count);
    }
  }
}
