import fs from 'node:fs';
import path from 'node:path';

/**
 * Report paths that would destroy data. A report is written over whatever its path names: named
 * after the store, it would replace the database (or its write-ahead log) with a CSV file; named
 * after the input file, it would replace the only copy of the data; the two reports at one path
 * would leave one of them lost. Such a command line is refused before anything runs.
 */

/** A file a report must not replace, and what to call it in the message. */
export interface GuardedFile {
  file: string;
  what: string;
}

/** The reports a command writes, by the option that names each. */
export type ReportPaths = Partial<Record<'errors' | 'success', string>>;

/** The files of a SQLite store at `location` (none for a PostgreSQL URL): the database, its write-ahead log, shared memory and journal. */
export function storeFiles(location: string): GuardedFile[] {
  if (/^postgres(ql)?:\/\//.test(location)) return [];
  return ['', '-wal', '-shm', '-journal'].map((suffix) => ({ file: `${location}${suffix}`, what: suffix ? `the store's ${suffix.slice(1)} file` : 'the store' }));
}

/** Why the reports of `reports` cannot be written where they are named, or null when they can. */
export function reportPathProblem(reports: ReportPaths, guarded: GuardedFile[]): string | null {
  const named = (Object.entries(reports) as Array<[string, string | undefined]>).filter((e): e is [string, string] => typeof e[1] === 'string');
  for (const [report, file] of named) {
    const target = identity(file);
    for (const g of guarded) {
      if (sameFile(target, identity(g.file))) return `--${report} "${file}" is ${g.what}; writing the report there would destroy it. Name another file for the report`;
    }
  }
  if (named.length === 2 && sameFile(identity(named[0]![1]), identity(named[1]![1]))) {
    return `--${named[0]![0]} and --${named[1]![0]} both name "${named[1]![1]}"; give each report a file of its own`;
  }
  return null;
}

interface FileIdentity {
  /** The resolved real path: links followed; for a path that does not exist yet, its directory's real path and its name. */
  real: string;
  /** Device and inode of an existing file: one file under two hard-linked names is one file. */
  inode: string | null;
}

function identity(file: string): FileIdentity {
  const absolute = path.resolve(file);
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  return { real: realPath(absolute), inode: stat ? `${stat.dev}:${stat.ino}` : null };
}

function realPath(absolute: string): string {
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.real === b.real || (a.inode !== null && a.inode === b.inode);
}
