/**
 * Writes the import graph of src/ into docs/architecture.md (between the graph markers) as a Mermaid
 * flowchart: one node per floor or module, one arrow per importing pair, from dependency-cruiser's own
 * reading of the code. `--check` fails instead of writing when the document is out of date.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

interface Cruised {
  modules: { source: string; dependencies: { resolved: string; coreModule: boolean; couldNotResolve: boolean }[] }[];
}

function unitOf(path: string): string | undefined {
  const module = /^src\/modules\/([^/]+)\//.exec(path);
  if (module) return `modules/${module[1]}`;
  const floor = /^src\/(kernel|db|adapters|http|web|backoffice|cli)\//.exec(path);
  if (floor) return floor[1];
  const top = /^src\/([^/]+)\.tsx?$/.exec(path);
  return top ? top[1] : undefined;
}

const json = execFileSync('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const cruised = JSON.parse(json) as Cruised;
const edges = new Set<string>();
for (const m of cruised.modules) {
  const from = unitOf(m.source);
  if (from === undefined) continue;
  for (const d of m.dependencies) {
    const to = d.coreModule || d.couldNotResolve ? undefined : unitOf(d.resolved);
    if (to !== undefined && to !== from) edges.add(`${from}|${to}`);
  }
}
const id = (unit: string) => unit.replace(/[^A-Za-z0-9]/g, '_');
const units = [...new Set([...edges].flatMap((e) => e.split('|')))].sort();
const lines = [
  '```mermaid',
  'flowchart TD',
  ...units.map((u) => `  ${id(u)}["${u}"]`),
  ...[...edges].sort().map((e) => {
    const [from, to] = e.split('|') as [string, string];
    return `  ${id(from)} --> ${id(to)}`;
  }),
  '```',
];
const file = 'docs/architecture.md';
const doc = readFileSync(file, 'utf8');
const start = '<!-- graph:start (npm run graph) -->';
const end = '<!-- graph:end -->';
const before = doc.indexOf(start);
const after = doc.indexOf(end);
if (before < 0 || after < 0) throw new Error(`${file} has no ${start} … ${end} block`);
const next = `${doc.slice(0, before + start.length)}\n${lines.join('\n')}\n${doc.slice(after)}`;
if (process.argv.includes('--check')) {
  if (next !== doc) {
    process.stderr.write(`${file}: the import graph is out of date; run npm run graph\n`);
    process.exit(1);
  }
} else writeFileSync(file, next);
