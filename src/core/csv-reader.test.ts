import { describe, expect, it } from 'vitest';
import { CsvReader, type CsvOptions, DEFAULT_CSV_OPTIONS, MAX_ROW_CHARS } from './csv-reader.js';
import { FileError } from './error-codes.js';

/** A record as the assertions want it: its spreadsheet row number and its cells. */
type Row = [number, string[]];

interface Read {
  header: Row | null;
  rows: Row[];
}

/**
 * Ways to cut a file into the chunks a stream delivers. Small, uneven pieces put chunk
 * boundaries inside quotes, inside `\r\n` and inside multi-byte characters.
 */
const CHUNKINGS: ReadonlyArray<{ name: string; sizes: readonly number[] }> = [
  { name: 'in one piece', sizes: [Number.MAX_SAFE_INTEGER] },
  { name: 'one byte at a time', sizes: [1] },
  { name: 'two bytes at a time', sizes: [2] },
  { name: 'in pieces of 1 to 7 bytes', sizes: [1, 2, 3, 4, 5, 6, 7] },
  { name: 'in pieces of 7 down to 1 bytes', sizes: [7, 6, 5, 4, 3, 2, 1] },
  { name: 'in pieces of 3 and 5 bytes', sizes: [3, 5] },
];

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function utf16le(text: string, bom = true): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

function utf16be(text: string, bom = true): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  body.swap16();
  return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), body]) : body;
}

async function* inPieces(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const size = sizes[k % sizes.length]!;
    k++;
    yield bytes.slice(at, at + size);
    at += size;
  }
}

async function read(bytes: Uint8Array, options: Partial<CsvOptions>, sizes: readonly number[]): Promise<Read> {
  const reader = new CsvReader(inPieces(bytes, sizes), { ...DEFAULT_CSV_OPTIONS, ...options });
  const header = await reader.header();
  const rows: Row[] = [];
  for await (const batch of reader.records()) for (const r of batch) rows.push([r.rowNumber, r.cells]);
  return { header: header ? [header.rowNumber, header.cells] : null, rows };
}

/** Reads the bytes in every chunking and expects the same header and rows from each. */
async function expectRead(bytes: Uint8Array, options: Partial<CsvOptions>, expected: Read): Promise<void> {
  for (const { name, sizes } of CHUNKINGS) {
    expect(await read(bytes, options, sizes), `read ${name}`).toEqual(expected);
  }
}

/** Reads the bytes in every chunking, expects the same FileError from each, and returns it. */
async function expectFailure(bytes: Uint8Array, options: Partial<CsvOptions> = {}): Promise<FileError> {
  const errors: FileError[] = [];
  for (const { name, sizes } of CHUNKINGS) {
    let caught: unknown = null;
    try {
      await read(bytes, options, sizes);
    } catch (error) {
      caught = error;
    }
    expect(caught, `read ${name}`).toBeInstanceOf(FileError);
    errors.push(caught as FileError);
  }
  const first = errors[0]!;
  for (const [i, e] of errors.entries()) {
    expect({ code: e.code, message: e.message }, `read ${CHUNKINGS[i]!.name}`).toEqual({ code: first.code, message: first.message });
  }
  return first;
}

/** `line N` as a whole number, so that "line 3" does not match "line 30". */
const namesLine = (n: number) => new RegExp(`\\bline ${n}\\b`);

describe('CsvReader: header and line endings', () => {
  it('reads a header row and numbers data rows from row 2', async () => {
    await expectRead(utf8('Mobile,Bill Number\n919876543210,B-1\n919876543211,B-2\n'), {}, {
      header: [1, ['Mobile', 'Bill Number']],
      rows: [
        [2, ['919876543210', 'B-1']],
        [3, ['919876543211', 'B-2']],
      ],
    });
  });

  it('reads \\r\\n line endings exactly as \\n ones', async () => {
    await expectRead(utf8('Mobile,Bill Number\r\n919876543210,B-1\r\n919876543211,"B-2"\r\n'), {}, {
      header: [1, ['Mobile', 'Bill Number']],
      rows: [
        [2, ['919876543210', 'B-1']],
        [3, ['919876543211', 'B-2']],
      ],
    });
  });

  it('reads lone \\r line endings (old Mac exports), numbering rows and blank lines as \\n ones', async () => {
    await expectRead(utf8('Mobile,Bill Number\r919876543210,B-1\r\r919876543211,"B-2"\r'), {}, {
      header: [1, ['Mobile', 'Bill Number']],
      rows: [
        [2, ['919876543210', 'B-1']],
        [4, ['919876543211', 'B-2']],
      ],
    });
  });

  it('reads lone \\r line endings in UTF-16 and in a file that does not end in a line break', async () => {
    await expectRead(utf16le('a,b\r1,2\r3,4'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', '2']],
        [3, ['3', '4']],
      ],
    });
  });

  it('reads a file mixing \\r\\n, \\n and lone \\r line endings, one row per line end', async () => {
    await expectRead(utf8('a,b\r\n1,2\n3,4\r5,6\r\n\r7,8\n'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', '2']],
        [3, ['3', '4']],
        [4, ['5', '6']],
        [6, ['7', '8']],
      ],
    });
  });

  it('keeps a line break inside a quoted cell of a lone-\\r file as one row', async () => {
    await expectRead(utf8('a,b\r"line 1\rline 2",x\r2,y\r'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['line 1\nline 2', 'x']],
        [3, ['2', 'y']],
      ],
    });
  });

  it('reads the last row when the file does not end in a line break', async () => {
    await expectRead(utf8('a,b\r\n1,2\r\n3,"4"'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', '2']],
        [3, ['3', '4']],
      ],
    });
  });

  it('treats the first line as data when header is false', async () => {
    await expectRead(utf8('919876543210,B-1\n919876543211,B-2\n'), { header: false }, {
      header: null,
      rows: [
        [1, ['919876543210', 'B-1']],
        [2, ['919876543211', 'B-2']],
      ],
    });
  });

  it('reads an empty file as no header and no rows', async () => {
    await expectRead(new Uint8Array(0), {}, { header: null, rows: [] });
  });

  it('reads a file of only a header as a header and no rows', async () => {
    await expectRead(utf8('Mobile,Bill Number\r\n'), {}, { header: [1, ['Mobile', 'Bill Number']], rows: [] });
  });

  it('returns a row with more or fewer cells than the header as it is, for the row rules to reject', async () => {
    await expectRead(utf8('a,b,c\n1,2\n1,2,3,4\n1,2,3\n'), {}, {
      header: [1, ['a', 'b', 'c']],
      rows: [
        [2, ['1', '2']],
        [3, ['1', '2', '3', '4']],
        [4, ['1', '2', '3']],
      ],
    });
  });
});

describe('CsvReader: encodings', () => {
  const text = 'Name,City\nJosé,Bengaluru ₹ 😀\nZoë,Köln\n';
  const expected: Read = {
    header: [1, ['Name', 'City']],
    rows: [
      [2, ['José', 'Bengaluru ₹ 😀']],
      [3, ['Zoë', 'Köln']],
    ],
  };

  it('reads UTF-8, with multi-byte characters cut across chunks', async () => {
    await expectRead(utf8(text), {}, expected);
  });

  it('drops a UTF-8 byte-order mark', async () => {
    await expectRead(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]), {}, expected);
  });

  it('reads UTF-16LE with a byte-order mark', async () => {
    await expectRead(utf16le(text), {}, expected);
  });

  it('reads UTF-16BE with a byte-order mark', async () => {
    await expectRead(utf16be(text), {}, expected);
  });

  it('reads UTF-16 with a byte-order mark even when the template says utf-8', async () => {
    await expectRead(utf16le('a\r\nb\r\n'), { encoding: 'utf-8' }, { header: [1, ['a']], rows: [[2, ['b']]] });
  });

  it('reads UTF-16LE without a byte-order mark, told by its zero bytes', async () => {
    await expectRead(utf16le(text, false), {}, expected);
  });

  it('reads UTF-16BE without a byte-order mark, told by its zero bytes', async () => {
    await expectRead(utf16be(text, false), {}, expected);
  });

  it('reads UTF-16 without a byte-order mark even when the template says latin1', async () => {
    await expectRead(utf16le('Name,City\r\nZoë,Köln\r\n', false), { encoding: 'latin1' }, { header: [1, ['Name', 'City']], rows: [[2, ['Zoë', 'Köln']]] });
  });

  it('reads a UTF-16 file of one short line without a byte-order mark', async () => {
    await expectRead(utf16be('a,b\n1,2', false), {}, { header: [1, ['a', 'b']], rows: [[2, ['1', '2']]] });
  });

  it('reads UTF-8 holding a stray NUL byte as UTF-8, not as UTF-16', async () => {
    await expectRead(utf8('Name,City\nJosé,Pu\u0000ne\nZoë,Köln\n'), {}, {
      header: [1, ['Name', 'City']],
      rows: [
        [2, ['José', 'Pu\u0000ne']],
        [3, ['Zoë', 'Köln']],
      ],
    });
  });

  it('reads Latin-1 when the encoding is latin1 (é is 0xE9)', async () => {
    const bytes = new Uint8Array([...utf8('Name,City\nCaf'), 0xe9, ...utf8(',K'), 0xf6, ...utf8('ln\n')]);
    await expectRead(bytes, { encoding: 'latin1' }, { header: [1, ['Name', 'City']], rows: [[2, ['Café', 'Köln']]] });
  });

  it('fails the file with MALFORMED_CSV on bytes that are not UTF-8', async () => {
    const bytes = new Uint8Array([...utf8('Name,City\nCaf'), 0xe9, ...utf8(',Pune\nRavi,Delhi\n')]);
    const error = await expectFailure(bytes);
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(/latin1/);
  });

  it('fails the file with MALFORMED_CSV on a UTF-8 character cut off by the end of the file', async () => {
    const bytes = new Uint8Array([...utf8('Name,City\nAsha,'), 0xe2, 0x82]);
    const error = await expectFailure(bytes);
    expect(error.code).toBe('MALFORMED_CSV');
  });
});

describe('CsvReader: delimiters, quotes and escapes', () => {
  it("reads ';' as the delimiter, leaving commas in cells", async () => {
    await expectRead(utf8('Name;Value\nAsha;1,5\n"Ravi;K";2\n'), { delimiter: ';' }, {
      header: [1, ['Name', 'Value']],
      rows: [
        [2, ['Asha', '1,5']],
        [3, ['Ravi;K', '2']],
      ],
    });
  });

  it('reads a tab as the delimiter', async () => {
    await expectRead(utf8('Name\tValue\r\nAsha, K\t12.5\r\n"Ravi\tK"\t2\r\n'), { delimiter: '\t' }, {
      header: [1, ['Name', 'Value']],
      rows: [
        [2, ['Asha, K', '12.5']],
        [3, ['Ravi\tK', '2']],
      ],
    });
  });

  it('reads quoted cells holding the delimiter, doubled quotes and line breaks', async () => {
    await expectRead(utf8('a,b,c\n"x, y","say ""hi""","line 1\nline 2"\n'), {}, {
      header: [1, ['a', 'b', 'c']],
      rows: [[2, ['x, y', 'say "hi"', 'line 1\nline 2']]],
    });
  });

  it('keeps a \\r\\n line break inside a quoted cell of a \\r\\n file', async () => {
    await expectRead(utf8('a,b\r\n"line 1\r\nline 2",x\r\n'), {}, {
      header: [1, ['a', 'b']],
      rows: [[2, ['line 1\r\nline 2', 'x']]],
    });
  });

  it("reads cells quoted with ' when quote and escape are '", async () => {
    await expectRead(utf8("a,b\n'x, y','it''s'\n"), { quote: "'", escape: "'" }, {
      header: [1, ['a', 'b']],
      rows: [[2, ['x, y', "it's"]]],
    });
  });

  it('reads \\" as a quote inside a cell when escape is \\', async () => {
    await expectRead(utf8('a,b\n"say \\"hi\\", then go",x\n'), { escape: '\\' }, {
      header: [1, ['a', 'b']],
      rows: [[2, ['say "hi", then go', 'x']]],
    });
  });
});

describe('CsvReader: blank rows and trimming', () => {
  it('skips blank lines but counts them as rows', async () => {
    await expectRead(utf8('a,b\n1,2\n\n3,4\n\n\n5,6\n'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', '2']],
        [4, ['3', '4']],
        [7, ['5', '6']],
      ],
    });
  });

  it('skips blank \\r\\n lines and blank lines before the header, counting them', async () => {
    await expectRead(utf8('\r\n\r\na,b\r\n\r\n1,2\r\n'), {}, { header: [3, ['a', 'b']], rows: [[5, ['1', '2']]] });
  });

  it('treats a line of only delimiters (and spaces) as blank', async () => {
    await expectRead(utf8('a,b\n1,2\n,\n , ,\t\n"",\n3,4\n'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', '2']],
        [6, ['3', '4']],
      ],
    });
  });

  it('trims the cells of the header and of data rows, quoted or not', async () => {
    await expectRead(utf8(' Mobile , Bill Number\t\n  919876543210 ,"  B-1  "\n'), {}, {
      header: [1, ['Mobile', 'Bill Number']],
      rows: [[2, ['919876543210', 'B-1']]],
    });
  });
});

describe('CsvReader: every kind of white space', () => {
  it.each([
    ['a no-break space U+00A0', '\u00a0'],
    ['a figure space U+2007', '\u2007'],
    ['a narrow no-break space U+202F', '\u202f'],
    ['a byte-order mark U+FEFF inside the file', '\ufeff'],
    ['a next-line U+0085', '\u0085'],
    ['a zero-width space U+200B', '\u200b'],
    ['an ideographic space U+3000', '\u3000'],
    ['an em space U+2003', '\u2003'],
    ['a vertical tab and a form feed', '\u000b\u000c'],
  ])('trims %s from both ends of cells, quoted or not, keeping it inside', async (_name, space) => {
    const s = space;
    await expectRead(utf8(`${s}Mobile${s},Bill${s}Number${s}\n${s}919876543210${s},"${s}B-1${s}"\n${s},${s}\n${s}919876543211,B-2\n`), {}, {
      header: [1, ['Mobile', `Bill${s}Number`]],
      rows: [
        [2, ['919876543210', 'B-1']],
        [4, ['919876543211', 'B-2']],
      ],
    });
  });

  it('keeps control characters that are not white space, such as ESC', async () => {
    await expectRead(utf8('a,b\n\u001b[31mS001,2\n'), {}, { header: [1, ['a', 'b']], rows: [[2, ['\u001b[31mS001', '2']]] });
  });
});

describe('CsvReader: skipTop and skipBottom', () => {
  it('skips skipTop rows before the header: the header is row skipTop+1, the first data row skipTop+2', async () => {
    await expectRead(utf8('Acme POS export\nMarch 2025,,\nMobile,Bill Number\n919876543210,B-1\n'), { skipTop: 2 }, {
      header: [3, ['Mobile', 'Bill Number']],
      rows: [[4, ['919876543210', 'B-1']]],
    });
  });

  it('counts a blank line among the skipTop rows', async () => {
    await expectRead(utf8('Acme POS export\n\nMobile,Bill Number\n919876543210,B-1\n'), { skipTop: 2 }, {
      header: [3, ['Mobile', 'Bill Number']],
      rows: [[4, ['919876543210', 'B-1']]],
    });
  });

  it('skips skipTop rows of a file without a header: the first data row is skipTop+1', async () => {
    await expectRead(utf8('Acme POS export\r\n919876543210,B-1\r\n919876543211,B-2\r\n'), { skipTop: 1, header: false }, {
      header: null,
      rows: [
        [2, ['919876543210', 'B-1']],
        [3, ['919876543211', 'B-2']],
      ],
    });
  });

  it('ignores the last skipBottom non-blank rows, with blank lines among and after them', async () => {
    await expectRead(utf8('a,b\n1,2\n3,4\n5,6\nTotal,15\n\nExported by POS\n\n\n'), { skipBottom: 2 }, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', '2']],
        [3, ['3', '4']],
        [4, ['5', '6']],
      ],
    });
  });

  it('applies skipTop and skipBottom together', async () => {
    await expectRead(utf8('Report\nMarch\na,b\n1,2\n\n3,4\nTotal,6\n'), { skipTop: 2, skipBottom: 1 }, {
      header: [3, ['a', 'b']],
      rows: [
        [4, ['1', '2']],
        [6, ['3', '4']],
      ],
    });
  });
});

describe('CsvReader: cells over several lines', () => {
  it('reads a quoted cell over several lines as one row numbered by its first line', async () => {
    const { rows } = await read(utf8('a,b\n1,"x\ny\nz"\n'), {}, [Number.MAX_SAFE_INTEGER]);
    expect(rows).toEqual([[2, ['1', 'x\ny\nz']]]);
  });

  // jobs.md, "Row numbers": row numbers are "the row's position as a spreadsheet shows the file
  // [...] a quoted cell that spans several lines is still one row". A spreadsheet shows the
  // record after a three-line cell on the very next row.
  it('numbers the record after a multi-line cell as the next spreadsheet row', async () => {
    await expectRead(utf8('a,b\n1,"x\ny\nz"\n2,w\n\n3,v\n'), {}, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', 'x\ny\nz']],
        [3, ['2', 'w']],
        [5, ['3', 'v']],
      ],
    });
  });
});

describe('CsvReader: malformed files', () => {
  it('fails with MALFORMED_CSV naming the line where a quote opened and never closed', async () => {
    const error = await expectFailure(utf8('a,b\n1,2\n3,"open\n4,5\n6,7\n'));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(3));
  });

  it('names the line (not the row) of an unclosed quote after blank lines and a multi-line cell', async () => {
    // Lines: 1 header, 2 blank, 3–4 a two-line cell, 5 the unclosed quote.
    const error = await expectFailure(utf8('a,b\n\n1,"x\ny"\n2,"open\n3,4\n'));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(5));
  });

  it('names the line of an unclosed quote that a later quote seems to close', async () => {
    const error = await expectFailure(utf8('a,b\n1,"open\n2,x\n3,"q"\n4,y\n'));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(2));
  });

  it('names the line of an unclosed quote near the end of a file of a few thousand rows', async () => {
    const lines = ['Mobile,Bill Number,Tracked Value'];
    for (let i = 2; i <= 3000; i++) lines.push(`9198765${String(i).padStart(5, '0')},"B-${i}",${i}.5`);
    lines.push('919876543210,"B-3001,1');
    lines.push('919876543210,B-3002,1', '919876543210,B-3003,1', '');
    const error = await expectFailure(utf8(lines.join('\r\n')));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(3001));
  });

  it('names the line of an unclosed quote near the end of a long file when quoted cells follow it', async () => {
    const lines = ['Mobile,Bill Number,Tracked Value'];
    for (let i = 2; i <= 4000; i++) lines.push(`9198765${String(i).padStart(5, '0')},"B-${i}",${i}`);
    lines.push('919876543210,"B-4001,1');
    for (let i = 4002; i <= 4010; i++) lines.push(`919876543210,"B-${i}",1`);
    const error = await expectFailure(utf8(`${lines.join('\n')}\n`));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(4001));
  });

  it('fails with MALFORMED_CSV naming the line of a quoted cell with text after its closing quote', async () => {
    const error = await expectFailure(utf8('a,b\n1,2\n3,"four"five\n6,7\n'));
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(3));
  });
});

describe('CsvReader: the longest row', () => {
  it('fails with MALFORMED_CSV naming the line and the limit of a row longer than the limit, not an unclosed quote', async () => {
    const long = 'x'.repeat(50);
    const error = await expectFailure(utf8(`a,b\n1,2\n3,${long}\n4,5\n`), { maxRowChars: 40 });
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(3));
    expect(error.message).toMatch(/longer than 40 characters/);
    expect(error.message).not.toMatch(/quote/);
  });

  it('fails a long row still being read at the end of the file as a long row', async () => {
    const error = await expectFailure(utf8(`a,b\r\n1,2\r\n3,${'y'.repeat(60)}`), { maxRowChars: 40 });
    expect(error.message).toMatch(namesLine(3));
    expect(error.message).toMatch(/longer than 40 characters/);
  });

  it('names an open quote past the limit as an unclosed quote', async () => {
    const error = await expectFailure(utf8(`a,b\n1,2\n\n3,"${'z\n'.repeat(30)}`), { maxRowChars: 40 });
    expect(error.code).toBe('MALFORMED_CSV');
    expect(error.message).toMatch(namesLine(4));
    expect(error.message).toMatch(/quoted cell .* still open after 40 characters/);
  });

  it('reads rows up to the limit', async () => {
    const cell = 'w'.repeat(36);
    await expectRead(utf8(`a,b\n1,${cell}\n2,${cell}\n`), { maxRowChars: 40 }, {
      header: [1, ['a', 'b']],
      rows: [
        [2, ['1', cell]],
        [3, ['2', cell]],
      ],
    });
  });

  it('stops reading a 50 MB cell with no line break soon after the limit: memory stays bounded', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x41);
    let pulled = 0;
    async function* file(): AsyncGenerator<Uint8Array> {
      yield utf8('Mobile,Note\n919876543210,');
      for (let i = 0; i < 50; i++) {
        pulled += chunk.length;
        yield chunk;
      }
      yield utf8('\n');
    }
    const reader = new CsvReader(file(), DEFAULT_CSV_OPTIONS);
    let caught: unknown = null;
    try {
      await reader.header();
      for await (const _ of reader.records()) {
        // Reading is what fails.
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as FileError).code).toBe('MALFORMED_CSV');
    expect((caught as FileError).message).toMatch(namesLine(2));
    expect((caught as FileError).message).toMatch(/longer than 8,388,608 characters/);
    expect(pulled).toBeLessThanOrEqual(MAX_ROW_CHARS + 2 * chunk.length);
  });
});
