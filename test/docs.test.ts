import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_ERRORS } from '../src/app/errors.js';
import { FILE_ERROR_CODES, ROW_ERROR_CODES } from '../src/core/error-codes.js';
import { ANNOUNCED, APP_ERROR_EXPLANATIONS, ERROR_CODE_EXPLANATIONS, FIELD_MANDATORY, JOB_STATUS_EXPLANATIONS, PROFILE_PAGES } from '../src/docs/explanations.js';
import { anchorsOf, checkLinks, linksOf, markdownFiles, slug } from '../src/docs/links.js';
import { renderPage, schemaKeys, sectionNames } from '../src/docs/render.js';
import { referenceDataSchema } from '../src/org/reference-data.js';
import { PROFILE_KEYS, PROFILES, profileOf } from '../src/profiles/registry.js';
import { JOB_STATUSES } from '../src/domain/jobs.js';
import { templateSchema } from '../src/templates/schema.js';
import { ensureBuilt, ON_POSTGRES, runCli, tempDir } from './helpers.js';

/**
 * The reference in docs/ against the code: generated sections up to date, every code, status,
 * field and schema key explained, and no link that a user's clone cannot follow.
 * `UPDATE_DOCS=1 npx vitest run test/docs.test.ts` (or `npm run docs`) writes the sections again.
 */

// Store-independent (the docs against the code): checked once, in the SQLite run.
const describeOnce = describe.skipIf(ON_POSTGRES);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describeOnce('the reference pages', () => {
  it('hold the generated sections exactly as the code renders them', () => {
    const stale: string[] = [];
    for (const file of markdownFiles(root)) {
      const text = read(file);
      const page = renderPage(text, file);
      if (page.text === text) continue;
      if (process.env.UPDATE_DOCS) fs.writeFileSync(path.join(root, file), page.text);
      else stale.push(file);
    }
    expect(stale, 'these pages are out of date: run `npm run docs`').toEqual([]);
  });

  it('render every section somewhere, each profile on its own page', () => {
    const rendered = new Map<string, string[]>();
    for (const file of markdownFiles(root)) {
      for (const name of renderPage(read(file), file).sections) rendered.set(name, [...(rendered.get(name) ?? []), file]);
    }
    expect(sectionNames().filter((n) => !rendered.has(n)), 'sections no page holds').toEqual([]);
    for (const key of PROFILE_KEYS) {
      const page = path.join('docs', 'reference', PROFILE_PAGES[key]);
      expect(rendered.get(`profile-fields:${key}`), key).toContain(page);
      expect(rendered.get(`profile-config:${key}`), key).toContain(page);
    }
  });

  it('refuse a section the code does not know, naming the sections it knows', () => {
    expect(() => renderPage('<!-- generated:error-code -->\n<!-- /generated -->\n', 'x.md')).toThrow(/unknown generated section "error-code".*file-error-codes/);
    expect(() => renderPage('<!-- generated:profiles -->\n', 'x.md')).toThrow(/x\.md: .* has no <!-- \/generated --> line/);
  });

  it('leave a marker quoted in running text alone', () => {
    const text = 'Sections sit between `<!-- generated:NAME -->` and `<!-- /generated -->`.\n';
    expect(renderPage(text, 'x.md')).toEqual({ text, sections: [] });
  });
});

describeOnce('explanations', () => {
  it('give every error code a cause and what to do', () => {
    const codes = [...FILE_ERROR_CODES, ...ROW_ERROR_CODES];
    const explanations: Record<string, { cause: string; fix: string } | undefined> = ERROR_CODE_EXPLANATIONS;
    for (const code of codes) {
      expect(explanations[code]?.cause, code).toMatch(/\w{3}/);
      expect(explanations[code]?.fix, code).toMatch(/\w{3}/);
    }
    for (const code of Object.keys(APP_ERRORS) as Array<keyof typeof APP_ERRORS>) {
      expect(APP_ERROR_EXPLANATIONS[code].cause, code).toMatch(/\w{3}/);
      expect(APP_ERROR_EXPLANATIONS[code].fix, code).toMatch(/\w{3}/);
    }
  });

  it('explain no code or status the code does not declare (nor announce)', () => {
    const declared = new Set<string>([...FILE_ERROR_CODES, ...ROW_ERROR_CODES, ...JOB_STATUSES, ...ANNOUNCED]);
    expect(Object.keys(ERROR_CODE_EXPLANATIONS).filter((c) => !declared.has(c))).toEqual([]);
    expect(Object.keys(JOB_STATUS_EXPLANATIONS).filter((s) => !declared.has(s))).toEqual([]);
    expect(Object.keys(APP_ERROR_EXPLANATIONS).filter((c) => !(c in APP_ERRORS) && !ANNOUNCED.includes(c))).toEqual([]);
  });

  it('give every job status a meaning', () => {
    const meanings: Record<string, string | undefined> = JOB_STATUS_EXPLANATIONS;
    for (const status of JOB_STATUSES) expect(meanings[status], status).toMatch(/\w{3}/);
  });

  it('say when every field of every profile is mandatory, and of no other field', () => {
    for (const key of PROFILE_KEYS) {
      const fields = PROFILES[key].fields.map((f) => f.key).sort();
      expect(Object.keys(FIELD_MANDATORY[key]).sort(), key).toEqual(fields);
    }
  });

  it('describe every key of the template, the reference-data file and every profile configuration', () => {
    const schemas = { template: templateSchema, 'reference data': referenceDataSchema, ...Object.fromEntries(PROFILE_KEYS.map((k) => [`${k} config`, PROFILES[k].configSchema])) };
    for (const [name, schema] of Object.entries(schemas)) {
      const keys = schemaKeys(schema);
      expect(keys.length, name).toBeGreaterThan(3);
      expect(
        keys.filter((k) => !k.description).map((k) => k.path),
        `${name}: keys without a description (add .meta({ description }) to the schema)`,
      ).toEqual([]);
    }
  });

  it('render a key of a nested object and of a list of objects with its path and default', () => {
    const keys = schemaKeys(templateSchema);
    expect(keys.find((k) => k.path === 'csv.encoding')).toMatchObject({ default: '`"utf-8"`', values: '`utf-8`, `latin1`, `utf-16le`, `utf-16be`' });
    expect(schemaKeys(referenceDataSchema).find((k) => k.path === 'transactions[].lineItems')).toMatchObject({ default: '`[]`' });
    expect(schemaKeys(PROFILES.TRACKERS.configSchema).find((k) => k.path === 'tracker')).toMatchObject({ default: 'required' });
  });
});

describeOnce('the examples in docs/examples', () => {
  it('are a valid reference-data file and valid templates', () => {
    expect(referenceDataSchema.safeParse(JSON.parse(read('docs/examples/acme-org.json'))).error).toBeUndefined();
    const templates = fs.readdirSync(path.join(root, 'docs/examples')).filter((f) => f.endsWith('-template.json'));
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const file of templates.map((f) => `docs/examples/${f}`)) {
      const parsed = templateSchema.parse(JSON.parse(read(file)));
      expect(profileOf(parsed.profile).configSchema.safeParse(parsed.config).error, file).toBeUndefined();
    }
  });
});

describeOnce('links', () => {
  it('of every Markdown file of the repository stay inside it and name files and headings that exist', () => {
    const files = markdownFiles(root);
    expect(files).toContain('README.md');
    expect(files).toContain(path.join('docs', 'reference', 'README.md'));
    expect(files.some((f) => f.startsWith('node_modules') || f.startsWith('dist'))).toBe(false);
    expect(checkLinks(root, files).map((p) => `${p.file}:${p.line}: ${p.target} ${p.problem}`)).toEqual([]);
  });

  it('that leave the repository, name a missing file or heading, or are absolute, are each reported with their line', () => {
    const dir = tempDir('loyalty-docs-');
    try {
      fs.mkdirSync(path.join(dir, 'docs'));
      fs.writeFileSync(path.join(dir, 'docs', 'b.md'), '# Error codes\n\n### `STORE_NOT_FOUND`\n');
      fs.writeFileSync(
        path.join(dir, 'README.md'),
        [
          '[spec](../shared/spec/README.md)',
          '[gone](docs/gone.md)',
          '[code](docs/b.md#store_not_found) [bad anchor](docs/b.md#store-not-found)',
          '[abs](/docs/b.md) [web](https://example.com/x) [self](#title)',
          '```',
          '[in a fence](../outside.md)',
          '```',
          'and `[in code](../outside.md)`',
          '# Title',
        ].join('\n'),
      );
      expect(checkLinks(dir, ['README.md']).map((p) => [p.line, p.target])).toEqual([
        [1, '../shared/spec/README.md'],
        [2, 'docs/gone.md'],
        [3, 'docs/b.md#store-not-found'],
        [4, '/docs/b.md'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are read from inline links, reference definitions and HTML attributes', () => {
    expect(linksOf('see [a](a.md "title") and [b](<b c.md>)\n[ref]: r.md\n<img src="i.png">').map((l) => l.target)).toEqual(['a.md', 'b c.md', 'r.md', 'i.png']);
  });

  it('to headings use the anchors GitHub makes', () => {
    expect(slug('`STORE_NOT_FOUND`')).toBe('store_not_found');
    expect(slug("A job's life")).toBe('a-jobs-life');
    expect(slug('Exit codes, and `--json`')).toBe('exit-codes-and---json');
    expect([...anchorsOf('# Rules\n## Rules\n<a id="x"></a>')]).toEqual(['rules', 'rules-1', 'x']);
  });
});

describeOnce('the command-line reference', () => {
  /** A command's help, read from the built CLI: its options and its subcommands. */
  async function help(command: string[], cwd: string): Promise<{ options: string[]; commands: string[] }> {
    const run = await runCli([...command, '--help'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const section = (title: string) => {
      const start = run.stdout.indexOf(`\n${title}:\n`);
      if (start < 0) return [];
      const body = run.stdout.slice(start + title.length + 3).split('\n\n')[0]!;
      return body.split('\n').filter((line) => /^ {2}\S/.test(line));
    };
    return {
      options: section('Options').flatMap((line) => [...line.matchAll(/--[a-z][a-z-]*/g)].slice(0, 1).map((m) => m[0])).filter((o) => o !== '--help'),
      commands: section('Commands').map((line) => line.trim().split(/\s/)[0]!).filter((c) => c !== 'help'),
    };
  }

  it('documents every command and every flag the built command line has', async () => {
    ensureBuilt();
    const cwd = tempDir('loyalty-docs-cli-');
    try {
      const page = read('docs/reference/cli.md');
      const [globalPart] = page.split('\n## Commands\n');
      const missing: string[] = [];
      const top = await help([], cwd);
      for (const option of top.options) if (!globalPart!.includes(`\`${option}`)) missing.push(`global option ${option}`);
      const walk = async (command: string[]): Promise<void> => {
        const h = await help(command, cwd);
        if (h.commands.length > 0) {
          await Promise.all(h.commands.map((sub) => walk([...command, sub])));
          return;
        }
        const name = command.join(' ');
        const start = page.indexOf(`\n### \`${name}\`\n`);
        if (start < 0) {
          missing.push(`command "${name}" (a "### \`${name}\`" section)`);
          return;
        }
        const end = page.indexOf('\n## ', start + 1);
        const next = page.indexOf('\n### ', start + 1);
        const body = page.slice(start, Math.min(...[end, next].filter((i) => i > 0), page.length));
        for (const option of h.options) if (!body.includes(option)) missing.push(`${name} ${option}`);
      };
      await Promise.all(top.commands.map((command) => walk([command])));
      expect(missing.sort(), 'docs/reference/cli.md does not document these').toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 300_000);
});

describeOnce('the HTTP API reference', () => {
  // The route table comes with the HTTP server; until it is there, there is nothing to check.
  const routesFile = path.join(root, 'src', 'http', 'routes.ts');

  it.skipIf(!fs.existsSync(routesFile))('lists every route of the route table, by method and path', async () => {
    const { ROUTES } = (await import(pathToFileURL(routesFile).href)) as { ROUTES: ReadonlyArray<{ method: string; path: string }> };
    const page = read('docs/reference/http-api.md');
    const missing = ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).filter((route) => !page.includes(`\`${route}\``));
    expect(ROUTES.length).toBeGreaterThan(10);
    expect(missing, 'docs/reference/http-api.md does not list these routes').toEqual([]);
  });
});
