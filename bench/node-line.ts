import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The node binary every server child runs on, and its version. */
export interface ServerNode {
  path: string;
  /** `process.version` of that binary, e.g. v24.11.1. */
  version: string;
  /** BENCH_NODE, when it picked the line. */
  line?: string;
}

/**
 * BENCH_NODE=<major> (e.g. 24): that Node line from `.cache/node-<major>`, installed by
 * scripts/node-lines.sh when missing (it prints what it does on stderr). Unset: this process's
 * node.
 */
export function serverNode(root: string): ServerNode {
  const line = process.env.BENCH_NODE ?? '';
  if (line === '') return { path: process.execPath, version: process.version };
  if (!/^\d+$/.test(line)) throw new Error('BENCH_NODE must be a major version, e.g. 24');
  const path = execFileSync(
    'bash',
    [join(root, 'scripts', 'node-lines.sh'), line, 'node', '-p', 'process.execPath'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  ).trim();
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  return { path, version, line };
}

/**
 * Where a full run's report goes: bench/results.md for Node 24, the line our users run and the
 * one the targets are held to; bench/results-node<major>.md for any other line, so a Node 20
 * run sits beside it. A smoke run (BENCH_SMOKE=1) writes dist-bench/results-smoke.md and
 * leaves bench/ alone.
 */
export function resultsFile(root: string, version: string, smoke: boolean): string {
  if (smoke) return join(root, 'dist-bench', 'results-smoke.md');
  const major = version.replace(/^v/, '').split('.')[0];
  return join(root, 'bench', major === '24' ? 'results.md' : `results-node${major}.md`);
}
