// The outputs of `wikimd check`, written as each page's result arrives (in path order), so that a
// corpus of a million pages never holds its diagnostics in memory: `path:line:col: severity code
// message` lines with a summary table, JSON, SARIF 2.1.0 for code-scanning UIs, unified diffs for
// `--dry-run`, or the summary alone.
import { DIAGNOSTIC_CODES, DEFAULT_SEVERITIES } from '../features/settings';
import type { FileResult, Row } from './checkFile';

export type Format = 'text' | 'json' | 'sarif' | 'diff' | 'summary';

/** What is kept of the whole run: counts, and the (few) pages skipped or not fixed. */
export class Tally {
  readonly counts = new Map<string, number>(DIAGNOSTIC_CODES.map((c) => [c, 0]));
  readonly skipped: { file: string; problem: string }[] = [];
  pages = 0;
  fixes = 0;
  fixedFiles = 0;
  errors = 0;

  add(r: FileResult): void {
    if (r.problem) this.skipped.push({ file: r.file, problem: r.problem });
    if (!r.problem || r.rows.length) this.pages++;
    if (r.fixed) {
      this.fixes += r.fixed;
      this.fixedFiles++;
    }
    for (const row of r.rows) {
      this.counts.set(row.code, (this.counts.get(row.code) ?? 0) + 1);
      if (row.severity === 'error') this.errors++;
    }
  }
}

export interface Reporter {
  file(r: FileResult): void;
  end(seconds: number): void;
}

export function createReporter(format: Format, write: (s: string) => void, displayPath: (file: string) => string, fixing: boolean, version: string): { reporter: Reporter; tally: Tally } {
  const tally = new Tally();
  const summaryText = (seconds: number) => summary(tally, seconds, fixing, displayPath);
  let first = true;
  const separator = () => {
    const s = first ? '' : ',';
    first = false;
    return s;
  };
  const uri = (file: string) => encodeURI(displayPath(file).split('\\').join('/'));
  // Each page's path is made once for its rows (path.relative per finding was 2% of a check).
  const reporters: Record<Format, Reporter> = {
    text: {
      file: (r) => {
        const shown = r.rows.length ? displayPath(r.file) : '';
        for (const row of r.rows) write(`${shown}:${row.line}:${row.column}: ${row.severity} ${row.code} ${row.message}\n`);
      },
      end: (seconds) => write(`\n${summaryText(seconds)}\n`),
    },
    summary: { file: () => undefined, end: (seconds) => write(`${summaryText(seconds)}\n`) },
    diff: { file: (r) => { if (r.diff) write(r.diff); }, end: () => undefined },
    json: {
      file: (r) => {
        const file = r.rows.length ? displayPath(r.file) : '';
        for (const row of r.rows) write(`${separator()}\n    ${JSON.stringify({ file, ...row })}`);
      },
      end: (seconds) => write(`\n  ],\n${JSON.stringify({
        pages: tally.pages,
        seconds,
        counts: Object.fromEntries(tally.counts),
        skipped: tally.skipped.map((s) => ({ file: displayPath(s.file), problem: s.problem })),
        fixes: tally.fixes,
        fixedFiles: tally.fixedFiles,
      }, null, 2).slice(1)}\n`),
    },
    sarif: {
      file: (r) => {
        const at = r.rows.length ? uri(r.file) : '';
        for (const row of r.rows) write(`${separator()}\n        ${JSON.stringify(sarifResult(at, row))}`);
      },
      end: () => write(`\n      ],\n${sarifRunTail(tally, uri, version)}\n`),
    },
  };
  if (format === 'json') write('{\n  "diagnostics": [');
  if (format === 'sarif') write('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n  "runs": [\n    {\n      "columnKind": "utf16CodeUnits",\n      "results": [');
  const chosen = reporters[format];
  return { reporter: { file: (r) => { tally.add(r); chosen.file(r); }, end: chosen.end }, tally };
}

export function summary(tally: Tally, seconds: number, fixing: boolean, displayPath: (file: string) => string): string {
  const head = [`${tally.pages} pages checked in ${seconds.toFixed(2)} s`];
  if (fixing) head.push(`${tally.fixes} fixes in ${tally.fixedFiles} files`);
  const lines = tally.skipped.map((s) => `skipped: ${displayPath(s.file)}: ${s.problem}`);
  const rows = [...tally.counts].map(([code, n]) => `  ${code.padEnd(20)} ${String(n).padStart(7)}`);
  return [...lines, head.join(', '), 'code                       count', ...rows].join('\n');
}

const SARIF_LEVELS: Record<Row['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

const RULE_TEXT: Record<string, string> = {
  'missing-page': 'Local link to a page that is not in the corpus',
  'variant-title': 'Local link whose title exists only as a Traditional/Simplified variant',
  'link-trail': 'Text after a link that pandoc swallowed into the link',
  'link-trail-guess': 'Text after a link that pandoc may have swallowed into the link (where the label ends is a guess)',
  'wiki-page-exists': 'Wikipedia link to a page that is in the corpus',
  'empty-parens': 'Empty parentheses left by a dropped template',
  footnote: 'Reference without a note, or an empty note',
  'outside-workspace': 'Link that points outside the workspace folders',
  'page-truncated': 'Page longer than the size limit, checked only in part',
};

/** One SARIF result; columns are UTF-16 code units, SARIF's default. */
function sarifResult(uri: string, row: Row) {
  return {
    ruleId: row.code,
    ruleIndex: DIAGNOSTIC_CODES.indexOf(row.code as (typeof DIAGNOSTIC_CODES)[number]),
    level: SARIF_LEVELS[row.severity],
    message: { text: row.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
        region: { startLine: row.line, startColumn: row.column, endLine: row.endLine, endColumn: row.endColumn },
      },
    }],
  };
}

/** The rest of the SARIF run after its results: the tool with its rules, and the skipped files. */
function sarifRunTail(tally: Tally, uri: (file: string) => string, version: string): string {
  const rules = DIAGNOSTIC_CODES.map((id) => ({
    id,
    shortDescription: { text: RULE_TEXT[id] },
    defaultConfiguration: { level: DEFAULT_SEVERITIES[id] === 'off' ? 'none' : SARIF_LEVELS[DEFAULT_SEVERITIES[id] as Row['severity']] },
  }));
  const notifications = tally.skipped.map((s) => ({
    level: 'warning',
    message: { text: s.problem },
    locations: [{ physicalLocation: { artifactLocation: { uri: uri(s.file), uriBaseId: '%SRCROOT%' } } }],
  }));
  const tail = {
    tool: { driver: { name: 'wikimd', version, informationUri: 'https://example.invalid/wiki-markdown', rules } },
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
  };
  const indented = JSON.stringify(tail, null, 2).slice(1, -1).split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  return `${indented.replace(/^\n/, '')}\n    }\n  ]\n}`;
}
