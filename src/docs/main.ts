import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLinks, markdownFiles } from './links.js';
import { renderPage } from './render.js';

/**
 * `npm run docs`: renders the generated sections of every Markdown page from the code, then
 * checks every relative link. `--check` writes nothing and fails when a page is out of date.
 */

/** The repository root: the nearest directory above this file with a package.json (dist/ has none). */
function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('no package.json above src/docs/main');
    dir = parent;
  }
  return dir;
}

const root = repositoryRoot();
const check = process.argv.includes('--check');
let failed = false;

for (const file of markdownFiles(root)) {
  const abs = path.join(root, file);
  const text = fs.readFileSync(abs, 'utf8');
  const page = renderPage(text, file);
  if (page.text === text) continue;
  if (check) {
    process.stderr.write(`${file}: out of date; run \`npm run docs\`\n`);
    failed = true;
  } else {
    fs.writeFileSync(abs, page.text);
    process.stderr.write(`${file}: ${page.sections.length} generated section${page.sections.length === 1 ? '' : 's'} written\n`);
  }
}
for (const p of checkLinks(root, markdownFiles(root))) {
  process.stderr.write(`${p.file}:${p.line}: link "${p.target}" ${p.problem}\n`);
  failed = true;
}
process.exitCode = failed ? 1 : 0;
