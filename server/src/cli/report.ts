// The outputs of `wikimd check`: `path:line:col: severity code message` lines with a summary
// table, JSON, and SARIF 2.1.0 for code-scanning UIs.
import { DIAGNOSTIC_CODES, DEFAULT_SEVERITIES } from '../features/settings';
import type { FileResult, Row } from './checkFile';

export interface Report {
  results: FileResult[];
  pages: number;
  seconds: number;
  displayPath: (file: string) => string;
  fixing: boolean;
}

export function countsByCode(results: readonly FileResult[]): Map<string, number> {
  const counts = new Map<string, number>(DIAGNOSTIC_CODES.map((c) => [c, 0]));
  for (const r of results) for (const row of r.rows) counts.set(row.code, (counts.get(row.code) ?? 0) + 1);
  return counts;
}

export function textReport(report: Report): string {
  const lines: string[] = [];
  for (const r of report.results) {
    for (const row of r.rows) lines.push(`${report.displayPath(r.file)}:${row.line}:${row.column}: ${row.severity} ${row.code} ${row.message}`);
  }
  lines.push('', summary(report));
  return `${lines.join('\n')}\n`;
}

export function summary(report: Report): string {
  const skipped = report.results.filter((r) => r.problem).length;
  const fixed = report.results.reduce((n, r) => n + r.fixed, 0);
  const head = [`${report.pages} pages checked in ${report.seconds.toFixed(2)} s`];
  if (report.fixing) head.push(`${fixed} fixes in ${report.results.filter((r) => r.fixed).length} files`);
  if (skipped) head.push(`${skipped} files skipped or not fixed (see above)`);
  const rows = [...countsByCode(report.results)].map(([code, n]) => `  ${code.padEnd(20)} ${String(n).padStart(7)}`);
  return [head.join(', '), 'code                       count', ...rows].join('\n');
}

export function jsonReport(report: Report): string {
  return `${JSON.stringify({
    pages: report.pages,
    seconds: report.seconds,
    counts: Object.fromEntries(countsByCode(report.results)),
    diagnostics: report.results.flatMap((r) => r.rows.map((row) => ({ file: report.displayPath(r.file), ...row }))),
    skipped: report.results.filter((r) => r.problem).map((r) => ({ file: report.displayPath(r.file), problem: r.problem })),
    fixed: report.results.filter((r) => r.fixed).map((r) => ({ file: report.displayPath(r.file), edits: r.fixed })),
  }, null, 2)}\n`;
}

const SARIF_LEVELS: Record<Row['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

const RULE_TEXT: Record<string, string> = {
  'missing-page': 'Local link to a page that is not in the corpus',
  'variant-title': 'Local link whose title exists only as a Traditional/Simplified variant',
  'link-trail': 'Text after a link that pandoc swallowed into the link',
  'wiki-page-exists': 'Wikipedia link to a page that is in the corpus',
  'empty-parens': 'Empty parentheses left by a dropped template',
  footnote: 'Reference without a note, or an empty note',
  'outside-workspace': 'Link that points outside the workspace folders',
  'page-truncated': 'Page longer than the size limit, checked only in part',
};

/** SARIF 2.1.0; columns are UTF-16 code units, SARIF's default. */
export function sarifReport(report: Report, version: string): string {
  const rules = DIAGNOSTIC_CODES.map((id) => ({
    id,
    shortDescription: { text: RULE_TEXT[id] },
    defaultConfiguration: { level: DEFAULT_SEVERITIES[id] === 'off' ? 'none' : SARIF_LEVELS[DEFAULT_SEVERITIES[id] as Row['severity']] },
  }));
  const results = report.results.flatMap((r) => r.rows.map((row) => ({
    ruleId: row.code,
    ruleIndex: DIAGNOSTIC_CODES.indexOf(row.code as (typeof DIAGNOSTIC_CODES)[number]),
    level: SARIF_LEVELS[row.severity],
    message: { text: row.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: encodeURI(report.displayPath(r.file).split('\\').join('/')), uriBaseId: '%SRCROOT%' },
        region: { startLine: row.line, startColumn: row.column, endLine: row.endLine, endColumn: row.endColumn },
      },
    }],
  })));
  const notifications = report.results.filter((r) => r.problem).map((r) => ({
    level: 'warning',
    message: { text: r.problem! },
    locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(report.displayPath(r.file)), uriBaseId: '%SRCROOT%' } } }],
  }));
  return `${JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'wikimd', version, informationUri: 'https://example.invalid/wiki-markdown', rules } },
      invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
      columnKind: 'utf16CodeUnits',
      results,
    }],
  }, null, 2)}\n`;
}
