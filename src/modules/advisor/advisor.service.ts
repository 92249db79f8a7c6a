import type { AdvisorInput, CheckGroup, CheckResult } from './advisor.types.js';
import { checkGroups } from './checks/index.js';

export interface AdvisorReport {
  results: CheckResult[];
  counts: { pass: number; warn: number; fail: number };
  /** False when any check failed: a deploy pipeline gates on this. */
  ok: boolean;
}

/**
 * Runs every check group over the running configuration. A group that throws is reported as a
 * failing check of its own rather than hiding the others.
 */
export function runAdvisor(input: AdvisorInput, groups: readonly CheckGroup[] = checkGroups): AdvisorReport {
  const results = groups.flatMap((group): CheckResult[] => {
    try {
      return group(input);
    } catch (err) {
      return [{ id: `check-error-${group.name}`, title: `Check ${group.name}`, status: 'fail', detail: `the check itself failed: ${err instanceof Error ? err.message : String(err)}`, fix: 'Report this as a bug.' }];
    }
  });
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const r of results) counts[r.status] += 1;
  return { results, counts, ok: counts.fail === 0 };
}

/** The report as aligned text lines, one per check, with the fix under anything not passing. */
export function formatReport(report: AdvisorReport): string {
  const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;
  const lines = report.results.flatMap((r) => [
    `${mark[r.status]}  ${r.title}: ${r.detail}`,
    ...(r.status !== 'pass' && r.fix ? [`      fix: ${r.fix}`] : []),
  ]);
  lines.push('', `${report.counts.pass} passed, ${report.counts.warn} warned, ${report.counts.fail} failed`);
  return `${lines.join('\n')}\n`;
}
