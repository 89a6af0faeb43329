import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository's Markdown and its links. A user's clone holds the repository and nothing next
 * to it, so a relative link must stay inside the repository and name a file (and a heading) that
 * is there.
 */

/** Directories that are not the repository's own pages. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'tmp', 'bench-out', '.vitest']);

/** Every Markdown file of the repository, as paths relative to its root. */
export function markdownFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...markdownFiles(root, rel));
    } else if (entry.name.endsWith('.md')) {
      out.push(rel);
    }
  }
  return out.sort();
}

export interface LinkProblem {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** The links of a Markdown text, outside code: inline, reference definitions, HTML href/src. */
export function linksOf(text: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  let fence: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (marker) {
      if (fence === null) fence = marker[1]![0]!;
      else if (marker[1]![0] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: i + 1, target: m[1]!.replace(/^<|>$/g, '') });
    const def = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (def) links.push({ line: i + 1, target: def[1]!.replace(/^<|>$/g, '') });
    for (const m of line.matchAll(/\b(?:href|src)="([^"]+)"/g)) links.push({ line: i + 1, target: m[1]! });
  });
  return links;
}

/** The anchors of a Markdown text's headings, as GitHub makes them, and of its `<a id>`/`<a name>`. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line);
    if (marker) {
      if (fence === null) fence = marker[1]![0]!;
      else if (marker[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** GitHub's heading slug: link text kept, lower case, punctuation dropped but `-` and `_`, spaces as `-`. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every relative link of the files that leaves the repository, names a missing file, or a missing heading. */
export function checkLinks(root: string, files: readonly string[]): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const anchors = new Map<string, Set<string>>();
  const anchorsIn = (file: string) => {
    let set = anchors.get(file);
    if (!set) {
      set = anchorsOf(fs.readFileSync(file, 'utf8'));
      anchors.set(file, set);
    }
    return set;
  };
  for (const file of files) {
    const abs = path.join(root, file);
    for (const { line, target } of linksOf(fs.readFileSync(abs, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: … are not files of the repository
      const problem = (p: string) => problems.push({ file, line, target, problem: p });
      const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
      if (rawPath.startsWith('/')) {
        problem('an absolute path: write it relative to this file');
        continue;
      }
      const resolved = rawPath === '' ? abs : path.resolve(path.dirname(abs), decodeURIComponent(rawPath));
      const inside = path.relative(root, resolved);
      if (inside.startsWith('..') || path.isAbsolute(inside)) {
        problem('leaves the repository: a clone has nothing there');
        continue;
      }
      if (!fs.existsSync(resolved)) {
        problem(`names ${inside}, which does not exist`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor)) problem(`${inside} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}
