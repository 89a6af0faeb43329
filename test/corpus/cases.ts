import type { FileErrorCode, RowErrorCode } from '../../src/core/error-codes.js';

/**
 * The bad-input corpus: every file under files/, templates/ and reference-data/ with the outcome
 * the product owes it. corpus.test.ts runs each one through the engine; a file without a case
 * here, or a case without its file, fails that suite.
 *
 * CSV files are imported with the Trackers template of tracker "Spend 2025" over the org of
 * test/helpers.ts (`acmeOrg`), `template` going over it. Most files hold, under the header
 * `Mobile,Bill Number,Transaction Date,Store Code,Tracked Value,Note`, rows of the three
 * transactions that template accepts (B-1, B-2, B-3) and a row whose tracked value is "abc".
 */

export interface JobOutcome {
  status: 'VALIDATED' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';
  /** A failed job's code, and what its message must say. */
  fileError?: { code: FileErrorCode; message: RegExp; notMessage?: RegExp };
  /** Every rejected row, in row order: its spreadsheet row number and code. */
  rejected?: Array<[number, RowErrorCode]>;
  /** Rows imported (tracker values written). */
  imported?: number;
  /** Text the error report must hold (the formula guard, cells read back as they were). */
  errorReportHas?: string[];
}

export interface CsvCase {
  /** The file under files/, or a name for a file made at run time. */
  file: string;
  about: string;
  /** Bytes made at run time (files too big to keep in git). */
  generate?: () => Buffer;
  template?: Record<string, unknown>;
  expect: JobOutcome;
}

/** A control character as it is, not escaped: what a message must not print to a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what this looks for
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const BASE = 'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value,Note';

/** Rows 2–4 imported, row 5 "abc". */
const ENCODED: JobOutcome = { status: 'COMPLETED_WITH_ERRORS', imported: 3, rejected: [[5, 'INVALID_NUMBER']], errorReportHas: ['abc,bad value,5,INVALID_NUMBER'] };

/** 1 header, 2 valid, 3 blank, 4 "abc", 5 and 6 valid. */
const LINE_ENDS: JobOutcome = { status: 'COMPLETED_WITH_ERRORS', imported: 3, rejected: [[4, 'INVALID_NUMBER']] };

export const CSV_CASES: CsvCase[] = [
  { file: 'encodings/utf8-bom.csv', about: 'UTF-8 with a byte-order mark', expect: ENCODED },
  { file: 'encodings/utf16le-bom.csv', about: 'UTF-16LE with a byte-order mark', expect: ENCODED },
  { file: 'encodings/utf16be-bom.csv', about: 'UTF-16BE with a byte-order mark', expect: ENCODED },
  { file: 'encodings/utf16le-no-bom.csv', about: 'UTF-16LE without a byte-order mark', expect: ENCODED },
  { file: 'encodings/utf16be-no-bom.csv', about: 'UTF-16BE without a byte-order mark', expect: ENCODED },
  { file: 'encodings/utf16le-no-bom-cr.csv', about: 'UTF-16LE without a byte-order mark, lone \\r line ends', expect: ENCODED },
  { file: 'encodings/latin1.csv', about: 'Latin-1, the template saying so', template: { csv: { encoding: 'latin1' } }, expect: ENCODED },
  {
    file: 'encodings/latin1.csv',
    about: 'Latin-1 read as UTF-8',
    expect: { status: 'FAILED', fileError: { code: 'MALFORMED_CSV', message: /not valid text in its encoding.*"latin1"/ } },
  },

  { file: 'line-ends/crlf.csv', about: '\\r\\n line ends', expect: LINE_ENDS },
  { file: 'line-ends/lf.csv', about: '\\n line ends', expect: LINE_ENDS },
  { file: 'line-ends/cr.csv', about: 'lone \\r line ends (old Mac exports)', expect: LINE_ENDS },
  { file: 'line-ends/mixed.csv', about: '\\r\\n, \\n and lone \\r in one file, no line end at the end', expect: LINE_ENDS },
  {
    file: 'line-ends/cr-multiline-cell.csv',
    about: 'lone \\r line ends and a quoted cell over two lines: still one row',
    expect: { status: 'COMPLETED_WITH_ERRORS', imported: 2, rejected: [[3, 'INVALID_NUMBER']] },
  },

  {
    file: 'blank-lines/blank-lines.csv',
    about: 'blank lines before the header, between rows and at the end, lines of only delimiters and spaces',
    expect: { status: 'COMPLETED_WITH_ERRORS', imported: 2, rejected: [[8, 'INVALID_NUMBER']] },
  },

  {
    file: 'huge/50-mb-cell.csv',
    about: 'a 50 MB cell with no line break',
    generate: () => Buffer.concat([Buffer.from(`${BASE}\n919876543211,B-1,2025-03-01,S001,12.50,ok\n919876543210,B-2,2025-03-02,S001,3,`), Buffer.alloc(50 * 1024 * 1024, 'A'), Buffer.from('\n')]),
    expect: { status: 'FAILED', fileError: { code: 'MALFORMED_CSV', message: /^The row on line 3 is longer than 8,388,608 characters/, notMessage: /quote/ } },
  },
  {
    file: 'huge/unclosed-quote-then-50-mb.csv',
    about: 'a quote that never closes, followed by 50 MB',
    generate: () => Buffer.concat([Buffer.from(`${BASE}\n919876543211,B-1,2025-03-01,S001,12.50,ok\n\n919876543210,B-2,2025-03-02,S001,3,"`), Buffer.alloc(50 * 1024 * 1024, 'A\n')]),
    expect: { status: 'FAILED', fileError: { code: 'MALFORMED_CSV', message: /^A quoted cell that starts on line 4 is still open after 8,388,608 characters/ } },
  },

  {
    file: 'control/esc-sequences.csv',
    about: 'terminal escape sequences in cells: data, kept as they are',
    expect: { status: 'COMPLETED_WITH_ERRORS', imported: 1, rejected: [[2, 'STORE_NOT_FOUND'], [4, 'TRANSACTION_NOT_FOUND']], errorReportHas: ['\u001b[31mS001\u001b[0m'] },
  },

  {
    file: 'formula/formula-cells.csv',
    about: 'cells that would start a formula, and one guarded by an earlier error report',
    expect: {
      status: 'COMPLETED_WITH_ERRORS',
      imported: 2,
      rejected: [[3, 'INVALID_IDENTIFIER'], [4, 'STORE_NOT_FOUND']],
      errorReportHas: [`"'=HYPERLINK(""http://evil.example"",""open"")"`, "'@SUM(1+1)"],
    },
  },

  {
    file: 'quotes/unclosed-at-end.csv',
    about: 'a quote opened on the last line and never closed',
    expect: { status: 'FAILED', fileError: { code: 'MALFORMED_CSV', message: /^A quote opened on line 4 is never closed/ } },
  },
  {
    file: 'quotes/unclosed-at-end-no-newline.csv',
    about: 'a quote opened in the last cell of a file with no line end at the end',
    expect: { status: 'FAILED', fileError: { code: 'MALFORMED_CSV', message: /^A quote opened on line 4 is never closed/ } },
  },
  {
    file: 'quotes/text-after-closing-quote.csv',
    about: 'text after a closing quote',
    expect: { status: 'FAILED', fileError: { code: 'MALFORMED_CSV', message: /^A quoted cell on line 3 has text after its closing quote/ } },
  },

  {
    file: 'header/duplicate-used.csv',
    about: 'a header the template reads, twice',
    expect: { status: 'FAILED', fileError: { code: 'DUPLICATE_COLUMN', message: /^The header has "Store Code" twice, in columns 4 and 6, and field "storeCode" reads that column/ } },
  },
  {
    file: 'header/duplicate-mapped.csv',
    about: 'a header mapped explicitly, twice in other cases',
    template: { mapping: { storeCode: 'shop', customer: 'Phone' } },
    expect: { status: 'FAILED', fileError: { code: 'DUPLICATE_COLUMN', message: /"Shop" \(column 2\) and "SHOP" \(column 5\).*field "storeCode"/ } },
  },
  {
    file: 'header/duplicate-with-escapes.csv',
    about: 'a duplicated header holding a terminal escape sequence: named escaped in the message',
    template: { mapping: { storeCode: '\u001b[31mShop' } },
    expect: { status: 'FAILED', fileError: { code: 'DUPLICATE_COLUMN', message: /^The header has "\\u001b\[31mShop" twice, in columns 2 and 5/, notMessage: RAW_CONTROL } },
  },
  {
    file: 'header/missing-with-escapes.csv',
    about: 'a header holding a terminal escape sequence, listed escaped when a field has no column',
    expect: { status: 'FAILED', fileError: { code: 'MISSING_COLUMN', message: /"\\u001b\]0;owned\\u0007Value"/, notMessage: RAW_CONTROL } },
  },
  { file: 'header/duplicate-unused.csv', about: 'a header no field reads, twice', expect: { status: 'COMPLETED', imported: 1 } },

  { file: 'empty/empty.csv', about: 'no bytes at all', expect: { status: 'FAILED', fileError: { code: 'EMPTY_FILE', message: /no data rows/ } } },
  { file: 'empty/bom-only.csv', about: 'only a byte-order mark', expect: { status: 'FAILED', fileError: { code: 'EMPTY_FILE', message: /no data rows/ } } },
  { file: 'empty/blank-lines-only.csv', about: 'only blank lines', expect: { status: 'FAILED', fileError: { code: 'EMPTY_FILE', message: /no data rows/ } } },
  { file: 'empty/header-only.csv', about: 'a header and nothing else', expect: { status: 'FAILED', fileError: { code: 'EMPTY_FILE', message: /^The file has a header but no data rows/ } } },
  {
    file: 'empty/header-and-blank-rows.csv',
    about: 'a header, then only blank rows',
    expect: { status: 'FAILED', fileError: { code: 'EMPTY_FILE', message: /^The file has a header but no data rows/ } },
  },

  {
    file: 'white-space/unicode-spaces.csv',
    about: 'cells wrapped in no-break, figure, narrow, ideographic and zero-width spaces and U+FEFF',
    expect: { status: 'COMPLETED', imported: 3 },
  },

  {
    file: 'shape/wrong-column-count.csv',
    about: 'rows with fewer and more cells than the header',
    expect: { status: 'COMPLETED_WITH_ERRORS', imported: 2, rejected: [[3, 'WRONG_COLUMN_COUNT'], [5, 'WRONG_COLUMN_COUNT']] },
  },
];

/** A template JSON file (what `template save` takes): every one of these is refused, nothing saved. */
export interface TemplateCase {
  /** The file under templates/, or a name for JSON made at run time. */
  file: string;
  about: string;
  /** JSON made at run time (nesting deeper than the linter that checks the repo's JSON reads). */
  generate?: () => string;
  expect: { refused: { code: FileErrorCode; message: RegExp } };
}

/** How deep the generated JSON nests. */
const DEEP = 100_000;

const hostileTemplate = (body: string) => `{"org": "acme", "name": "hostile", "profile": "TRACKERS", ${body}}`;

const refused = (message: RegExp) => ({ refused: { code: 'INVALID_TEMPLATE' as const, message } });

export const TEMPLATE_CASES: TemplateCase[] = [
  { file: 'unknown-key.json', about: 'an unknown key', expect: refused(/^Template: unknown key "colour"$/) },
  { file: 'unknown-csv-key.json', about: 'an unknown key in csv', expect: refused(/^Template "csv": unknown key "separator"$/) },
  { file: 'unknown-config-key.json', about: 'an unknown key in config', expect: refused(/^Template "config": unknown key "trackerName"$/) },
  { file: 'unknown-field.json', about: 'a mapping to a field the profile does not have', expect: refused(/^Template "mapping.amount": profile TRACKERS has no field "amount"/) },
  { file: 'wrong-type-csv.json', about: 'a string where a boolean goes', expect: refused(/^Template "csv.header": must be true or false, not a string/) },
  { file: 'wrong-type-mapping.json', about: 'a boolean where a header or column number goes', expect: refused(/^Template "mapping.customer"/) },
  { file: 'wrong-type-config.json', about: 'an array as config', expect: refused(/^Template "config": must be a JSON object, not a list$/) },
  { file: 'huge-row-limit.json', about: 'a number too big for a double (1e400)', expect: refused(/^Template "rowLimit": .*Infinity/) },
  { file: 'huge-skip-top.json', about: 'a number past the safe integers', expect: refused(/^Template "csv.skipTop": Too big/) },
  { file: 'huge-column-number.json', about: 'a column number past the safe integers', expect: refused(/^Template "mapping.trackedValue": Too big/) },
  { file: 'huge-tracker-id.json', about: 'a tracker id of 30 digits', expect: refused(/^Template "config.tracker": Too big/) },
  { file: 'proto-top.json', about: 'a __proto__ key at the top', expect: refused(/^Template: unknown key "__proto__"$/) },
  { file: 'proto-csv.json', about: 'a __proto__ key in csv', expect: refused(/^Template "csv": unknown key "__proto__"$/) },
  { file: 'proto-config.json', about: 'a __proto__ key in config', expect: refused(/^Template "config.__proto__": a key named "__proto__" is not allowed/) },
  { file: 'proto-mapping.json', about: 'a __proto__ key in mapping', expect: refused(/^Template "mapping.__proto__": a key named "__proto__" is not allowed/) },
  { file: 'proto-defaults.json', about: 'a __proto__ key in defaults', expect: refused(/^Template "defaults.__proto__": a key named "__proto__" is not allowed/) },
  { file: 'constructor-defaults.json', about: 'constructor and prototype keys in defaults', expect: refused(/^Template "defaults.constructor": profile TRACKERS has no field "constructor"/) },
  {
    file: 'deep-nesting-config.json',
    about: 'arrays nested 100,000 deep in config',
    generate: () => hostileTemplate(`"config": {"tracker": "Spend 2025", "x": ${'['.repeat(DEEP)}1${']'.repeat(DEEP)}}`),
    expect: refused(/^Template "config": unknown key "x"$/),
  },
  {
    file: 'deep-nesting-mapping.json',
    about: 'objects nested 100,000 deep in mapping',
    generate: () => hostileTemplate(`"config": {"tracker": "Spend 2025"}, "mapping": {"customer": ${'{"a": '.repeat(DEEP)}"Mobile"${'}'.repeat(DEEP)}}`),
    expect: refused(/^Template "mapping.customer"/),
  },
  {
    file: 'deep-nesting-proto.json',
    about: 'a __proto__ key under objects nested 100,000 deep in config',
    generate: () => hostileTemplate(`"config": {"tracker": "Spend 2025", "x": ${'{"a": '.repeat(DEEP)}{"__proto__": {"polluted": true}}${'}'.repeat(DEEP)}}`),
    expect: refused(/^Template "config": unknown key "x"$/),
  },
];

/** A reference-data JSON file (`org load`): every one of these is refused whole. */
export interface ReferenceDataCase {
  /** The file under reference-data/, or a name for JSON made at run time. */
  file: string;
  about: string;
  generate?: () => string;
  expect: { refused: RegExp };
}

export const REFERENCE_DATA_CASES: ReferenceDataCase[] = [
  { file: 'unknown-key.json', about: 'an unknown key', expect: { refused: /^the file: unknown key "colour"$/ } },
  { file: 'unknown-store-key.json', about: 'an unknown key in a store', expect: { refused: /^stores\[0\] \(code "S1"\): unknown key "city"$/ } },
  { file: 'wrong-type.json', about: 'a string where a list goes', expect: { refused: /^stores: must be a list, not a string/ } },
  { file: 'wrong-type-user-id.json', about: 'a string where a number goes', expect: { refused: /^customers\[0\] \(userId "1001"\)\.userId: must be a number, not a string/ } },
  { file: 'huge-user-id.json', about: 'a user id of 1e30', expect: { refused: /^customers\[0\] .*\.userId: Too big/ } },
  { file: 'unsafe-integer.json', about: 'a user id past the safe integers', expect: { refused: /^customers\[0\] .*\.userId: Too big/ } },
  { file: 'huge-amount.json', about: 'an amount of 1e300', expect: { refused: /^transactions\[0\] .*\.amount: "1e\+300" is not a decimal/ } },
  { file: 'proto-top.json', about: 'a __proto__ key at the top', expect: { refused: /^the file: unknown key "__proto__"$/ } },
  { file: 'proto-customer.json', about: 'a __proto__ key in a customer', expect: { refused: /^customers\[0\] \(userId 1\): unknown key "__proto__"$/ } },
  { file: 'constructor-store.json', about: 'a constructor key in a store', expect: { refused: /^stores\[0\] \(code "S1"\): unknown key "constructor"$/ } },
  { file: 'proto-org-id.json', about: 'an org named __proto__', expect: { refused: /^org\.id: a slug/ } },
  {
    file: 'deep-nesting.json',
    about: 'arrays nested 100,000 deep',
    generate: () => `{"org": {"id": "acme2", "name": "Acme Two", "baseCountry": "IN", "timezone": "Asia/Kolkata"}, "stores": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`,
    expect: { refused: /^stores\[0\]: must be a JSON object, not/ },
  },
];
