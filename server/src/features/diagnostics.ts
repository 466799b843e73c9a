// The checks of one page. Findings carry document offsets; `toDiagnostics` turns them into LSP
// diagnostics with the user's severities. The CLI and the server share both.
import type { Diagnostic } from 'vscode-languageserver';
import type { LinkNode } from '../parse';
import type { Resolution, Workspace } from '../workspace/workspace';
import { findLinkTrail } from './linkTrail';
import { spanRange, type PageContext } from './page';
import { lspSeverity, type DiagnosticCode, type Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'wiki-markdown';

export interface Finding {
  code: DiagnosticCode;
  start: number;
  end: number;
  message: string;
}

export function findProblems(page: PageContext, workspace: Workspace): Finding[] {
  const findings: Finding[] = [];
  const source = page.document.getText();
  for (const link of page.parsed.links) findings.push(...linkProblems(source, link, workspace.resolve(link, page.file)));
  for (const parens of page.parsed.emptyParens) {
    findings.push({ ...parens, code: 'empty-parens', message: `Empty parentheses ${source.slice(parens.start, parens.end)} left by a dropped template` });
  }
  findings.push(...footnoteProblems(page));
  if (page.parsed.parsedLength < source.length) {
    const end = source.length;
    findings.push({
      code: 'page-truncated', start: page.parsed.parsedLength, end,
      message: `Only the first ${page.parsed.parsedLength} characters of this page were checked (wikiMarkdown.maxPageSize); the remaining ${end - page.parsed.parsedLength} were skipped`,
    });
  }
  return findings.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
}

function linkProblems(source: string, link: LinkNode, resolution: Resolution): Finding[] {
  const at = { start: link.start, end: link.end };
  const title = link.target?.title ?? '';
  const out: Finding[] = [];
  if (resolution.state === 'outside') {
    return [{ ...at, code: 'outside-workspace', message: `Link points outside the workspace folders: ${resolution.path}` }];
  }
  if (link.kind === 'local') {
    if (resolution.state === 'missing') out.push({ ...at, code: 'missing-page', message: `Page "${title}" is not in the corpus, not even as a Traditional/Simplified variant` });
    else if (resolution.state === 'exists' && resolution.match === 'variant') {
      out.push({ ...at, code: 'variant-title', message: `"${title}" is in the corpus only as its variant "${resolution.page.title}"` });
    }
  }
  if (link.kind === 'wiki' && resolution.state === 'exists') {
    out.push({ ...at, code: 'wiki-page-exists', message: `"${resolution.page.title}" is in the corpus: this can be a local link` });
  }
  const trail = findLinkTrail(source, link, resolution.state === 'exists' ? resolution.page.title : undefined);
  if (trail) out.push({ ...at, code: 'link-trail', message: `pandoc swallowed "${trail.text}" into the link to "${title}"` });
  return out;
}

function footnoteProblems(page: PageContext): Finding[] {
  const out: Finding[] = [];
  const { footnoteRefs, footnoteNotes } = page.parsed;
  const notes = new Map(footnoteNotes.map((n) => [`${n.style === 'gfm' ? 'gfm' : 'escaped'}:${n.label}`, n]));
  for (const ref of footnoteRefs) {
    if (!notes.has(`${ref.style}:${ref.label}`)) {
      out.push({ ...span(ref), code: 'footnote', message: `Reference [${ref.label}] has no note ${ref.label}` });
    }
  }
  for (const note of footnoteNotes) {
    if (note.empty) out.push({ ...span(note), code: 'footnote', message: `Note ${note.label} is empty (its citation template was dropped)` });
  }
  return out;
}

function span(s: { start: number; end: number }) {
  return { start: s.start, end: s.end };
}

export function toDiagnostics(page: PageContext, findings: readonly Finding[], settings: Settings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const severity = lspSeverity(settings.severities[f.code]);
    if (severity === undefined) continue;
    out.push({
      range: spanRange(page.document, f),
      severity,
      code: f.code,
      source: DIAGNOSTIC_SOURCE,
      message: f.message,
    });
  }
  return out;
}
